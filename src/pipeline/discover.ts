// File discovery: which files to analyze. Language-neutral except for the
// extension list passed in. Directory walks respect .gitignore files (nested
// ones too, and those of parent folders up to the repository root, plus
// .git/info/exclude), the config's `ignore` patterns and the built-in skips.
// Explicit file arguments are always analyzed: pre-commit and lint-staged pass
// file lists and expect each one checked. A quoted glob (`'src/**/*.ts'`, which
// the shell left alone) walks its base folder like a directory and keeps what it
// matches (picomatch, the matcher of most glob libraries: gitignore's syntax,
// which `ignore` reads, is a different one).
import fs from 'node:fs';
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import picomatch from 'picomatch';
import type { SkippedFile } from '../engine/findings.js';

/** Folders never entered during a directory walk (unless given explicitly). */
export const DEFAULT_SKIPPED_DIRS: ReadonlySet<string> = new Set([
  'node_modules',
  '.git',
  'dist',
  'build',
  'coverage',
  '.next',
  '.nuxt',
  '.output',
  '.svelte-kit',
  '.turbo',
  '.cache',
  '.yarn',
  '.vercel',
  '.serverless',
  '.aws-sam',
]);

/** Files never picked up by a directory walk: minified bundles and type declarations. */
export const DEFAULT_SKIPPED_FILES: readonly RegExp[] = [/\.min\.[cm]?js$/, /\.d\.[cm]?ts$/, /\.d\.[^.]+\.ts$/];

export interface DiscoverOptions {
  cwd: string;
  /** Supported extensions, with the dot. */
  extensions: readonly string[];
  /** False with --no-ignore: .gitignore files and config `ignore` patterns are not applied. */
  useIgnoreFiles: boolean;
  /** Config `ignore` patterns (gitignore syntax) and the folder they are relative to. */
  configIgnore: { dir: string; patterns: readonly string[] };
}

export interface SourceFile {
  abs: string;
  /** Relative to the working directory, POSIX. */
  file: string;
  explicit: boolean;
}

export interface Discovery {
  files: SourceFile[];
  skipped: SkippedFile[];
  /** Arguments that do not exist (and are not globs). */
  missing: string[];
  /** Folders and globs given as arguments in which no file to analyze was found. */
  unmatched: string[];
  /** Directories that could not be read, with the reason. */
  unreadable: { file: string; message: string }[];
}

interface Level {
  dir: string;
  ig: Ignore;
}

export function toPosixRelative(cwd: string, abs: string): string {
  const r = path.relative(cwd, abs).split(path.sep).join('/');
  return r === '' ? '.' : r;
}

export function discover(paths: readonly string[], opts: DiscoverOptions): Discovery {
  const out: Discovery = { files: [], skipped: [], missing: [], unmatched: [], unreadable: [] };
  const seen = new Set<string>();
  const exts = new Set(opts.extensions);
  const configIg = opts.useIgnoreFiles && opts.configIgnore.patterns.length > 0 ? ignore().add([...opts.configIgnore.patterns]) : null;
  const ignoredByConfig = (abs: string, isDir: boolean): boolean => {
    if (!configIg) return false;
    const r = path.relative(opts.configIgnore.dir, abs);
    if (r === '' || r.startsWith('..') || path.isAbsolute(r)) return false;
    return configIg.ignores(r.split(path.sep).join('/') + (isDir ? '/' : ''));
  };
  const add = (abs: string, explicit: boolean) => {
    if (seen.has(abs)) return;
    seen.add(abs);
    out.files.push({ abs, file: toPosixRelative(opts.cwd, abs), explicit });
  };
  const walk: Walk = { opts, exts, ignoredByConfig, add, out };

  for (const arg of paths) {
    const abs = path.resolve(opts.cwd, arg);
    let stat: fs.Stats;
    try {
      stat = fs.statSync(abs);
    } catch {
      const before = out.files.length;
      if (!walkGlob(arg, walk)) out.missing.push(arg);
      else if (out.files.length === before) out.unmatched.push(arg);
      continue;
    }
    if (stat.isFile()) {
      if (exts.has(extname(abs))) add(abs, true);
      else out.skipped.push({ file: toPosixRelative(opts.cwd, abs), reason: 'not a JavaScript or TypeScript file' });
      continue;
    }
    if (!stat.isDirectory()) continue;
    const levels = opts.useIgnoreFiles ? ancestorLevels(abs) : [];
    const before = out.files.length;
    walkDirectory(abs, levels, walk);
    if (out.files.length === before) out.unmatched.push(arg);
  }
  out.files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  out.skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
  return out;
}

/**
 * A glob argument: walks the folder before its first magic segment and adds the files it matches (relative to the
 * working directory, or absolute for an absolute glob). False when the argument is not a glob.
 */
/** The folder before a glob's first magic segment (`src` for `src/**\/*.ts`), or null when `arg` is not a glob. */
export function globBase(arg: string): string | null {
  const scan = picomatch.scan(arg.split(path.sep).join('/'));
  return scan.isGlob && !scan.negated ? scan.base || '.' : null;
}

function walkGlob(arg: string, walk: Walk): boolean {
  const { opts } = walk;
  const pattern = arg.split(path.sep).join('/');
  const glob = globBase(arg);
  if (glob === null) return false;
  const base = path.resolve(opts.cwd, glob);
  const matches = picomatch(pattern, { dot: false });
  const absolute = path.isAbsolute(arg);
  let dir: fs.Stats;
  try {
    dir = fs.statSync(base);
  } catch {
    return true; // a glob whose folder does not exist matches nothing
  }
  if (!dir.isDirectory()) return true;
  const levels = opts.useIgnoreFiles ? ancestorLevels(base) : [];
  const keep = (abs: string, explicit: boolean) => {
    if (matches(absolute ? abs.split(path.sep).join('/') : toPosixRelative(opts.cwd, abs))) walk.add(abs, explicit);
  };
  walkDirectory(base, levels, { ...walk, add: keep });
  return true;
}

function extname(file: string): string {
  return path.extname(file).toLowerCase();
}

/** What a walk needs besides where it starts: the options, the extensions, the config's ignore test, where files go. */
interface Walk {
  opts: DiscoverOptions;
  exts: ReadonlySet<string>;
  ignoredByConfig: (abs: string, isDir: boolean) => boolean;
  add: (abs: string, explicit: boolean) => void;
  out: Discovery;
}

function walkDirectory(root: string, rootLevels: Level[], walk: Walk): void {
  const { opts, exts, ignoredByConfig, add, out } = walk;
  const stack: { dir: string; levels: Level[] }[] = [{ dir: root, levels: rootLevels }];
  while (stack.length > 0) {
    const { dir, levels: parentLevels } = stack.pop()!;
    let entries: fs.Dirent[];
    try {
      entries = fs.readdirSync(dir, { withFileTypes: true });
    } catch (err) {
      out.unreadable.push({ file: toPosixRelative(opts.cwd, dir), message: `cannot read directory (${(err as NodeJS.ErrnoException).code ?? err})` });
      continue;
    }
    let levels = parentLevels;
    if (opts.useIgnoreFiles) {
      const gi = readIgnoreFile(path.join(dir, '.gitignore'));
      if (gi) levels = [...parentLevels, { dir, ig: gi }];
    }
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const subdirs: string[] = [];
    for (const e of entries) {
      if (e.isSymbolicLink()) continue;
      const abs = path.join(dir, e.name);
      if (e.isDirectory()) {
        if (DEFAULT_SKIPPED_DIRS.has(e.name)) continue;
        if (isIgnored(levels, abs, true) || ignoredByConfig(abs, true)) continue;
        subdirs.push(abs);
      } else if (e.isFile()) {
        if (!exts.has(extname(e.name))) continue;
        if (DEFAULT_SKIPPED_FILES.some((re) => re.test(e.name))) continue;
        if (isIgnored(levels, abs, false) || ignoredByConfig(abs, false)) continue;
        add(abs, false);
      }
    }
    for (let i = subdirs.length - 1; i >= 0; i--) stack.push({ dir: subdirs[i]!, levels });
  }
}

function readIgnoreFile(file: string): Ignore | null {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch {
    return null;
  }
  return ignore().add(text);
}

/** The nearest folder at or above `dir` that holds `.git` (a repository's working tree root), or null. */
export function findGitRoot(dir: string): string | null {
  for (let d = dir; ;) {
    if (fs.existsSync(path.join(d, '.git'))) return d;
    const parent = path.dirname(d);
    if (parent === d) return null;
    d = parent;
  }
}

/** Ignore files that apply above a walked root: from the git root down to the root's parent. */
function ancestorLevels(root: string): Level[] {
  const gitRoot = findGitRoot(root);
  if (!gitRoot) return [];
  const levels: Level[] = [];
  const exclude = readIgnoreFile(path.join(gitRoot, '.git', 'info', 'exclude'));
  if (exclude) levels.push({ dir: gitRoot, ig: exclude });
  const chain: string[] = [];
  for (let dir = path.dirname(root); dir.length >= gitRoot.length; dir = path.dirname(dir)) {
    chain.unshift(dir);
    if (dir === gitRoot) break;
  }
  if (root === gitRoot) chain.length = 0;
  for (const dir of chain) {
    const ig = readIgnoreFile(path.join(dir, '.gitignore'));
    if (ig) levels.push({ dir, ig });
  }
  return levels;
}

/** gitignore semantics across nested files: the deepest file with an opinion wins. */
function isIgnored(levels: readonly Level[], abs: string, isDir: boolean): boolean {
  let ignored = false;
  for (const { dir, ig } of levels) {
    // Walked paths sit below their levels' folders: a prefix slice is path.relative without its cost.
    const prefix = dir.endsWith(path.sep) ? dir : dir + path.sep;
    if (!abs.startsWith(prefix) || abs.length === prefix.length) continue;
    let r = abs.slice(prefix.length);
    if (path.sep !== '/') r = r.split(path.sep).join('/');
    const t = ig.test(isDir ? r + '/' : r);
    if (t.ignored) ignored = true;
    else if (t.unignored) ignored = false;
  }
  return ignored;
}
