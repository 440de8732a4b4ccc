// The pipeline: config → discover → read & analyze each file → sort → result.
// Reporters and exit codes live in the CLI; this module has no output.
import { impactRank, type Impact } from '../knowledge/impact.js';
import fs from 'node:fs';
import path from 'node:path';
import ignore from 'ignore';
import { fingerprint, suppress, type AnalyzeInput, type AnalyzeSettings, type FileResult } from '../engine/analyze-file.js';
import { linkProject, type Linked } from '../engine/link.js';
import { applyBaseline, DEFAULT_BASELINE, readBaseline, writeBaseline } from './baseline.js';
import { ResultCache } from './cache.js';
import { excerptFor } from './excerpt.js';
import { changedSince, stagedFiles } from './git.js';
import type { WorkspacePackage } from '../project/module-resolution.js';
import { defaultOptions, loadConfig, type ResolvedConfig } from './config.js';
import { discover, findGitRoot, globBase, toPosixRelative } from './discover.js';
import { compareFindings, type ExcerptLine, type Finding, type RunResult, type SkippedFile, type ToolError } from '../engine/findings.js';
import { BROWSER_DEPENDENCIES, BROWSER_DIRS, SERVER_DEPENDENCIES } from '../knowledge/browser.js';
import { classifyScriptFile, type ScriptFile } from '../knowledge/script-files.js';
import { SOURCE_EXTENSIONS } from '../syntax/parse.js';
import { analyzeAll, defaultWorkerCount, MIN_FILES_FOR_WORKERS, type TaskOutcome } from './pool.js';
import { overlaySource, readSource } from './read-source.js';
import { nextFileKind } from '../analysis/execution-context/nextjs.js';
import { ALL_RULE_METAS, RULE_IDS } from './registry.js';
import { formatMessage, severityOf, type RuleMeta } from '../engine/rule-api.js';
import { buildSettings, buildSettingsFromSpec, settingsKey, settingsSpec, UsageError, type SettingsSpec } from './settings.js';
import { Overrides } from './overrides.js';

export { buildSettings, UsageError };

export interface RunOptions {
  cwd: string;
  paths: readonly string[];
  configPath?: string;
  /** Run only these rules (--rule). */
  onlyRules?: readonly string[];
  /** --no-ignore */
  noIgnore?: boolean;
  reportUnusedIgnores?: boolean;
  /** Report errors only (warning-level rules do not run). */
  quiet?: boolean;
  /** Use this configuration instead of looking one up (tests). */
  config?: ResolvedConfig;
  /** Threads for per-file work: 1 analyzes in-process; default: the available cores (small runs stay in-process). */
  workers?: number;
  /** Cache directory, or false for no cache (default: no cache when this option is absent). */
  cache?: string | false;
  /** Called as files are analyzed: (done, total). */
  onProgress?: (done: number, total: number) => void;
  /** Report only findings in files changed since this git ref (the whole project is still analyzed). */
  since?: string;
  /** Report only findings in files staged for commit (the whole project is still analyzed): a pre-commit hook. */
  staged?: boolean;
  /**
   * Text to analyze instead of what is on disk, by absolute path (an editor's unsaved buffers, `--stdin`). A file that
   * is not on disk yet is analyzed too; it is never written.
   */
  overlays?: ReadonlyMap<string, string>;
  /** Report only findings in these files (absolute paths), and root causes their serving code reaches: `--stdin`, an editor. */
  reportOnly?: ReadonlySet<string>;
  /** Report only findings not in this baseline file (`true`: the default location). */
  baseline?: string | true;
  /** Record the findings in this baseline file (`true`: the default location) instead of filtering. */
  writeBaseline?: string | true;
  /** Report findings of at least this impact (default: the config's `impact`, else `medium`). */
  impact?: Impact;
  /** Named exemptions to switch off (`rule[id]`), and whether to report where exemptions applied (tests, `check:exemptions`). */
  exemptions?: { disabled?: readonly string[]; trace?: boolean };
}

export interface RunOutput {
  result: RunResult;
  /** Metadata of every rule and diagnostic that could appear, for reporters. */
  rules: ReadonlyMap<string, RuleMeta>;
  config: ResolvedConfig;
}

export async function runLoopguard(options: RunOptions): Promise<RunOutput> {
  const cwd = options.cwd;
  // The config and the repository belong to what is analyzed, not to where the command was typed.
  const home = analyzedHome(cwd, options.paths);
  const config = options.config ?? loadConfig(cwd, options.configPath, home);
  // Overrides give some files other rule settings: files are analyzed in groups that share settings, and the
  // project phase runs with every rule any file enables, its findings then judged by their own file's settings.
  const overrides = new Overrides(config);
  const summaries = config.overrides.length > 0;
  const spec = settingsSpec(overrides.union(), { ...options, summaries });
  const settings = buildSettingsFromSpec(spec);
  const groups = new Map<string, { spec: SettingsSpec; settings: AnalyzeSettings; key: string }>();
  const groupOf = (abs: string) => {
    const rules = overrides.rulesFor(abs);
    const id = rules === config.rules ? '' : JSON.stringify([...rules]);
    const known = groups.get(id);
    if (known) return known;
    const own = config.overrides.length === 0 ? spec : settingsSpec({ ...config, rules }, { ...options, summaries });
    const group = { spec: own, settings: own === spec ? settings : buildSettingsFromSpec(own), key: settingsKey(own) };
    groups.set(id, group);
    return group;
  };

  const discovery = discover(options.paths.length ? options.paths : ['.'], {
    cwd,
    extensions: SOURCE_EXTENSIONS,
    useIgnoreFiles: !options.noIgnore,
    configIgnore: { dir: config.dir, patterns: config.ignore },
  });
  // Buffers not on disk yet (or outside the walked folders) are part of the project too.
  for (const abs of options.overlays?.keys() ?? []) {
    if (!discovery.files.some((f) => f.abs === abs) && SOURCE_EXTENSIONS.includes(path.extname(abs).toLowerCase())) {
      discovery.files.push({ abs, file: toPosixRelative(cwd, abs), explicit: true });
      discovery.files.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));
    }
  }
  if (discovery.missing.length > 0) {
    throw new UsageError(`No such file or directory: ${discovery.missing.join(', ')}`);
  }
  // Paths given on purpose that hold nothing to analyze are a mistake (ESLint's errorOnUnmatchedPattern): a CI step
  // that checks an empty folder must not pass.
  if (options.paths.length > 0 && discovery.unmatched.length > 0) {
    const list = discovery.unmatched.map((u) => `"${u}"`).join(', ');
    throw new UsageError(`No JavaScript or TypeScript files to analyze were found in ${list} (ignored files and folders are skipped)`);
  }

  const scriptMatcher = config.scripts.length ? ignore().add(config.scripts) : null;
  const packageRoots = new PackageRoots(cwd);
  const errors: ToolError[] = discovery.unreadable.map((u) => ({ file: u.file, message: u.message }));
  const skipped: SkippedFile[] = [...discovery.skipped];
  const maxBytes = config.maxFileSizeKb * 1024;

  // Per-file work: read, classify, look up the cache, then analyze the rest (in threads when it pays).
  const cache = options.cache ? ResultCache.open(options.cache) : null;
  const results: { abs: string; res: FileResult }[] = [];
  const pending: { abs: string; input: AnalyzeInput; cacheKey: string; slot: number; group: string }[] = [];
  const slots: ({ abs: string; res: FileResult } | null)[] = [];
  const discovered = new Set(discovery.files.map((f) => f.abs));
  for (const file of discovery.files) {
    const overlay = options.overlays?.get(file.abs);
    const read = overlay !== undefined ? overlaySource(overlay, maxBytes, config.maxFileSizeKb) : readSource(file.abs, maxBytes, config.maxFileSizeKb);
    if ('skip' in read) {
      skipped.push({ file: file.file, reason: read.skip });
      continue;
    }
    if ('error' in read) {
      errors.push({ file: file.file, message: read.error });
      continue;
    }
    const pkg = packageRoots.rootOf(path.dirname(file.abs));
    const packagePath = toPosixRelative(pkg.dir, file.abs);
    let script: ScriptFile | null = classifyScriptFile(packagePath, file.file, pkg.name, pkg.hasBin);
    if (!script && scriptMatcher) {
      const r = path.relative(config.dir, file.abs);
      if (!r.startsWith('..') && !path.isAbsolute(r) && scriptMatcher.ignores(r.split(path.sep).join('/'))) {
        script = { role: 'script', reason: `a script (matches "scripts" in ${config.source ?? 'the config'})` };
      }
    }
    const browser = pkg.browser || isClientVariant(file.abs, discovered);
    const browserDir =
      !browser &&
      file.file
        .split('/')
        .slice(0, -1)
        .some((d) => BROWSER_DIRS.has(d));
    // Only a route file of a package with crons carries them (and its cache key with it).
    const schedules = pkg.schedules && nextFileKind(packagePath) ? pkg.schedules : undefined;
    const expressMajor = pkg.expressMajor;
    const input: AnalyzeInput = {
      file: file.file,
      packagePath,
      source: read.source,
      script,
      browser,
      browserDir,
      ...(schedules ? { schedules } : {}),
      ...(expressMajor !== undefined ? { expressMajor } : {}),
    };
    const group = groupOf(file.abs);
    const cacheKey = cache ? ResultCache.key(group.key, read.source, { file: file.file, packagePath, script, browser, browserDir, schedules, expressMajor }) : '';
    const hit = cache?.get(file.file, cacheKey);
    slots.push(hit ? { abs: file.abs, res: hit } : null);
    if (!hit) pending.push({ abs: file.abs, input, cacheKey, slot: slots.length - 1, group: group.key });
  }
  const threads = options.workers ?? (pending.length >= MIN_FILES_FOR_WORKERS ? defaultWorkerCount() : 1);
  const total = pending.length;
  const outcomes: TaskOutcome[] = new Array(pending.length);
  let before = 0;
  for (const group of groups.values()) {
    const indexes = pending.flatMap((p, i) => (p.group === group.key ? [i] : []));
    if (indexes.length === 0) continue;
    const done = before;
    const out = await analyzeAll(
      indexes.map((i) => pending[i]!.input),
      group.settings,
      group.spec,
      Math.min(threads, Math.max(1, Math.floor(indexes.length / 2))),
      (n) => options.onProgress?.(done + n, total),
    );
    indexes.forEach((i, k) => (outcomes[i] = out[k]!));
    before += indexes.length;
  }
  pending.forEach((p, i) => {
    const outcome = outcomes[i]!;
    if ('error' in outcome) {
      errors.push({ file: p.input.file, message: outcome.error });
      return;
    }
    slots[p.slot] = { abs: p.abs, res: outcome.ok };
    if (cache && !outcome.ok.error) cache.set(p.input.file, p.cacheKey, outcome.ok);
  });
  cache?.save();
  for (const slot of slots) {
    if (!slot) continue;
    if (slot.res.error) errors.push({ file: slot.res.file, message: slot.res.error });
    else if (slot.res.skipped) skipped.push({ file: slot.res.file, reason: slot.res.skipped });
    else results.push(slot);
  }
  // Project phase. A failure here must not lose the per-file findings.
  let linked: Linked;
  try {
    linked = linkProject(results, settings, packageRoots.packages());
  } catch (err) {
    errors.push({ file: null, message: `internal error in the project phase (cross-file findings are missing): ${(err as Error)?.stack ?? String(err)}` });
    linked = {
      kept: new Map(results.map(({ res }) => [res.file, res.findings.map((p) => ({ ...p.finding }))])),
      linked: new Map(),
      exemptions: [],
      silenced: new Map(),
    };
  }

  // Suppressions, on per-file and project findings alike.
  const findings: Finding[] = [];
  let suppressed = 0;
  for (const { res } of results) {
    // Silenced places always meet their comment: they count as suppressed and mark it used.
    const own = [...(linked.kept.get(res.file) ?? []), ...(linked.linked.get(res.file) ?? []), ...(linked.silenced.get(res.file) ?? [])];
    const { kept, suppressed: n } = suppress(res.file, own, res.directives, res.directiveProblems, settings, RULE_IDS);
    suppressed += n;
    // Engine diagnostics (parse errors, suppression problems): identified by their message.
    for (const f of kept) f.fingerprint ??= fingerprint(f.ruleId, f.message);
    const levels = overrides.severities(path.resolve(cwd, res.file));
    for (const f of kept) {
      // A project-phase finding takes the settings of the file it is in (an override may switch its rule off there).
      const level = levels?.get(f.ruleId);
      if (level === 'off') continue;
      if (level) f.severity = severityOf(level);
      if (!options.quiet || f.severity === 'error') findings.push(f);
    }
  }
  findings.sort(compareFindings);
  skipped.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : 0));

  // --since, --staged: the whole project was analyzed (for cross-file findings); report only the changed files.
  let reported = findings;
  let reportedSkipped = skipped;
  let inScope: (file: string) => boolean = () => true;
  if (options.since || options.staged || options.reportOnly) {
    const changed = options.reportOnly ?? (options.staged ? stagedFiles(home) : changedSince(home, options.since!));
    inScope = (file) => changed.has(path.resolve(cwd, file));
    // A root cause counts as changed when its file or the serving code of one of its paths changed.
    reported = findings.filter((f) => inScope(f.file) || (f.paths ?? []).some((p) => inScope(p[0]!.file)));
    reportedSkipped = skipped.filter((sk) => inScope(sk.file));
  }

  // Baselines.
  let baseline: RunResult['baseline'];
  if (options.writeBaseline) {
    const { abs, shown } = baselinePath(options.writeBaseline, cwd, home, config);
    const count = writeBaseline(abs, reported, cwd);
    baseline = { file: shown, written: count, matched: 0, gone: [] };
  } else {
    const chosen = options.baseline ?? (config.baseline ? path.resolve(config.dir, config.baseline) : undefined);
    if (chosen) {
      const { abs, shown } = baselinePath(chosen, cwd, home, config);
      const applied = applyBaseline(reported, readBaseline(abs, shown, cwd), shown);
      reported = applied.kept;
      baseline = { ...applied.outcome, gone: applied.outcome.gone.filter((e) => inScope(e.file)) };
    }
  }

  // Impact: what is below the level asked for is counted, not reported (baselines above still record everything).
  const minImpact = options.impact ?? config.impact;
  const shown = reported.filter((f) => !f.impact || impactRank(f.impact) >= impactRank(minImpact));
  const belowImpactCount = reported.length - shown.length;
  reported = shown;

  // Code frames: re-read only the files that have findings.
  const excerpts: Record<string, Record<number, ExcerptLine>> = {};
  const absOf = new Map(results.map(({ abs, res }) => [res.file, abs]));
  const byFile = new Map<string, Finding[]>();
  for (const f of reported) {
    let list = byFile.get(f.file);
    if (!list) byFile.set(f.file, (list = []));
    list.push(f);
  }
  for (const [file, list] of byFile) {
    const abs = absOf.get(file);
    if (!abs) continue;
    const overlay = options.overlays?.get(abs);
    const read = overlay !== undefined ? overlaySource(overlay, Infinity, config.maxFileSizeKb) : readSource(abs, Infinity, config.maxFileSizeKb);
    if ('source' in read) excerpts[file] = excerptFor(read.source, list);
  }

  const result: RunResult = {
    findings: reported,
    errors,
    skipped: reportedSkipped,
    excerpts,
    stats: {
      filesAnalyzed: results.length,
      filesSkipped: reportedSkipped.length,
      errorCount: reported.filter((f) => f.severity === 'error').length,
      warningCount: reported.filter((f) => f.severity === 'warning').length,
      suppressedCount: suppressed,
      belowImpactCount,
    },
    minImpact,
  };
  if (baseline) result.baseline = baseline;
  if (settings.exemptions.trace) {
    result.exemptions = [...results.flatMap(({ res }) => res.exemptions ?? []), ...linked.exemptions];
  }
  const rules = new Map<string, RuleMeta>();
  for (const r of ALL_RULE_METAS) rules.set(r.id, r);
  return { result, rules, config };
}

/**
 * The client half of a split module: `put-file.client.ts`, or `put-file.ts` next
 * to a `put-file.server.ts` (the Remix/Next.js convention): it runs in a browser.
 */
function isClientVariant(abs: string, files: ReadonlySet<string>): boolean {
  const base = path.basename(abs);
  if (/\.client\.[cm]?[jt]sx?$/.test(base)) return true;
  if (/\.server\.[cm]?[jt]sx?$/.test(base)) return false;
  const stem = abs.replace(/\.[cm]?[jt]sx?$/, '');
  return SOURCE_EXTENSIONS.some((ext) => files.has(`${stem}.server${ext}`));
}

/** A baseline location: as given (relative to the working directory), or the default at the project root. */
function baselinePath(given: string | true, cwd: string, home: string, config: ResolvedConfig): { abs: string; shown: string } {
  if (given !== true) return { abs: path.resolve(cwd, given), shown: toPosixRelative(cwd, path.resolve(cwd, given)) };
  const root = config.source ? config.dir : (findGitRoot(home) ?? home);
  const abs = path.join(root, DEFAULT_BASELINE);
  return { abs, shown: toPosixRelative(cwd, abs) };
}

/** What `--print-config <file>` shows: the settings one file is analyzed with, and why. */
export interface EffectiveConfig {
  file: string;
  /** The config file used (relative to the working directory), or null for the defaults. */
  config: string | null;
  /** Matched by the config's `ignore` patterns (a walk skips it; given explicitly, it is still analyzed). */
  ignored: boolean;
  /** Why it counts as a script (never serving code), or null. */
  script: string | null;
  /** The overrides that apply to it, by index in the config's `overrides`. */
  overrides: number[];
  /** Every rule: its severity for this file, and its options. */
  rules: Record<string, { severity: string; options: Record<string, unknown> }>;
  impact: Impact;
  maxFileSizeKb: number;
}

/** The effective settings of one file (`--print-config`): nothing is analyzed. */
export function effectiveConfig(cwd: string, file: string, configPath?: string): EffectiveConfig {
  const abs = path.resolve(cwd, file);
  // The file need not exist (a new file, a path a tool asks about): its nearest existing folder decides.
  let from = path.dirname(abs);
  while (!fs.existsSync(from) && path.dirname(from) !== from) from = path.dirname(from);
  const config = loadConfig(cwd, configPath, from);
  const overrides = new Overrides(config);
  const rules = overrides.rulesFor(abs);
  const rel = path.relative(config.dir, abs).split(path.sep).join('/');
  const inside = rel !== '' && !rel.startsWith('..') && !path.isAbsolute(rel);
  const matches = (patterns: readonly string[]) =>
    inside &&
    patterns.length > 0 &&
    ignore()
      .add([...patterns])
      .ignores(rel);
  const pkg = new PackageRoots(cwd).rootOf(path.dirname(abs));
  const script = classifyScriptFile(toPosixRelative(pkg.dir, abs), toPosixRelative(cwd, abs), pkg.name, pkg.hasBin);
  const out: EffectiveConfig['rules'] = {};
  for (const meta of ALL_RULE_METAS) {
    const set = rules.get(meta.id);
    out[meta.id] = { severity: set?.severity ?? meta.severity, options: set?.options ?? defaultOptions(meta.id) };
  }
  return {
    file: toPosixRelative(cwd, abs),
    config: config.source,
    ignored: matches(config.ignore),
    script: script?.reason ?? (matches(config.scripts) ? `a script (matches "scripts" in ${config.source})` : null),
    overrides: config.overrides.flatMap((o, i) => (inside && ignore().add(o.files).ignores(rel) ? [i] : [])),
    rules: out,
    impact: config.impact,
    maxFileSizeKb: config.maxFileSizeKb,
  };
}

/**
 * The folder the analyzed paths share (a file counts as its folder, a glob as its base folder; a path that does not exist is left out): where the
 * config is looked up from and the repository found, as ESLint's flat config does. The working directory when none.
 */
export function analyzedHome(cwd: string, paths: readonly string[]): string {
  const dirs: string[] = [];
  for (const p of paths) {
    const abs = path.resolve(cwd, globBase(p) ?? p);
    try {
      dirs.push(fs.statSync(abs).isDirectory() ? abs : path.dirname(abs));
    } catch {
      // A missing path: discovery reports it.
    }
  }
  if (dirs.length === 0) return cwd;
  const inside = (dir: string, root: string) => dir === root || dir.startsWith(root.endsWith(path.sep) ? root : root + path.sep);
  let common = dirs[0]!;
  for (const d of dirs) while (!inside(d, common)) common = path.dirname(common);
  return common;
}

interface PackageRoot {
  dir: string;
  /** The package.json "name", when readable. */
  name: string | null;
  /** The package ships executables (a "bin" field). */
  hasBin: boolean;
  /** A front-end package: browser framework dependencies and no server framework. */
  browser: boolean;
  /** Routes the platform calls on a schedule, from the package's vercel.json `crons` (route path → schedule). */
  schedules?: Record<string, string>;
  /** The major version of Express the package depends on, when it or an enclosing package (a monorepo root) declares one. */
  expressMajor?: number;
}

/** Nearest ancestor directory holding a package.json, cached per directory. */
class PackageRoots {
  private readonly cache = new Map<string, PackageRoot>();
  private readonly jsons = new Map<string, WorkspacePackage>();
  /** Used when no package.json is found: the working directory. */
  constructor(private readonly fallback: string) {}

  /** Every package seen (by the package.json of some analyzed file), for workspace imports. */
  packages(): WorkspacePackage[] {
    return [...this.jsons.values()];
  }

  rootOf(dir: string): PackageRoot {
    const hit = this.cache.get(dir);
    if (hit) return hit;
    const visited: string[] = [];
    let root: PackageRoot = { dir: this.fallback, name: null, hasBin: false, browser: false };
    for (let d = dir; ;) {
      const cached = this.cache.get(d);
      if (cached) {
        root = cached;
        break;
      }
      visited.push(d);
      const pkgFile = path.join(d, 'package.json');
      if (fs.existsSync(pkgFile)) {
        const info = readPackageInfo(pkgFile);
        const schedules = readCronSchedules(path.join(d, 'vercel.json'));
        const expressMajor = dependencyMajor(info.json, 'express');
        root = {
          dir: d,
          name: info.name,
          hasBin: info.hasBin,
          browser: isBrowserPackage(info.json),
          ...(schedules ? { schedules } : {}),
          ...(expressMajor !== null ? { expressMajor } : {}),
        };
        if (info.name && info.json) this.jsons.set(d, { dir: d, name: info.name, json: info.json });
        // A workspace package that does not declare Express itself uses the one its monorepo root hoists.
        if (expressMajor === null && path.dirname(d) !== d) {
          const outer = this.rootOf(path.dirname(d)).expressMajor;
          if (outer !== undefined) root.expressMajor = outer;
        }
        break;
      }
      const parent = path.dirname(d);
      if (parent === d) break;
      d = parent;
    }
    for (const v of visited) this.cache.set(v, root);
    return root;
  }
}

function isBrowserPackage(json: any): boolean {
  if (!json) return false;
  const deps = { ...json.dependencies, ...json.devDependencies, ...json.peerDependencies };
  // A component library lists `next` as a peer (and dev) dependency; an app that serves with it, as a dependency.
  const serves = (d: string) => (d === 'next' ? Object.hasOwn(json.dependencies ?? {}, d) : d in deps);
  return BROWSER_DEPENDENCIES.some((d) => d in deps) && !SERVER_DEPENDENCIES.some(serves);
}

/**
 * Vercel cron jobs (`{ "crons": [{ "path": "/api/cron/sync", "schedule": "0 * * * *" }] }`): the routes it calls on a
 * schedule, or null. A file that is missing, not a regular file, over 1 MB or not JSON has none (never an error).
 */
function readCronSchedules(file: string): Record<string, string> | null {
  try {
    const st = fs.statSync(file);
    if (!st.isFile() || st.size > 1024 * 1024) return null;
    const crons = JSON.parse(fs.readFileSync(file, 'utf8'))?.crons;
    if (!Array.isArray(crons)) return null;
    const out: Record<string, string> = {};
    for (const c of crons) {
      if (typeof c?.path !== 'string' || typeof c.schedule !== 'string') continue;
      let route = c.path.split('?')[0]!;
      while (route.length > 1 && route.endsWith('/')) route = route.slice(0, -1);
      out[route] = c.schedule;
    }
    return Object.keys(out).length > 0 ? out : null;
  } catch {
    return null;
  }
}

/** The major version a package.json's dependencies ask for (`"^4.21.0"`, `"~5.1"`, `"4.x"` → 4), or null (absent, a tag, a URL). */
function dependencyMajor(json: any, name: string): number | null {
  for (const field of ['dependencies', 'peerDependencies', 'devDependencies']) {
    const spec = json?.[field]?.[name];
    if (typeof spec !== 'string') continue;
    let i = 0;
    while (i < spec.length && '^~>=v '.includes(spec[i]!)) i++;
    let digits = '';
    while (i < spec.length && spec[i]! >= '0' && spec[i]! <= '9') digits += spec[i++];
    return digits ? Number(digits) : null;
  }
  return null;
}

function readPackageInfo(file: string): { name: string | null; hasBin: boolean; json: any } {
  try {
    const pkg = JSON.parse(fs.readFileSync(file, 'utf8'));
    return { name: typeof pkg.name === 'string' ? pkg.name : null, hasBin: !!pkg.bin, json: pkg };
  } catch {
    return { name: null, hasBin: false, json: null };
  }
}
