// What `npm publish` would ship: only what users run (bin/, the compiled dist/src and dist/rules,
// README, LICENSE, package.json). `npm pack --dry-run` is fast and offline; scripts are skipped so
// `prepare` does not rebuild dist/ under the other test files (`npm test` has just built it).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

function packedFiles(): string[] {
  const args = ['pack', '--dry-run', '--json', '--ignore-scripts'];
  // Under `npm test`, npm_execpath is npm's own CLI script: run it with this Node, no shell needed.
  const npmCli = process.env.npm_execpath;
  const r =
    npmCli && /\.c?js$/.test(npmCli)
      ? spawnSync(process.execPath, [npmCli, ...args], { cwd: ROOT, encoding: 'utf8' })
      : spawnSync('npm', args, { cwd: ROOT, encoding: 'utf8', shell: process.platform === 'win32' });
  expect(r.status, r.stderr).toBe(0);
  const [pack] = JSON.parse(r.stdout) as { files: { path: string }[] }[];
  return pack!.files.map((f) => f.path);
}

describe('npm package', () => {
  const files = packedFiles();

  it('ships the bin, the compiled CLI and rules, LICENSE and README', () => {
    for (const f of ['bin/loopguard.js', 'dist/src/cli/main.js', 'LICENSE', 'README.md', 'package.json']) expect(files).toContain(f);
    expect(files.some((f) => /^dist\/rules\/[^/]+\.js$/.test(f))).toBe(true);
  });

  it('ships nothing else: no source maps, bench, tests, fixtures, sources or wheels', () => {
    expect(files.filter((f) => f.endsWith('.map'))).toEqual([]);
    expect(files.filter((f) => f.startsWith('dist/bench/'))).toEqual([]);
    expect(files.filter((f) => /(^|\/)fixtures\//.test(f))).toEqual([]);
    expect(files.filter((f) => f.endsWith('.whl'))).toEqual([]);
    const allowed = /^(bin\/[^/]+\.js|dist\/(src|rules)\/.+\.js|LICENSE|README\.md|package\.json)$/;
    expect(files.filter((f) => !allowed.test(f))).toEqual([]);
  });
});
