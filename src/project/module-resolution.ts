// Module resolution for the project phase: which analyzed file an import
// specifier names. Relative specifiers (with extension and index probing, `.js`
// specifiers that name `.ts` sources), tsconfig `baseUrl`/`paths`, and workspace
// packages by their package.json `name`, `exports`, `main`. Anything else is
// unknown: never guessed by name.
import fs from 'node:fs';
import path from 'node:path';
import { SOURCE_EXTENSIONS } from '../syntax/parse.js';
import { createPathsMatcher, parseTsconfig, type PathsMatcher } from 'get-tsconfig';
import { parseJsonc } from '../syntax/source-text.js';
import { BUILD_OUTPUT_DIRS, BUILD_OUTPUT_EXTENSION, DYNAMIC_SEGMENT } from '../knowledge/modules.js';

export interface WorkspacePackage {
  dir: string;
  name: string;
  json: any;
}

const JS_TO_TS: Record<string, string[]> = {
  '.js': ['.ts', '.tsx'],
  '.jsx': ['.tsx'],
  '.mjs': ['.mts'],
  '.cjs': ['.cts'],
};

export class ModuleResolver {
  private readonly tsconfigByDir = new Map<string, PathsMatcher | null>();
  /** get-tsconfig's cache of files read and `extends` resolved, shared by every tsconfig of the project. */
  private readonly tsconfigCache = new Map<string, unknown>();
  private readonly cache = new Map<string, string | null>();
  private readonly patterns = new Map<string, string[]>();
  private sorted: { file: string; posix: string }[] | undefined;
  private readonly packages = new Map<string, WorkspacePackage>();

  constructor(
    /** Absolute paths of the analyzed files. */
    private readonly files: ReadonlySet<string>,
    packages: readonly WorkspacePackage[],
  ) {
    for (const p of packages) this.packages.set(p.name, p);
  }

  /**
   * Every analyzed file `spec` can name from `fromFile`: the one `resolve` finds, or for a pattern with dynamic parts
   * (`../jobs/*`, `../modules/*\/renderer.js`) each file it matches, with or without its extension or as its folder's
   * index, in a stable order. At most MAX_PATTERN_FILES: a pattern that matches more names no folder in particular.
   */
  resolveAll(fromFile: string, spec: string): string[] {
    if (!spec.includes(DYNAMIC_SEGMENT)) {
      const one = this.resolve(fromFile, spec);
      return one ? [one] : [];
    }
    const key = `${path.dirname(fromFile)}\0${spec}`;
    const hit = this.patterns.get(key);
    if (hit) return hit;
    const parts = toPosixPath(path.resolve(path.dirname(fromFile), spec.replaceAll(DYNAMIC_SEGMENT, DYNAMIC_PLACEHOLDER))).split(DYNAMIC_PLACEHOLDER);
    const out: string[] = [];
    this.sorted ??= [...this.files].sort().map((file) => ({ file, posix: toPosixPath(file) }));
    const prefix = parts[0]!.slice(0, parts[0]!.lastIndexOf('/') + 1);
    for (const { file, posix } of this.sorted) {
      if (file === fromFile || !posix.startsWith(prefix)) continue;
      const ext = path.extname(posix);
      const names = [posix, posix.slice(0, posix.length - ext.length)];
      if (path.posix.basename(names[1]!) === 'index') names.push(path.posix.dirname(posix));
      if (names.some((n) => matchesPattern(n, parts))) out.push(file);
    }
    const result = out.length <= MAX_PATTERN_FILES ? out : [];
    this.patterns.set(key, result);
    return result;
  }

  /** The analyzed file `spec` names from `fromFile`, or null. */
  resolve(fromFile: string, spec: string): string | null {
    const dir = path.dirname(fromFile);
    const key = `${dir}\0${spec}`;
    const hit = this.cache.get(key);
    if (hit !== undefined) return hit;
    const result = this.resolveUncached(dir, spec);
    this.cache.set(key, result);
    return result;
  }

  private resolveUncached(dir: string, spec: string): string | null {
    if (spec.startsWith('.') || spec.startsWith('/')) {
      const abs = path.resolve(dir, spec);
      return this.probe(abs) ?? this.probeBuildOutput(abs);
    }
    // tsconfig `paths` (the longest matching pattern's targets), else `baseUrl`.
    for (const candidate of this.tsconfigFor(dir)?.(spec) ?? []) {
      const found = this.probe(path.resolve(candidate));
      if (found) return found;
    }
    return this.resolvePackage(spec);
  }

  /** A workspace package: `@acme/lib`, `@acme/lib/sub`. */
  private resolvePackage(spec: string): string | null {
    const parts = spec.split('/');
    const name = spec.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0]!;
    const pkg = this.packages.get(name);
    if (!pkg) return null;
    const sub = spec.slice(name.length); // '' or '/utils'
    const candidates: string[] = [];
    const exp = pkg.json.exports;
    const pick = (v: any): void => {
      if (typeof v === 'string') candidates.push(v);
      else if (Array.isArray(v)) v.forEach(pick);
      else if (v && typeof v === 'object') {
        for (const cond of ['source', 'development', 'import', 'require', 'node', 'default', 'types']) if (cond in v) pick(v[cond]);
      }
    };
    if (exp !== undefined) {
      if (typeof exp === 'string' || Array.isArray(exp) || (exp && typeof exp === 'object' && !Object.keys(exp).some((k) => k.startsWith('.')))) {
        if (sub === '') pick(exp);
      } else if (exp && typeof exp === 'object') {
        const key = `.${sub}`;
        if (key in exp) pick(exp[key]);
        else {
          for (const [k, v] of Object.entries(exp)) {
            const star = k.indexOf('*');
            if (star < 0) continue;
            if (key.startsWith(k.slice(0, star)) && key.endsWith(k.slice(star + 1))) {
              const rest = key.slice(star, key.length - (k.length - star - 1));
              const before = candidates.length;
              pick(v);
              for (let i = before; i < candidates.length; i++) candidates[i] = candidates[i]!.replace('*', rest);
            }
          }
        }
      }
    }
    if (sub === '') for (const f of ['source', 'module', 'main']) if (typeof pkg.json[f] === 'string') candidates.push(pkg.json[f]);
    candidates.push(sub ? `.${sub}` : './index', sub ? `./src${sub}` : './src/index');
    for (const c of candidates) {
      const abs = path.resolve(pkg.dir, c);
      const found = this.probe(abs) ?? this.probe(toSource(pkg.dir, abs));
      if (found) return found;
    }
    return null;
  }

  /** The analyzed file for a path: as is, `.js` → `.ts`, with an extension, or its index. */
  private probe(abs: string): string | null {
    if (this.files.has(abs)) return abs;
    const ext = path.extname(abs);
    for (const alt of JS_TO_TS[ext] ?? []) {
      const swapped = abs.slice(0, -ext.length) + alt;
      if (this.files.has(swapped)) return swapped;
    }
    if (abs.endsWith('.d.ts')) {
      const src = abs.slice(0, -5) + '.ts';
      if (this.files.has(src)) return src;
    }
    for (const e of SOURCE_EXTENSIONS) if (this.files.has(abs + e)) return abs + e;
    for (const e of SOURCE_EXTENSIONS) if (this.files.has(path.join(abs, 'index' + e))) return path.join(abs, 'index' + e);
    return null;
  }

  /**
   * A relative import of build output that is not analyzed (`bin.js` importing
   * `./dist/stdio.js`): the source it was built from, `src/stdio.ts`, if analyzed.
   */
  private probeBuildOutput(abs: string): string | null {
    const parts = abs.split(path.sep);
    for (let i = parts.length - 2; i > 0; i--) {
      if (!BUILD_OUTPUT_DIRS.includes(parts[i]!)) continue;
      const mapped = [...parts.slice(0, i), 'src', ...parts.slice(i + 1)].join(path.sep).replace(BUILD_OUTPUT_EXTENSION, '');
      const found = this.probe(mapped);
      if (found) return found;
    }
    return null;
  }

  /**
   * The `paths`/`baseUrl` matcher of the nearest tsconfig.json (or jsconfig.json) at or above `dir`, with `extends`
   * followed (relative, or from a package). Read with get-tsconfig, which reads them as TypeScript does (a byte-order
   * mark, comments, trailing commas, `${configDir}`); it only reads JSON files. When it gives up (an `extends` that
   * names a package not installed), the file's own `paths` still apply.
   */
  private tsconfigFor(dir: string): PathsMatcher | null {
    if (this.tsconfigByDir.has(dir)) return this.tsconfigByDir.get(dir)!;
    let result: PathsMatcher | null = null;
    for (const name of ['tsconfig.json', 'jsconfig.json']) {
      const file = path.join(dir, name);
      if (!fs.existsSync(file)) continue;
      try {
        result = createPathsMatcher({ path: file, config: parseTsconfig(file, this.tsconfigCache as Map<string, any>) });
      } catch {
        result = ownPaths(file);
      }
      break;
    }
    // One with no `paths` or `baseUrl` of its own (a package's, in a workspace) leaves the question to the folders above.
    if (result === null) {
      const parent = path.dirname(dir);
      if (parent !== dir) result = this.tsconfigFor(parent);
    }
    this.tsconfigByDir.set(dir, result);
    return result;
  }
}

/**
 * The file's own `paths` and `baseUrl`, for a tsconfig get-tsconfig gives up on: one whose `extends` names a package that
 * is not installed (loopguard often runs before `npm ci`). Null when it cannot be read either.
 */
function ownPaths(file: string): PathsMatcher | null {
  try {
    const json = parseJsonc(fs.readFileSync(file, 'utf8')) as { compilerOptions?: { baseUrl?: unknown; paths?: unknown } };
    const { baseUrl, paths } = json.compilerOptions ?? {};
    const compilerOptions = {
      ...(typeof baseUrl === 'string' ? { baseUrl } : {}),
      ...(paths && typeof paths === 'object' ? { paths: paths as Record<string, string[]> } : {}),
    };
    return createPathsMatcher({ path: file, config: { compilerOptions } });
  } catch {
    return null;
  }
}

/** A dynamic specifier that matches more files than this names no folder in particular (`./${name}` beside 500 files). */
const MAX_PATTERN_FILES = 64;
/** Keeps the dynamic parts through `path.resolve` (a character no path holds). */
const DYNAMIC_PLACEHOLDER = '\0';

function toPosixPath(p: string): string {
  return path.sep === '/' ? p : p.split(path.sep).join('/');
}

/** Does `text` read as `parts` joined by runs of characters other than `/` (one run at least per gap)? */
function matchesPattern(text: string, parts: readonly string[]): boolean {
  if (!text.startsWith(parts[0]!) || !text.endsWith(parts[parts.length - 1]!)) return false;
  let at = parts[0]!.length;
  const end = text.length - parts[parts.length - 1]!.length;
  if (end < at) return false;
  for (let i = 1; i < parts.length; i++) {
    const last = i === parts.length - 1;
    const next = last ? end : text.indexOf(parts[i]!, at + 1);
    if (next <= at || next + (last ? 0 : parts[i]!.length) > end) return false;
    if (text.slice(at, next).includes('/')) return false;
    at = next + (last ? 0 : parts[i]!.length);
  }
  return true;
}

/** `dist/lib/index.js` → `src/lib/index`, for packages whose entry points name build output. */
function toSource(pkgDir: string, abs: string): string {
  const rel = path.relative(pkgDir, abs).split(path.sep);
  if (BUILD_OUTPUT_DIRS.includes(rel[0]!)) rel[0] = 'src';
  else return abs;
  return path.join(pkgDir, ...rel).replace(BUILD_OUTPUT_EXTENSION, '');
}
