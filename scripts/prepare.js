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
//
// The build only emits (--noCheck: type checking is `npm test`'s job; the output is the same, as
// every module compiles on its own), and is skipped when dist/ already holds this script's build of
// the same inputs: npm runs `prepare` twice for a git dependency (after installing its dev tools,
// then again to pack it), and pre-commit's `npm pack` follows its `npm install`.
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const tsc = path.join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const dist = path.join(root, 'dist');
const stamp = path.join(dist, '.prepare-inputs');

function run(cmd, args, env = process.env) {
  // stdout of every child goes to our stderr (fd 2).
  const r = spawnSync(cmd, args, { cwd: root, stdio: ['inherit', 2, 2], env, shell: process.platform === 'win32' });
  if (r.error) throw r.error;
  if (r.status !== 0) process.exit(r.status ?? 1);
}

/** A hash of everything the build reads: the sources, the tsconfigs, package.json and the compiler's version. */
function inputsHash() {
  const files = ['package.json', 'tsconfig.json', 'tsconfig.build.json', 'node_modules/typescript/package.json'];
  for (const top of ['src', 'rules', 'bench']) {
    if (!fs.existsSync(path.join(root, top))) continue;
    for (const e of fs.readdirSync(path.join(root, top), { withFileTypes: true, recursive: true })) {
      if (e.isFile()) files.push(path.relative(root, path.join(e.parentPath, e.name)).split(path.sep).join('/'));
    }
  }
  const hash = createHash('sha256');
  for (const f of files.sort()) {
    hash.update(`${f}\0`);
    hash.update(fs.readFileSync(path.join(root, f)));
    hash.update('\0');
  }
  return hash.digest('hex');
}

if (!fs.existsSync(tsc)) {
  process.stderr.write(`loopguard: build tools missing in ${root}; installing them there to build…\n`);
  const env = { ...process.env };
  for (const k of Object.keys(env)) if (/^npm_config_(global|location|prefix|omit|include|production|only)$/i.test(k)) delete env[k];
  run('npm', ['install', '--global=false', '--include=dev', '--ignore-scripts', '--no-save', '--no-audit', '--no-fund'], env);
}
const inputs = inputsHash();
if (fs.existsSync(stamp) && fs.readFileSync(stamp, 'utf8') === inputs) {
  process.stderr.write('loopguard: dist/ is already built from these sources\n');
} else {
  fs.rmSync(dist, { recursive: true, force: true });
  run(process.execPath, [tsc, '-p', 'tsconfig.build.json', '--noCheck']);
  fs.writeFileSync(stamp, inputs);
}
