// What `npm publish` would ship: only what users run (bin/, the compiled dist/src and dist/rules,
// README, LICENSE, package.json). `npm pack --dry-run` is fast and offline; scripts are skipped so
// `prepare` does not rebuild dist/ under the other test files (`npm test` has just built it).
//
// And what `npm pack` prints when it does run `prepare`, in a copy of the package: pre-commit 3.0 to
// 4.6.0 installs a `language: node` hook with `npm install`, then `npm pack` in its clone, and takes
// pack's whole stdout, stripped, as the tarball's path (pre_commit/languages/node.py).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

// Under `npm test`, npm_execpath is npm's own CLI script: run it with this Node, no shell needed.
const NPM_CLI = process.env.npm_execpath;

function npm(args: string[], cwd: string, env: NodeJS.ProcessEnv = process.env) {
  return NPM_CLI && /\.c?js$/.test(NPM_CLI)
    ? spawnSync(process.execPath, [NPM_CLI, ...args], { cwd, env, encoding: 'utf8' })
    : spawnSync('npm', args, { cwd, env, encoding: 'utf8', shell: process.platform === 'win32' });
}

/** The environment of a shell or a git hook: none of the npm_* variables `npm test` sets for its children. */
function shellEnv(): NodeJS.ProcessEnv {
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_/i.test(k)) delete env[k];
  return env;
}

function packedFiles(): string[] {
  const r = npm(['pack', '--dry-run', '--json', '--ignore-scripts'], ROOT);
  expect(r.status, r.stderr).toBe(0);
  const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path);
}

describe('npm package', () => {
  const files = packedFiles();

  it('ships the bin, the compiled CLI and rules, LICENSE and README', () => {
    for (const f of ['bin/loopguard.js', 'dist/src/cli/main.js', 'LICENSE', 'README.md', 'package.json', 'docs/loopguard.config.schema.json']) expect(files).toContain(f);
    expect(files.some((f) => /^dist\/rules\/[^/]+\.js$/.test(f))).toBe(true);
  });

  it('ships nothing else: no source maps, bench, tests, fixtures, sources or wheels', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/bench/'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)fixtures\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.whl'))).toEqual([]);
    const allowed = /^(bin\/[^/]+\.js|dist\/(src|rules)\/.+\.js|LICENSE|README\.md|package\.json|docs\/loopguard\.config\.schema\.json)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  });

  it('ships no pointers to source maps it leaves out', () => {
    const pointing = files.filter((f) => f.endsWith('.js') && fs.readFileSync(path.join(ROOT, f), 'utf8').includes('//# sourceMappingURL='));
    expect(pointing).toEqual([]);
  });
});

describe('npm pack with scripts, as pre-commit runs it', () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { name: string; version: string };
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-pack-'));
  temps.push(dir);
  // What a clone holds that the build reads; the dev tools come from this checkout.
  for (const name of ['package.json', '.npmrc', 'LICENSE', 'README.md', 'tsconfig.json', 'tsconfig.build.json', 'bin', 'scripts', 'src', 'rules', 'bench']) {
    fs.cpSync(path.join(ROOT, name), path.join(dir, name), { recursive: true });
  }
  fs.symlinkSync(path.join(ROOT, 'node_modules'), path.join(dir, 'node_modules'), 'junction');

  it('prints only the tarball name on stdout, and the tarball holds the build', () => {
    const r = npm(['pack'], dir, shellEnv());
    expect(r.status, r.stderr).toBe(0);
    expect(r.stdout).toBe(`${pkg.name}-${pkg.version}.tgz\n`);
    const tar = zlib.gunzipSync(fs.readFileSync(path.join(dir, r.stdout.trim()))).toString('latin1');
    expect(tar).toContain('package/dist/src/cli/main.js');
    expect(tar).toContain('package/dist/rules/index.js');
  });

  it('prepare writes nothing to stdout, even when the build fails', () => {
    fs.writeFileSync(path.join(dir, 'src', 'broken.ts'), 'export const x = ;\n');
    try {
      const r = spawnSync(process.execPath, ['scripts/prepare.js'], { cwd: dir, env: shellEnv(), encoding: 'utf8' });
      expect(r.status).not.toBe(0);
      expect(r.stderr).toContain('src/broken.ts');
      expect(r.stdout).toBe('');
    } finally {
      fs.rmSync(path.join(dir, 'src', 'broken.ts'));
    }
  });

  it('prepare builds once per set of inputs (npm runs it twice for a git dependency)', () => {
    const prepare = () => spawnSync(process.execPath, ['scripts/prepare.js'], { cwd: dir, env: shellEnv(), encoding: 'utf8' });
    const marker = path.join(dir, 'dist', 'marker');
    expect(prepare().status).toBe(0);
    fs.writeFileSync(marker, '');
    const again = prepare();
    expect(again.status).toBe(0);
    expect(again.stderr).toContain('dist/ is already built from these sources');
    expect(fs.existsSync(marker)).toBe(true);
    // A changed source is rebuilt, from an empty dist/.
    fs.appendFileSync(path.join(dir, 'rules', 'index.ts'), '// changed\n');
    expect(prepare().status).toBe(0);
    expect(fs.existsSync(marker)).toBe(false);
    expect(fs.readFileSync(path.join(dir, 'dist', 'rules', 'index.js'), 'utf8')).toContain('// changed');
  });
});

describe('the bin without a build', () => {
  // Copies of the package with no dist/: a clone, and copies installed with --ignore-scripts by npm and by pnpm.
  function unbuilt(...segments: string[]) {
    const base = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-unbuilt-'));
    temps.push(base);
    const root = path.join(base, ...segments);
    fs.mkdirSync(path.join(root, 'bin'), { recursive: true });
    fs.copyFileSync(path.join(ROOT, 'bin', 'loopguard.js'), path.join(root, 'bin', 'loopguard.js'));
    fs.copyFileSync(path.join(ROOT, 'package.json'), path.join(root, 'package.json'));
    const r = spawnSync(process.execPath, [path.join(root, 'bin', 'loopguard.js'), '--version'], { cwd: base, encoding: 'utf8' });
    return { root, code: r.status, stdout: r.stdout, stderr: r.stderr };
  }

  it('in a clone: build it there', () => {
    const r = unbuilt('loopguard');
    expect(r.code).toBe(2);
    expect(r.stdout).toBe('');
    expect(r.stderr).toBe(`loopguard: not built yet. Run \`npm install\` (or \`npm run build\`) in ${r.root}\n`);
  });

  it('installed by npm: no build advice that cannot work inside node_modules, install it again with scripts', () => {
    const r = unbuilt('project', 'node_modules', 'loopguard');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('npm run build');
    expect(r.stderr).toContain('--ignore-scripts');
    expect(r.stderr).toContain(`\`npm ci\`, or delete ${r.root} and run \`npm install\``);
    expect(r.stderr).toContain('npm pack');
  });

  it('installed by pnpm: reinstall with its build script allowed', () => {
    const r = unbuilt('project', 'node_modules', '.pnpm', 'loopguard@0.1.0', 'node_modules', 'loopguard');
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('npm run build');
    expect(r.stderr).toContain('pnpm install --force');
    expect(r.stderr).toContain('onlyBuiltDependencies');
  });
});
