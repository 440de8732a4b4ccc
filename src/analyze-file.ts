// Per-file work: parse once, run every enabled rule's visitors in one merged
// traversal, apply suppressions. Input and output are plain data so this can
// run in a worker and be cached.
import type { Node } from '@babel/types';
import { CORE_RULES } from './core-rules.js';
import { ContextAnalyzer } from './execution-context.js';
import type { ExcerptLine, Finding, Severity } from './findings.js';
import { roleFromImports, runsInBrowser } from './file-role.js';
import type { ScriptFile } from './knowledge/script-files.js';
import { parseSource } from './parse.js';
import { resolveCallTarget, resolveExpression } from './resolve.js';
import { formatMessage, type Knowledge, type RuleContext, type RuleModule } from './rule-api.js';
import { applyDirectives, parseDirectives, type CommentText } from './suppressions.js';
import { mergeVisitors, NodePath, traverse, type Visitors } from './walk.js';

export interface AnalyzeInput {
  /** Relative to the working directory, POSIX. */
  file: string;
  /** Relative to the package root, POSIX. */
  packagePath: string;
  source: string;
  /** Whether the file is a script (by path or config) and why, or null. */
  script: ScriptFile | null;
}

export interface ActiveRule {
  rule: RuleModule;
  severity: Severity;
  options: Record<string, unknown>;
}

export interface AnalyzeSettings {
  rules: readonly ActiveRule[];
  knowledge: Knowledge;
  /** Severity of each engine diagnostic (parse-error…), absent when off. */
  coreSeverity: ReadonlyMap<string, Severity>;
  reportUnusedIgnores: boolean;
}

export interface FileResult {
  file: string;
  findings: Finding[];
  suppressed: number;
  /** Set when the file could not be analyzed for a reason that is not a finding. */
  skipped?: string;
  /** Set when analysis failed inside loopguard. */
  error?: string;
  excerpt: Record<number, ExcerptLine>;
  /** Facts this file establishes for the whole project (`axios.defaults.timeout`). */
  facts: string[];
}

export function analyzeSource(input: AnalyzeInput, settings: AnalyzeSettings, allRuleIds: ReadonlySet<string>): FileResult {
  const findings: Finding[] = [];
  const result: FileResult = { file: input.file, findings, suppressed: 0, excerpt: {}, facts: [] };
  const core = (id: string, line: number, column: number, message: string, help: string) => {
    const severity = settings.coreSeverity.get(id);
    if (!severity) return;
    findings.push({ ruleId: id, severity, message, help, file: input.file, line, column, endLine: line, endColumn: column });
  };
  const parseHelp = CORE_RULES.find((r) => r.id === 'parse-error')!.messages['syntax' as never] as { message: string; help: string };

  const parsed = parseSource(input.source, input.file);
  if (!parsed.ok) {
    if (parsed.tooDeep) {
      result.skipped = parsed.error.message;
      return result;
    }
    // Test suites keep deliberately broken files (parser and live-reload fixtures): a note, not an error.
    if (input.script?.role === 'test') {
      result.skipped = `a test file that does not parse (${parsed.error.message}, line ${parsed.error.line})`;
      return result;
    }
    core('parse-error', parsed.error.line, parsed.error.column, formatMessage(parseHelp.message, { reason: parsed.error.message }), parseHelp.help);
    result.excerpt = excerptFor(input.source, findings);
    return result;
  }
  for (const problem of parsed.recovered.slice(0, 1)) {
    core('parse-error', problem.line, problem.column, formatMessage(parseHelp.message, { reason: problem.message }), parseHelp.help);
  }

  const ast = parsed.ast;
  const script: ScriptFile | null =
    input.script ?? (input.source.startsWith('#!') ? { role: 'script', reason: 'a script with a shebang (#!)' } : roleFromImports(ast.program));
  const programPath = new NodePath(ast.program, null, 'program', null);
  const browser = runsInBrowser(ast.program);
  const contexts = new ContextAnalyzer({ packagePath: input.packagePath, script }, programPath);

  try {
    const visitors: Visitors[] = settings.rules.map((active) =>
      active.rule.create(makeContext(active, input, script, browser, contexts, settings.knowledge, findings, result.facts)),
    );
    traverse(ast.program, mergeVisitors(visitors), programPath);
  } catch (err) {
    if (err instanceof RangeError) {
      result.findings.length = 0;
      result.skipped = 'nesting too deep to analyze (ran out of stack)';
      return result;
    }
    result.error = `internal error while analyzing: ${(err as Error)?.stack ?? String(err)}`;
    return result;
  }

  // Suppressions.
  const comments: CommentText[] = (ast.comments ?? []).map((c: any) => ({
    text: c.value,
    line: c.loc.start.line,
    column: c.loc.start.column + 1,
    endLine: c.loc.end.line,
  }));
  const { directives, problems } = parseDirectives(comments);
  const active = new Set<string>([...settings.rules.map((r) => r.rule.id), ...settings.coreSeverity.keys()]);
  const outcome = applyDirectives(findings, directives, allRuleIds, active);
  const kept = outcome.kept;
  result.suppressed = outcome.suppressed;
  const invalid = CORE_RULES.find((r) => r.id === 'invalid-suppression')!.messages as Record<string, { message: string; help: string }>;
  const pushCore = (id: string, spec: { message: string; help: string }, data: Record<string, string>, line: number, column: number) => {
    const severity = settings.coreSeverity.get(id);
    if (!severity) return;
    kept.push({
      ruleId: id,
      severity,
      message: formatMessage(spec.message, data),
      help: formatMessage(spec.help, data),
      file: input.file,
      line,
      column,
      endLine: line,
      endColumn: column,
    });
  };
  for (const p of problems) pushCore('invalid-suppression', invalid.malformed!, { problem: p.message, fix: p.help }, p.line, p.column);
  for (const u of outcome.unknown) pushCore('invalid-suppression', invalid.unknownRule!, { ruleId: u.ruleId }, u.directive.line, u.directive.column);
  if (settings.reportUnusedIgnores) {
    const unused = CORE_RULES.find((r) => r.id === 'unused-suppression')!.messages as Record<string, { message: string; help: string }>;
    for (const u of outcome.unused) pushCore('unused-suppression', unused.unused!, { ruleId: u.ruleId }, u.directive.line, u.directive.column);
  }
  result.findings = kept;
  result.excerpt = excerptFor(input.source, kept);
  return result;
}

function makeContext(
  active: ActiveRule,
  input: AnalyzeInput,
  script: ScriptFile | null,
  browser: boolean,
  contexts: ContextAnalyzer,
  knowledge: Knowledge,
  sink: Finding[],
  facts: string[],
): RuleContext {
  const { rule, severity } = active;
  return {
    file: { path: input.file, packagePath: input.packagePath, role: script?.role ?? null, runsInBrowser: browser },
    options: active.options,
    knowledge,
    report(node: Node, messageId: string, data = {}, extra = {}) {
      const spec = rule.messages[messageId];
      if (!spec) throw new Error(`rule ${rule.id} reported unknown message id ${messageId}`);
      const loc = node.loc!;
      const finding: Finding = {
        ruleId: rule.id,
        severity,
        message: formatMessage(spec.message, data),
        help: formatMessage(spec.help, data),
        file: input.file,
        line: loc.start.line,
        column: loc.start.column + 1,
        endLine: loc.end.line,
        endColumn: loc.end.column + 1,
      };
      if (extra.context) finding.context = { kind: extra.context.kind, description: extra.context.description };
      if (extra.trace) finding.trace = extra.trace;
      if (extra.unlessFact) finding.unlessFact = extra.unlessFact;
      sink.push(finding);
    },
    recordFact(fact: string) {
      if (!facts.includes(fact)) facts.push(fact);
    },
    resolve: (node, scope) => resolveExpression(node, scope),
    resolveCallTarget: (callPath) => resolveCallTarget(callPath),
    context: (path) => contexts.contextOf(path),
    isHot: (path) => contexts.isHot(path),
    source: (node) => input.source.slice(node.start ?? 0, node.end ?? 0),
  };
}

const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/;
const MAX_EXCERPT = 240;

/** The source lines code frames need: one before, the flagged lines (up to 3), one after. */
function excerptFor(source: string, findings: readonly Finding[]): Record<number, ExcerptLine> {
  if (findings.length === 0) return {};
  const lines = source.split(LINE_BREAK);
  const out: Record<number, ExcerptLine> = {};
  for (const f of findings) {
    const last = Math.min(f.endLine, f.line + 2) + 1;
    for (let n = Math.max(1, f.line - 1); n <= Math.min(last, lines.length); n++) {
      if (out[n]) continue;
      const text = lines[n - 1]!;
      if (text.length <= MAX_EXCERPT) out[n] = { start: 1, text };
      else {
        const start = Math.max(1, (n === f.line ? f.column : 1) - 80);
        out[n] = { start, text: text.slice(start - 1, start - 1 + MAX_EXCERPT) };
      }
    }
  }
  return out;
}
