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
  delete env.GITHUB_ACTIONS; // these tests may themselves run under GitHub Actions
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
  res.send(fs.readFileSync(req.query.x));
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
      'lib/read.js': "const fs = require('fs');\nfunction load(file) { return fs.readFileSync(file); }\nmodule.exports = { load };\n",
      'route.js': "const { load } = require('./lib/read');\nconst app = require('express')();\napp.get('/a', (req, res) => res.send('ok'));\n",
    });
    fs.appendFileSync(path.join(dir, 'route.js'), "app.get('/b', (req, res) => res.send(load(req.query.t)));\n");
    const out = JSON.parse(run(dir, ['--since', 'HEAD', '--format', 'json']).stdout);
    // The root cause is reported at the blocking call, in an unchanged file: in scope because a serving path to it changed.
    expect(out.findings).toEqual([
      expect.objectContaining({ file: 'lib/read.js', line: 2, paths: [[expect.objectContaining({ file: 'route.js', line: 4 }), expect.anything(), expect.anything()]] }),
    ]);
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
    // Only a shallow clone gets the advice to fetch.
    expect(bad.stderr).not.toContain('fetch');
  });

  it('on a repository with no commits yet, every file is new', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-git-'));
    temps.push(dir);
    git(dir, 'init', '-q', '-b', 'main');
    write(dir, { 'a.js': handler('/a'), 'b.js': handler('/b') });
    git(dir, 'add', 'a.js');
    const r = run(dir, ['--since', 'HEAD', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.file)).toEqual(['a.js', 'b.js']);
  });

  it('finds the repository from the analyzed path, not from the working directory', () => {
    const dir = repo({ 'app/a.js': handler('/a'), 'app/b.js': handler('/b') });
    fs.appendFileSync(path.join(dir, 'app/b.js'), '// edited\n');
    const elsewhere = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-nogit-'));
    temps.push(elsewhere);
    const r = run(elsewhere, [path.join(dir, 'app'), '--since', 'HEAD', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.map((f: any) => path.basename(f.file))).toEqual(['b.js']);
  });
});

describe('--staged', () => {
  it('reports the files staged for commit only: not unstaged edits, not untracked files', () => {
    const dir = repo({ 'staged.js': handler('/s'), 'unstaged.js': handler('/u') });
    fs.appendFileSync(path.join(dir, 'staged.js'), '// edited\n');
    git(dir, 'add', 'staged.js');
    fs.appendFileSync(path.join(dir, 'unstaged.js'), '// edited\n');
    write(dir, { 'untracked.js': handler('/n') });
    const r = run(dir, ['--staged', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.file)).toEqual(['staged.js']);
  });

  it("works on a repository's first commit", () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-git-'));
    temps.push(dir);
    git(dir, 'init', '-q', '-b', 'main');
    write(dir, { 'first.js': handler('/f'), 'later.js': handler('/l') });
    git(dir, 'add', 'first.js');
    const r = run(dir, ['--staged', '--format', 'json']);
    expect(r.stderr).toBe('');
    expect(r.code).toBe(1);
    expect(JSON.parse(r.stdout).findings.map((f: any) => f.file)).toEqual(['first.js']);
    const none = run(dir, ['--staged', 'later.js']);
    expect(none.code).toBe(0);
  });

  it('cannot be combined with --since', () => {
    const dir = repo({ 'a.js': handler('/a') });
    expect(run(dir, ['--staged', '--since', 'HEAD']).stderr).toContain("option '--staged' cannot be used with option '--since");
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
    fs.writeFileSync(path.join(dir, 'b.js'), handler('/b').replace('fs.readFileSync(req.query.x)', "'fixed'"));
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
    const dir = repo({
      'a.js':
        "const app = require('express')();\nconst db = require('./db');\napp.get('/', async (req, res) => {\n  const x = await db.a.get();\n  const y = await db.b.get();\n  const z = await db.c.get();\n  res.json([x, y, z]);\n});\n",
    });
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

  it('points annotations and SARIF at checkout paths when run from a subdirectory', () => {
    const dir = repo({ 'packages/api/a.js': handler('/a') });
    const cwd = path.join(dir, 'packages', 'api');
    const env = { ...process.env, GITHUB_ACTIONS: 'true', GITHUB_WORKSPACE: dir };
    const gh = spawnSync(process.execPath, [BIN, '--no-cache', '--format', 'github'], { cwd, env, encoding: 'utf8' });
    expect(gh.stdout).toMatch(/^::error file=packages\/api\/a\.js,line=4,/m);
    const sarif = spawnSync(process.execPath, [BIN, '--no-cache', '--format', 'sarif'], { cwd, env, encoding: 'utf8' });
    expect(JSON.parse(sarif.stdout).runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe('packages/api/a.js');
    // Outside GitHub Actions, paths stay relative to the working directory.
    expect(run(cwd, ['--format', 'github']).stdout).toMatch(/^::error file=a\.js,/m);
  });

  it('ships an action with inputs for paths, format and fail-on', () => {
    const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    expect(Object.keys(action.inputs)).toEqual(expect.arrayContaining(['paths', 'format', 'fail-on']));
    expect(action.runs.using).toBe('composite');
    expect(action.runs.steps.at(-1).run).toContain('bin/loopguard.js');
  });

  it("the action's shell steps work as GitHub runs them (bash -eo pipefail, inputs in env)", () => {
    const action = YAML.parse(fs.readFileSync(path.join(ROOT, 'action.yml'), 'utf8'));
    const dir = repo({ 'src/a.js': handler('/a'), 'src/b c.js': handler('/b') });
    const outputs = path.join(dir, '.github-output');
    const step = (name: string, inputs: Record<string, string>) => {
      const s = action.runs.steps.find((x: any) => x.name === name);
      const env: Record<string, string> = { ...(process.env as Record<string, string>), GITHUB_OUTPUT: outputs, GITHUB_ACTION_PATH: ROOT };
      delete env.FORCE_COLOR;
      for (const [k, v] of Object.entries(s.env ?? {})) {
        const input = /^\$\{\{ inputs\.([\w-]+) \}\}$/.exec(String(v))![1];
        env[k] = inputs[input] ?? action.inputs[input].default;
      }
      return spawnSync('bash', ['--noprofile', '--norc', '-eo', 'pipefail', '-c', s.run], { cwd: dir, env, encoding: 'utf8' });
    };
    expect(step('Check Node.js', {}).status).toBe(0);
    expect(fs.readFileSync(outputs, 'utf8')).toContain('ok=true'); // this Node qualifies: the job's node is left alone
    const annotated = step('Run loopguard', { paths: 'src', args: '--no-cache' });
    expect(annotated.status).toBe(1);
    expect(annotated.stdout.split('\n').filter((l) => l.startsWith('::error file=src/'))).toHaveLength(2);
    const sarif = step('Run loopguard', { format: 'sarif', 'output-file': 'out.sarif', 'fail-on': 'none', args: '--no-cache' });
    expect(sarif.status).toBe(0);
    expect(JSON.parse(fs.readFileSync(path.join(dir, 'out.sarif'), 'utf8')).runs[0].results).toHaveLength(2);
    git(dir, 'add', '-A');
    git(dir, 'commit', '-q', '-m', 'more');
    write(dir, { 'src/b c.js': handler('/b2') });
    const since = step('Run loopguard', { since: 'HEAD', args: '--no-cache --format json' });
    expect(JSON.parse(since.stdout).findings.map((f: any) => f.file)).toEqual(['src/b c.js']);
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
    const changed = hooks.find((h: any) => h.id === 'loopguard-changed');
    expect(changed).toMatchObject({ language: 'node', pass_filenames: false, entry: 'loopguard --staged' });
    for (const h of hooks) expect(Object.keys(h)).toEqual(expect.arrayContaining(['id', 'name', 'entry', 'language']));
  });

  it('a hook in a repository that is not a Node project creates no node_modules there', () => {
    const dir = repo({ 'tool.js': handler('/t') });
    const cacheHome = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-xdg-'));
    temps.push(cacheHome);
    const env = { ...process.env, XDG_CACHE_HOME: cacheHome };
    const r = spawnSync(process.execPath, [BIN, 'tool.js'], { cwd: dir, env, encoding: 'utf8' });
    expect(r.status).toBe(1);
    expect(fs.existsSync(path.join(dir, 'node_modules'))).toBe(false);
    expect(fs.readdirSync(path.join(cacheHome, 'loopguard'))).toHaveLength(1);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });
});
