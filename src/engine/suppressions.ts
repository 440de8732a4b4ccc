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
    const reason =
      sep >= 0
        ? rest
            .slice(sep)
            .replace(/^\s*--\s*/, '')
            .trim() || null
        : null;
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

// ESLint suppressions of a peer rule. A rule that flags what an ESLint rule also
// flags (await-in-loop and `no-await-in-loop`) honours the team's existing
// judgement through `RuleContext.eslintSuppressed`.

/** Is the peer ESLint rule switched off for a line, by a comment aimed at that line or at the code around it? */
export interface EslintSuppressions {
  /**
   * For `line`, inside `scope` (which starts at offset `scopeStart` on line `scopeLine`): an
   * `eslint-disable-next-line`/`eslint-disable-line` for it, or an open `eslint-disable` block
   * comment inside the scope before the line, right above the scope, or in the file's header.
   */
  allows(line: number, scopeStart: number, scopeLine: number): boolean;
}

const ESLINT_DIRECTIVE = /^\s*eslint-(disable-next-line|disable-line|disable|enable)(?=\s|$)([^]*)$/;

/**
 * ESLint suppressions of `peer` (or of every rule): `// eslint-disable-next-line`
 * above the line, `// eslint-disable-line` on it, or a `/* eslint-disable … *\/` block comment
 * inside the scope before the line, right above the scope, or at the top of the file (until a
 * matching `eslint-enable`). A block comment further up the file is not a judgement of this scope.
 */
export function eslintSuppressions(text: string, peer: string): EslintSuppressions {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const lines = new Set<number>();
  const blocks: { kind: 'disable' | 'enable'; line: number; endLine: number; offset: number }[] = [];
  // Line comments are matched from the directive itself, so a `//` inside a string earlier on the line
  // (`'http://…'`) cannot swallow it.
  const comment = /\/\/[ \t]*eslint-[^\n]*|\/\*[^]*?\*\//g;
  for (let m = comment.exec(text); m; m = comment.exec(text)) {
    const raw = m[0];
    const isBlock = raw.startsWith('/*');
    const body = isBlock ? raw.slice(2, -2) : raw.slice(2);
    const d = ESLINT_DIRECTIVE.exec(body.replace(/^\s*\*?/, ''));
    if (!d) continue;
    const rules = d[2]!
      .split(/\s--\s|\s--$/)[0]!
      .split(/[\s,]+/)
      .filter(Boolean);
    // `no-await-in-loop`, or a plugin's rule of that name (`plugin/no-await-in-loop`).
    if (rules.length > 0 && !rules.some((r) => r === peer || r.endsWith(`/${peer}`))) continue;
    const line = lineOf(m.index);
    const endLine = lineOf(m.index + raw.length - 1);
    if (d[1] === 'disable-next-line') lines.add(endLine + 1);
    else if (d[1] === 'disable-line') lines.add(line);
    else if (isBlock) blocks.push({ kind: d[1] === 'disable' ? 'disable' : 'enable', line, endLine, offset: m.index });
  }
  // Comments before the first line of code are the file's header.
  const headerEnd = codeStart(text);
  return {
    allows(line, scopeStart, scopeLine) {
      if (lines.has(line)) return true;
      let on = false;
      for (const b of blocks) {
        if (b.line > line) break;
        if (b.kind === 'enable') {
          on = false;
          continue;
        }
        const inScope = b.offset >= scopeStart && b.line <= line;
        const aboveScope = b.endLine < scopeLine && onlyCommentsBetween(text, lineStarts, b.endLine, scopeLine);
        const header = b.offset < headerEnd;
        if (inScope || aboveScope || header) on = true;
      }
      return on;
    },
  };
}

/** Offset of the first character of code (not comment, not whitespace, not a shebang). */
function codeStart(text: string): number {
  const re = /\s+|\/\/[^\n]*|\/\*[^]*?\*\/|^#![^\n]*/y;
  let i = 0;
  for (;;) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m || m[0].length === 0) return i;
    i += m[0].length;
  }
}

/** Are the lines strictly between `from` and `to` (1-based) blank or comments? */
function onlyCommentsBetween(text: string, lineStarts: number[], from: number, to: number): boolean {
  for (let l = from + 1; l < to; l++) {
    const t = text.slice(lineStarts[l - 1]!, lineStarts[l] ?? text.length).trim();
    if (t !== '' && !t.startsWith('//') && !t.startsWith('/*') && !t.startsWith('*')) return false;
  }
  return true;
}
