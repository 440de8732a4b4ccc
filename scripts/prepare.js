#!/usr/bin/env node
// `prepare`: build dist/ when loopguard is installed from a clone, a folder or a git URL, and
// before `npm pack` / `npm publish`.
//
// Nothing here writes to stdout: pre-commit 3.0 to 4.6.0 installs a `language: node` hook with
// `npm pack` and takes its whole stdout as the tarball's name, so every child process writes to
// stderr (npm's own `> loopguard@… prepare` banner is kept off stdout by .npmrc).
//
// npm installs a git dependency's devDependencies before running its `prepare` script, except
// for global installs (`npm install -g git+…`, which is how pre-commit 4.6.1 and later install
// `language: node` hooks): there the compiler is missing (npm/cli#8440). In that case install
// the dev tools into this folder first, then build. Nothing here runs code loopguard analyzes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(cmd, args, env = process.env) {
  // stdout of every child goes to our stderr (fd 2).
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['inherit', 2, 2], env, shell: process.platform === 'win32' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

if (!fs.existsSync(tsc)) {
  process.stderr.write('loopguard: build tools missing (global install from git); installing them locally to build…\n');
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_config_(global|location|prefix|omit|include|production|only)$/i.test(k)) delete env[k];
  run('npm', ['install', '--global=false', '--include=dev', '--ignore-scripts', '--no-save', '--no-audit', '--no-fund'], env);
}
run(process.execPath, [tsc, '-p', 'tsconfig.build.json']);
