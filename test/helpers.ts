import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { defaultConfig, validateConfig } from '../src/pipeline/config.js';
import { SOURCE_EXTENSIONS } from '../src/syntax/parse.js';
import { runLoopguard, type RunOutput } from '../src/pipeline/run.js';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

/** Every source file under `dir`, sorted, as paths relative to ROOT. */
export function sourceFilesUnder(dir: string): string[] {
  const out: string[] = [];
  const walk = (d: string) => {
    for (const e of fs.readdirSync(d, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
      const abs = path.join(d, e.name);
      if (e.isDirectory()) walk(abs);
      else if (SOURCE_EXTENSIONS.includes(path.extname(e.name)) && !e.name.endsWith('.d.ts')) out.push(path.relative(ROOT, abs).split(path.sep).join('/'));
    }
  };
  if (fs.existsSync(dir)) walk(dir);
  return out;
}

/** Analyze one fixture file as the CLI would, with only the given rules and an optional inline config. */
export function analyzeFixture(
  file: string,
  ruleIds: string[],
  rawConfig?: unknown,
  extra: { reportUnusedIgnores?: boolean; exemptions?: { disabled?: readonly string[]; trace?: boolean } } = {},
): Promise<RunOutput> {
  const config = rawConfig === undefined ? defaultConfig(ROOT) : validateConfig(rawConfig, `${file} header`, ROOT);
  // Fixtures check every finding, whatever its impact (`expect: rule@high` checks the impact).
  return runLoopguard({
    cwd: ROOT,
    paths: [file],
    onlyRules: ruleIds,
    config,
    impact: 'low',
    reportUnusedIgnores: extra.reportUnusedIgnores,
    exemptions: extra.exemptions,
  });
}
