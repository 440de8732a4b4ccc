// The places users run loopguard: pull requests (--since), adoption (baselines),
// GitHub (annotations, the action), pre-commit. End to end, in temporary git repositories.
import { execFileSync, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import YAML from 'yaml';
import { escapeData, escapeProperty } from '../src/reporters/github.js';
import { ROOT } from './helpers.js';

const BIN = path.join(ROOT, 'bin', 'loopguard.js');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function run(cwd: string, args: string[]) {
  const env = { ...process.env };
  delete env.FORCE_COLOR;
  const r = spawnSync(process.execPath, [BIN, ...args, '--no-cache'], { cwd, env, encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function git(cwd: string, ...args: string[]) {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
}

function repo(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-git-'));
  temps.push(dir);
  git(dir, 'init', '-q', '-b', 'main');
  git(dir, 'config', 'user.email', 'ci@example.com');
  git(dir, 'config', 'user.name', 'CI');
  write(dir, files);
  git(dir, 'add', '-A');
  git(dir, 'commit', '-q', '-m', 'base');
  return dir;
}

function write(dir: string, files: Record<string, string>) {
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content);
  }
}

const handler = (route: string) => `const fs = require('fs');
const app = require('express')();
app.get('${route}', (req, res) => {
  res.send(fs.readFileSync('x'));
});
`;

describe('--since', () => {
  it('reports committed, modified, renamed and untracked changes only', () => {
    const dir = repo({ 'old.js': handler('/old'), 'moved.js': handler('/moved'), 'edited.js': handler('/edited'), 'gone.js': handler('/gone') });
    git(dir, 'tag', 'base');
    write(dir, { 'committed.js': handler('/committed') });
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'more');
    git(dir, 'mv', 'moved.js', 'renamed.js');
    fs.appendFileSync(path.join(dir, 'edited.js'), '// edited\n');
    fs.rmSync(path.join(dir, 'gone.js'));
    write(dir, { 'untracked.js': handler('/untracked') });
    const r = run(dir, ['--since', 'base', '--format', 'json']);
    expect(r.stderr).toBe('');
    const files = JSON.parse(r.stdout).findings.map((f: any) => f.file);
    expect(files).toEqual(['committed.js', 'edited.js', 'renamed.js', 'untracked.js']);
    expect(r.code).toBe(1);
  });

  it('still sees the whole project for cross-file chains', () => {
    const dir = repo({
      'lib/read.js': "const fs = require('fs');\nfunction load() { return fs.readFileSync('t'); }\nmodule.exports = { load };\n",
      'route.js': "const { load } = require('./lib/read');\nconst app = require('express')();\napp.get('/a', (req, res) => res.send('ok'));\n",
    });
    fs.appendFileSync(path.join(dir, 'route.js'), "app.get('/b', (req, res) => res.send(load()));\n");
    const out = JSON.parse(run(dir, ['--since', 'HEAD', '--format', 'json']).stdout);
    expect(out.findings).toEqual([expect.objectContaining({ file: 'route.js', line: 4, trace: expect.any(Array) })]);
  });

  it('explains what is wrong outside a repository or with an unknown ref', () => {
    const plain = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-nogit-'));
    temps.push(plain);
    fs.writeFileSync(path.join(plain, 'a.js'), handler('/a'));
    const outside = run(plain, ['--since', 'main']);
    expect(outside.code).toBe(2);
    expect(outside.stderr).toContain('--since needs a git repository');
    const dir = repo({ 'a.js': handler('/a') });
    const bad = run(dir, ['--since', 'no-such-branch']);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain('"no-such-branch" is not a commit, branch or tag');
  });
});

describe('baselines', () => {
  it('records today, then reports only new findings and lists the fixed ones', () => {
    const dir = repo({ 'a.js': handler('/a'), 'b.js': handler('/b') });
    const written = run(dir, ['--write-baseline']);
    expect(written.code).toBe(0);
    expect(written.stdout).toContain('Baseline written to .loopguard-baseline.json: 2 findings recorded');
    const baseline = fs.readFileSync(path.join(dir, '.loopguard-baseline.json'), 'utf8');
    const entries = JSON.parse(baseline).findings;
    expect(entries.map((e: any) => e.file)).toEqual(['a.js', 'b.js']);
    expect(baseline.split('\n').filter((l) => l.includes('"fingerprint"'))).toHaveLength(2); // one entry per line
    expect(run(dir, ['--baseline']).code).toBe(0);
    // Paths in the baseline are relative to it: a run from a subdirectory matches too.
    write(dir, { 'lib/d.js': handler('/d') });
    run(dir, ['--write-baseline']);
    const sub = run(path.join(dir, 'lib'), ['.', '--baseline']);
    expect(sub.stdout).toContain('1 finding already in the baseline ../.loopguard-baseline.json');
    expect(sub.code).toBe(0);
    fs.rmSync(path.join(dir, 'lib'), { recursive: true });
    run(dir, ['--write-baseline']);
    expect(run(dir, ['--write-baseline', '--since', 'main']).stderr).toContain("cannot be used with option '--since");
    // Shift a.js down (same finding, new line), fix b.js, add c.js.
    fs.writeFileSync(path.join(dir, 'a.js'), '// a header\n\n' + handler('/a'));
    fs.writeFileSync(path.join(dir, 'b.js'), handler('/b').replace("fs.readFileSync('x')", "'fixed'"));
    write(dir, { 'c.js': handler('/c') });
    const r = run(dir, ['--baseline', '--format', 'json']);
    expect(r.code).toBe(1);
    const out = JSON.parse(r.stdout);
    expect(out.findings.map((f: any) => f.file)).toEqual(['c.js']);
    expect(out.baseline).toMatchObject({ file: '.loopguard-baseline.json', matched: 1, gone: [expect.objectContaining({ file: 'b.js', ruleId: 'blocking-call' })] });
    const stylish = run(dir, ['--baseline']).stdout;
    expect(stylish).toContain('1 finding already in the baseline');
    expect(stylish).toContain('1 baseline entry no longer found');
    // The same through the config key, and in SARIF.
    fs.writeFileSync(path.join(dir, 'loopguard.config.json'), JSON.stringify({ baseline: '.loopguard-baseline.json' }));
    const sarif = JSON.parse(run(dir, ['--format', 'sarif']).stdout);
    expect(sarif.runs[0].results).toHaveLength(1);
    expect(sarif.runs[0].results[0].baselineState).toBe('new');
    expect(sarif.runs[0].results[0].partialFingerprints['loopguardFingerprint/v1']).toMatch(/^[0-9a-f]{16}$/);
    const missing = run(dir, ['--baseline', 'nope.json']);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain('baseline nope.json not found');
  });
});

describe('severity controls', () => {
  it('--fail-on error|warning|none', () => {
    const dir = repo({ 'a.js': "async function f(a, b) {\n  const x = await a.get();\n  const y = await b.get();\n  return [x, y];\n}\nmodule.exports = { f };\n" });
    expect(run(dir, []).code).toBe(0); // a warning only
    expect(run(dir, ['--fail-on', 'warning']).code).toBe(1);
    write(dir, { 'b.js': handler('/b') });
    expect(run(dir, ['--fail-on', 'none']).code).toBe(0);
    expect(run(dir, ['--fail-on', 'error']).code).toBe(1);
    expect(run(dir, ['--fail-on', 'sometimes']).code).toBe(2);
  });
});

describe('GitHub', () => {
  it('--format github prints escaped workflow commands', () => {
    const dir = repo({ 'we,ird:name%.js': handler('/a') });
    const r = run(dir, ['--format', 'github']);
    const line = r.stdout.split('\n').find((l) => l.startsWith('::error'))!;
    expect(line).toMatch(/^::error file=we%2Cird%3Aname%25\.js,line=4,col=12,endLine=4,endColumn=27,title=blocking-call::/);
    expect(line).toContain('%0Ahelp: Use');
    expect(line.split('::').length).toBe(3);
    expect(escapeData('50% done\r\nnext')).toBe('50%25 done%0D%0Anext');
    expect(escapeProperty('a:b,c%')).toBe('a%3Ab%2Cc%25');
  });

  it('ships an action with inputs for paths, format and fail-on', () => {
    const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['paths', 'format', 'fail-on']));
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.at(-1).run).toContain('bin/loopguard.js');
  });
});

describe('pre-commit', () => {
  it('hook definition matches what the pre-commit framework expects', () => {
    const hooks = YAML.parse(fs.readFileSync(path.join(ROOT, '.pre-commit-hooks.yaml'), 'utf8'));
    expect(Array.isArray(hooks)).toBe(true);
    const hook = hooks[0];
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(hook).toMatchObject({ id: 'loopguard', language: 'node', pass_filenames: true });
    expect(Object.keys(pkg.bin)).toContain(hook.entry);
    expect(hook.types_or).toEqual(expect.arrayContaining(['javascript', 'jsx', 'ts', 'tsx']));
  });
});
