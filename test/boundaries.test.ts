// The layers of ARCHITECTURE.md, checked on the import statements: a module
// imports only from its own layer and the layers below it, with no allow-list.
//
//   knowledge ← syntax ← analysis ← project ← engine ← rules ← pipeline ← cli
//                                              engine ← reporters ← cli
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

/** Each layer and the layers it may import from (besides itself). */
const LAYERS: Record<string, string[]> = {
  'src/knowledge': [],
  'src/syntax': ['src/knowledge'],
  'src/analysis': ['src/syntax', 'src/knowledge'],
  'src/project': ['src/analysis', 'src/syntax', 'src/knowledge'],
  'src/engine': ['src/project', 'src/analysis', 'src/syntax', 'src/knowledge'],
  rules: ['src/engine/rule-api.ts', 'src/analysis/index.ts', 'src/knowledge'],
  'src/reporters': ['src/engine/findings.ts', 'src/engine/rule-api.ts'],
  'src/pipeline': ['rules', 'src/engine', 'src/project', 'src/analysis', 'src/syntax', 'src/knowledge'],
  'src/lsp': ['src/pipeline', 'src/engine/findings.ts'],
  'src/cli': ['src/lsp', 'src/pipeline', 'src/reporters', 'src/engine', 'src/knowledge'],
};

/** Packages (and node: builtins) a layer may import; any layer may import node: builtins unless listed here. */
const PACKAGES: Record<string, (spec: string, file: string) => boolean> = {
  'src/knowledge': () => false,
  'src/syntax': (s) => s.startsWith('@babel/') || s === 'node:module',
  // The regex analysis library (scslre on regexpp's AST): the judgement of a pattern, not a name.
  'src/analysis': (s) => s === 'scslre' || s === '@eslint-community/regexpp',
  'src/project': (s) => s === 'node:fs' || s === 'node:path' || s === 'get-tsconfig',
  'src/engine': (s) => s === 'node:crypto',
  rules: () => false,
  'src/reporters': (s, f) => (s === 'chalk' ? f.endsWith('stylish.ts') : s.startsWith('node:') || s === 'sarif'),
  'src/pipeline': (s) => s.startsWith('node:') || s === 'ignore' || s === 'picomatch',
  'src/lsp': (s) => s.startsWith('node:') || s.startsWith('vscode-languageserver'),
  'src/cli': (s) => s.startsWith('node:') || s === 'commander',
};

function tsFiles(dir: string): string[] {
  const abs = path.join(ROOT, dir);
  if (!fs.existsSync(abs)) return [];
  return fs
    .readdirSync(abs, { withFileTypes: true, recursive: true })
    .filter((e) => e.isFile() && e.name.endsWith('.ts'))
    .map((e) => path.relative(ROOT, path.join(e.parentPath, e.name)).split(path.sep).join('/'))
    .sort();
}

function layerOf(file: string): string | null {
  return Object.keys(LAYERS).find((l) => file === l || file.startsWith(l + '/')) ?? null;
}

function importsOf(file: string): string[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8').replace(/^\s*(\/\/|\*|\/\*).*$/gm, '');
  const specs: string[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s[^'"]*?from\s+['"]([^'"]+)['"]/gm)) specs.push(m[1]!);
  for (const m of text.matchAll(/\bimport\(\s*['"]([^'"]+)['"]\s*\)/g)) specs.push(m[1]!);
  return specs;
}

const SOURCES = [...tsFiles('src'), ...tsFiles('rules')];

describe('layers', () => {
  it('every source file belongs to a layer; src/ has no loose files besides an index', () => {
    expect(SOURCES.filter((f) => layerOf(f) === null)).toEqual([]);
    expect(fs.readdirSync(path.join(ROOT, 'src')).filter((n) => fs.statSync(path.join(ROOT, 'src', n)).isFile() && n !== 'index.ts')).toEqual([]);
  });

  it('imports go down the layers only', () => {
    const wrong: string[] = [];
    for (const file of SOURCES) {
      const layer = layerOf(file)!;
      for (const spec of importsOf(file)) {
        if (spec.startsWith('.')) {
          const target = path.posix.normalize(path.posix.join(path.posix.dirname(file), spec)).replace(/\.js$/, '.ts');
          const allowed = layerOf(target) === layer || LAYERS[layer]!.some((l) => target === l || target.startsWith(l + '/'));
          if (!allowed) wrong.push(`${file} imports ${target}`);
        } else if (!PACKAGES[layer]!(spec, file)) {
          wrong.push(`${file} imports package ${spec}`);
        }
      }
    }
    expect(wrong).toEqual([]);
  });
});

describe('shape', () => {
  it('no line in src/ or rules/ is over 200 characters', () => {
    const long: string[] = [];
    for (const file of SOURCES) {
      fs.readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => line.length > 200 && long.push(`${file}:${i + 1} (${line.length})`));
    }
    expect(long).toEqual([]);
  });

  it('rule files keep the decision: metadata, docs and visitors, about 200 lines at most', () => {
    const big = tsFiles('rules')
      .map((f) => [f, fs.readFileSync(path.join(ROOT, f), 'utf8').split('\n').length] as const)
      .filter(([, n]) => n > 220);
    expect(big).toEqual([]);
  });

  it('names are knowledge: no regular expressions in rules, analyses or the project phase', () => {
    const found: string[] = [];
    const regexLiteral = /(?:^|[=(,:!&|?{;]|\breturn)\s*\/(?![/*])(?:\\.|\[(?:\\.|[^\]])*\]|[^/\\\n[])+\/[dgimsuy]*/;
    for (const file of SOURCES.filter((f) => f.startsWith('rules/') || f.startsWith('src/analysis/') || f.startsWith('src/project/'))) {
      fs.readFileSync(path.join(ROOT, file), 'utf8')
        .split('\n')
        .forEach((line, i) => {
          const code = line.replace(/^\s*(\/\/|\*).*$/, '');
          if (regexLiteral.test(code) || /\bnew RegExp\(/.test(code)) found.push(`${file}:${i + 1}`);
        });
    }
    expect(found).toEqual([]);
  });
});
