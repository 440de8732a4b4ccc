// The formats other tools read: problem-matcher lines (unix), JUnit XML (junit), GitLab Code Quality (gitlab).
// The real bin on temporary projects, as test/cli.test.ts runs it; reporters alone for what a project cannot
// produce on demand (tool errors).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import type { RunResult } from '../src/engine/findings.js';
import { CODE_QUALITY_SEVERITY } from '../src/reporters/gitlab.js';
import { REPORTERS, type ReportContext } from '../src/reporters/index.js';
import { ROOT } from './helpers.js';
import { junitProblems, parseXml, type XmlElement } from './junit-structure.js';

const BIN = path.join(ROOT, 'bin', 'loopguard.js');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function project(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-formats-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
  return dir;
}

function run(cwd: string, args: string[], env: Record<string, string> = {}) {
  const base = { ...process.env };
  // Colour and CI paths are what the tests set, whatever runs them.
  for (const k of ['FORCE_COLOR', 'NO_COLOR', 'GITHUB_ACTIONS', 'GITLAB_CI', 'CI_PROJECT_DIR']) delete base[k];
  const r = spawnSync(process.execPath, [BIN, '--no-cache', ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const handler = (route: string) => `const fs = require('fs');
const app = require('express')();
app.get('${route}', (req, res) => {
  res.send(fs.readFileSync(req.query.file));
});
`;
const SEQUENTIAL = `const app = require('express')();
const db = require('./db');
app.get('/', async (req, res) => {
  const x = await db.a.get();
  const y = await db.b.get();
  const z = await db.c.get();
  res.json([x, y, z]);
});
`;
// A route whose name holds every character XML escapes, a control character XML 1.0 forbids, and a CDATA end.
const AWKWARD_ROUTE = '/x<&>"\\\'\\u0001]]>';
// The same unused suppression twice in one file: two findings with one engine fingerprint.
const TWICE_UNUSED = `const fs = require('fs');
// loopguard-ignore-next-line blocking-call
const a = 1;
// loopguard-ignore-next-line blocking-call
const b = 2;
module.exports = { a, b, fs };
`;
const ROOT_CAUSES = path.join(ROOT, 'fixtures', 'projects', 'root-causes');

/** A synthetic result for what the CLI cannot be made to produce: tool errors with and without a file. */
function resultWith(extra: Partial<RunResult>): RunResult {
  return {
    findings: [],
    errors: [],
    skipped: [],
    stats: { filesAnalyzed: 2, filesSkipped: 0, errorCount: 0, warningCount: 0, suppressedCount: 0, belowImpactCount: 0 },
    excerpts: {},
    minImpact: 'medium',
    ...extra,
  };
}
const CTX: ReportContext = { cwd: '/repo', color: false, rules: new Map(), tool: { name: 'loopguard', version: '0.0.0' } };
const TOOL_ERRORS = resultWith({
  errors: [
    { file: 'src/locked.js', message: 'cannot read file (EACCES)' },
    { file: null, message: 'internal error in the project phase (cross-file findings are missing): TypeError: boom\n    at link (/abs/dist/link.js:1:2)' },
  ],
});

/** A blocking call, a warning, a clean file and a binary file that is skipped. */
function mixedProject(): Record<string, string | Buffer> {
  return {
    'src/app.js': handler('/a'),
    'src/seq.js': SEQUENTIAL,
    'src/ok.js': "module.exports = require('fs').readFileSync('config.json');\n",
    'src/blob.js': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]),
    'loopguard.config.json': JSON.stringify({ rules: { 'sequential-awaits': 'warn' } }),
  };
}

describe('unix', () => {
  // The shape every line has, and VS Code's `$gcc` problem matcher (vscode-cpptools), which must read it as is.
  const LINE = /^[^:]+:\d+:\d+: (error|warning): .+ \[[a-z-]+\]$/;
  const GCC_MATCHER = /^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$/;
  const dir = project(mixedProject());

  it('prints one line per problem: file:line:col: severity: message (impact) [rule-id], and nothing else', () => {
    const r = run(dir, ['--format', 'unix']);
    expect(r.code).toBe(1);
    expect(r.stderr).toBe('');
    const lines = r.stdout.split('\n');
    expect(lines.pop()).toBe('');
    expect(lines).toEqual([
      'src/app.js:4:12: error: `fs.readFileSync` blocks the event loop inside the route handler `GET /a` (medium impact) [blocking-call]',
      'src/seq.js:5:13: warning: 3 independent awaits run one after another (lines 4, 5, 6) (medium impact) [sequential-awaits]',
      'src/blob.js:1:1: warning: skipped: binary file (contains NUL bytes) [loopguard]',
    ]);
    for (const l of lines) {
      expect(l).toMatch(LINE);
      const m = GCC_MATCHER.exec(l)!;
      expect(m[1]).toMatch(/^src\/\w+\.js$/);
      expect(m[4]).toBe(l.includes(': error: ') ? 'error' : 'warning');
    }
    // As many lines as findings: nothing to filter out before counting.
    const json = JSON.parse(run(dir, ['--format', 'json']).stdout);
    expect(lines).toHaveLength(json.findings.length + json.skipped.length);
  });

  it('has no colour, and prints nothing at all when there is nothing to report', () => {
    expect(run(dir, ['--format', 'unix', '--color']).stdout).not.toContain('\u001b');
    const clean = run(project({ 'a.js': 'module.exports = 1;\n' }), ['--format', 'unix']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toBe('');
  });

  it('keeps a message with control characters on its one line', () => {
    const r = run(project({ 'a.js': handler(AWKWARD_ROUTE) }), ['--format', 'unix']);
    expect(r.stdout).toBe('a.js:4:12: error: `fs.readFileSync` blocks the event loop inside the route handler `GET /x<&>"\' ]]>` (medium impact) [blocking-call]\n');
  });

  it('a root cause on many paths is one line that counts them', () => {
    const r = run(ROOT_CAUSES, ['--rule', 'blocking-call', '--format', 'unix']);
    const lines = r.stdout.trimEnd().split('\n');
    expect(lines).toHaveLength(1);
    expect(lines[0]).toMatch(LINE);
    expect(lines[0]).toMatch(
      /^src\/config\.ts:6:35: error: `fs\.readFileSync` in `readSettings\(\)` blocks the event loop on 4 serving paths .+ \(medium impact, 4 paths\) \[blocking-call\]$/,
    );
  });

  it('tool errors are error lines of the tool; one without a file names no location, and a stack trace stays in json', () => {
    expect(REPORTERS.get('unix')!.format(TOOL_ERRORS, CTX)).toBe(
      'src/locked.js:1:1: error: cannot read file (EACCES) [loopguard]\n' +
        'loopguard: error: internal error in the project phase (cross-file findings are missing): TypeError: boom (the full error: --format json) [loopguard]\n',
    );
  });

  it('is deterministic', () => {
    expect(run(ROOT_CAUSES, ['--format', 'unix', '--impact', 'low']).stdout).toBe(run(ROOT_CAUSES, ['--format', 'unix', '--impact', 'low', '--workers', '2']).stdout);
  });
});

describe('junit', () => {
  const dir = project(mixedProject());
  const report = (out: string) => {
    const root = parseXml(out);
    expect(junitProblems(root)).toEqual([]);
    return root;
  };
  const cases = (root: XmlElement) => root.children.flatMap((s) => s.children.map((c) => ({ suite: s.attrs.name, ...c })));

  it('is a <testsuite> per file with problems and a <testcase> per finding, counted at every level', () => {
    const r = run(dir, ['--format', 'junit']);
    expect(r.code).toBe(1);
    expect(r.stdout.startsWith('<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="loopguard" tests="3" failures="2" errors="0" skipped="1" time="0">\n')).toBe(
      true,
    );
    const root = report(r.stdout);
    // Files in path order; the clean file has no suite.
    expect(root.children.map((s) => s.attrs.name)).toEqual(['src/app.js', 'src/blob.js', 'src/seq.js']);
    const [app, blob, seq] = cases(root);
    expect(app!.attrs).toEqual({ name: 'blocking-call at 4:12', classname: 'src/app', file: 'src/app.js', line: '4', time: '0' });
    expect(app!.children[0]).toMatchObject({
      name: 'failure',
      attrs: { type: 'error', message: '`fs.readFileSync` blocks the event loop inside the route handler `GET /a`' },
      text: [
        'src/app.js:4:12: error: `fs.readFileSync` blocks the event loop inside the route handler `GET /a` [blocking-call]',
        'impact: medium',
        'help: Use `await fs.promises.readFile(...)`, or read it once at startup',
      ].join('\n'),
    });
    expect(seq!.children[0]!.attrs.type).toBe('warning');
    expect(blob!.attrs).toMatchObject({ name: 'loopguard', classname: 'src/blob', file: 'src/blob.js' });
    expect(blob!.children[0]).toMatchObject({ name: 'skipped', attrs: { message: 'binary file (contains NUL bytes)' } });
  });

  it('escapes markup characters in attributes and text, and replaces characters XML 1.0 forbids', () => {
    const out = run(project({ 'we&ird <name>.js': handler(AWKWARD_ROUTE) }), ['--format', 'junit']).stdout;
    expect(out).not.toMatch(/[\u0000-\u0008\u000b\u000c\u000e-\u001f]/);
    expect(out).not.toContain('<![CDATA[');
    const root = report(out);
    const [c] = cases(root);
    const message = '`fs.readFileSync` blocks the event loop inside the route handler `GET /x<&>"\'\uFFFD]]>`';
    expect(root.children[0]!.attrs.name).toBe('we&ird <name>.js');
    expect(c!.attrs).toMatchObject({ classname: 'we&ird <name>', file: 'we&ird <name>.js' });
    expect(c!.children[0]!.attrs.message).toBe(message);
    expect(c!.children[0]!.text.split('\n')[0]).toBe(`we&ird <name>.js:4:12: error: ${message} [blocking-call]`);
  });

  it('lists every path to a root cause in its one failure', () => {
    const root = report(run(ROOT_CAUSES, ['--rule', 'blocking-call', '--format', 'junit']).stdout);
    const all = cases(root);
    expect(all).toHaveLength(1);
    const text = all[0]!.children[0]!.text.split('\n');
    expect(text[0]).toMatch(/^src\/config\.ts:6:35: error: `fs\.readFileSync` in `readSettings\(\)` blocks the event loop on 4 serving paths/);
    expect(text.slice(3)).toEqual([
      'paths (4):',
      '  the route handler `GET /settings` (src/routes/admin.ts:20) → settingsView (src/config.ts:10) → readSettings (src/config.ts:4) → fs.readFileSync (src/config.ts:6)',
      expect.stringMatching(/^ {2}.+ \(src\/routes\/users\.ts:7\) → .+ → fs\.readFileSync \(src\/config\.ts:6\)$/),
      expect.stringMatching(/^ {2}.+ \(src\/routes\/users\.ts:11\) → /),
      expect.stringMatching(/^ {2}.+ \(src\/routes\/admin\.ts:7\) → /),
    ]);
  });

  it('a run with no problem is one passing case, so the CI server sees a test', () => {
    const out = run(project({ 'a.js': 'module.exports = 1;\n' }), ['--format', 'junit']).stdout;
    expect(out).toBe(
      [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<testsuites name="loopguard" tests="1" failures="0" errors="0" skipped="0" time="0">',
        '  <testsuite name="loopguard" tests="1" failures="0" errors="0" skipped="0" time="0">',
        '    <testcase name="no problems" classname="loopguard" time="0"/>',
        '  </testsuite>',
        '</testsuites>',
        '',
      ].join('\n'),
    );
    expect(junitProblems(parseXml(out))).toEqual([]);
  });

  it("tool errors are <error> cases: in their file's suite, or in the run's own", () => {
    const root = report(REPORTERS.get('junit')!.format(TOOL_ERRORS, CTX));
    expect(root.attrs).toMatchObject({ tests: '2', failures: '0', errors: '2' });
    expect(cases(root).map((c) => [c.suite, c.attrs.classname, c.children[0]!.name, c.children[0]!.attrs.message])).toEqual([
      ['src/locked.js', 'src/locked', 'error', 'cannot read file (EACCES)'],
      ['loopguard', 'loopguard', 'error', 'internal error in the project phase (cross-file findings are missing): TypeError: boom'],
    ]);
    // The stack trace is in the text.
    expect(cases(root)[1]!.children[0]!.text).toContain('at link (/abs/dist/link.js:1:2)');
  });

  it('the XML reader used here rejects what XML 1.0 forbids', () => {
    for (const bad of ['<a>&</a>', '<a b="<"/>', '<a>\u0001</a>', '<a></b>', '<a>]]></a>', '<a b="1" b="2"/>', '<a>&#1;</a>', '<a/><b/>'])
      expect(() => parseXml(bad), bad).toThrow();
    expect(parseXml('<a b="x&#10;y&quot;">1 &lt; 2<![CDATA[&]]></a>')).toEqual({ name: 'a', attrs: { b: 'x\ny"' }, children: [], text: '1 < 2&' });
  });

  it('is deterministic', () => {
    expect(run(ROOT_CAUSES, ['--format', 'junit', '--impact', 'low']).stdout).toBe(run(ROOT_CAUSES, ['--format', 'junit', '--impact', 'low', '--workers', '2']).stdout);
  });
});

describe('gitlab', () => {
  const MIDDLEWARE = `const fs = require('fs');
const app = require('express')();
app.use((req, res, next) => {
  req.banner = fs.readFileSync(req.query.file);
  next();
});
`;
  const files = {
    'src/app.js': handler('/a'),
    'src/mw.js': MIDDLEWARE,
    'src/seq.js': SEQUENTIAL,
    'src/twice.js': TWICE_UNUSED,
    'src/blob.js': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 1]),
    'loopguard.config.json': JSON.stringify({ rules: { 'sequential-awaits': 'warn' } }),
  };
  const args = ['--format', 'gitlab', '--report-unused-ignores'];

  it('is the Code Quality array: description, check_name, fingerprint, severity, location.path and lines.begin', () => {
    const r = run(project(files), args);
    expect(r.code).toBe(1);
    const issues = JSON.parse(r.stdout);
    expect(Array.isArray(issues)).toBe(true);
    for (const i of issues) {
      expect(Object.keys(i).sort()).toEqual(['check_name', 'description', 'fingerprint', 'location', 'severity']);
      expect(i).toEqual({
        description: expect.stringMatching(new RegExp(`^${i.check_name}: .+`)),
        check_name: expect.stringMatching(/^[a-z-]+$/),
        fingerprint: expect.stringMatching(/^[0-9a-f]{32}$/),
        severity: expect.stringMatching(/^(info|minor|major|critical|blocker)$/),
        location: { path: expect.any(String), lines: { begin: expect.any(Number) } },
      });
      expect(Number.isInteger(i.location.lines.begin) && i.location.lines.begin >= 1).toBe(true);
    }
    const rows = issues.map((i: any) => [i.location.path, i.location.lines.begin, i.check_name, i.severity]);
    expect(rows).toEqual([
      ['src/app.js', 4, 'blocking-call', 'major'], // error, medium impact
      ['src/mw.js', 4, 'blocking-call', 'critical'], // error, high impact: middleware runs on every request
      ['src/seq.js', 5, 'sequential-awaits', 'minor'], // warning, medium impact
      ['src/twice.js', 2, 'unused-suppression', 'minor'], // warning, no impact
      ['src/twice.js', 4, 'unused-suppression', 'minor'],
      ['src/blob.js', 1, 'loopguard', 'info'], // skipped
    ]);
    expect(issues[0].description).toBe(
      'blocking-call: `fs.readFileSync` blocks the event loop inside the route handler `GET /a`. Use `await fs.promises.readFile(...)`, or read it once at startup',
    );
    expect(issues[5].description).toBe('loopguard: skipped: binary file (contains NUL bytes)');
  });

  it('fingerprints are unique, even for findings that share one, and survive runs and line shifts', () => {
    const dir = project(files);
    const before = JSON.parse(run(dir, args).stdout);
    const prints = before.map((i: any) => i.fingerprint);
    expect(new Set(prints).size).toBe(prints.length);
    // The two unused suppressions in twice.js are one fingerprint to the engine (and to SARIF), two issues here.
    const sarif = JSON.parse(run(dir, ['--format', 'sarif', '--report-unused-ignores']).stdout).runs[0].results;
    const twice = sarif.filter((x: any) => x.ruleId === 'unused-suppression').map((x: any) => x.partialFingerprints['loopguardFingerprint/v1']);
    expect(twice).toHaveLength(2);
    expect(twice[0]).toBe(twice[1]);
    expect(run(dir, args).stdout).toBe(JSON.stringify(before, null, 2) + '\n');
    // Lines move, fingerprints stay: GitLab shows no finding as fixed and none as new.
    for (const f of ['src/app.js', 'src/mw.js', 'src/twice.js']) fs.writeFileSync(path.join(dir, f), '// header\n\n' + fs.readFileSync(path.join(dir, f), 'utf8'));
    const after = JSON.parse(run(dir, args).stdout);
    expect(after.map((i: any) => i.location.lines.begin)).toEqual([6, 6, 5, 4, 6, 1]);
    expect(after.map((i: any) => i.fingerprint)).toEqual(prints);
  });

  it('paths are relative to CI_PROJECT_DIR under GitLab CI, to the working directory elsewhere', () => {
    const dir = project({ 'packages/api/a.js': handler('/a') });
    const cwd = path.join(dir, 'packages', 'api');
    const ci = { GITLAB_CI: 'true', CI_PROJECT_DIR: dir };
    expect(JSON.parse(run(cwd, ['--format', 'gitlab'], ci).stdout)[0].location.path).toBe('packages/api/a.js');
    expect(JSON.parse(run(cwd, ['--format', 'gitlab']).stdout)[0].location.path).toBe('a.js');
    // Only the format GitLab reads is moved; json and the others stay relative to the working directory.
    expect(JSON.parse(run(cwd, ['--format', 'json'], ci).stdout).findings[0].file).toBe('a.js');
    // A working directory outside the project keeps its own paths.
    expect(JSON.parse(run(cwd, ['--format', 'gitlab'], { GITLAB_CI: 'true', CI_PROJECT_DIR: path.join(dir, 'elsewhere') }).stdout)[0].location.path).toBe('a.js');
  });

  it('an empty report is an empty array', () => {
    const r = run(project({ 'a.js': 'module.exports = 1;\n' }), ['--format', 'gitlab']);
    expect(r.code).toBe(0);
    expect(r.stdout).toBe('[]\n');
  });

  it('tool errors are major issues of the tool; one without a file is placed at the project root', () => {
    const issues = JSON.parse(REPORTERS.get('gitlab')!.format(TOOL_ERRORS, CTX));
    expect(issues.map((i: any) => [i.location.path, i.location.lines.begin, i.check_name, i.severity, i.description])).toEqual([
      ['src/locked.js', 1, 'loopguard', 'major', 'loopguard: cannot read file (EACCES)'],
      ['.', 1, 'loopguard', 'major', 'loopguard: internal error in the project phase (cross-file findings are missing): TypeError: boom'],
    ]);
  });

  it('the README documents the severity mapping the reporter uses', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = /\| Severity \\ impact \| high \| medium \| low \| none \|\n\| --- \| --- \| --- \| --- \| --- \|\n((?:\|.*\|\n)+)/.exec(readme);
    expect(table, 'README needs the GitLab severity table').not.toBeNull();
    const rows = table![1]!
      .trimEnd()
      .split('\n')
      .map((l) =>
        l
          .split('|')
          .slice(1, -1)
          .map((c) => c.trim().replace(/`/g, '')),
      );
    expect(rows).toEqual(Object.entries(CODE_QUALITY_SEVERITY).map(([sev, m]) => [sev, m.high, m.medium, m.low, m.none]));
  });
});

describe('documentation', () => {
  const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');

  it('the README --format row, --help and the action input list every registered format', () => {
    const row = /^\| `-f, --format <([^>]+)>` \|/m.exec(readme);
    expect(row, 'README CLI reference needs a --format row').not.toBeNull();
    expect(row![1].split('\\|')).toEqual([...REPORTERS.keys()]);
    const help = run(ROOT, ['--help']).stdout.replace(/\s+/g, ' ');
    expect(help).toContain(`(choices: ${[...REPORTERS.keys()].map((k) => `"${k}"`).join(', ')}, default: "stylish")`);
    const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    for (const name of REPORTERS.keys()) expect(action.inputs.format.description).toMatch(new RegExp(`\\b${name}\\b`));
  });

  it("the README's VS Code problem matcher reads every unix line", () => {
    const task = /```json\n(\{\n {2}"label": "loopguard",[\s\S]*?)```/.exec(readme);
    expect(task, 'README needs the VS Code task').not.toBeNull();
    const matcher = JSON.parse(task![1]!).problemMatcher.pattern;
    const re = new RegExp(matcher.regexp);
    const out = run(ROOT_CAUSES, ['--format', 'unix', '--impact', 'low']).stdout.trimEnd().split('\n');
    expect(out).toHaveLength(2);
    for (const l of out) {
      const m = re.exec(l)!;
      expect(m, l).not.toBeNull();
      expect([m[matcher.file], m[matcher.line], m[matcher.column], m[matcher.severity], m[matcher.code]]).toEqual([
        'src/config.ts',
        expect.stringMatching(/^\d+$/),
        expect.stringMatching(/^\d+$/),
        'error',
        'blocking-call',
      ]);
    }
  });
});
