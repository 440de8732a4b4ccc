#!/usr/bin/env node
// `prepare`: build dist/ when loopguard is installed from a clone or a git URL.
//
// npm installs a git dependency's devDependencies before running its `prepare`
// script, except for global installs (`npm install -g github:…`, which is also
// how the pre-commit framework installs `language: node` hooks): there the
// compiler is missing (npm/cli#8440). In that case install the dev tools into
// this folder first, then build. Nothing here runs code loopguard analyzes.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');

function run(cmd, args, env = process.env) {
  const r = spawnSync(cmd, args, { cwd: root, stdio: 'inherit', env, shell: process.platform === 'win32' });
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
