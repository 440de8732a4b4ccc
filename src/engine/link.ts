// The project phase: after every file, decide the pending per-file findings
// and run the rules' `link` steps over the call graph.
import { CallGraph } from '../project/call-graph.js';
import { ModuleResolver, type WorkspacePackage } from '../project/module-resolution.js';
import { packageScriptEntries } from '../project/package-scripts.js';
import { exemptionGate, fingerprint, messageSeverity, type AnalyzeSettings, type FileResult } from './analyze-file.js';
import { createFinding, type ExemptionUse, type Finding } from './findings.js';
import type { CallPlace, PendingFinding } from './analyze-file.js';
import type { Waits } from '../analysis/latency.js';
import { IMPACT_TABLE, LOWERED, RAISED, type CostClass } from '../knowledge/impact.js';
import { ROUND_TRIPS_FOR_IO, SLOW_CALLS_FOR_IO } from '../knowledge/latency.js';
import { costOfOrigin } from '../analysis/collections/cost.js';
import { BROWSER_EXEMPTION, ENGINE_EXEMPTIONS, formatMessage, SCRIPT_FOLDER_EXEMPTION, type FollowedEffect, type RuleModule } from './rule-api.js';

export interface Linked {
  /** Per-file findings that stand, per file (every analyzed file has an entry). */
  kept: Map<string, Finding[]>;
  /** Cross-file findings of the rules' link steps, per file. */
  linked: Map<string, Finding[]>;
  /** Named exemptions the link steps applied (when settings trace them). */
  exemptions: ExemptionUse[];
  /**
   * Places a link step found silenced by a suppression comment (a serving path's call to a root cause reported
   * elsewhere), per file, as findings for the suppression pass: the comment then counts as used.
   */
  silenced: Map<string, Finding[]>;
}

/**
 * Facts recorded by any file cover findings elsewhere; a finding hot only
 * because it is in an async function goes when every caller of that function
 * runs at startup; code that only runs in forked child processes is not on a
 * serving path; rules with a `link` step report what the call graph shows.
 * Inputs are not changed (cached results are shared objects).
 */
export function linkProject(results: readonly { abs: string; res: FileResult }[], settings: AnalyzeSettings, packages: WorkspacePackage[]): Linked {
  const facts = new Set<string>();
  for (const { res } of results) for (const f of res.facts) facts.add(f);
  const out: Linked = { kept: new Map(), linked: new Map(), exemptions: [], silenced: new Map() };
  let startupOnly = new Set<string>();
  let forked = new Set<string>();
  let browserOnly = new Set<string>();
  // Browser code by its own signs or reached only from it: where the project phase's findings do not apply.
  let inBrowser = new Set<string>();
  // Scripts by folder only: until serving code is seen calling into them, all of them.
  let scriptFolders = new Set(results.filter((r) => r.res.scriptFolder).map((r) => r.abs));
  let graph: CallGraph | null = null;
  if (settings.summaries) {
    const files = results.filter((r) => r.res.summary).map(({ abs, res }) => ({ abs, file: res.file, summary: res.summary! }));
    graph = new CallGraph(files, new ModuleResolver(new Set(files.map((f) => f.abs)), packages));
    forked = graph.forkedOnly();
    // Files that only package.json scripts run, or programs nothing imports, count with the scripts by folder.
    // (A fork target or worker file is an entry of its own process: `forked` decides it.)
    const programs = graph.programs().filter((abs) => !forked.has(abs));
    for (const abs of graph.scriptsOnly([...packages.flatMap(packageScriptEntries), ...programs])) scriptFolders.add(abs);
    const served = graph.servedFolderScripts(scriptFolders);
    scriptFolders = new Set([...scriptFolders].filter((f) => !served.has(f)));
    startupOnly = graph.startupOnly(new Set([...forked, ...scriptFolders]));
    const browser = new Set(results.filter((r) => r.res.browser).map((r) => r.abs));
    browserOnly = graph.browserOnly(browser);
    inBrowser = new Set([...browser, ...browserOnly]);
    for (const abs of browser) browserOnly.delete(abs); // their own rules already left them alone
  }
  const declares = (rule: RuleModule | undefined, id: string) => !!rule?.exemptions && Object.hasOwn(rule.exemptions, id);
  const declaresBrowser = (rule: RuleModule | undefined) => declares(rule, BROWSER_EXEMPTION);
  const absOf = new Map(results.map(({ abs, res }) => [res.file, abs]));
  const directivesOf = new Map(results.map(({ res }) => [res.file, res.directives]));
  const rules = new Map(settings.rules.map((r) => [r.rule.id, r.rule]));
  for (const { abs, res } of results) {
    const kept = res.findings.filter((p) => {
      const f = p.finding;
      const rule = rules.get(f.ruleId);
      // Engine diagnostics have no exemptions; a rule's finding is dropped under one of its named exemptions.
      const exempt = (id: string) =>
        !rule || exemptionGate(rule, settings, (x, lines) => out.exemptions.push({ ruleId: f.ruleId, id: x, file: f.file, ...lines }))(id, f);
      // Code that only browser code imports runs in the browser.
      if (browserOnly.has(abs) && declaresBrowser(rule) && exempt(BROWSER_EXEMPTION)) return false;
      // A script by its folder that no serving code calls into.
      if (scriptFolders.has(abs) && declares(rule, SCRIPT_FOLDER_EXEMPTION) && exempt(SCRIPT_FOLDER_EXEMPTION)) return false;
      // Where-it-runs findings do not apply to code that only runs in a forked child process.
      if (f.context !== undefined && forked.has(abs) && exempt(ENGINE_EXEMPTIONS.forkedProcess)) return false;
      if (p.unlessFact !== undefined && facts.has(p.unlessFact.fact) && exempt(p.unlessFact.exemption)) return false;
      const known = p.unlessConstant && graph ? graph.constantOf(abs, p.unlessConstant.module, p.unlessConstant.name) : null;
      if (known !== null && known <= p.unlessConstant!.atMost && exempt(p.unlessConstant!.exemption)) return false;
      if (p.unlessPure !== undefined && graph) {
        const io = p.unlessPure.calls.filter((c) => !settlesAtOnce(graph!, abs, c)).length;
        if (io < (p.unlessPure.minIO ?? 2) && exempt(p.unlessPure.exemption)) return false;
      }
      if (p.unlessFollowed !== undefined) {
        const found = !!graph && p.unlessFollowed.calls.some((c) => follows(graph!, abs, c, p.unlessFollowed!.finds));
        if (!found && exempt(p.unlessFollowed.exemption)) return false;
      }
      if (p.ifParamFrom !== undefined) {
        const from = graph ? graph.paramOrigin(CallGraph.key(abs, p.ifParamFrom.frame), p.ifParamFrom.index) : null;
        if (!from || !p.ifParamFrom.origins.includes(from)) return false;
      }
      if (p.weakFrame !== undefined && startupOnly.has(CallGraph.key(abs, p.weakFrame)) && exempt(ENGINE_EXEMPTIONS.startupCallers)) return false;
      return true;
    });
    out.kept.set(
      res.file,
      kept.map((p) => {
        const finding = { ...p.finding };
        const rule = rules.get(finding.ruleId);
        if (p.cost) {
          const frame = p.reachFrame && graph ? CallGraph.key(abs, p.reachFrame) : null;
          // Code that only startup reaches runs once: background, like startup itself. Code no convention reaches (no
          // handler, job or timer above it) is judged as the rule says (`RuleMeta.unreached`, request by default).
          const unreached = frame && rule?.unreached && !graph!.reachKnown(frame) ? rule.unreached : null;
          const reach = p.serves ?? (frame ? (startupOnly.has(frame) ? 'background' : (unreached ?? graph!.reachOf(frame, rule?.reachBy))) : 'request');
          // A collection taken as a parameter is sized by what the callers pass.
          const from = p.costFrom && graph ? graph.paramOrigin(CallGraph.key(abs, p.costFrom.frame), p.costFrom.index) : null;
          const cost = from ? costOfOrigin(from, p.costFrom!.order, p.costFrom!.pooled) : p.cost;
          finding.impact = IMPACT_TABLE[reach][p.latency ? latencyCost(p.latency, cost, graph, abs) : cost];
          // A write per item that the project shows is a call to another service: the batched-write advice does not fit.
          if (p.latency?.ifSlow && p.latency.calls.some((c) => isSlowCall(c, graph, abs))) Object.assign(finding, p.latency.ifSlow);
        }
        if (p.ifFact && facts.has(p.ifFact.fact)) {
          finding.message = p.ifFact.message;
          finding.help = p.ifFact.help;
        }
        return finding;
      }),
    );
  }
  if (!graph) return out;
  for (const active of settings.rules) {
    const rule = active.rule;
    if (!rule.link) continue;
    const exempt = exemptionGate(rule, settings, (id, lines) => out.exemptions.push({ ruleId: rule.id, id, file: current, ...lines }));
    let current = '';
    rule.link({
      graph,
      startupOnly,
      forked,
      scriptFolders,
      facts,
      report(at, messageId, data = {}, extra = {}) {
        const abs = absOf.get(at.file);
        for (const [files, id] of [
          [inBrowser, BROWSER_EXEMPTION],
          [scriptFolders, SCRIPT_FOLDER_EXEMPTION],
        ] as const) {
          if (!abs || !files.has(abs) || !declares(rule, id)) continue;
          current = at.file;
          if (exempt(id, { line: at.line, endLine: at.endLine })) return;
        }
        const spec = rule.messages[messageId];
        if (!spec) throw new Error(`rule ${rule.id} reported unknown message id ${messageId}`);
        const text = { message: formatMessage(spec.message, data), help: formatMessage(spec.help, data) };
        const finding = createFinding(rule.id, messageSeverity(active, messageId), text, at.file, at);
        if (extra.context) finding.context = { kind: extra.context.kind, description: extra.context.description };
        finding.impact = IMPACT_TABLE[extra.reach ?? extra.context?.serves ?? 'request'][extra.cost ?? 'io'];
        if (extra.paths && extra.paths.length > 0) finding.paths = extra.paths;
        const trace = extra.trace ?? extra.paths?.[0];
        if (trace) finding.trace = trace;
        finding.fingerprint = fingerprint(rule.id, extra.key ?? finding.message);
        let list = out.linked.get(at.file);
        if (!list) out.linked.set(at.file, (list = []));
        list.push(finding);
      },
      exempt(id, at) {
        current = at.file;
        return exempt(id, { line: at.line, endLine: at.endLine });
      },
      suppressed(at) {
        const directives = directivesOf.get(at.file) ?? [];
        if (!directives.some((d) => d.ruleIds.includes(rule.id) && (d.targetLine === 0 || d.targetLine === at.line))) return false;
        let list = out.silenced.get(at.file);
        if (!list) out.silenced.set(at.file, (list = []));
        list.push(createFinding(rule.id, active.severity, { message: '', help: '' }, at.file, at));
        return true;
      },
    });
  }
  return out;
}

/**
 * The cost of a finding from what its awaited calls wait on: slow where they are written, or through the function they
 * invoke in the project (`CallGraph.isSlow`); local (files on this machine); a function that works in memory or returns
 * a memoised value costs nothing. Starting calls together saves all but the slowest; a slow call per item raises the
 * per-item cost, local work only lowers it.
 */
function latencyCost(latency: NonNullable<PendingFinding['latency']>, cost: CostClass, graph: CallGraph | null, abs: string): CostClass {
  let slow = 0;
  let io = 0;
  let local = 0;
  let writes = 0;
  for (const c of latency.calls) {
    if (c.waits === 'local') {
      local++;
      continue;
    }
    if (c.waits === 'write') writes++;
    if (isSlowCall(c, graph, abs)) slow++;
    else if (graph && settlesAtOnce(graph, abs, c)) continue;
    io++;
  }
  // Per item: a slow call raises the cost; only local reads or writes lower it (writes one at a time are gentle on the
  // store, and the fix is one batched write, not concurrency).
  if (latency.policy === 'pooled') return slow > 0 ? RAISED[cost] : cost;
  if (latency.policy === 'per-item') return slow > 0 ? RAISED[cost] : local + writes === latency.calls.length ? LOWERED[cost] : cost;
  const saved = slow >= SLOW_CALLS_FOR_IO || io >= ROUND_TRIPS_FOR_IO ? 'io' : 'light';
  // Beside a slow call the same function waits for anyway (an LLM, a warehouse query), the saving is small.
  const dominated =
    slow === 0 && (latency.besides ?? []).some((c) => c.waits === 'slow' || (graph?.calleesAt(abs, c.line, c.column) ?? []).some((fn) => graph!.isSlow(fn.key)));
  return dominated ? LOWERED[saved] : saved;
}

/** Is the call slow where it is written (`callWaits`), or through a function of the project it invokes (`CallGraph.isSlow`)? */
function isSlowCall(c: CallPlace & { waits: Waits }, graph: CallGraph | null, abs: string): boolean {
  if (c.waits === 'slow') return true;
  return !!graph && (graph.callsClientAt(abs, c.line, c.column) || graph.calleesAt(abs, c.line, c.column).some((fn) => graph.isSlow(fn.key)));
}

/**
 * Does awaiting this call cost nothing: each project function it may invoke works in memory, its callees too
 * (`CallGraph.isPure`), or returns a memoised value; or, called on a value the code does not type, every project
 * method of that name does (`CallGraph.methodIsPure`).
 */
function settlesAtOnce(graph: CallGraph, abs: string, c: CallPlace): boolean {
  const fns = graph.calleesAt(abs, c.line, c.column);
  if (fns.length > 0) return fns.every((fn) => graph.isPure(fn.key) || !!fn.fn.memo);
  const method = graph.methodNameAt(abs, c.line, c.column);
  return method !== null && graph.methodIsPure(method) === true;
}

/**
 * Does the project function this call invokes take something scarce (`scarce`: another service's socket, a pooled
 * connection for a transaction), or do any I/O (`io`)? Unknown callees do neither.
 */
function follows(graph: CallGraph, abs: string, c: CallPlace, finds: FollowedEffect): boolean {
  const fns = graph.calleesAt(abs, c.line, c.column);
  if (finds === 'rejects') return fns.length === 0 || fns.some((fn) => !fn.fn.settles && !fn.fn.syncBody && !graph.isPure(fn.key));
  if (finds === 'scarce') return graph.callsClientAt(abs, c.line, c.column) || fns.some((fn) => graph.isSlow(fn.key) || graph.holdsConnection(fn.key));
  if (fns.length > 0) return fns.some((fn) => !graph.isPure(fn.key) && !fn.fn.memo);
  const method = graph.methodNameAt(abs, c.line, c.column);
  return method !== null && graph.methodIsPure(method) === false;
}
