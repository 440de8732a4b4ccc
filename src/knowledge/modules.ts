// Knowledge table: modules by import specifier (after `node:` is cut), and where
// packages put what they build from their sources.

/** Node's built-in modules: they never hold functions of the project. Their subpaths (`fs/promises`) count too. */
export const NODE_BUILTIN_MODULES: ReadonlySet<string> = new Set([
  'fs',
  'path',
  'os',
  'url',
  'util',
  'events',
  'stream',
  'crypto',
  'zlib',
  'http',
  'https',
  'net',
  'tls',
  'dns',
  'child_process',
  'worker_threads',
  'cluster',
  'buffer',
  'assert',
  'timers',
  'readline',
  'module',
  'process',
  'querystring',
  'string_decoder',
  'vm',
  'v8',
  'perf_hooks',
  'async_hooks',
  'inspector',
  'tty',
  'dgram',
  'diagnostics_channel',
]);

/** Is `spec` one of NODE_BUILTIN_MODULES or a subpath of one (`fs/promises`, `stream/web`)? */
export function isNodeBuiltin(spec: string): boolean {
  return NODE_BUILTIN_MODULES.has(spec.split('/')[0]!);
}

/** Is module `m` in `list`, or a subpath of an entry (`next/server` of `next`)? An entry ending in `/` is a scope prefix. */
export function moduleIn(list: readonly string[], m: string): boolean {
  return list.some((h) => (h.endsWith('/') ? m.startsWith(h) : m === h || m.startsWith(`${h}/`)));
}

/** lodash in all its packagings: `lodash`, `lodash/merge`, `lodash-es`, `lodash-es/merge`, and the per-method `lodash.merge`. */
export const LODASH_MODULE = /^lodash(?:-es)?(?:\/|$)|^lodash\./;

/**
 * Build output folders at the top of a package (`dist/index.js` is built from
 * `src/index.ts`), and the extensions of the files built there: cut both to
 * find the source.
 */
export const BUILD_OUTPUT_DIRS: readonly string[] = ['dist', 'build', 'lib', 'out', 'esm', 'cjs'];
export const BUILD_OUTPUT_EXTENSION = /\.(d\.ts|[cm]?js)$/;

/**
 * Stands for an expression in a module specifier written as a template (`require(\`../jobs/${name}\`)` is `../jobs/*`):
 * any run of characters other than `/`. Such a specifier names every analyzed file it can match.
 */
export const DYNAMIC_SEGMENT = '*';
