// npm run bench -- [--files 2000[,20000]] [--path DIR] [--eslint DIR] [--json FILE] [--repeat N]
//
// Times, on the same files: @babel/parser alone (the floor), loopguard with one
// worker, with all cores, with a warm cache, and ESLint with no-await-in-loop and
// n/no-sync when a folder with eslint, eslint-plugin-n and @typescript-eslint/parser
// is given. Each run is a fresh process; the best of N repeats is kept.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { discover } from '../src/pipeline/discover.js';
import { SOURCE_EXTENSIONS } from '../src/syntax/parse.js';
import { generateCorpus } from './corpus.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const CHILD = path.join(here, 'child.js');

interface Args {
  files: number[];
  path: string | null;
  eslint: string | null;
  json: string;
  repeat: number;
}

function parseArgs(argv: string[]): Args {
  const a: Args = { files: [2000], path: null, eslint: null, json: 'bench-results.json', repeat: 3 };
  for (let i = 0; i < argv.length; i++) {
    const v = argv[i + 1];
    switch (argv[i]) {
      case '--files':
        a.files = v!.split(',').map(Number);
        i++;
        break;
      case '--path':
        a.path = path.resolve(v!);
        i++;
        break;
      case '--eslint':
        a.eslint = path.resolve(v!);
        i++;
        break;
      case '--json':
        a.json = v!;
        i++;
        break;
      case '--repeat':
        a.repeat = Number(v);
        i++;
        break;
      default:
        throw new Error(`unknown argument ${argv[i]}`);
    }
  }
  return a;
}

interface Measure {
  ms: number;
  maxRssMb: number;
}

/** Best of `repeat` fresh processes. `okCodes`: exit codes that mean the run worked (a linter exits 1 when it finds problems). */
function measure(cmd: string, args: string[], cwd: string, repeat: number, okCodes: readonly number[] = [0, 1]): Measure {
  let best: Measure | null = null;
  for (let i = 0; i < repeat; i++) {
    const t0 = process.hrtime.bigint();
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', maxBuffer: 1 << 30 });
    const ms = Number(process.hrtime.bigint() - t0) / 1e6;
    const line = (r.stderr ?? '').split('\n').find((l) => l.startsWith('BENCH '));
    const maxRssMb = line ? JSON.parse(line.slice(6)).maxRssKb / 1024 : NaN;
    if (!line && !okCodes.includes(r.status ?? -1)) throw new Error(`${cmd} ${args.join(' ')} failed: ${r.stderr}`);
    if (!best || ms < best.ms) best = { ms, maxRssMb };
  }
  return best!;
}

function eslintRun(eslintDir: string, corpus: string, repeat: number): Measure | null {
  const bin = path.join(eslintDir, 'node_modules', 'eslint', 'bin', 'eslint.js');
  if (!fs.existsSync(bin)) return null;
  const config = path.join(eslintDir, 'loopguard-bench.config.mjs');
  fs.writeFileSync(
    config,
    `import n from 'eslint-plugin-n';\nimport tsParser from '@typescript-eslint/parser';\nexport default [\n  { files: ['**/*.{js,mjs,cjs,jsx}'], languageOptions: { ecmaVersion: 'latest', sourceType: 'module', parserOptions: { ecmaFeatures: { jsx: true } } }, plugins: { n }, rules: { 'no-await-in-loop': 'warn', 'n/no-sync': 'warn' } },\n  { files: ['**/*.{ts,mts,cts,tsx}'], languageOptions: { parser: tsParser }, plugins: { n }, rules: { 'no-await-in-loop': 'warn', 'n/no-sync': 'warn' } },\n];\n`,
  );
  try {
    return measure(process.execPath, [bin, '--config', config, '--no-warn-ignored', '--format', 'json', '-o', os.devNull, '.'], corpus, repeat);
  } catch (err) {
    const reason =
      String((err as Error).message)
        .split('\n')
        .find((l) => l.startsWith('Error:') && !l.includes(' failed: ')) ?? 'it failed';
    console.error(`ESLint skipped: ${reason.trim()}`);
    return null;
  }
}

function row(label: string, m: Measure, files: number, floor: number): Record<string, string | number> {
  return {
    run: label,
    ms: Math.round(m.ms),
    'files/s': Math.round((files / m.ms) * 1000),
    'ms/file': +(m.ms / files).toFixed(3),
    'x floor': +(m.ms / floor).toFixed(2),
    'peak RSS MB': Number.isFinite(m.maxRssMb) ? Math.round(m.maxRssMb) : 'n/a',
  };
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const cores = os.availableParallelism();
  const results: unknown[] = [];
  const corpora: { label: string; dir: string }[] = args.path
    ? [{ label: path.basename(args.path), dir: args.path }]
    : args.files.map((n) => ({ label: `synthetic-${n}`, dir: path.join(os.tmpdir(), `loopguard-bench-${n}`) }));
  for (const corpus of corpora) {
    if (!args.path) {
      fs.rmSync(corpus.dir, { recursive: true, force: true });
      generateCorpus(corpus.dir, Number(corpus.label.split('-')[1]));
    }
    const found = discover(['.'], { cwd: corpus.dir, extensions: SOURCE_EXTENSIONS, useIgnoreFiles: true, configIgnore: { dir: corpus.dir, patterns: [] } });
    const files = found.files.filter((f) => fs.statSync(f.abs).size <= 1024 * 1024);
    const list = path.join(os.tmpdir(), `loopguard-bench-files-${process.pid}.txt`);
    fs.writeFileSync(list, files.map((f) => f.abs).join('\n'));
    const cacheDir = path.join(os.tmpdir(), `loopguard-bench-cache-${process.pid}`);
    fs.rmSync(cacheDir, { recursive: true, force: true });
    const lg = (extra: string[]) => [CHILD, 'loopguard', '.', '--format', 'json', ...extra];

    console.error(`${corpus.label}: ${files.length} files, ${cores} cores`);
    const floor = measure(process.execPath, [CHILD, 'parse', list], corpus.dir, args.repeat);
    const one = measure(process.execPath, lg(['--workers', '1', '--no-cache']), corpus.dir, args.repeat);
    const all = measure(process.execPath, lg(['--workers', String(cores), '--no-cache']), corpus.dir, args.repeat);
    measure(process.execPath, lg(['--cache-location', cacheDir]), corpus.dir, 1); // fill the cache
    const warm = measure(process.execPath, lg(['--cache-location', cacheDir]), corpus.dir, args.repeat);
    const eslint = args.eslint ? eslintRun(args.eslint, corpus.dir, 1) : null;
    fs.rmSync(cacheDir, { recursive: true, force: true });
    fs.rmSync(list, { force: true });

    const rows = [
      row('@babel/parser only (floor)', floor, files.length, floor.ms),
      row('loopguard, 1 worker', one, files.length, floor.ms),
      row(`loopguard, ${cores} workers`, all, files.length, floor.ms),
      row('loopguard, warm cache', warm, files.length, floor.ms),
      ...(eslint ? [row('ESLint no-await-in-loop + n/no-sync', eslint, files.length, floor.ms)] : []),
    ];
    console.table(rows);
    const checks = {
      'one worker <= 2.0x floor': one.ms <= 2.0 * floor.ms,
      'all cores <= 1.1x floor (2000+ files)': files.length < 2000 ? null : all.ms <= 1.1 * floor.ms,
      'warm cache <= 15% of cold (1 worker)': warm.ms <= 0.15 * one.ms,
      [`peak RSS < 600 MB, ${cores} workers (the default)`]: all.maxRssMb < 600,
      'peak RSS < 600 MB, 1 worker (in-process)': one.maxRssMb < 600,
      [`at least 8x faster than ESLint (${cores} workers)`]: eslint ? eslint.ms >= 8 * all.ms : null,
    };
    for (const [k, v] of Object.entries(checks)) console.log(`${v === null ? 'n/a ' : v ? 'PASS' : 'FAIL'}  ${k}`);
    results.push({ corpus: corpus.label, files: files.length, cores, node: process.version, cpu: os.cpus()[0]?.model, rows, checks });
  }
  fs.writeFileSync(args.json, JSON.stringify(results, null, 2) + '\n');
  console.log(`results written to ${args.json}`);
}

await main();
