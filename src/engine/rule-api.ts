// What a rule is and what it may use. Rules import only this module, the
// shared analyses and the knowledge tables; never Babel's traversal, the
// filesystem, `process` or chalk.
import type { Node } from '../syntax/ast.js';
import type { CallGraph } from '../project/call-graph.js';
import type { ExecutionContext } from '../analysis/execution-context/index.js';
import type { BlockingCatalog } from '../analysis/blocking-catalog.js';
import type { ScriptRole } from '../knowledge/script-files.js';
import type { Ref } from '../analysis/resolve.js';
import type { Waits } from '../analysis/latency.js';
import type { Order } from '../analysis/collections/cost.js';
import type { Severity, TraceStep } from './findings.js';
import type { CostClass, Reach, ReachBy } from '../knowledge/impact.js';
import type { NodePath, Visitors } from '../syntax/walk.js';

export type { NodePath, Visitors, Node, Ref, ExecutionContext };
import { callRegion } from '../project/summary.js';
export type { CallSite } from '../project/summary.js';
export type { GraphFunction } from '../project/call-graph.js';

/** A step of a path at a call the graph records: placed at the call, its region the whole call. */
export function callStep(file: string, site: { line: number; column: number; callEnd: readonly [number, number] }, label: string): TraceStep {
  return { file, line: site.line, column: site.column, label, region: callRegion(site) };
}

export interface MessageSpec {
  /** The observation; `{placeholders}` are filled from report data. No trailing period. */
  message: string;
  /** An imperative fix that does not restate the message. */
  help: string;
  /** Reported at this level instead while the rule keeps its default severity (the config setting one wins). */
  severity?: 'error';
}

export interface RuleDocs {
  /** Why the pattern hurts. */
  why: string;
  /**
   * Where the rule looks and what it deliberately leaves alone: one point per
   * item (short, one idea each; code in backticks). Rendered as a list in
   * `loopguard explain`, SARIF help and `docs/rules/<id>.md`.
   */
  details?: string[];
  /** Each yields exactly one finding of the rule (checked by test/docs.test.ts). */
  bad: string[];
  /** Each yields none. */
  good: string[];
  /** When the rule is the wrong tool, and what to do instead. */
  whenNotToUse?: string;
  /** Markdown for "Suppressing it", when the usual `loopguard-ignore-*` comments do not apply (engine diagnostics). */
  howToSuppress?: string;
}

export interface OptionSpec {
  type: 'number' | 'string' | 'boolean' | 'string[]';
  default: unknown;
  description: string;
  minimum?: number;
}

export type RuleCategory = 'blocking' | 'concurrency' | 'timeouts' | 'engine';

export interface RuleMeta<M extends string = string, E extends string = string> {
  id: string;
  category: RuleCategory;
  /** Default severity. */
  severity: 'error' | 'warn';
  /** One line, for `loopguard rules`, SARIF and the README table. */
  description: string;
  messages: Record<M, MessageSpec>;
  docs: RuleDocs;
  options?: Record<string, OptionSpec>;
  /**
   * Named exemptions: cases the rule deliberately leaves alone, id (kebab-case)
   * to a one-line reason. Rule code applies one with `ctx.exempt(id, node)`;
   * each is pinned by a fixture only it covers (`npm run check:exemptions`).
   */
  exemptions?: Record<E, string>;
  /**
   * How the reach behind each finding's impact is read (`ReachBy`): by who waits on the code (the default), or by how
   * often it `runs`, for work that freezes the whole process whoever waits on it.
   */
  reachBy?: ReachBy;
  /**
   * What code no convention reaches (no handler, job or timer above it in the project) is judged to serve: `request` by
   * default (the cautious answer for work that stalls whatever runs it); the await rules, whose findings are time saved,
   * say `background`: that matters to whoever waits, and the project shows no one.
   */
  unreached?: Reach;
}

export interface Knowledge {
  blocking: BlockingCatalog;
}

export interface FileView {
  /** Relative to the working directory, POSIX. */
  path: string;
  /** Relative to the package root (nearest package.json), POSIX. */
  packagePath: string;
  /** 'test', 'script', 'config' or 'migration' for script files (by path, shebang or config); null for application code. */
  role: ScriptRole | null;
  /** Client-side code ('use client', React hooks, react-dom, Vue, Svelte…): it runs in a browser, not in Node. */
  runsInBrowser: boolean;
  /** It runs on an edge runtime (`export const runtime = 'edge'`, Next.js middleware): the platform's duration limit ends a call that hangs. */
  edgeRuntime: boolean;
  /** The major version of Express its package depends on (`"express": "^4.21.0"` → 4), or null. */
  expressMajor: number | null;
}

/** What `ReportExtra.unlessFollowed` looks for in the functions it follows. */
export type FollowedEffect = 'scarce' | 'io' | 'rejects';

/** How a finding's cost follows from the latency of its awaited calls (`ReportExtra.latency`). */
export type LatencyPolicy = 'overlap' | 'per-item' | 'pooled';

export interface ReportExtra<E extends string = string> {
  /**
   * Where the flagged code runs (kept in JSON output). The project phase drops the finding when that is an async
   * function whose every caller runs at startup, or a file only forked child processes run: the reporting rule's
   * exemptions `startup-callers` and `forked-process` (see ENGINE_EXEMPTIONS), which it must then declare.
   */
  context?: ExecutionContext;
  trace?: TraceStep[];
  /** Every path from serving code to the root cause reported here (see `Finding.paths`); `trace` defaults to the first. */
  paths?: TraceStep[][];
  /**
   * Calls the finding counts as I/O (the awaits of a run): the project phase drops it, under the rule's named exemption,
   * when fewer than `minIO` (default two) of them may do I/O once each call is followed into the function it invokes
   * across files (`CallGraph.isPure`, `methodIsPure`: a function that works only in memory is not a round trip).
   */
  unlessPure?: { calls: Node[]; exemption: E; minIO?: number };
  /**
   * Drop the finding, under the rule's named exemption, unless one of these calls, followed into the project function it
   * invokes (in another file, or a method of an injected service), `finds` it taking something scarce each time
   * (`scarce`: a socket to another service, `CallGraph.isSlow`, a `sendMail` helper over a transport; or a pooled
   * connection for a whole transaction, `CallGraph.holdsConnection`), doing any I/O (`io`: not `CallGraph.isPure`), or
   * possibly rejecting (`rejects`: a call the project does not hold, or a function that neither settles nor is pure).
   * A call the project does not hold finds nothing.
   */
  unlessFollowed?: { calls: Node[]; exemption: E; finds: FollowedEffect };
  /** Drop the finding, under the rule's named exemption, when some file of the project records the fact (see `recordFact`). */
  unlessFact?: { fact: string; exemption: E };
  /** Say it with message `messageId` (same data) when some file of the project records the fact: what the finding means changes with it. */
  ifFact?: { fact: string; messageId: string };
  /** Drop it, under the rule's named exemption, when the constant `name` that `module` exports is at most `atMost` (a size imported from another file). */
  unlessConstant?: { module: string; name: string; atMost: number; exemption: E };
  /** For project findings: what identifies the finding across line shifts (fingerprints). */
  key?: string;
  /** What the flagged work costs each time it runs (knowledge/impact.ts); `io` when left out. With where it runs, it gives the impact. */
  cost?: CostClass;
  /**
   * The collection that sizes `cost` is parameter `index` of function `fn`: the project phase sizes it by what the
   * callers pass (`CallGraph.paramOrigin`: request input, a listing, a query's rows, or nothing of the kind), per item
   * in this `order`, with work a pool bounds or not (`costOfOrigin`). Callers the project does not show leave `cost`.
   */
  costFrom?: { fn: Node; index: number; order: Order; pooled: boolean };
  /**
   * The data the finding is about is parameter `index` of function `fn`: it stands only when the callers pass one of
   * these origins for it (`CallGraph.paramOrigin`, followed up through callers that pass their own parameter on, across
   * files). Not an exemption: without such callers the finding has no premise.
   */
  ifParamFrom?: { fn: Node; index: number; origins: readonly ('input' | 'listing' | 'query')[] };
  /**
   * The awaited calls the cost depends on, with what each waits on where it is written (`callWaits`: slow, local, a round
   * trip); the project phase follows round trips into the functions they invoke (`CallGraph.isSlow`, pure, memoised).
   * `overlap`: the finding starts them together, so it saves all but the slowest (knowledge/latency.ts decides the
   * class, `cost` is ignored); `per-item`: they run per item, and a slow one raises `cost` by a class, local ones only
   * lower it; `pooled`: they run per item all at once, `cost` is for work a pool bounds, and a slow one (a socket each)
   * raises it by a class.
   */
  latency?: {
    calls: { node: Node; waits: Waits }[];
    policy: LatencyPolicy;
    /**
     * `overlap` only: the other calls the same function awaits. When one of them is slow (another service, an
     * aggregating query, followed across files), what starting the others together saves is small beside it: a class less.
     */
    besides?: { node: Node; waits: Waits }[];
    /** A message id to report instead when the project shows one of the calls is slow (a write that is a call to another service). */
    ifSlow?: string;
  };
  /**
   * Where the flagged code runs, for its impact only (`context` also lets the project phase drop the finding): what it
   * serves, or the async function whose callers the call graph asks.
   */
  runsIn?: ExecutionContext;
  /** For project findings: what the flagged code serves, when the rule knows from the call graph (`graph.reachOf`). */
  reach?: Reach;
}

export interface RuleContext<M extends string = string, E extends string = string> {
  readonly file: FileView;
  readonly options: Readonly<Record<string, unknown>>;
  readonly knowledge: Knowledge;
  report(node: Node, messageId: M, data?: Record<string, string>, extra?: ReportExtra<E>): void;
  /**
   * Apply the named exemption `id` to `node` (null: the whole file): `if (isPagination(loop) && ctx.exempt('pagination', loop)) return;`.
   * True unless the exemption is switched off (`check:exemptions` does, to see which fixture notices).
   */
  exempt(id: E, node: Node | null): boolean;
  /** What `node` refers to, resolving identifiers from `scope` (binding-aware). */
  resolve(node: Node, scope: NodePath): Ref | null;
  /** The function a call invokes (`fn.call(...)` invokes `fn`). */
  resolveCallTarget(callPath: NodePath): Ref | null;
  /** Where the node runs. */
  context(path: NodePath): ExecutionContext;
  isHot(path: NodePath): boolean;
  /** The source text of a node. */
  source(node: Node): string;
  /** Note a fact about this file that findings anywhere in the project may depend on (`axios.defaults.timeout`). */
  recordFact(fact: string): void;
  /**
   * Has the team switched off the ESLint rule `peerRule` (which flags the same pattern, e.g. `no-await-in-loop`)
   * for `node`: `// eslint-disable-next-line` above it, `eslint-disable-line` on it, or a `/* eslint-disable *\/`
   * block inside `scope` before it, right above `scope`, or in the file header? A bare directive counts too.
   */
  eslintSuppressed(peerRule: string, node: Node, scope: Node): boolean;
}

/** A place in the project to report at (from a call graph site). */
export interface SiteLocation {
  /** Relative to the working directory, POSIX. */
  file: string;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

/** What a rule's project phase gets: the linked call graph of every analyzed file. */
export interface LinkContext<M extends string = string, E extends string = string> {
  readonly graph: CallGraph;
  /** Functions hot only because they are async whose every caller runs at startup. */
  readonly startupOnly: ReadonlySet<string>;
  /** Absolute paths of files that run only in forked child processes. */
  readonly forked: ReadonlySet<string>;
  /** Absolute paths of files that are scripts by their folder and that no serving code calls into (`script-folder`). */
  readonly scriptFolders: ReadonlySet<string>;
  /** Facts some file of the project recorded (`RuleContext.recordFact`). */
  readonly facts: ReadonlySet<string>;
  report(at: SiteLocation, messageId: M, data?: Record<string, string>, extra?: ReportExtra): void;
  /** As `RuleContext.exempt`, at a call-graph site. */
  exempt(id: E, at: SiteLocation): boolean;
  /**
   * Does a `loopguard-ignore` comment for this rule silence `at` (a serving path's call to a root cause reported
   * elsewhere)? A true answer counts as a use of the comment, so it is not reported unused.
   */
  suppressed(at: SiteLocation): boolean;
}

export interface RuleModule<M extends string = string, E extends string = string> extends RuleMeta<M, E> {
  create(ctx: RuleContext<M, E>): Visitors;
  /** Runs once per invocation, after every file: cross-file findings from the call graph. */
  link?(ctx: LinkContext<M, E>): void;
}

/** Identity, for typing: a misspelled message or exemption id fails the type-check. */
export function defineRule<M extends string, E extends string = never>(rule: RuleModule<M, E>): RuleModule<M, E> {
  return rule;
}

/** Exemptions the project phase applies for a rule that reports with a `context` (the rule declares them). */
export const ENGINE_EXEMPTIONS = { startupCallers: 'startup-callers', forkedProcess: 'forked-process' } as const;

/**
 * The exemption the project phase applies, for a rule that declares it, to findings in files only browser code
 * imports (a module reached only from client components runs in the browser, whatever its folder).
 */
export const BROWSER_EXEMPTION = 'browser-code';

/**
 * The exemption the engine applies, for a rule that declares it, to findings in code that runs only outside production
 * (`if (process.env.NODE_ENV !== 'production') { … }`, after `if (IS_PRODUCTION) return`).
 */
export const DEVELOPMENT_EXEMPTION = 'development-only';

/**
 * The exemption the project phase applies, for a rule that declares it, to findings in a file that is a script by its
 * folder only (`scripts/`, `migrations/`, `config/`…) when no serving code calls into the file.
 */
export const SCRIPT_FOLDER_EXEMPTION = 'script-folder';

/** The key `check:exemptions` and settings use for one exemption: `await-in-loop[pagination]`. */
export function exemptionKey(ruleId: string, id: string): string {
  return `${ruleId}[${id}]`;
}

export function severityOf(s: 'error' | 'warn'): Severity {
  return s === 'error' ? 'error' : 'warning';
}

/** Fill `{name}` placeholders; a missing value is an engine bug. */
export function formatMessage(template: string, data: Record<string, string> = {}): string {
  return template.replace(/\{(\w+)\}/g, (whole, key: string) => {
    const v = data[key];
    if (v === undefined) throw new Error(`message placeholder {${key}} has no value`);
    return v;
  });
}

/**
 * A serving place named for a message or a path's first step, from where it runs: "inside the route handler `GET /x`"
 * becomes "the route handler `GET /x`"; "async method `A.b`" stays.
 */
export function servingLabel(description: string): string {
  return description.startsWith(INSIDE) ? description.slice(INSIDE.length) : description;
}
const INSIDE = 'inside ';
