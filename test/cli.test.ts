// Spawns the real bin (bin/loopguard.js → dist/) on temporary projects.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';
import { sarifProblems } from './sarif-structure.js';

const BIN = path.join(ROOT, 'bin', 'loopguard.js');
const temps: string[] = [];

afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function project(files: Record<string, string | Buffer>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-cli-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    const abs = path.join(dir, name);
    fs.mkdirSync(path.dirname(abs), { recursive: true });
    fs.writeFileSync(abs, content);
  }
  return dir;
}

function run(cwd: string, args: string[], env: Record<string, string> = {}, input?: string) {
  const base = { ...process.env };
  delete base.FORCE_COLOR;
  delete base.NO_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args], { cwd, env: { ...base, ...env }, encoding: 'utf8', input });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const HANDLER = `const fs = require('fs');
const app = require('express')();
app.get('/a', (req, res) => {
  res.send(fs.readFileSync(req.query.file));
});
`;
const CLEAN = `const fs = require('fs');
const config = fs.readFileSync('config.json');
module.exports = { config };
`;

describe('exit codes', () => {
  it('0 when there are no findings', () => {
    const dir = project({ 'index.js': CLEAN });
    const r = run(dir, []);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('No problems');
  });

  it('1 when there are error findings', () => {
    const dir = project({ 'app.js': HANDLER });
    const r = run(dir, []);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('app.js');
    expect(r.stdout).toContain('4:12');
    expect(r.stdout).toContain('`fs.readFileSync` blocks the event loop inside the route handler `GET /a`');
    expect(r.stdout).toContain('help: Use `await fs.promises.readFile(...)`');
    expect(r.stdout).toMatch(/> 4 \|\s+res\.send\(fs\.readFileSync\(req\.query\.file\)\);/);
    expect(r.stdout).toContain('1 problem (1 error, 0 warnings)');
  });

  it('1 when warnings exceed --max-warnings, 0 within it', () => {
    const dir = project({ 'app.js': HANDLER, 'loopguard.config.json': JSON.stringify({ rules: { 'blocking-call': 'warn' } }) });
    expect(run(dir, []).code).toBe(0);
    expect(run(dir, ['--max-warnings', '1']).code).toBe(0);
    const over = run(dir, ['--max-warnings', '0']);
    expect(over.code).toBe(1);
    expect(over.stderr).toContain('too many warnings (1)');
  });

  it('--quiet drops warnings', () => {
    const dir = project({ 'app.js': HANDLER, 'loopguard.config.json': JSON.stringify({ rules: { 'blocking-call': 'warn' } }) });
    const r = run(dir, ['--quiet', '--max-warnings', '0', '--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).findings).toEqual([]);
  });

  it('2 for usage errors', () => {
    const dir = project({ 'index.js': CLEAN });
    const missing = run(dir, ['nope/']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('No such file or directory: nope/');
    const rule = run(dir, ['--rule', 'blocking-cal']);
    expect(rule.code).toBe(2);
    expect(rule.stderr).toContain('did you mean "blocking-call"');
    const format = run(dir, ['--format', 'xml']);
    expect(format.code).toBe(2);
    expect(format.stderr).toContain('xml');
    const flag = run(dir, ['--frobnicate']);
    expect(flag.code).toBe(2);
    expect(run(dir, ['--max-warnings', 'lots']).code).toBe(2);
  });

  // Every usage error prints one line that names the flag and what it accepts (the exit code alone says nothing).
  it.each([
    [['--max-warnings', 'abc'], "option '--max-warnings <n>' argument 'abc' is invalid. Expected a whole number of warnings, or -1 for no limit."],
    [['--max-warnings', '1.5'], "option '--max-warnings <n>' argument '1.5' is invalid"],
    [['--workers', '0'], "option '--workers <n>' argument '0' is invalid. Expected a whole number of at least 1"],
    [['--workers', 'abc'], "option '--workers <n>' argument 'abc' is invalid"],
    [['--fail-on', 'sometimes'], "option '--fail-on <level>' argument 'sometimes' is invalid. Expected error, warn (or warning) or none."],
  ])('%j names the flag and the accepted values', (args, message) => {
    const r = run(project({ 'app.js': CLEAN }), args);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain(message);
  });

  it('--fail-on takes the config vocabulary (warn), and warning as its alias; the config takes warning too', () => {
    const dir = project({ 'app.js': HANDLER, 'loopguard.config.json': JSON.stringify({ rules: { 'blocking-call': 'warning' } }) });
    expect(run(dir, []).code).toBe(0);
    expect(run(dir, ['--fail-on', 'warn']).code).toBe(1);
    expect(run(dir, ['--fail-on', 'warning']).code).toBe(1);
    expect(run(dir, ['--fail-on', 'none']).code).toBe(0);
  });

  it('explicit paths that hold nothing to analyze exit 2; with no paths, an empty folder is a warning', () => {
    const dir = project({ 'src/app.js': HANDLER, 'empty/.keep': '', 'docs/readme.md': '# docs' });
    const empty = run(dir, ['empty']);
    expect(empty.code).toBe(2);
    expect(empty.stderr).toContain('No JavaScript or TypeScript files to analyze were found in "empty"');
    const glob = run(dir, ['lib/**/*.ts']);
    expect(glob.code).toBe(2);
    expect(glob.stderr).toContain('"lib/**/*.ts"');
    const nothing = run(path.join(dir, 'docs'), []);
    expect(nothing.code).toBe(0);
    expect(nothing.stderr).toContain('warning: no JavaScript or TypeScript files to analyze');
  });

  it('takes quoted globs, matched from the working directory, with ignore files applied', () => {
    const dir = project({
      'src/a/app.ts': HANDLER,
      'src/b.js': HANDLER,
      'src/gen/out.ts': HANDLER,
      'src/.gitignore': 'gen/\n',
      'other/c.ts': HANDLER,
    });
    const r = run(dir, ['src/**/*.ts', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.file)).toEqual(['src/a/app.ts']);
    const braces = run(dir, ['{src,other}/**/*.{js,ts}', '--format', 'json']);
    expect(JSON.parse(braces.stdout).findings.map((f: any) => f.file)).toEqual(['other/c.ts', 'src/a/app.ts', 'src/b.js']);
  });

  it('a mistyped command is not taken for a missing path without a hint', () => {
    const r = run(project({ 'app.js': CLEAN }), ['expalin', 'blocking-call']);
    expect(r.code).toBe(2);
    const one = run(project({ 'app.js': CLEAN }), ['expalin']);
    expect(one.code).toBe(2);
    expect(one.stderr).toContain('No such file or directory: expalin');
    expect(one.stderr).toContain('did you mean the command `loopguard explain`?');
  });

  it('--rule runs only the named rules', () => {
    const dir = project({ 'app.js': HANDLER });
    expect(run(dir, ['--rule', 'blocking-call']).code).toBe(1);
  });
});

describe('--stdin', () => {
  const LIB = "const fs = require('fs');\nfunction load(file) { return fs.readFileSync(file); }\nmodule.exports = { load };\n";

  it('analyzes the text as the named file, with the rest of the project from disk, and reports that file only', () => {
    const dir = project({ 'lib/read.js': LIB, 'other.js': HANDLER, 'route.js': CLEAN });
    // The buffer differs from the file on disk: the buffer is what counts.
    const buffer = "const { load } = require('./lib/read');\nconst app = require('express')();\napp.get('/b', (req, res) => res.send(load(req.query.t)));\n";
    const r = run(dir, ['--stdin', '--stdin-filename', 'route.js', '--format', 'json', '--no-cache'], {}, buffer);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    // The root cause is in lib/read.js, reached from the buffer's route: reported; other.js is not.
    expect(out.findings).toEqual([
      expect.objectContaining({ file: 'lib/read.js', paths: [[expect.objectContaining({ file: 'route.js', line: 3 }), expect.anything(), expect.anything()]] }),
    ]);
    expect(fs.readFileSync(path.join(dir, 'route.js'), 'utf8')).toBe(CLEAN);
    const clean = run(dir, ['--stdin', '--stdin-filename', 'route.js', '--no-cache'], {}, CLEAN);
    expect(clean.code).toBe(0);
  });

  it('takes a file that is not on disk yet, with a code frame from the text', () => {
    const dir = project({ 'index.js': CLEAN });
    const r = run(dir, ['--stdin', '--stdin-filename', 'src/new.js', '--no-cache'], {}, HANDLER);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('src/new.js');
    expect(r.stdout).toMatch(/> 4 \|\s+res\.send\(fs\.readFileSync\(req\.query\.file\)\);/);
    expect(fs.existsSync(path.join(dir, 'src/new.js'))).toBe(false);
  });

  it('--stdin-filename needs --stdin', () => {
    const r = run(project({ 'index.js': CLEAN }), ['--stdin-filename', 'a.js']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('--stdin-filename names the text given with --stdin');
  });
});

describe('formats', () => {
  const dir = project({ 'src/app.js': HANDLER, 'src/ok.js': CLEAN });

  it('json is versioned and keeps tool errors apart', () => {
    const r = run(dir, ['--format', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.version).toBe(1);
    expect(out.tool.name).toBe('loopguard');
    expect(out.errors).toEqual([]);
    expect(out.stats).toMatchObject({ filesAnalyzed: 2, errorCount: 1, warningCount: 0 });
    expect(out.findings).toEqual([
      expect.objectContaining({
        ruleId: 'blocking-call',
        severity: 'error',
        file: 'src/app.js',
        line: 4,
        column: 12,
        endLine: 4,
        endColumn: 27,
        impact: 'medium',
        context: { kind: 'hot', description: 'inside the route handler `GET /a`', serves: 'request' },
      }),
    ]);
  });

  it('sarif follows the 2.1.0 structure with exact rule ids and relative URIs', () => {
    const r = run(dir, ['--format', 'sarif']);
    const log = JSON.parse(r.stdout);
    expect(sarifProblems(log)).toEqual([]);
    const result = log.runs[0].results[0];
    expect(result.ruleId).toBe('blocking-call');
    expect(result.locations[0].physicalLocation.artifactLocation.uri).toBe('src/app.js');
    expect(result.locations[0].physicalLocation.region).toEqual({ startLine: 4, startColumn: 12, endLine: 4, endColumn: 27 });
    const ids = log.runs[0].tool.driver.rules.map((x: any) => x.id);
    expect(ids).toContain('blocking-call');
    expect(ids).toContain('parse-error');
  });

  it('--output-file writes the report and keeps stdout clean', () => {
    const r = run(dir, ['--format', 'sarif', '--output-file', 'out/loopguard.sarif']);
    expect(r.code).toBe(1);
    expect(r.stdout).toBe('');
    expect(r.stderr).toContain('report written to out/loopguard.sarif');
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out', 'loopguard.sarif'), 'utf8')).version).toBe('2.1.0');
  });

  it('is deterministic: same input, same bytes', () => {
    const a = run(dir, ['--format', 'json']).stdout;
    const b = run(dir, ['--format', 'json']).stdout;
    expect(a).toBe(b);
    expect(run(dir, ['--format', 'sarif']).stdout).toBe(run(dir, ['--format', 'sarif']).stdout);
    expect(run(dir, []).stdout).toBe(run(dir, []).stdout);
  });

  it('colours only when asked or on a terminal', () => {
    const ESC = '\u001b[';
    expect(run(dir, []).stdout).not.toContain(ESC); // not a TTY
    expect(run(dir, [], { FORCE_COLOR: '1' }).stdout).toContain(ESC);
    expect(run(dir, ['--color']).stdout).toContain(ESC);
    expect(run(dir, ['--no-color'], { FORCE_COLOR: '1' }).stdout).not.toContain(ESC);
    expect(run(dir, [], { FORCE_COLOR: '1', NO_COLOR: '1' }).stdout).not.toContain(ESC);
  });
});

describe('config', () => {
  const bad = (config: string, file = 'loopguard.config.json') => {
    const dir = project({ 'index.js': CLEAN, [file]: config });
    return run(dir, []);
  };

  it('reports unknown keys, unknown rules, wrong types and bad JSON with the file and key, exit 2', () => {
    const unknownKey = bad(JSON.stringify({ rulez: {} }));
    expect(unknownKey.code).toBe(2);
    expect(unknownKey.stderr).toContain('loopguard.config.json: "rulez" is not a config key');
    const unknownRule = bad(JSON.stringify({ rules: { 'blocking-cal': 'error' } }));
    expect(unknownRule.code).toBe(2);
    expect(unknownRule.stderr).toContain('"rules.blocking-cal" is not a known rule (did you mean "blocking-call"?)');
    const wrongSeverity = bad(JSON.stringify({ rules: { 'blocking-call': 'warnings' } }));
    expect(wrongSeverity.stderr).toContain('"rules.blocking-call" must be "error", "warn" (or "warning") or "off", got "warnings"');
    const wrongType = bad(JSON.stringify({ ignore: 'dist' }));
    expect(wrongType.stderr).toContain('"ignore" must be an array of strings, got a string');
    const badBlocking = bad(JSON.stringify({ blocking: [{ module: 'x' }] }));
    expect(badBlocking.stderr).toContain('"blocking[0].export" must be a non-empty string');
    const json = bad('{ "rules": { "blocking-call": "error", } }');
    expect(json.code).toBe(2);
    expect(json.stderr).toMatch(/loopguard\.config\.json: invalid JSON at line 1, column \d+/);
  });

  it('reads the "loopguard" key of package.json, found by walking up', () => {
    const dir = project({
      'package.json': JSON.stringify({ name: 'x', loopguard: { rules: { 'blocking-call': 'off' } } }),
      'src/app.js': HANDLER,
    });
    expect(run(path.join(dir, 'src'), ['.']).code).toBe(0);
    const broken = project({ 'package.json': JSON.stringify({ name: 'x', loopguard: { rules: 3 } }), 'a.js': CLEAN });
    const r = run(broken, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('package.json#loopguard: "rules" must be an object');
  });

  it('the config is looked up from the analyzed path, not from the working directory', () => {
    const dir = project({ 'proj/loopguard.config.json': JSON.stringify({ rules: { 'blocking-call': 'off' } }), 'proj/src/app.js': HANDLER, 'other/x.txt': '' });
    expect(run(dir, ['proj']).code).toBe(0);
    expect(run(path.join(dir, 'other'), [path.join(dir, 'proj')]).code).toBe(0);
    expect(run(dir, ['proj/src/app.js']).code).toBe(0);
    // With no config above the analyzed path, the defaults apply, whatever the working directory holds.
    const plain = project({ 'loopguard.config.json': JSON.stringify({ rules: { 'blocking-call': 'off' } }) });
    const elsewhere = project({ 'app.js': HANDLER });
    expect(run(plain, [elsewhere]).code).toBe(1);
  });

  it('"overrides" set rules for some files; later entries win; project findings take their own file\'s settings', () => {
    const LIB = "const fs = require('fs');\nfunction load(file) { return fs.readFileSync(file); }\nmodule.exports = { load };\n";
    const ROUTE = "const { load } = require('../vendor/read');\nconst app = require('express')();\napp.get('/b', (req, res) => res.send(load(req.query.t)));\n";
    const dir = project({
      'scripts/seed.js': HANDLER,
      'src/app.js': HANDLER,
      'src/legacy/old.js': HANDLER,
      'src/route.js': ROUTE,
      'vendor/read.js': LIB,
      'loopguard.config.json': JSON.stringify({
        rules: { 'blocking-call': 'warn' },
        overrides: [
          { files: ['scripts/', 'src/legacy/'], rules: { 'blocking-call': 'off' } },
          { files: ['src/legacy/old.js'], rules: { 'blocking-call': 'error' } },
          { files: ['vendor/'], rules: { 'blocking-call': 'off' } },
        ],
      }),
    });
    const r = run(dir, ['--format', 'json', '--no-cache']);
    expect(r.stderr).toBe('');
    const out = JSON.parse(r.stdout);
    // scripts/ off; src/app.js keeps the config's warn; the later entry turns the legacy file back on as an error;
    // the root cause in vendor/ (reached from src/route.js) is in a file whose rule is off.
    expect(out.findings.map((f: any) => [f.file, f.severity])).toEqual([
      ['src/app.js', 'warning'],
      ['src/legacy/old.js', 'error'],
    ]);
    expect(r.code).toBe(1);
  });

  it('"overrides" entries are checked key by key', () => {
    const bad = (overrides: unknown) => run(project({ 'a.js': CLEAN, 'loopguard.config.json': JSON.stringify({ overrides }) }), []);
    expect(bad({ files: ['x'] }).stderr).toContain('"overrides" must be an array');
    expect(bad([{ rules: {} }]).stderr).toContain('"overrides[0].files" must be a non-empty array of patterns');
    expect(bad([{ files: ['x/'] }]).stderr).toContain('"overrides[0].rules" is missing');
    expect(bad([{ files: ['x/'], rules: { 'blocking-cal': 'off' } }]).stderr).toContain(
      '"overrides[0].rules.blocking-cal" is not a known rule (did you mean "blocking-call"?)',
    );
    expect(bad([{ files: ['x/'], rules: {}, severity: 'off' }]).stderr).toContain('"overrides[0].severity" is not a key of an override (files, rules)');
  });

  it('a message with its own default level (an Express 4 handler is an error) yields to a severity the config sets', () => {
    const APP =
      "const app = require('express')();\napp.get('/a', async (req, res) => {\n  res.json(await fetch('https://api.example.com/a', { signal: AbortSignal.timeout(1000) }));\n});\n";
    const pkg = JSON.stringify({ name: 'x', dependencies: { express: '^4.21.2' } });
    const severities = (files: Record<string, string>) =>
      JSON.parse(run(project(files), ['--format', 'json', '--no-cache', '--rule', 'dangling-task']).stdout).findings.map((f: any) => f.severity);
    expect(severities({ 'package.json': pkg, 'app.js': APP })).toEqual(['error']);
    expect(severities({ 'package.json': pkg, 'app.js': APP, 'loopguard.config.json': JSON.stringify({ rules: { 'dangling-task': 'warn' } }) })).toEqual(['warning']);
    expect(severities({ 'package.json': JSON.stringify({ name: 'x', dependencies: { express: '^5.1.0' } }), 'app.js': APP })).toEqual([]);
  });

  it('--print-config shows the settings one file is analyzed with, and why', () => {
    const dir = project({
      'app/loopguard.config.json': JSON.stringify({
        rules: { 'missing-timeout': 'error' },
        ignore: ['gen/'],
        overrides: [{ files: ['jobs/'], rules: { 'blocking-call': 'off' } }],
      }),
      'app/jobs/nightly.js': CLEAN,
    });
    const r = run(dir, ['--print-config', 'app/jobs/nightly.js']);
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout);
    expect(out).toMatchObject({ file: 'app/jobs/nightly.js', config: 'app/loopguard.config.json', ignored: false, overrides: [0] });
    expect(out.rules['blocking-call'].severity).toBe('off');
    expect(out.rules['missing-timeout'].severity).toBe('error');
    expect(out.rules['await-in-loop'].severity).toBe('warn');
    expect(JSON.parse(run(dir, ['--print-config', 'app/gen/x.js']).stdout)).toMatchObject({ ignored: true, overrides: [] });
    const broken = project({ 'loopguard.config.json': '{ "rules": 3 }', 'a.js': CLEAN });
    expect(run(broken, ['--print-config', 'a.js']).stderr).toContain('config error: loopguard.config.json: "rules" must be an object');
  });

  it('--config points at a file; a missing one is an error', () => {
    const dir = project({ 'app.js': HANDLER, 'conf/lg.json': JSON.stringify({ rules: { 'blocking-call': 'off' } }) });
    expect(run(dir, ['--config', 'conf/lg.json']).code).toBe(0);
    const r = run(dir, ['--config', 'conf/missing.json']);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('conf/missing.json: config file not found');
  });

  it('"scripts" marks extra script files; "ignore" skips files', () => {
    const dir = project({
      'jobs/once.js': HANDLER,
      'gen/out.js': HANDLER,
      'loopguard.config.json': JSON.stringify({ scripts: ['jobs/'], ignore: ['gen/'] }),
    });
    const r = run(dir, ['--format', 'json']);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).stats.filesAnalyzed).toBe(1);
  });
});

describe('suppressions', () => {
  it('--report-unused-ignores lists directives that silenced nothing', () => {
    const dir = project({
      'a.js': `const fs = require('fs');\n// loopguard-ignore-next-line blocking-call -- not needed any more\nconst x = fs.readFileSync('x');\nmodule.exports = x;\n`,
    });
    expect(run(dir, []).code).toBe(0);
    const r = run(dir, ['--report-unused-ignores', '--format', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.findings).toEqual([expect.objectContaining({ ruleId: 'unused-suppression', line: 2, severity: 'warning' })]);
    expect(r.code).toBe(0);
  });

  it('an unknown rule id in a directive is an error', () => {
    const dir = project({ 'a.js': `// loopguard-ignore-next-line blocking-cal\nconst x = 1;\n` });
    const r = run(dir, []);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Suppression names unknown rule `blocking-cal`');
  });
});

describe('discovery', () => {
  it('respects nested .gitignore files; --no-ignore does not', () => {
    const dir = project({
      '.gitignore': 'generated/\n',
      'src/.gitignore': 'legacy.js\n',
      'src/app.js': CLEAN,
      'src/legacy.js': HANDLER,
      'generated/out.js': HANDLER,
      'node_modules/dep/index.js': HANDLER,
      'dist/bundle.js': HANDLER,
      'src/vendor.min.js': HANDLER,
      'src/types.d.ts': 'export declare function f(): void;\n',
    });
    fs.mkdirSync(path.join(dir, '.git'));
    const r = run(dir, ['--format', 'json']);
    expect(JSON.parse(r.stdout).stats.filesAnalyzed).toBe(1);
    expect(r.code).toBe(0);
    const all = run(dir, ['--no-ignore', '--format', 'json']);
    expect(JSON.parse(all.stdout).findings.map((f: any) => f.file)).toEqual(['generated/out.js', 'src/legacy.js']);
  });

  it('parent .gitignore files apply when a subfolder is scanned', () => {
    const dir = project({ '.gitignore': 'src/gen/\n', 'src/gen/x.js': HANDLER, 'src/a.js': CLEAN });
    fs.mkdirSync(path.join(dir, '.git'));
    expect(JSON.parse(run(dir, ['src', '--format', 'json']).stdout).stats.filesAnalyzed).toBe(1);
  });

  it('always analyzes explicit file arguments (pre-commit, lint-staged)', () => {
    const dir = project({ '.gitignore': 'generated/\n', 'generated/out.js': HANDLER, 'README.md': '# hi\n' });
    const r = run(dir, ['generated/out.js', 'README.md', '--format', 'json']);
    const out = JSON.parse(r.stdout);
    expect(out.findings).toHaveLength(1);
    expect(out.skipped).toEqual([{ file: 'README.md', reason: 'not a JavaScript or TypeScript file' }]);
    expect(r.code).toBe(1);
  });

  it('says so when there is nothing to analyze', () => {
    const dir = project({ 'README.md': '# hi\n' });
    const r = run(dir, []);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('0 files analyzed');
  });
});

describe('bad input never stops the run', () => {
  const big = 'export const data = [\n' + '  "0123456789012345678901234567890123456789",\n'.repeat(50_000) + '];\n';
  const deep = 'export const x = ' + '('.repeat(20_000) + '1' + ')'.repeat(20_000) + ';\n';
  const longChain = 'export const y = ' + Array.from({ length: 3000 }, (_, i) => `a${i}`).join(' + ') + ';\n';
  const dir = project({
    'a-broken.js': 'const x = ;\n',
    'b-good.js': HANDLER,
    'c-empty.js': '',
    'd-binary.js': Buffer.from([0x7f, 0x45, 0x4c, 0x46, 0, 0, 1, 2, 3]),
    'e-big.js': big,
    'f-deep.js': deep,
    'g-chain.js': longChain,
    'h-bom.js': '\uFEFF' + HANDLER,
    'i-crlf.js': HANDLER.replace(/\n/g, '\r\n'),
  });

  it('reports the syntax error as parse-error and analyzes every other file', () => {
    const r = run(dir, ['--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.errors).toEqual([]);
    const parse = out.findings.find((f: any) => f.ruleId === 'parse-error');
    expect(parse).toMatchObject({ file: 'a-broken.js', line: 1, column: 11, severity: 'error' });
    expect(parse.message).toContain('Unexpected token');
    expect(out.findings.filter((f: any) => f.ruleId === 'blocking-call').map((f: any) => [f.file, f.line])).toEqual([
      ['b-good.js', 4],
      ['h-bom.js', 4],
      ['i-crlf.js', 4],
    ]);
    expect(out.skipped).toEqual([
      { file: 'd-binary.js', reason: 'binary file (contains NUL bytes)' },
      { file: 'e-big.js', reason: expect.stringMatching(/^2\.\d MB, over the 1024 KB limit/) },
      { file: 'f-deep.js', reason: expect.stringContaining('nesting too deep') },
    ]);
    expect(out.stats.filesAnalyzed).toBe(6);
  });

  it('prints clear notes for skipped files in stylish output', () => {
    const r = run(dir, []);
    expect(r.stdout).toContain('note  skipped e-big.js: 2.');
    expect(r.stdout).toContain('raise "maxFileSizeKb"');
    expect(r.stdout).toContain('note  skipped f-deep.js: nesting too deep to parse');
    expect(r.stderr).toBe('');
  });

  it('maxFileSizeKb raises the limit', () => {
    fs.writeFileSync(path.join(dir, 'loopguard.config.json'), JSON.stringify({ maxFileSizeKb: 4096 }));
    try {
      const out = JSON.parse(run(dir, ['--format', 'json']).stdout);
      expect(out.skipped.map((s: any) => s.file)).not.toContain('e-big.js');
    } finally {
      fs.rmSync(path.join(dir, 'loopguard.config.json'));
    }
  });
});

describe('subcommands', () => {
  it('rules lists every rule with its default severity', () => {
    const r = run(ROOT, ['rules']);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/blocking-call\s+error\s+blocking/);
    const json = JSON.parse(run(ROOT, ['rules', '--format', 'json']).stdout);
    expect(json.find((x: any) => x.id === 'blocking-call').severity).toBe('error');
  });

  it('explain prints why, bad and good', () => {
    const r = run(ROOT, ['explain', 'blocking-call']);
    expect(r.code).toBe(0);
    expect(r.stdout).toContain('Why');
    expect(r.stdout).toContain('Flagged');
    expect(r.stdout).toContain('Not flagged');
    const unknown = run(ROOT, ['explain', 'blocking']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain('unknown rule "blocking"');
  });

  it('--version and --help exit 0', () => {
    expect(run(ROOT, ['--version']).stdout.trim()).toMatch(/^\d+\.\d+\.\d+/);
    const help = run(ROOT, ['--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('--max-warnings');
  });
});

describe('workers and cache', () => {
  const copyProject = () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-cli-'));
    temps.push(dir);
    fs.cpSync(path.join(ROOT, 'fixtures', 'projects', 'call-chains'), dir, { recursive: true });
    return dir;
  };

  it('gives the same bytes whatever the worker count', () => {
    const dir = copyProject();
    const one = run(dir, ['--format', 'json', '--workers', '1', '--no-cache']);
    const two = run(dir, ['--format', 'json', '--workers', '2', '--no-cache']);
    const three = run(dir, ['--format', 'sarif', '--workers', '3', '--no-cache']);
    expect(one.code).toBe(1);
    expect(two.stdout).toBe(one.stdout);
    expect(three.stdout).toBe(run(dir, ['--format', 'sarif', '--workers', '1', '--no-cache']).stdout);
    expect(JSON.parse(one.stdout).findings.filter((f: any) => f.trace).length).toBeGreaterThan(0);
  });

  it('caches results by content, ignores a corrupted cache, and --no-cache leaves nothing behind', () => {
    const dir = copyProject();
    const cold = run(dir, ['--format', 'json']);
    const cacheFile = path.join(dir, 'node_modules', '.cache', 'loopguard', 'results.json');
    expect(fs.existsSync(cacheFile)).toBe(true);
    expect(run(dir, ['--format', 'json']).stdout).toBe(cold.stdout);
    // Truncated, then garbage: ignored and rebuilt, never a crash.
    fs.writeFileSync(cacheFile, fs.readFileSync(cacheFile, 'utf8').slice(0, 100));
    expect(run(dir, ['--format', 'json']).stdout).toBe(cold.stdout);
    fs.writeFileSync(cacheFile, '\u0000garbage');
    const again = run(dir, ['--format', 'json']);
    expect(again.stdout).toBe(cold.stdout);
    expect(again.stderr).toBe('');
    expect(() => JSON.parse(fs.readFileSync(cacheFile, 'utf8'))).not.toThrow();
    // A changed file is analyzed again.
    const page = path.join(dir, 'src', 'routes', 'pages.ts');
    fs.writeFileSync(page, fs.readFileSync(page, 'utf8').replace('res.send(revision());', 'res.send("v1");'));
    const changed = JSON.parse(run(dir, ['--format', 'json']).stdout);
    expect(changed.findings.length).toBe(JSON.parse(cold.stdout).findings.length - 1);
    const fresh = copyProject();
    run(fresh, ['--no-cache']);
    expect(fs.existsSync(path.join(fresh, 'node_modules'))).toBe(false);
    run(fresh, ['--cache-location', '.lg-cache']);
    expect(fs.existsSync(path.join(fresh, '.lg-cache', 'results.json'))).toBe(true);
  });

  it('rejects a bad --workers and prints no progress off a terminal', () => {
    const dir = copyProject();
    expect(run(dir, ['--workers', '0']).code).toBe(2);
    expect(run(dir, ['--workers', 'many']).code).toBe(2);
    expect(run(dir, ['--format', 'json']).stderr).toBe('');
  });
});

describe('names from Object.prototype', () => {
  it('a config key named like a prototype property is still unknown', () => {
    const dir = project({ 'index.js': CLEAN, 'loopguard.config.json': '{ "toString": 1 }' });
    const r = run(dir, []);
    expect(r.code).toBe(2);
    expect(r.stderr).toContain('"toString" is not a config key');
    const opt = project({ 'index.js': CLEAN, 'loopguard.config.json': '{ "rules": { "blocking-call": ["error", { "constructor": 1 }] } }' });
    expect(run(opt, []).stderr).toContain('"rules.blocking-call.constructor" is not an option of blocking-call');
  });
});

describe('one finding per root cause', () => {
  // fixtures/projects/root-causes: readSettings() is reached from four serving paths (a fifth is suppressed at its call).
  const dir = path.join(ROOT, 'fixtures', 'projects', 'root-causes');
  const args = ['--no-cache', '--rule', 'blocking-call'];

  it('text lists the first three paths and counts the rest', () => {
    const r = run(dir, args);
    expect(r.stdout).toContain('`fs.readFileSync` in `readSettings()` blocks the event loop on 4 serving paths');
    // The most waited-on paths first: the admin page's route comes after the three that serve every user.
    expect(r.stdout).toContain(
      'the route handler `GET /settings` (src/routes/admin.ts:20) → settingsView (src/config.ts:10) → readSettings (src/config.ts:4) → fs.readFileSync',
    );
    expect(r.stdout).toContain('… and 1 more path (all of them: --format json)');
    // ensureUploadDir's mkdirSync is a metadata call: low impact, counted but not shown by default.
    expect(r.stdout).toContain('1 problem');
    expect(r.stdout).toContain('1 low-impact finding not shown (--impact low shows them)');
    expect(run(dir, [...args, '--impact', 'low']).stdout).toContain('2 problems');
  });

  it('json has every path; sarif one code flow per path, the serving calls as related locations', () => {
    const out = JSON.parse(run(dir, [...args, '--format', 'json']).stdout);
    expect(out.findings).toHaveLength(1);
    expect(out.findings[0].paths.map((p: any[]) => `${p[0].file}:${p[0].line}`)).toEqual([
      'src/routes/admin.ts:20',
      'src/routes/users.ts:7',
      'src/routes/users.ts:11',
      'src/routes/admin.ts:7', // `GET /admin`: an admin page, a few operators wait on it
    ]);
    expect(out.findings[0].trace).toEqual(out.findings[0].paths[0]);
    const log = JSON.parse(run(dir, [...args, '--format', 'sarif']).stdout);
    expect(sarifProblems(log)).toEqual([]);
    const result = log.runs[0].results[0];
    expect(result.codeFlows).toHaveLength(4);
    expect(result.relatedLocations.map((l: any) => l.physicalLocation.region.startLine)).toEqual([20, 7, 11, 7]);
    // Each location of a code flow spans the whole call it makes, not one character.
    const flow = result.codeFlows[0].threadFlows[0].locations.map((l: any) => [l.location.message.text, l.location.physicalLocation.region]);
    expect(flow).toEqual([
      ['the route handler `GET /settings`', { startLine: 20, startColumn: 47, endLine: 20, endColumn: 61 }], // settingsView()
      ['settingsView', { startLine: 11, startColumn: 21, endLine: 11, endColumn: 35 }], // readSettings()
      ['readSettings', { startLine: 6, startColumn: 35, endLine: 6, endColumn: 64 }], // fs.readFileSync(file, 'utf8')
      ['fs.readFileSync', { startLine: 6, startColumn: 35, endLine: 6, endColumn: 64 }],
    ]);
  });

  it('a suppression at a serving call drops that path and counts as used', () => {
    const r = JSON.parse(run(dir, [...args, '--format', 'json', '--report-unused-ignores']).stdout);
    expect(r.findings.map((f: any) => f.ruleId)).toEqual(['blocking-call']);
    expect(r.stats.belowImpactCount).toBe(1);
    // the root's own comment, the path dropped from the four, and readLegacyFlags' only path
    expect(r.stats.suppressedCount).toBe(3);
  });
});
