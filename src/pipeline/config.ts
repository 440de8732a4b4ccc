// Configuration: `loopguard.config.json`, or a "loopguard" key in package.json,
// found by walking up from the analyzed path (or given with --config).
// JSON only: configuration is data and is never executed.
import fs from 'node:fs';
import path from 'node:path';
import { DEFAULT_MIN_IMPACT, IMPACTS, type Impact } from '../knowledge/impact.js';
import type { BlockingApi } from '../knowledge/blocking-apis.js';
import type { ConfigSeverity } from '../engine/findings.js';
import { findMeta, suggestRuleId } from './registry.js';
import type { OptionSpec } from '../engine/rule-api.js';

export interface RuleSetting {
  severity: ConfigSeverity;
  options: Record<string, unknown>;
}

export interface ResolvedConfig {
  /** Where the config came from, for messages (`loopguard.config.json`, `package.json#loopguard`), or null for defaults. */
  source: string | null;
  /** Directory that `ignore` and `scripts` patterns are relative to. */
  dir: string;
  /** Rule settings given in the config (rules not listed keep their defaults). */
  rules: Map<string, RuleSetting>;
  ignore: string[];
  scripts: string[];
  blocking: BlockingApi[];
  maxFileSizeKb: number;
  /** A baseline file (relative to `dir`): report only findings not in it. */
  baseline: string | null;
  /** Report findings of at least this impact (`low` reports everything). */
  impact: Impact;
  /** Rule settings for the files that match patterns (gitignore syntax, relative to `dir`), applied in order. */
  overrides: { files: string[]; rules: RuleSettings }[];
}

export const CONFIG_FILE = 'loopguard.config.json';
export const DEFAULT_MAX_FILE_SIZE_KB = 1024;

export const CONFIG_KEYS: Readonly<Record<string, string>> = {
  $schema: 'a JSON schema URL (ignored)',
  rules: 'rule severities: { "blocking-call": "error" | "warn" | "warning" | "off" | ["warn", { options }] }',
  ignore: 'gitignore-style patterns of files not to analyze, relative to the config file',
  scripts: 'gitignore-style patterns of files that are scripts (CLI, build, one-off jobs), relative to the config file',
  blocking: 'extra blocking APIs: [{ "module": "legacy-db", "export": "querySync", "alternative": "await db.query(...)" }]',
  maxFileSizeKb: `files larger than this are skipped with a note (default ${DEFAULT_MAX_FILE_SIZE_KB})`,
  baseline: 'a baseline file (relative to the config file): report only findings not recorded in it',
  impact: `report findings of at least this impact: "low" (everything), "medium" (the default) or "high"`,
  overrides: 'rule settings for some files: [{ "files": ["scripts/", "*.test.ts"], "rules": { "blocking-call": "off" } }], later entries win',
};

export class ConfigError extends Error {}

export function defaultConfig(cwd: string): ResolvedConfig {
  return {
    source: null,
    dir: cwd,
    rules: new Map(),
    ignore: [],
    scripts: [],
    blocking: [],
    maxFileSizeKb: DEFAULT_MAX_FILE_SIZE_KB,
    baseline: null,
    impact: DEFAULT_MIN_IMPACT,
    overrides: [],
  };
}

/** Find and load the configuration. Throws ConfigError with a message naming the file and key. */
/** The config for a run: the file given (relative to `cwd`), else the nearest one at or above `from` (the analyzed folder). */
export function loadConfig(cwd: string, explicitPath?: string, from: string = cwd): ResolvedConfig {
  if (explicitPath) {
    const abs = path.resolve(cwd, explicitPath);
    if (!fs.existsSync(abs)) throw new ConfigError(`${explicitPath}: config file not found`);
    const shown = rel(cwd, abs);
    const data = readJson(abs, shown);
    if (path.basename(abs) === 'package.json') {
      if (!isObject(data) || !('loopguard' in data)) throw new ConfigError(`${shown}: has no "loopguard" key`);
      return validateConfig((data as any).loopguard, `${shown}#loopguard`, path.dirname(abs));
    }
    return validateConfig(data, shown, path.dirname(abs));
  }
  for (let dir = from; ;) {
    const file = path.join(dir, CONFIG_FILE);
    if (fs.existsSync(file)) return validateConfig(readJson(file, rel(cwd, file)), rel(cwd, file), dir);
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg)) {
      let data: unknown;
      try {
        data = readJson(pkg, rel(cwd, pkg));
      } catch {
        data = null; // a broken package.json is not ours to report
      }
      if (isObject(data) && 'loopguard' in data) return validateConfig((data as any).loopguard, `${rel(cwd, pkg)}#loopguard`, dir);
    }
    const parent = path.dirname(dir);
    if (parent === dir) break;
    dir = parent;
  }
  return defaultConfig(from);
}

function rel(cwd: string, file: string): string {
  const r = path.relative(cwd, file).split(path.sep).join('/');
  return r === '' ? '.' : r;
}

function readJson(file: string, shown: string): unknown {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (err) {
    throw new ConfigError(`${shown}: cannot read config (${(err as NodeJS.ErrnoException).code ?? String(err)})`);
  }
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  try {
    return JSON.parse(text);
  } catch (err) {
    const msg = (err as Error).message;
    const pos = /position (\d+)/.exec(msg);
    let where = '';
    if (pos) {
      const before = text.slice(0, Number(pos[1]));
      const line = before.split('\n').length;
      const column = Number(pos[1]) - before.lastIndexOf('\n');
      where = ` at line ${line}, column ${column}`;
    }
    throw new ConfigError(`${shown}: invalid JSON${where}: ${msg.replace(/\s*in JSON at position \d+.*$/, '').replace(/^JSON\.parse: /, '')}`);
  }
}

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function typeName(v: unknown): string {
  return v === null ? 'null' : Array.isArray(v) ? 'an array' : typeof v === 'object' ? 'an object' : `a ${typeof v}`;
}

export function validateConfig(raw: unknown, where: string, dir: string): ResolvedConfig {
  const fail = (key: string, problem: string): never => {
    throw new ConfigError(`${where}: ${key ? `"${key}" ` : ''}${problem}`);
  };
  if (!isObject(raw)) fail('', `must be an object, got ${typeName(raw)}`);
  const cfg = defaultConfig(dir);
  cfg.source = where;
  const obj = raw as Record<string, unknown>;
  for (const key of Object.keys(obj)) {
    if (!Object.hasOwn(CONFIG_KEYS, key)) {
      fail(
        key,
        `is not a config key. Known keys: ${Object.keys(CONFIG_KEYS)
          .filter((k) => k !== '$schema')
          .join(', ')}`,
      );
    }
  }
  if (Object.hasOwn(obj, 'rules')) {
    for (const [id, setting] of parseRules(obj.rules, 'rules', fail)) cfg.rules.set(id, { severity: setting.severity, options: setting.options ?? defaultOptions(id) });
  }
  if (Object.hasOwn(obj, 'overrides')) {
    const v = obj.overrides;
    if (!Array.isArray(v)) fail('overrides', `must be an array of { "files": [patterns], "rules": { … } }, got ${typeName(v)}`);
    (v as unknown[]).forEach((entry, i) => {
      const key = `overrides[${i}]`;
      if (!isObject(entry)) fail(key, `must be an object { "files": [patterns], "rules": { … } }, got ${typeName(entry)}`);
      const e = entry as Record<string, unknown>;
      for (const k of Object.keys(e)) if (k !== 'files' && k !== 'rules') fail(`${key}.${k}`, 'is not a key of an override (files, rules)');
      const files = e.files;
      if (!Array.isArray(files) || files.length === 0 || !files.every((x) => typeof x === 'string' && x.trim() !== '')) {
        fail(`${key}.files`, `must be a non-empty array of patterns (gitignore syntax, relative to the config file), got ${JSON.stringify(files)}`);
      }
      if (!Object.hasOwn(e, 'rules')) fail(`${key}.rules`, 'is missing: an override sets rules for its files');
      cfg.overrides.push({ files: files as string[], rules: parseRules(e.rules, `${key}.rules`, fail) });
    });
  }
  for (const key of ['ignore', 'scripts'] as const) {
    if (!(key in obj)) continue;
    const v = obj[key];
    if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(key, `must be an array of strings, got ${typeName(v)}`);
    cfg[key] = v as string[];
  }
  if ('maxFileSizeKb' in obj) {
    const v = obj.maxFileSizeKb;
    if (typeof v !== 'number' || !Number.isInteger(v) || v < 1) fail('maxFileSizeKb', `must be a positive integer, got ${JSON.stringify(v)}`);
    cfg.maxFileSizeKb = v as number;
  }
  if ('baseline' in obj) {
    const v = obj.baseline;
    if (typeof v !== 'string' || v.trim() === '') fail('baseline', `must be a file path, got ${JSON.stringify(v)}`);
    cfg.baseline = v as string;
  }
  if ('impact' in obj) {
    const v = obj.impact;
    if (typeof v !== 'string' || !(IMPACTS as readonly string[]).includes(v)) fail('impact', `must be one of "low", "medium", "high", got ${JSON.stringify(v)}`);
    cfg.impact = v as Impact;
  }
  if ('blocking' in obj) {
    const v = obj.blocking;
    if (!Array.isArray(v)) fail('blocking', `must be an array of { module, export, alternative }, got ${typeName(v)}`);
    (v as unknown[]).forEach((entry, i) => {
      const key = `blocking[${i}]`;
      if (!isObject(entry)) fail(key, `must be an object { module, export, alternative }, got ${typeName(entry)}`);
      const e = entry as Record<string, unknown>;
      for (const k of Object.keys(e)) {
        if (!['module', 'export', 'alternative', 'reason'].includes(k)) fail(`${key}.${k}`, 'is not a key of a blocking entry (module, export, alternative, reason)');
      }
      for (const k of ['module', 'export', 'alternative']) {
        if (typeof e[k] !== 'string' || (e[k] as string).trim() === '') fail(`${key}.${k}`, 'must be a non-empty string');
      }
      if ('reason' in e && typeof e.reason !== 'string') fail(`${key}.reason`, 'must be a string');
      const mod = (e.module as string).replace(/^node:/, '');
      const exp = e.export as string;
      cfg.blocking.push({
        module: mod,
        name: exp === 'default' ? '' : exp,
        why: (e.reason as string | undefined) ?? `declared blocking in ${where}`,
        alternative: (e.alternative as string).includes('`') ? (e.alternative as string) : `\`${e.alternative}\``,
      });
    });
  }
  return cfg;
}

/** The rules an override sets: options null where it gives a severity only (the options set before it still apply). */
export type RuleSettings = Map<string, { severity: ConfigSeverity; options: Record<string, unknown> | null }>;

export function defaultOptions(id: string): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [name, spec] of Object.entries(findMeta(id)?.options ?? {})) out[name] = spec.default;
  return out;
}

/** `{ "blocking-call": "error" | "warn" | "warning" | "off" | [severity, options] }`, checked key by key. */
function parseRules(rules: unknown, at: string, fail: (key: string, problem: string) => never): RuleSettings {
  if (!isObject(rules)) fail(at, `must be an object mapping rule ids to severities, got ${typeName(rules)}`);
  const out: RuleSettings = new Map();
  for (const [id, value] of Object.entries(rules as Record<string, unknown>)) {
    const key = `${at}.${id}`;
    const meta = findMeta(id);
    if (!meta) {
      const hint = suggestRuleId(id);
      fail(key, `is not a known rule${hint ? ` (did you mean "${hint}"?)` : ''}. Run \`loopguard rules\` for the list`);
    }
    let severity: unknown = value;
    let options: unknown = null;
    if (Array.isArray(value)) {
      if (value.length < 1 || value.length > 2) fail(key, 'must be a severity or [severity, options]');
      severity = value[0];
      options = value[1] ?? {};
    }
    // One vocabulary with the command line: ESLint's `warn`, with the long form `warning` as an alias.
    if (severity === 'warning') severity = 'warn';
    if (severity !== 'error' && severity !== 'warn' && severity !== 'off') {
      fail(key, `must be "error", "warn" (or "warning") or "off", got ${JSON.stringify(severity)}`);
    }
    if (options === null) {
      out.set(id, { severity: severity as ConfigSeverity, options: null });
      continue;
    }
    if (!isObject(options)) fail(key, `options must be an object, got ${typeName(options)}`);
    const specs = meta!.options ?? {};
    const resolved = defaultOptions(id);
    for (const [name, v] of Object.entries(options as Record<string, unknown>)) {
      const spec = Object.hasOwn(specs, name) ? specs[name] : undefined;
      if (!spec) {
        const known = Object.keys(specs);
        fail(`${key}.${name}`, `is not an option of ${id}${known.length ? ` (options: ${known.join(', ')})` : ' (it has no options)'}`);
      }
      checkOption(`${key}.${name}`, spec!, v, fail);
      resolved[name] = v;
    }
    out.set(id, { severity: severity as ConfigSeverity, options: resolved });
  }
  return out;
}

function checkOption(key: string, spec: OptionSpec, v: unknown, fail: (key: string, problem: string) => never): void {
  switch (spec.type) {
    case 'number':
      if (typeof v !== 'number' || !Number.isFinite(v)) fail(key, `must be a number, got ${JSON.stringify(v)}`);
      if (spec.minimum !== undefined && (v as number) < spec.minimum) fail(key, `must be at least ${spec.minimum}`);
      break;
    case 'string':
      if (typeof v !== 'string') fail(key, `must be a string, got ${typeName(v)}`);
      break;
    case 'boolean':
      if (typeof v !== 'boolean') fail(key, `must be true or false, got ${JSON.stringify(v)}`);
      break;
    case 'string[]':
      if (!Array.isArray(v) || !v.every((x) => typeof x === 'string')) fail(key, `must be an array of strings, got ${typeName(v)}`);
      break;
  }
}
