// Per-file work: parse once, run every enabled rule's visitors in one merged
// traversal, apply suppressions. Input and output are plain data so this can
// run in a worker and be cached.
import type { Node } from '../syntax/ast.js';
import { createHash } from 'node:crypto';
import { CORE_RULES } from './core-rules.js';
import { ContextAnalyzer, describeFunction, edgeRuntime, functionName } from '../analysis/execution-context/index.js';
import { createFinding, type ExemptionUse, type Finding, type Severity } from './findings.js';
import { importsServerCode, roleFromImports, runsInBrowser } from '../analysis/file-role.js';
import { developmentOnlyRanges, inRanges } from '../analysis/environment.js';
import type { ScriptFile } from '../knowledge/script-files.js';
import type { CostClass, Reach } from '../knowledge/impact.js';
import type { Waits } from '../analysis/latency.js';
import type { Order } from '../analysis/collections/cost.js';
import { parseSource } from '../syntax/parse.js';
import { resolveCallTarget, resolveExpression } from '../analysis/resolve.js';
import {
  DEVELOPMENT_EXEMPTION,
  ENGINE_EXEMPTIONS,
  exemptionKey,
  formatMessage,
  type FollowedEffect,
  type Knowledge,
  type LatencyPolicy,
  type RuleContext,
  type RuleModule,
} from './rule-api.js';
import {
  applyDirectives,
  eslintSuppressions,
  parseDirectives,
  type CommentText,
  type Directive,
  type DirectiveProblem,
  type EslintSuppressions,
} from './suppressions.js';
import { functionId, SummaryBuilder, type FileSummary } from '../project/summary.js';
import { isFunctionNode, mergeVisitors, NodePath, traverse, walkPaths, type Visitors } from '../syntax/walk.js';

export interface AnalyzeInput {
  /** Relative to the working directory, POSIX. */
  file: string;
  /** Relative to the package root, POSIX. */
  packagePath: string;
  source: string;
  /** Whether the file is a script (by path or config) and why, or null. */
  script: ScriptFile | null;
  /** Front-end code, by its package or a client variant's name (also detected from the file's own imports). */
  browser?: boolean;
  /** In a folder of front-end code by name (`public/`, `static/`): browser code unless the file imports a server framework or a Node built-in. */
  browserDir?: boolean;
  /** Routes of the file's package that a platform calls on a schedule (vercel.json `crons`): route → schedule. */
  schedules?: Readonly<Record<string, string>>;
  /** The major version of Express the file's package depends on, when it declares one. */
  expressMajor?: number;
}

export interface ActiveRule {
  rule: RuleModule;
  severity: Severity;
  options: Record<string, unknown>;
  /** The config sets the rule's severity (then a message's own default level does not apply). */
  configured?: boolean;
}

/** The level a finding of this message reports at: the message's own default while the rule keeps its default. */
export function messageSeverity(active: ActiveRule, messageId: string): Severity {
  const own = active.rule.messages[messageId]?.severity;
  return own && !active.configured ? own : active.severity;
}

export interface AnalyzeSettings {
  rules: readonly ActiveRule[];
  knowledge: Knowledge;
  /** Severity of each engine diagnostic (parse-error…), absent when off. */
  coreSeverity: ReadonlyMap<string, Severity>;
  reportUnusedIgnores: boolean;
  /** Build the summaries of the project model (call graph, browser-only and forked-only files). */
  summaries: boolean;
  /** Named exemptions switched off (`rule[id]`), and whether to record where exemptions apply. */
  exemptions: { disabled: ReadonlySet<string>; trace: boolean };
}

/** A per-file finding, with what the project phase decides about it (kept off the public `Finding`). */
export interface PendingFinding {
  finding: Finding;
  /** The finding stands unless a file of the project records this fact (then the rule's named exemption applies). */
  unlessFact?: { fact: string; exemption: string };
  /** The finding's text when a file of the project records this fact (`ReportExtra.ifFact`). */
  ifFact?: { fact: string; message: string; help: string };
  /** The finding stands unless this constant of another module is small enough (`ReportExtra.unlessConstant`). */
  unlessConstant?: { module: string; name: string; atMost: number; exemption: string };
  /** Hot only because it is in this async function (`line:column`): dropped if its callers all run at startup. */
  weakFrame?: string;
  /** Places (`line`, `column` of each call) of the calls that must do I/O for the finding to stand (`ReportExtra.unlessPure`). */
  unlessPure?: { calls: CallPlace[]; exemption: string; minIO?: number };
  /** Places of the calls one of which must wait on another service, or do I/O, across files, for the finding to stand (`ReportExtra.unlessFollowed`). */
  unlessFollowed?: { calls: CallPlace[]; exemption: string; finds: FollowedEffect };
  /** What the flagged work costs (rule findings only): with `serves` or `reachFrame`, the project phase gives the impact. */
  cost?: CostClass;
  /** The parameter of function `frame` whose callers size `cost` (`ReportExtra.costFrom`). */
  costFrom?: { frame: string; index: number; order: Order; pooled: boolean };
  /** The parameter of function `frame` whose callers must pass one of `origins` for the finding to stand (`ReportExtra.ifParamFrom`). */
  ifParamFrom?: { frame: string; index: number; origins: string[] };
  /** The awaited calls the cost depends on, by place, and what this file shows they wait on (`ReportExtra.latency`). */
  latency?: {
    calls: (CallPlace & { waits: Waits })[];
    policy: LatencyPolicy;
    besides?: (CallPlace & { waits: Waits })[];
    /** The finding's text when the project shows one of the calls is slow (`ReportExtra.latency.ifSlow`). */
    ifSlow?: { message: string; help: string };
  };
  /** Whom the code serves, when a convention says so. */
  serves?: Reach;
  /** Otherwise: the async function (`line:column`) whose callers decide it. */
  reachFrame?: string;
}

export interface FileResult {
  file: string;
  /** Findings before suppressions (those are applied after the project phase). */
  findings: PendingFinding[];
  /** The file's suppression comments. */
  directives: Directive[];
  /** Malformed suppression comments. */
  directiveProblems: DirectiveProblem[];
  /** Set when the file could not be analyzed for a reason that is not a finding. */
  skipped?: string;
  /** Set when analysis failed inside loopguard. */
  error?: string;
  /** Facts this file establishes for the whole project (`axios.defaults.timeout`). */
  facts: string[];
  /** Functions, calls and exports, for the call graph (when a rule links). */
  summary?: FileSummary;
  /** Where named exemptions applied (when settings trace them). */
  exemptions?: ExemptionUse[];
  /** The file runs in a browser (by its package, folder, name or its own imports): the seed of browser-only code. */
  browser?: boolean;
  /** A script by its folder only (why): its findings stand only when serving code calls into the file. */
  scriptFolder?: string;
}

export function analyzeSource(input: AnalyzeInput, settings: AnalyzeSettings, allRuleIds: ReadonlySet<string>): FileResult {
  const findings: PendingFinding[] = [];
  const result: FileResult = { file: input.file, findings, directives: [], directiveProblems: [], facts: [] };
  if (settings.exemptions.trace) result.exemptions = [];
  const core = (id: string, line: number, column: number, message: string, help: string) => {
    const severity = settings.coreSeverity.get(id);
    if (!severity) return;
    findings.push({ finding: createFinding(id, severity, { message, help }, input.file, { line, column, endLine: line, endColumn: column }) });
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
    return result;
  }
  for (const problem of parsed.recovered.slice(0, 1)) {
    if (input.script?.role === 'test') {
      result.skipped = `a test file that does not parse (${problem.message}, line ${problem.line})`;
      return result;
    }
    core('parse-error', problem.line, problem.column, formatMessage(parseHelp.message, { reason: problem.message }), parseHelp.help);
  }

  const ast = parsed.ast;
  // A folder name alone is a fallback: such a file is analyzed as application code, and the project phase drops its
  // findings unless serving code calls into it (`script-folder`). A shebang or the file's imports still decide.
  const byFolder = input.script?.byFolder ? input.script : null;
  const script: ScriptFile | null =
    (byFolder ? null : input.script) ?? (input.source.startsWith('#!') ? { role: 'script', reason: 'a script with a shebang (#!)' } : roleFromImports(ast.program));
  if (byFolder && !script) result.scriptFolder = byFolder.reason;
  const programPath = new NodePath(ast.program, null, 'program', null);
  // A folder's name is a fallback: a file that imports a server framework or a Node built-in runs on the server.
  const browser = !!input.browser || (!!input.browserDir && !importsServerCode(ast.program)) || runsInBrowser(ast.program);
  if (browser) result.browser = true;
  const contexts = new ContextAnalyzer({ packagePath: input.packagePath, script, ...(input.schedules ? { schedules: input.schedules } : {}) }, programPath);

  const summaries = settings.summaries ? new SummaryBuilder(contexts, settings.knowledge.blocking, programPath, input.source, script?.role === 'test') : null;
  const flagged = new Map<Finding, Node>();
  // Development-only regions, found once per file and only when a finding needs them.
  let devRanges: { start: number; end: number }[] | null = null;
  const developmentOnly = (node: Node) => inRanges(node, (devRanges ??= developmentOnlyRanges(programPath)));
  const runtime = { browser, edge: edgeRuntime(ast.program, input.packagePath) };
  try {
    const visitors: Visitors[] = settings.rules.map((active) =>
      active.rule.create(makeContext(active, input, script, runtime, contexts, settings, result, flagged, developmentOnly)),
    );
    if (summaries) visitors.push(summaries.visitors());
    traverse(ast.program, mergeVisitors(visitors), programPath);
    if (summaries) {
      result.summary = summaries.finish();
      if (runtime.edge) result.summary.edge = true;
    }
    if (flagged.size > 0) fingerprintFindings(input, programPath, flagged);
  } catch (err) {
    if (err instanceof RangeError) {
      result.findings.length = 0;
      if (result.exemptions) result.exemptions.length = 0;
      result.skipped = 'nesting too deep to analyze (ran out of stack)';
      return result;
    }
    result.error = `internal error while analyzing: ${(err as Error)?.stack ?? String(err)}`;
    return result;
  }

  const comments: CommentText[] = (ast.comments ?? []).map((c: any) => ({
    text: c.value,
    line: c.loc.start.line,
    column: c.loc.start.column + 1,
    endLine: c.loc.end.line,
  }));
  const { directives, problems } = parseDirectives(comments);
  result.directives = directives;
  result.directiveProblems = problems;
  return result;
}

/**
 * Apply a file's suppressions to its final findings (per-file and project
 * ones), and report malformed, unknown and (when asked) unused directives.
 */
export function suppress(
  file: string,
  findings: readonly Finding[],
  directives: readonly Directive[],
  problems: readonly DirectiveProblem[],
  settings: AnalyzeSettings,
  allRuleIds: ReadonlySet<string>,
): { kept: Finding[]; suppressed: number } {
  const active = new Set<string>([...settings.rules.map((r) => r.rule.id), ...settings.coreSeverity.keys()]);
  const outcome = applyDirectives(findings, directives, allRuleIds, active);
  const kept = outcome.kept;
  const invalid = CORE_RULES.find((r) => r.id === 'invalid-suppression')!.messages as Record<string, { message: string; help: string }>;
  const pushCore = (id: string, spec: { message: string; help: string }, data: Record<string, string>, line: number, column: number) => {
    const severity = settings.coreSeverity.get(id);
    if (!severity) return;
    kept.push({
      ruleId: id,
      severity,
      message: formatMessage(spec.message, data),
      help: formatMessage(spec.help, data),
      file,
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
  return { kept, suppressed: outcome.suppressed };
}

/** Give each finding a fingerprint that survives line shifts (see Finding.fingerprint). */
function fingerprintFindings(input: AnalyzeInput, programPath: NodePath, flagged: Map<Finding, Node>): void {
  // Functions with their ranges, to find the innermost one around each finding.
  const fns: { start: number; end: number; name: string }[] = [];
  walkPaths(programPath, (p) => {
    if (isFunctionNode(p.node)) fns.push({ start: p.node.start!, end: p.node.end!, name: functionName(p) ?? describeFunction(p) });
  });
  const seen = new Map<string, number>();
  for (const [finding, node] of flagged) {
    let name = '(module)';
    let best = Infinity;
    for (const f of fns) {
      if (f.start <= node.start! && node.end! <= f.end && f.end - f.start < best) {
        best = f.end - f.start;
        name = f.name;
      }
    }
    const text = input.source.slice(node.start!, node.end!).replace(/\s+/g, ' ').slice(0, 500);
    const base = fingerprint(finding.ruleId, name, text);
    const n = seen.get(base) ?? 0;
    seen.set(base, n + 1);
    finding.fingerprint = n === 0 ? base : fingerprint(base, String(n));
  }
}

export function fingerprint(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 16);
}

function makeContext(
  active: ActiveRule,
  input: AnalyzeInput,
  script: ScriptFile | null,
  runtime: { browser: boolean; edge: boolean },
  contexts: ContextAnalyzer,
  settings: AnalyzeSettings,
  result: FileResult,
  flagged: Map<Finding, Node>,
  developmentOnly: (node: Node) => boolean,
): RuleContext {
  const { rule } = active;
  const declaresDevelopment = !!rule.exemptions && Object.hasOwn(rule.exemptions, DEVELOPMENT_EXEMPTION);
  const exempt = exemptionGate(rule, settings, (id, lines) => result.exemptions?.push({ ruleId: rule.id, id, file: input.file, ...lines }));
  // Parsed on first use, once per peer rule.
  const eslint = new Map<string, EslintSuppressions>();
  return {
    file: {
      path: input.file,
      packagePath: input.packagePath,
      role: script?.role ?? null,
      runsInBrowser: runtime.browser,
      edgeRuntime: runtime.edge,
      expressMajor: input.expressMajor ?? null,
    },
    options: active.options,
    knowledge: settings.knowledge,
    report(node: Node, messageId: string, data = {}, extra = {}) {
      const spec = rule.messages[messageId];
      if (!spec) throw new Error(`rule ${rule.id} reported unknown message id ${messageId}`);
      const loc = node.loc!;
      if (declaresDevelopment && developmentOnly(node) && exempt(DEVELOPMENT_EXEMPTION, { line: loc.start.line, endLine: loc.end.line })) return;
      const text = { message: formatMessage(spec.message, data), help: formatMessage(spec.help, data) };
      const at = { line: loc.start.line, column: loc.start.column + 1, endLine: loc.end.line, endColumn: loc.end.column + 1 };
      const finding = createFinding(rule.id, messageSeverity(active, messageId), text, input.file, at);
      const pending: PendingFinding = { finding };
      if (extra.context) {
        // The project phase may drop a finding with a context under these: the rule must have declared them.
        for (const id of Object.values(ENGINE_EXEMPTIONS)) {
          if (!rule.exemptions || !Object.hasOwn(rule.exemptions, id)) throw new Error(`rule ${rule.id} reports a context but does not declare exemption ${id}`);
        }
      }
      if (extra.context) {
        finding.context = { kind: extra.context.kind, description: extra.context.description };
        if (extra.context.weakFrame) pending.weakFrame = extra.context.weakFrame;
      }
      if (extra.trace) finding.trace = extra.trace;
      if (extra.unlessFact) pending.unlessFact = extra.unlessFact;
      if (extra.unlessConstant) pending.unlessConstant = extra.unlessConstant;
      if (extra.ifFact) {
        const alt = rule.messages[extra.ifFact.messageId];
        if (!alt) throw new Error(`rule ${rule.id} names unknown message id ${extra.ifFact.messageId}`);
        pending.ifFact = { fact: extra.ifFact.fact, message: formatMessage(alt.message, data), help: formatMessage(alt.help, data) };
      }
      const places = (calls: Node[]) => calls.map((c) => ({ line: c.loc!.start.line, column: c.loc!.start.column + 1 }));
      if (extra.unlessPure) {
        pending.unlessPure = { calls: places(extra.unlessPure.calls), exemption: extra.unlessPure.exemption };
        if (extra.unlessPure.minIO !== undefined) pending.unlessPure.minIO = extra.unlessPure.minIO;
      }
      if (extra.unlessFollowed) {
        const { calls, exemption, finds } = extra.unlessFollowed;
        pending.unlessFollowed = { calls: places(calls), exemption, finds };
      }
      pending.cost = extra.cost ?? 'io';
      if (extra.costFrom) {
        const { fn, index, order, pooled } = extra.costFrom;
        pending.costFrom = { frame: functionId(fn), index, order, pooled };
      }
      if (extra.ifParamFrom) {
        const { fn, index, origins } = extra.ifParamFrom;
        pending.ifParamFrom = { frame: functionId(fn), index, origins: [...origins] };
      }
      if (extra.latency) {
        const place = (c: { node: Node; waits: Waits }) => ({ line: c.node.loc!.start.line, column: c.node.loc!.start.column + 1, waits: c.waits });
        pending.latency = { calls: extra.latency.calls.map(place), policy: extra.latency.policy };
        if (extra.latency.besides && extra.latency.besides.length > 0) pending.latency.besides = extra.latency.besides.map(place);
        const alt = extra.latency.ifSlow ? rule.messages[extra.latency.ifSlow] : undefined;
        if (extra.latency.ifSlow && !alt) throw new Error(`rule ${rule.id} names unknown message id ${extra.latency.ifSlow}`);
        if (alt) pending.latency.ifSlow = { message: formatMessage(alt.message, data), help: formatMessage(alt.help, data) };
      }
      const where = extra.context ?? extra.runsIn;
      // Startup, build and script code: nobody waits on it per request.
      // A handler by its shape only: the project phase asks the graph, which knows whether other code calls it.
      if (where?.byShape) pending.reachFrame = where.byShape;
      else if (where?.serves || where?.kind === 'startup' || where?.kind === 'script') pending.serves = where.kind === 'hot' ? where.serves : 'background';
      else if (where?.weakFrame) pending.reachFrame = where.weakFrame;
      if (extra.context?.serves) finding.context!.serves = extra.context.serves;
      result.findings.push(pending);
      flagged.set(finding, node);
    },
    exempt: (id, node) => exempt(id, node ? { line: node.loc!.start.line, endLine: node.loc!.end.line } : { line: 1, endLine: lineCount(input.source) }),
    recordFact(fact: string) {
      if (!result.facts.includes(fact)) result.facts.push(fact);
    },
    resolve: (node, scope) => resolveExpression(node, scope),
    resolveCallTarget: (callPath) => resolveCallTarget(callPath),
    context: (path) => contexts.contextOf(path),
    isHot: (path) => contexts.isHot(path),
    source: (node) => input.source.slice(node.start ?? 0, node.end ?? 0),
    eslintSuppressed(peerRule, node, scope) {
      let directives = eslint.get(peerRule);
      if (!directives) eslint.set(peerRule, (directives = eslintSuppressions(input.source, peerRule)));
      return directives.allows(node.loc!.start.line, scope.start!, scope.loc!.start.line);
    },
  };
}

/**
 * A rule's `exempt`: checks the id is declared (a typo is an engine bug),
 * records where it applied when tracing, and says whether it is switched on.
 */
export function exemptionGate(
  rule: RuleModule,
  settings: AnalyzeSettings,
  record: (id: string, lines: { line: number; endLine: number }) => void,
): (id: string, lines: { line: number; endLine: number }) => boolean {
  return (id, lines) => {
    if (!rule.exemptions || !Object.hasOwn(rule.exemptions, id)) throw new Error(`rule ${rule.id} applied undeclared exemption ${id}`);
    if (settings.exemptions.trace) record(id, lines);
    return !settings.exemptions.disabled.has(exemptionKey(rule.id, id));
  };
}

function lineCount(source: string): number {
  let n = 1;
  for (let i = source.indexOf('\n'); i >= 0; i = source.indexOf('\n', i + 1)) n++;
  return n;
}

/** Where a call is, for the project phase. */
export interface CallPlace {
  line: number;
  column: number;
}
