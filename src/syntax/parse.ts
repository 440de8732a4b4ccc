// The one place parser options live.
import { createRequire } from 'node:module';
import type { ParserOptions, ParserPlugin } from '@babel/parser';
import type { File } from '@babel/types';

// Loaded on first use: a run whose files all come from the cache never needs the parser.
const require = createRequire(import.meta.url);
let parser: typeof import('@babel/parser') | null = null;
function parse(source: string, options: ParserOptions): File {
  parser ??= require('@babel/parser') as typeof import('@babel/parser');
  return parser.parse(source, options) as File;
}

export const SOURCE_EXTENSIONS: readonly string[] = ['.js', '.jsx', '.mjs', '.cjs', '.ts', '.tsx', '.mts', '.cts'];

export interface ParseProblem {
  message: string;
  /** 1-based. */
  line: number;
  /** 1-based. */
  column: number;
}

export type ParseOutcome =
  | { ok: true; ast: File; /** Errors Babel recovered from; the AST is still usable. */ recovered: ParseProblem[] }
  | { ok: false; error: ParseProblem; /** The parser ran out of stack: nesting too deep, not a syntax error. */ tooDeep: boolean };

function extensionOf(filename: string): string {
  const m = /\.[^./\\]+$/.exec(filename);
  return m ? m[0].toLowerCase() : '';
}

function pluginsFor(ext: string): ParserPlugin[] {
  switch (ext) {
    case '.ts':
    case '.mts':
    case '.cts':
      return ['typescript', 'decorators-legacy', 'explicitResourceManagement'];
    case '.tsx':
      return ['typescript', 'jsx', 'decorators-legacy', 'explicitResourceManagement'];
    default:
      return ['jsx', 'decorators-legacy', 'explicitResourceManagement'];
  }
}

/**
 * Parse with error recovery. `.mjs`/`.mts` are modules, `.cjs`/`.cts` scripts;
 * anything else is tried as a module first and as a CommonJS script when the
 * module parse fails (top-level `return`, `with`, legacy octal…).
 */
export function parseSource(source: string, filename: string): ParseOutcome {
  const ext = extensionOf(filename);
  const plugins = pluginsFor(ext);
  const base: ParserOptions = {
    errorRecovery: true,
    plugins,
    attachComment: false,
    allowUndeclaredExports: true,
  };
  const asModule = (): ParseOutcome => attempt(source, { ...base, sourceType: 'module' });
  const asScript = (): ParseOutcome => attempt(source, { ...base, sourceType: 'script', allowReturnOutsideFunction: true, allowNewTargetOutsideFunction: true });

  const isTs = ext === '.ts' || ext === '.tsx' || ext === '.mts' || ext === '.cts';
  const first = ext === '.cjs' || ext === '.cts' ? asScript() : asModule();
  if (isClean(first) || (!first.ok && first.tooDeep)) return first;
  const attempts: ParseOutcome[] = [first];
  if (ext === '.cjs' || ext === '.cts') {
    // Some tools (tsup, esbuild) load ESM syntax from .cjs files.
    const mod = asModule();
    if (isClean(mod)) return mod;
    attempts.push(mod);
  } else if (ext !== '.mjs' && ext !== '.mts') {
    const script = asScript();
    if (isClean(script)) return script;
    attempts.push(script);
  }
  // Decorators on computed members (`@Type(() => X) [Enum.A]: X`) parse only with the current proposal's plugin.
  const modern = plugins.map((p): ParserPlugin => (p === 'decorators-legacy' ? ['decorators', { allowCallParenthesized: true }] : p));
  const decorated = attempt(source, { ...base, plugins: modern, sourceType: ext === '.cjs' || ext === '.cts' ? 'script' : 'module' });
  if (isClean(decorated)) return decorated;
  attempts.push(decorated);
  // Flow-typed JavaScript (`// @flow`, type annotations in .js files).
  if (!isTs) {
    const flow = attempt(source, { ...base, plugins: ['flow', 'jsx', 'decorators-legacy'], sourceType: ext === '.cjs' ? 'script' : 'module' });
    if (isClean(flow)) return flow;
    attempts.push(flow);
  }
  // Nothing is clean: keep the attempt that got furthest.
  return attempts.reduce((best, next) => (progress(next) > progress(best) ? next : best));
}

function isClean(o: ParseOutcome): boolean {
  return o.ok && o.recovered.length === 0;
}

/** How far into the file an attempt got before its first error (a parse with only recovered errors ranks above a failed one). */
function progress(o: ParseOutcome): number {
  const p = o.ok ? o.recovered[0]! : o.error;
  return (o.ok ? 1e12 : 0) + p.line * 1e5 + p.column;
}

/**
 * Recovered errors that are not syntax problems for our purpose: Babel's own
 * scope checks reject redeclarations that TypeScript accepts (`declare const x`
 * next to `import * as x`). The AST is complete either way.
 */
const IGNORED_RECOVERED = new Set(['VarRedeclaration']);

function attempt(source: string, options: ParserOptions): ParseOutcome {
  try {
    const ast = parse(source, options);
    const recovered = ((ast as any).errors ?? []).filter((e: any) => !IGNORED_RECOVERED.has(e.reasonCode)).map(toProblem);
    return { ok: true, ast, recovered };
  } catch (err) {
    if (err instanceof RangeError) {
      return {
        ok: false,
        tooDeep: true,
        error: { message: 'nesting too deep to parse (the parser ran out of stack)', line: 1, column: 1 },
      };
    }
    return { ok: false, tooDeep: false, error: toProblem(err) };
  }
}

function toProblem(err: any): ParseProblem {
  const loc = err?.loc ?? { line: 1, column: 0 };
  const message = String(err?.message ?? err).replace(/\s*\(\d+:\d+\)$/, '');
  return { message, line: loc.line, column: loc.column + 1 };
}
