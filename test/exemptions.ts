// Are the rules' named exemptions pinned? Each must be reached by some fixture,
// and switching it off must change what that fixture reports; otherwise no test
// would notice the exemption going, or another exemption hides it.
// Used by test/exemptions.test.ts (`npm run check:exemptions` runs only that).
import fs from 'node:fs';
import path from 'node:path';
import { defaultConfig, validateConfig } from '../src/pipeline/config.js';
import { RULE_IDS, RULES } from '../src/pipeline/registry.js';
import { runLoopguard } from '../src/pipeline/run.js';
import { exemptionKey } from '../src/engine/rule-api.js';
import type { ExemptionUse, Finding } from '../src/engine/findings.js';
import { parseAnnotations } from './annotations.js';
import { ROOT, sourceFilesUnder } from './helpers.js';

/** One fixture run: a rule's fixture file (that rule only) or a fixture project (all rules). */
interface FixtureRun {
  name: string;
  run(disabled: readonly string[]): Promise<{ findings: Finding[]; exemptions: ExemptionUse[] }>;
}

export interface ExemptionStatus {
  key: string;
  reason: string;
  /** Fixtures where it applied. */
  reached: string[];
  /** Fixtures whose findings change when it is switched off. */
  pinnedBy: string[];
}

function fixtureRuns(): FixtureRun[] {
  const runs: FixtureRun[] = [];
  for (const rule of RULES) {
    for (const file of sourceFilesUnder(path.join(ROOT, 'fixtures', 'rules', rule.id))) {
      const { config: raw } = parseAnnotations(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), RULE_IDS);
      const config = raw === undefined ? defaultConfig(ROOT) : validateConfig(raw, `${file} header`, ROOT);
      runs.push({
        name: file,
        run: async (disabled) => {
          const { result } = await runLoopguard({ cwd: ROOT, paths: [file], onlyRules: [rule.id], config, impact: 'low', exemptions: { disabled, trace: true } });
          return { findings: result.findings, exemptions: result.exemptions ?? [] };
        },
      });
    }
  }
  const projects = path.join(ROOT, 'fixtures', 'projects');
  for (const name of fs.readdirSync(projects).sort()) {
    const dir = path.join(projects, name);
    if (!fs.statSync(dir).isDirectory()) continue;
    runs.push({
      name: `fixtures/projects/${name}`,
      run: async (disabled) => {
        const { result } = await runLoopguard({ cwd: dir, paths: ['.'], config: defaultConfig(dir), impact: 'low', exemptions: { disabled, trace: true } });
        return { findings: result.findings, exemptions: result.exemptions ?? [] };
      },
    });
  }
  return runs;
}

const shape = (findings: readonly Finding[]) => JSON.stringify(findings.map((f) => [f.file, f.line, f.column, f.ruleId, f.message]));

/** Every named exemption of every rule, with the fixtures that reach and pin it. */
export async function checkExemptions(): Promise<ExemptionStatus[]> {
  const runs = fixtureRuns();
  const baseline = new Map<FixtureRun, { shape: string; used: Set<string> }>();
  for (const r of runs) {
    const out = await r.run([]);
    baseline.set(r, { shape: shape(out.findings), used: new Set(out.exemptions.map((x) => exemptionKey(x.ruleId, x.id))) });
  }
  const statuses: ExemptionStatus[] = [];
  for (const rule of RULES) {
    for (const [id, reason] of Object.entries<string>(rule.exemptions ?? {})) {
      const key = exemptionKey(rule.id, id);
      const reaching = runs.filter((r) => baseline.get(r)!.used.has(key));
      const pinnedBy: string[] = [];
      for (const r of reaching) {
        const out = await r.run([key]);
        if (shape(out.findings) !== baseline.get(r)!.shape) pinnedBy.push(r.name);
      }
      statuses.push({ key, reason, reached: reaching.map((r) => r.name), pinnedBy });
    }
  }
  return statuses;
}
