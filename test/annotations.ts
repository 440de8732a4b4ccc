// Fixture annotations, matched both ways: every finding needs an annotation,
// every annotation needs a finding.
//
//   // expect: <rule-id>[, <rule-id>]      a finding on this line (trailing) or the next code line (own line)
//   // expect: <rule-id> "<substring>"     …whose message or help contains the substring (an optional ` -- why` may follow)
//   // expect: <rule-id>@<impact>          …whose impact is high, medium or low (with or without a substring)
//   // ok: <rule-id> -- <why>              a tempting non-finding: the rule must not fire here
//   // ok: <rule-id>[<exemption>] -- <why>  …and it is this named exemption of the rule that applies here
//   // path: <rule-id> ["<substring>"]     a serving path of a finding reported elsewhere (a root cause) starts on this line
//                                          (the substring is looked for in the path: `handler → helper → fs.readFileSync`)
//   // todo-expect: <rule-id> -- <why>     known false negative; fails once it starts passing
//   // todo-ok: <rule-id> -- <why>         known false positive; same
//   /* expect: <rule-id> */                the same, inside JSX
//
// A first-line header `// loopguard-config: {json}` gives the config for the file
// (validated like loopguard.config.json).
import type { ExemptionUse, Finding } from '../src/engine/findings.js';

export type AnnotationKind = 'expect' | 'ok' | 'path' | 'todo-expect' | 'todo-ok';

export interface Expectation {
  kind: AnnotationKind;
  ruleId: string;
  substring: string | null;
  /** `ok: rule[exemption]`: the named exemption that must apply on this line. */
  exemption: string | null;
  /** `expect: rule@high`: the impact the finding must have. */
  impact: string | null;
  /** Line the annotation applies to. */
  line: number;
  /** Line the annotation is written on. */
  at: number;
}

const ANNOTATION = /(?:\/\/|\/\*)\s*(expect|ok|path|todo-expect|todo-ok):(.*?)(?:\*\/.*)?$/;

export class AnnotationError extends Error {}

export function parseAnnotations(file: string, source: string, knownRuleIds: ReadonlySet<string>): { expectations: Expectation[]; config: unknown } {
  const lines = source.split(/\r\n|\r|\n/);
  const expectations: Expectation[] = [];
  let config: unknown = undefined;
  const header = /^\s*\/\/\s*loopguard-config:\s*(.*)$/.exec(lines[0] ?? '');
  if (header) {
    try {
      config = JSON.parse(header[1]!);
    } catch (err) {
      throw new AnnotationError(`${file}:1: bad loopguard-config header: ${(err as Error).message}`);
    }
  }
  const pending: Omit<Expectation, 'line'>[] = [];
  for (let i = 0; i < lines.length; i++) {
    const text = lines[i]!;
    const lineNo = i + 1;
    const m = ANNOTATION.exec(text);
    const trimmed = text.trim();
    // Own line: the annotation is the first thing on the line (or inside `{/* */}` in JSX).
    const indent = text.length - text.trimStart().length;
    const ownLine = m !== null && (m.index === indent || (trimmed.startsWith('{/*') && m.index === indent + 1));
    if (m) {
      const kind = m[1] as AnnotationKind;
      const items = parseItems(file, lineNo, kind, m[2]!.replace(/\*\/\s*\}?\s*$/, ''), knownRuleIds);
      for (const item of items) {
        if (ownLine) pending.push({ ...item, kind, at: lineNo });
        else expectations.push({ ...item, kind, at: lineNo, line: lineNo });
      }
      if (ownLine) continue;
    }
    const isCode = trimmed !== '' && !trimmed.startsWith('//') && !(trimmed.startsWith('/*') && trimmed.endsWith('*/')) && !trimmed.startsWith('*');
    if (isCode && pending.length > 0) {
      for (const p of pending.splice(0)) expectations.push({ ...p, line: lineNo });
    }
  }
  if (pending.length > 0) throw new AnnotationError(`${file}:${pending[0]!.at}: annotation is not followed by any code`);
  return { expectations, config };
}

function parseItems(file: string, line: number, kind: AnnotationKind, text: string, known: ReadonlySet<string>) {
  const body = text.split(/\s--\s/)[0]!;
  if (kind !== 'expect' && kind !== 'path' && !/\s--\s\S/.test(text)) {
    throw new AnnotationError(`${file}:${line}: "${kind}:" needs a reason after " -- "`);
  }
  const items: { ruleId: string; substring: string | null; exemption: string | null; impact: string | null }[] = [];
  const re = /\s*([a-z][a-z0-9-]*)(?:\[([a-z][a-z0-9-]*)\])?(?:@(high|medium|low))?(?:\s+"([^"]*)")?\s*(,|$)/gy;
  let m: RegExpExecArray | null;
  let consumed = 0;
  while ((m = re.exec(body)) !== null) {
    if (m[0] === '') break;
    consumed = re.lastIndex;
    const ruleId = m[1]!;
    if (!known.has(ruleId)) throw new AnnotationError(`${file}:${line}: unknown rule id "${ruleId}" in annotation`);
    if (m[2] !== undefined && kind !== 'ok') throw new AnnotationError(`${file}:${line}: only "ok:" annotations name an exemption`);
    if (m[3] !== undefined && kind !== 'expect') throw new AnnotationError(`${file}:${line}: only "expect:" annotations name an impact`);
    items.push({ ruleId, exemption: m[2] ?? null, impact: m[3] ?? null, substring: m[4] ?? null });
    if (m[5] === '') break;
  }
  if (items.length === 0 || body.slice(consumed).trim() !== '') {
    throw new AnnotationError(`${file}:${line}: cannot read annotation "${kind}:${text}"`);
  }
  return items;
}

/** Where a finding's serving path starts (its first step), with the path as text. */
export interface PathStart {
  ruleId: string;
  line: number;
  text: string;
}

/** The serving paths of `findings` (anywhere in the project) that start in `file`. */
export function pathStarts(findings: readonly Finding[], file: string): PathStart[] {
  return findings.flatMap((f) =>
    (f.paths ?? []).filter((p) => p[0]!.file === file).map((p) => ({ ruleId: f.ruleId, line: p[0]!.line, text: p.map((s) => s.label).join(' → ') })),
  );
}

export interface Mismatch {
  kind: 'missing' | 'unexpected' | 'fixed-todo' | 'wrong-exemption' | 'missing-path' | 'unexpected-path';
  line: number;
  ruleId: string;
  detail: string;
}

/** Compare findings of `ruleIds` with the expectations (and the exemptions that applied with `ok: rule[id]`). */
export function compare(
  expectations: readonly Expectation[],
  findings: readonly Finding[],
  ruleIds: ReadonlySet<string>,
  exemptions: readonly ExemptionUse[] = [],
  paths: readonly PathStart[] = [],
): Mismatch[] {
  const out: Mismatch[] = [];
  const openPaths = paths.filter((p) => ruleIds.has(p.ruleId));
  for (const e of expectations.filter((x) => x.kind === 'path')) {
    const i = openPaths.findIndex((p) => p.line === e.line && p.ruleId === e.ruleId && (e.substring === null || p.text.includes(e.substring)));
    if (i >= 0) openPaths.splice(i, 1);
    else out.push({ kind: 'missing-path', line: e.line, ruleId: e.ruleId, detail: e.substring ? `a path containing "${e.substring}"` : 'no serving path starts here' });
  }
  for (const p of openPaths) out.push({ kind: 'unexpected-path', line: p.line, ruleId: p.ruleId, detail: p.text });
  for (const e of expectations) {
    if (e.exemption === null) continue;
    const applied = exemptions.filter((x) => x.ruleId === e.ruleId && x.line <= e.line && e.line <= x.endLine);
    if (!applied.some((x) => x.id === e.exemption)) {
      const seen = [...new Set(applied.map((x) => x.id))].join(', ');
      out.push({ kind: 'wrong-exemption', line: e.line, ruleId: e.ruleId, detail: `expected exemption [${e.exemption}]; applied here: ${seen || 'none'}` });
    }
  }
  const remaining = findings.filter((f) => ruleIds.has(f.ruleId));
  const take = (line: number, ruleId: string, substring: string | null, impact: string | null = null): Finding | null => {
    const i = remaining.findIndex(
      (f) =>
        f.line === line &&
        f.ruleId === ruleId &&
        (substring === null || f.message.includes(substring) || f.help.includes(substring)) &&
        (impact === null || f.impact === impact),
    );
    return i >= 0 ? remaining.splice(i, 1)[0]! : null;
  };
  for (const e of expectations.filter((x) => x.kind === 'expect')) {
    if (!take(e.line, e.ruleId, e.substring, e.impact)) {
      const detail = [e.substring ? `message containing "${e.substring}"` : '', e.impact ? `impact ${e.impact}` : ''].filter(Boolean).join(', ');
      out.push({ kind: 'missing', line: e.line, ruleId: e.ruleId, detail });
    }
  }
  for (const e of expectations.filter((x) => x.kind === 'todo-ok')) {
    if (!take(e.line, e.ruleId, null)) out.push({ kind: 'fixed-todo', line: e.line, ruleId: e.ruleId, detail: 'todo-ok no longer fires: remove the annotation' });
  }
  for (const e of expectations.filter((x) => x.kind === 'todo-expect')) {
    const f = take(e.line, e.ruleId, null);
    if (f) out.push({ kind: 'fixed-todo', line: e.line, ruleId: e.ruleId, detail: 'todo-expect now fires: make it an expect' });
  }
  for (const f of remaining) {
    const okHere = expectations.some((e) => e.kind === 'ok' && e.line === f.line && e.ruleId === f.ruleId);
    out.push({ kind: 'unexpected', line: f.line, ruleId: f.ruleId, detail: `${okHere ? '(marked ok) ' : ''}${f.impact ? `[${f.impact}] ` : ''}${f.message}` });
  }
  return out.sort((a, b) => a.line - b.line || (a.ruleId < b.ruleId ? -1 : 1));
}

export function formatMismatches(file: string, mismatches: readonly Mismatch[]): string {
  return mismatches.map((m) => `${m.kind.padEnd(15)} ${file}:${m.line}  ${m.ruleId}${m.detail ? `  ${m.detail}` : ''}`).join('\n');
}
