// Baselines, for adopting loopguard on an existing codebase: record today's
// findings, then report only new ones. Entries are matched by rule, file and
// fingerprint (which survives line shifts), as a multiset. The file is sorted
// and one entry per line, so it diffs well.
import fs from 'node:fs';
import path from 'node:path';
import { toPosixRelative } from './discover.js';
import type { Finding } from '../engine/findings.js';
import { UsageError } from './settings.js';

export const DEFAULT_BASELINE = '.loopguard-baseline.json';
const FORMAT = 1;

export interface BaselineEntry {
  ruleId: string;
  file: string;
  fingerprint: string;
  /** Where it was when recorded (for people; matching ignores it). */
  line: number;
  message: string;
}

export interface BaselineOutcome {
  /** The baseline file, as given. */
  file: string;
  /** Findings the baseline already holds (not reported). */
  matched: number;
  /** Baseline entries no longer found: fixed, or their code changed. */
  gone: BaselineEntry[];
}

function compareEntries(a: BaselineEntry, b: BaselineEntry): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  if (a.ruleId !== b.ruleId) return a.ruleId < b.ruleId ? -1 : 1;
  return a.line - b.line || (a.fingerprint < b.fingerprint ? -1 : a.fingerprint > b.fingerprint ? 1 : 0);
}

/**
 * Entries name files relative to the baseline's own directory, so a run from
 * any subdirectory (or with other path arguments) matches the same entries.
 */
function rebase(file: string, fromDir: string, toDir: string): string {
  return toPosixRelative(toDir, path.resolve(fromDir, file));
}

/** Record `findings` (file paths relative to `cwd`) in the baseline at `abs`. */
export function writeBaseline(abs: string, findings: readonly Finding[], cwd: string): number {
  const dir = path.dirname(abs);
  const entries: BaselineEntry[] = findings
    .filter((f) => f.fingerprint)
    .map((f) => ({ ruleId: f.ruleId, file: rebase(f.file, cwd, dir), fingerprint: f.fingerprint!, line: f.line, message: f.message }))
    .sort(compareEntries);
  const body = entries.map((e) => `    ${JSON.stringify(e)}`).join(',\n');
  fs.writeFileSync(abs, `{\n  "format": ${FORMAT},\n  "tool": "loopguard",\n  "findings": [\n${body}${body ? '\n' : ''}  ]\n}\n`);
  return entries.length;
}

/** The entries of the baseline at `abs`, with file paths made relative to `cwd`. */
export function readBaseline(abs: string, shown: string, cwd: string): BaselineEntry[] {
  let data: any;
  try {
    data = JSON.parse(fs.readFileSync(abs, 'utf8'));
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new UsageError(
      code === 'ENOENT' ? `baseline ${shown} not found (create it with --write-baseline)` : `baseline ${shown} is not valid JSON: ${(err as Error).message}`,
    );
  }
  if (!data || data.format !== FORMAT || !Array.isArray(data.findings)) throw new UsageError(`baseline ${shown} is not a loopguard baseline (format ${FORMAT})`);
  const dir = path.dirname(abs);
  return data.findings
    .filter((e: any) => e && typeof e.ruleId === 'string' && typeof e.file === 'string' && typeof e.fingerprint === 'string')
    .map((e: BaselineEntry) => ({
      ...e,
      file: rebase(e.file, dir, cwd),
      line: typeof e.line === 'number' ? e.line : 0,
      message: typeof e.message === 'string' ? e.message : '',
    }));
}

/** Split findings into new ones and ones the baseline holds; list baseline entries that no longer occur. */
export function applyBaseline(findings: readonly Finding[], entries: readonly BaselineEntry[], shown: string): { kept: Finding[]; outcome: BaselineOutcome } {
  const pool = new Map<string, BaselineEntry[]>();
  for (const e of entries) {
    const k = `${e.ruleId}\0${e.file}\0${e.fingerprint}`;
    let list = pool.get(k);
    if (!list) pool.set(k, (list = []));
    list.push(e);
  }
  const kept: Finding[] = [];
  let matched = 0;
  for (const f of findings) {
    const list = f.fingerprint ? pool.get(`${f.ruleId}\0${f.file}\0${f.fingerprint}`) : undefined;
    if (list && list.length > 0) {
      list.shift();
      matched++;
    } else kept.push(f);
  }
  const gone = [...pool.values()].flat().sort(compareEntries);
  return { kept, outcome: { file: shown, matched, gone } };
}
