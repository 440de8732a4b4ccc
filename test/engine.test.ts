// The engine's own contracts: what a per-file result holds, how the project
// phase treats it, and how named exemptions are gated.
import { describe, expect, it } from 'vitest';
import { analyzeSource } from '../src/engine/analyze-file.js';
import { linkProject } from '../src/engine/link.js';
import { defaultConfig } from '../src/pipeline/config.js';
import { RULE_IDS } from '../src/pipeline/registry.js';
import { buildSettings } from '../src/pipeline/run.js';
import { ROOT } from './helpers.js';
import { compare, parseAnnotations } from './annotations.js';
import { defineRule } from '../src/engine/rule-api.js';
import { edgeRuntime } from '../src/analysis/execution-context/index.js';
import { parseSource } from '../src/syntax/parse.js';

const PUBLIC_KEYS = new Set(['ruleId', 'severity', 'message', 'help', 'file', 'line', 'column', 'endLine', 'endColumn', 'context', 'trace', 'fingerprint']);

// A finding that stands unless a fact is recorded (axios defaults), and one hot only because it is in an async function.
const SOURCE = `import axios from 'axios';
import fs from 'node:fs';
export async function render() {
  const conf = fs.readFileSync('conf.json', 'utf8');
  return axios.get('https://example.com/' + conf);
}
`;

describe('per-file findings', () => {
  const settings = buildSettings(defaultConfig(ROOT), {});
  const res = analyzeSource({ file: 'src/app.ts', packagePath: 'src/app.ts', source: SOURCE, script: null }, settings, RULE_IDS);

  it("keep the project phase's conditions off the public Finding", () => {
    const pending = res.findings;
    expect(pending.some((p) => p.unlessFact !== undefined)).toBe(true);
    expect(pending.some((p) => p.weakFrame !== undefined)).toBe(true);
    for (const p of pending) for (const key of Object.keys(p.finding)) expect(PUBLIC_KEYS).toContain(key);
  });

  it('are not changed by the project phase (cached results are shared)', () => {
    const before = JSON.stringify(res);
    const facts = { ...res, facts: ['axios.defaults.timeout'] };
    const first = linkProject([{ abs: '/p/src/app.ts', res: facts }], settings, []);
    expect(JSON.stringify(res)).toBe(before);
    expect(first.kept.get('src/app.ts')!.map((f) => f.ruleId)).not.toContain('missing-timeout');
    const second = linkProject([{ abs: '/p/src/app.ts', res }], settings, []);
    expect(second.kept.get('src/app.ts')!.map((f) => f.ruleId)).toContain('missing-timeout');
  });
});

describe('ok: rule[exemption] annotations', () => {
  const source = 'for (const x of xs) {\n  // ok: await-in-loop[for-await] -- why\n  await f(x);\n}\n';
  const { expectations } = parseAnnotations('a.ts', source, RULE_IDS);
  const use = (id: string) => ({ ruleId: 'await-in-loop', id, file: 'a.ts', line: 1, endLine: 4 });

  it('pass when the named exemption applied on the line', () => {
    expect(compare(expectations, [], RULE_IDS, [use('for-await')])).toEqual([]);
  });

  it('fail when another exemption (or none) applied', () => {
    expect(compare(expectations, [], RULE_IDS, [use('pagination')]).map((m) => m.kind)).toEqual(['wrong-exemption']);
    expect(compare(expectations, [], RULE_IDS, []).map((m) => m.kind)).toEqual(['wrong-exemption']);
  });
});

describe('build stamp (cache keys)', () => {
  it('changes when a module is added in a new subfolder, or a rule changes', async () => {
    const fs = await import('node:fs');
    const os = await import('node:os');
    const path = await import('node:path');
    const { buildIdOf } = await import('../src/pipeline/version.js');
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'lg-stamp-'));
    fs.mkdirSync(path.join(root, 'src', 'engine'), { recursive: true });
    fs.mkdirSync(path.join(root, 'rules'));
    fs.writeFileSync(path.join(root, 'src', 'engine', 'a.js'), 'export {};\n');
    fs.writeFileSync(path.join(root, 'rules', 'r.js'), 'export {};\n');
    const first = buildIdOf(root, '1.0.0');
    expect(buildIdOf(root, '1.0.0')).toBe(first);
    fs.mkdirSync(path.join(root, 'src', 'analysis', 'collections'), { recursive: true });
    fs.writeFileSync(path.join(root, 'src', 'analysis', 'collections', 'bound.js'), 'export {};\n');
    const second = buildIdOf(root, '1.0.0');
    expect(second).not.toBe(first);
    fs.writeFileSync(path.join(root, 'rules', 'r.js'), 'export const x = 1;\n');
    expect(buildIdOf(root, '1.0.0')).not.toBe(second);
    fs.rmSync(root, { recursive: true, force: true });
  });
});

describe('named exemptions the project phase applies', () => {
  it('must be declared by a rule that reports where code runs', () => {
    const base = buildSettings(defaultConfig(ROOT), {});
    const rule = defineRule({
      id: 'context-without-exemptions',
      category: 'blocking',
      severity: 'warn',
      description: 'test rule',
      messages: { hit: { message: 'hit', help: 'fix it' } },
      docs: { why: 'test', bad: [], good: [] },
      create: (ctx) => ({ DebuggerStatement: (p) => ctx.report(p.node, 'hit', {}, { context: ctx.context(p) }) }),
    });
    const settings = { ...base, rules: [{ rule, severity: 'warning' as const, options: {} }] };
    const res = analyzeSource({ file: 'src/a.ts', packagePath: 'src/a.ts', source: 'debugger;\n', script: null }, settings, RULE_IDS);
    expect(res.error).toContain('does not declare exemption startup-callers');
  });
});

describe('the project model does not depend on which rules run', () => {
  it('--rule missing-timeout still knows a module only client components import is browser code', async () => {
    const { runLoopguard } = await import('../src/pipeline/run.js');
    const path = await import('node:path');
    const dir = path.join(ROOT, 'fixtures', 'projects', 'client-modules');
    const only = await runLoopguard({ cwd: dir, paths: ['.'], config: defaultConfig(dir), onlyRules: ['missing-timeout'] });
    const all = await runLoopguard({ cwd: dir, paths: ['.'], config: defaultConfig(dir) });
    const files = (r: typeof only) => r.result.findings.filter((f) => f.ruleId === 'missing-timeout').map((f) => `${f.file}:${f.line}`);
    expect(files(only)).not.toContain('lib/client-api.ts:8');
    expect(files(only)).toEqual(files(all));
  });
});

describe('fan-out advice', () => {
  it('suggests one batched query only for reads by key', async () => {
    const { analyzeFixture } = await import('./helpers.js');
    const { result } = await analyzeFixture('fixtures/rules/unbounded-fan-out/batched-reads.ts', ['unbounded-fan-out']);
    const helps = result.findings.map((f) => [f.line, f.help.startsWith('Read them in one query')]);
    expect(helps).toEqual([
      [12, true],
      [17, false], // an SMTP connection per item: batching is not the fix
      [22, false], // a helper that does not read by key
      [27, false], // a socket per item
    ]);
  });
});

describe('Promise.all advice', () => {
  it('keeps the condition of an await that runs only when it holds', async () => {
    const { analyzeFixture } = await import('./helpers.js');
    const { result } = await analyzeFixture('fixtures/rules/sequential-awaits/conditional-awaits.ts', ['sequential-awaits']);
    expect(result.findings.map((f) => [f.line, f.help])).toEqual([
      [9, 'Start both at once: `[collection, document] = await Promise.all([collection ? Collection.findByPk(…) : null, document ? Document.findByPk(…) : null]);`'],
      [24, 'Start both at once: `const [fresh, parent] = await Promise.all([!cached ? Document.findByPk(id) : null, Collection.findByPk(id)]);`'],
    ]);
  });
});

describe('edge runtime (where code runs)', () => {
  const edge = (source: string, packagePath: string) => {
    const parsed = parseSource(source, packagePath);
    if (!parsed.ok) throw new Error('fixture does not parse');
    return edgeRuntime(parsed.ast.program, packagePath);
  };
  it('reads the route segment config and the pages-router config object', () => {
    expect(edge("export const runtime = 'edge';", 'app/x/route.ts')).toBe(true);
    expect(edge("export const config = { runtime: 'experimental-edge' };", 'pages/api/x.ts')).toBe(true);
    expect(edge("export const runtime = 'nodejs';", 'app/x/route.ts')).toBe(false);
    expect(edge('export const dynamic = "force-dynamic";', 'app/x/route.ts')).toBe(false);
  });
  it('Next.js middleware runs on the edge unless it asks for Node', () => {
    expect(edge('export function middleware() {}', 'src/middleware.ts')).toBe(true);
    expect(edge("export const config = { runtime: 'nodejs' }; export function middleware() {}", 'middleware.ts')).toBe(false);
    expect(edge('export function middleware() {}', 'lib/middleware.ts')).toBe(false);
  });
});
