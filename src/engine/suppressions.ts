// Inline suppressions. Language-neutral: directives are read from comment
// texts with their line numbers, whatever the language's comment syntax.
//
//   // loopguard-ignore-next-line blocking-call -- reason
//   // loopguard-ignore-line blocking-call, sequential-awaits
//   /* loopguard-ignore-file blocking-call */

export interface CommentText {
  text: string;
  line: number;
  column: number;
  endLine: number;
}

export type DirectiveKind = 'ignore-next-line' | 'ignore-line' | 'ignore-file';

export interface Directive {
  kind: DirectiveKind;
  ruleIds: string[];
  reason: string | null;
  /** The line it silences (0 for the whole file). */
  targetLine: number;
  /** Where the comment is. */
  line: number;
  column: number;
  endLine: number;
}

export interface DirectiveProblem {
  line: number;
  column: number;
  message: string;
  help: string;
}

const PREFIX = /^\s*\*?\s*loopguard-([\w-]+)/;
const KINDS: ReadonlySet<string> = new Set(['ignore-next-line', 'ignore-line', 'ignore-file']);

export function parseDirectives(comments: readonly CommentText[]): { directives: Directive[]; problems: DirectiveProblem[] } {
  const directives: Directive[] = [];
  const problems: DirectiveProblem[] = [];
  for (const c of comments) {
    const m = PREFIX.exec(c.text);
    if (!m) continue;
    const kind = m[1]!;
    // Only words that look like a suppression attempt are errors; other `loopguard-…` comments are not ours.
    if (!KINDS.has(kind) && !/^(ignore|disable|enable|suppress|skip|nocheck)/.test(kind)) continue;
    if (!KINDS.has(kind)) {
      problems.push({
        line: c.line,
        column: c.column,
        message: `Unknown directive \`loopguard-${kind}\``,
        help: 'Use `loopguard-ignore-next-line`, `loopguard-ignore-line` or `loopguard-ignore-file`, followed by rule ids',
      });
      continue;
    }
    const rest = c.text.slice(m[0].length);
    const sep = rest.search(/(^|\s)--(\s|$)/);
    const idsText = sep >= 0 ? rest.slice(0, sep) : rest;
    const reason = sep >= 0 ? rest.slice(sep).replace(/^\s*--\s*/, '').trim() || null : null;
    const ruleIds = idsText
      .replace(/\*\/?\s*$/, '')
      .split(/[\s,]+/)
      .filter(Boolean);
    if (ruleIds.length === 0) {
      problems.push({
        line: c.line,
        column: c.column,
        message: `\`loopguard-${kind}\` names no rule`,
        help: `Name the rule ids it silences: \`loopguard-${kind} blocking-call -- reason\``,
      });
      continue;
    }
    const targetLine = kind === 'ignore-file' ? 0 : kind === 'ignore-line' ? c.line : c.endLine + 1;
    directives.push({ kind: kind as DirectiveKind, ruleIds, reason, targetLine, line: c.line, column: c.column, endLine: c.endLine });
  }
  return { directives, problems };
}

export interface SuppressionOutcome<F> {
  kept: F[];
  suppressed: number;
  /** Directive rule ids that are not rules. */
  unknown: { directive: Directive; ruleId: string }[];
  /** Directive rule ids that silenced nothing (only for rules that ran). */
  unused: { directive: Directive; ruleId: string }[];
}

/**
 * Drop findings that a directive silences. `knownRuleIds` are all rule ids;
 * `activeRuleIds` the ones that ran, so a directive for a rule switched off is
 * not called unused.
 */
export function applyDirectives<F extends { ruleId: string; line: number }>(
  findings: readonly F[],
  directives: readonly Directive[],
  knownRuleIds: ReadonlySet<string>,
  activeRuleIds: ReadonlySet<string>,
): SuppressionOutcome<F> {
  const used = new Set<string>();
  const keyOf = (d: Directive, id: string) => `${d.line}:${d.column}:${id}`;
  const kept: F[] = [];
  let suppressed = 0;
  for (const f of findings) {
    let hit = false;
    for (const d of directives) {
      if (!d.ruleIds.includes(f.ruleId)) continue;
      if (d.targetLine !== 0 && d.targetLine !== f.line) continue;
      used.add(keyOf(d, f.ruleId));
      hit = true;
    }
    if (hit) suppressed++;
    else kept.push(f);
  }
  const unknown: SuppressionOutcome<F>['unknown'] = [];
  const unused: SuppressionOutcome<F>['unused'] = [];
  for (const d of directives) {
    for (const id of d.ruleIds) {
      if (!knownRuleIds.has(id)) unknown.push({ directive: d, ruleId: id });
      else if (activeRuleIds.has(id) && !used.has(keyOf(d, id))) unused.push({ directive: d, ruleId: id });
    }
  }
  return { kept, suppressed, unknown, unused };
}
