// Per-file summaries for the project phase: the file's functions, the blocking
// calls each makes directly in its synchronous body, the calls it makes to other
// functions (resolved as far as this file allows), and the file's exports.
// Built by engine visitors during the one traversal; plain data, so it can come
// from a worker or a cache.
import type { Node } from '../syntax/ast.js';
import { describeFunction, functionName, type ContextAnalyzer, type ContextKind, type Serves } from '../analysis/execution-context/index.js';
import type { CostClass } from '../knowledge/impact.js';
import { blockingCost, type BlockingCatalog } from '../analysis/blocking-catalog.js';
import { OFF_THREAD_ENTRIES, SERVER_DIRECTIVE, SERVER_ENTRY_EXPORTS, SYNC_CALLBACK_METHODS } from '../knowledge/frameworks.js';
import { constantValue, exportedConstants, importedName } from '../analysis/constants.js';
import { isLazyInit, returnsMemoised } from '../analysis/lazy-init.js';
import { isDevelopmentOnly } from '../analysis/environment.js';
import { doesNoIO, isDetachedCall, unusedResult } from '../analysis/call-shape.js';
import { rejectionPoints, waitsOnSomething } from '../analysis/promises.js';
import { remoteClientModule, slowCall } from '../analysis/latency.js';
import { holdsConnection } from '../analysis/transactions.js';
import { collectionOrigin, type Origin } from '../analysis/collections/origin.js';
import { HELPER_DEPTH } from '../analysis/collections/bound.js';
import { forwardedOptionsParam, literalKeys, timeoutClientKey, type CallerOptions } from '../analysis/timeouts.js';
import { TIMEOUT_CLIENTS } from '../knowledge/http-clients.js';
import {
  commonJsExportName,
  isCall,
  memberPropertyName,
  moduleSpecifier,
  refKey,
  resolveBinding,
  resolveCallTarget,
  resolveExpression,
  staticString,
  unwrapExpression,
  type Ref,
} from '../analysis/resolve.js';
import { lookup, paramPosition, propertyKeyName, type Binding } from '../analysis/scope.js';
import { classMethod, functionOfBinding, functionOfRef } from '../analysis/functions.js';
import { isFunctionNode, someNode, walkPaths, type NodePath, type Visitors } from '../syntax/walk.js';
import { compactSource } from '../syntax/source-text.js';
import { isNodeBuiltin } from '../knowledge/modules.js';
import { SYNC_BUILTINS, words } from '../knowledge/call-verbs.js';
import { VALUE_METHODS } from '../knowledge/value-methods.js';

/**
 * Where a call goes: a function of this file, a path into another module, or a method called on a value the file does
 * not type (`WIKI.models.pages.rebuildTree()`), which the graph links when one project method has that name.
 */
export type CallTarget =
  | { kind: 'local'; fn: string }
  | { kind: 'module'; source: string; path: string[] }
  /**
   * `typedBy`: the chain starts at a value declared with a type another module exports (`server: Server` from
   * `'./lexicon'`, `this.client` declared `: ApiClient`): the method is that type's, so the graph guesses by name only
   * when that module is part of the project.
   */
  | { kind: 'method'; name: string; typedBy?: string }
  /** A method called through a type of this file with no body for it (an interface, an abstract method): its implementations run. */
  | { kind: 'type'; name: string; method: string };

export interface CallSite {
  target: CallTarget;
  line: number;
  column: number;
  /** End of the callee: where a finding at the call ends. */
  endLine: number;
  endColumn: number;
  /** End of the whole call, arguments included: the region of a step of a path (`CallGraph.chainOf`). */
  callEnd: [line: number, column: number];
  /** The callee as written, for messages: `renderTemplate`, `this.hashApiKey`. */
  text: string;
  /** Inside a lazy-initialisation guard: runs once. */
  lazy: boolean;
  /**
   * Per argument: a constant number, or the index of a parameter of the caller passed through (for size thresholds), or
   * where a collection comes from when it is sized outside the program (request input, a listing, a query's rows).
   */
  args?: ({ const: number } | { param: number } | { origin: SizedOrigin } | null)[];
  /** How many arguments the call passes: a parameter past them takes its default. */
  argc: number;
  /** Per argument: the keys of an object literal (`...` a spread, `?` a computed key), for options forwarded to an outbound call. */
  keys?: (string[] | null)[];
  /** Nobody awaits the call (`refresh(org);`, `void f()`, `f().catch(log)`): what it does runs on its own, as background work. */
  detached?: boolean;
  /** Its result is not used at all (`unusedResult`): a statement of its own (`bare`), or `void f()`. */
  unused?: 'bare' | 'void';
  /** The call runs only outside production (`if (process.env.NODE_ENV !== 'production')`, after `if (IS_PRODUCTION) return`). */
  dev?: boolean;
}

/** The whole call at a site (a call site, a blocking call, an outbound call): from its start to the end of its arguments. */
export function callRegion(at: { line: number; column: number; callEnd: readonly [number, number] }): {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
} {
  return { line: at.line, column: at.column, endLine: at.callEnd[0], endColumn: at.callEnd[1] };
}

export interface BlockingSite {
  /** `fs.readFileSync` */
  api: string;
  /** What to use instead, as code (`await fs.promises.readFile(...)`). */
  use: string;
  line: number;
  column: number;
  /** End of the callee (or of the function reference handed on): where a finding at the blocking call ends. */
  endLine: number;
  endColumn: number;
  /** End of the whole call (or of the reference handed on), for a step of a path. */
  callEnd: [line: number, column: number];
  /** What one call costs (knowledge/impact.ts). */
  cost: CostClass;
  /** It runs only outside production. */
  dev?: boolean;
  /** Blocks only when the function's parameter at this index exceeds `cheapUpTo` (`randomBytes(size)`). */
  sizeParam?: number;
  /** Blocks only when this constant of another module exceeds `cheapUpTo` (`randomBytes(TOKEN_BYTES)`). */
  sizeConst?: { source: string; name: string };
  cheapUpTo?: number;
}

export interface FunctionSummary {
  /** `line:column` of the function: unique in its file. */
  id: string;
  /** `renderTemplate`, `UserService.hashApiKey`, `an arrow function`. */
  name: string;
  line: number;
  column: number;
  async: boolean;
  /** Where the function runs, for functions that make calls. `weak`: hot only because it is async. */
  context: { kind: ContextKind; description: string; weak: boolean; serves?: Serves; byShape?: true } | null;
  blocking: BlockingSite[];
  calls: CallSite[];
  /** Constant numeric parameter defaults by index (`function token(size = 32)`), for size thresholds. */
  paramDefaults?: (number | null)[];
  /**
   * It makes an outbound call (`client`: its key in TIMEOUT_CLIENTS, `global#fetch`) with options its caller passes as parameter `param`, and
   * no deadline of its own: each caller's options decide whether the call can hang (a local HTTP wrapper).
   */
  outbound?: { client: string; covers: string[]; param: number; line: number; column: number; endLine: number; endColumn: number; callEnd: [number, number] };
  /**
   * It works only in memory (`doesNoIO`) apart from its calls to functions of the project (`calls`): awaiting it is not
   * a round trip when those are pure too (`CallGraph.isPure`).
   */
  pure?: true;
  /** It returns a memoised value (`returnsMemoised`): after the first call, awaiting it is not a round trip either. */
  memo?: true;
  /** It waits on a slow call of its own (`slowCall`: another service, an aggregating query); the graph adds its callees'. */
  slow?: true;
  /** It holds a pooled connection for a stretch of work (`holdsConnection`: a transaction, a checked-out client). */
  holds?: true;
  /** An async function that waits on something, none of which can reject its promise (caught, `.catch`-ed, a timer: `rejectionPoints`). */
  settles?: true;
  /** An async function that awaits nothing and returns no promise (`async emitTo(uids) { uids.forEach(…) }`): its promise rejects only if its synchronous code throws. */
  syncBody?: true;
  /**
   * For a function written inline as an argument (`withSpan('x', async () => …)`):
   * the id of the function it is written in, which it most likely runs within.
   */
  enclosing?: string;
}

export type ExportTarget = { kind: 'local'; fn: string } | { kind: 'reexport'; source: string; name: string } | { kind: 'object'; members: Record<string, string> };

export interface FileSummary {
  functions: FunctionSummary[];
  /** Every module the file imports or requires (specifiers as written). */
  imports: string[];
  /** A `'use server'` module (Server Actions): it runs on the server whoever imports it. */
  server: boolean;
  /**
   * Modules the file's server entries use (a `loader`, an `action`, `getServerSideProps`, a route handler, and the
   * file's functions they call): in a page module that is also a client component, these run on the server.
   */
  serverImports: string[];
  /** Of those, the ones imported for types only (`import type …`): no code of theirs runs because of this file. */
  typeImports: string[];
  /**
   * Files it starts as child processes with `child_process.fork`: specifiers relative to the file (`./worker.js`), or
   * a path written without `./` (`server/core/worker.js`), which Node takes from the working directory (`bare`).
   */
  forks: string[];
  /** Of `forks`, those written without `./`: relative to the process's working directory, not to the file. */
  bareForks?: string[];
  /** Export name ('default' for the default export) → what it is. */
  exports: Record<string, ExportTarget>;
  /** `export * from '…'` sources. */
  stars: string[];
  /** Exported numeric constants (`export const TOKEN_BYTES = 32`), for sizes other modules import. */
  constants?: Record<string, number>;
  /** Names of the file's methods (`Class.name`, `object.name`) that do I/O of their own, for `CallGraph.methodIsPure`. */
  impureMethods?: string[];
  /** Names of all the file's methods, once per definition: a call on an untyped value links to a name defined once in the project. */
  methods?: string[];
  /** The module runs on an edge runtime (`edgeRuntime`): the platform ends a call that hangs at its duration limit. */
  edge?: true;
  /**
   * A program: the module does its work when it is run (a top-level `await`, or a top-level call of one of its own
   * functions) and exports nothing. Nothing importing it, it is run by hand or by a tool (`CallGraph.programs`).
   */
  program?: true;
  /** A test file: its calls exercise the project's code, they say nothing about where that code runs in production. */
  test?: true;
  /**
   * Exported values made by another service's client factory (`export const mailer = nodemailer.createTransport(…)`,
   * `export default new Stripe(key)`): export name → the package. A call on one from another file goes to that service.
   */
  clients?: Record<string, string>;
  /** Names of the interfaces and classes declared at the file's top level: what `TypeName` refers to. */
  types?: string[];
  /**
   * The file's classes that implement an interface or extend a class (`class S3Backend implements MediaBackend`), with
   * their methods: a call through the interface (`this.backend.deleteFile()`) runs one of them (`CallGraph.dispatch`).
   */
  classes?: ClassRecord[];
}

/** A type a class implements or extends: declared in this file (`source` absent) or imported. */
export interface TypeName {
  source?: string;
  name: string;
}

export interface ClassRecord {
  name: string;
  supers: TypeName[];
  /** Method name → function id. */
  methods: Record<string, string>;
}

interface Frame {
  summary: FunctionSummary;
  path: NodePath;
}

/** A collection sized outside the program, as an argument records it. */
export type SizedOrigin = Extract<Origin, 'input' | 'listing' | 'query'>;

/** Arguments that may be a collection worth sizing: a name, a member, a call's result (`ids`, `req.body.ids`, `rows.filter(…)`). */
const COLLECTION_ARGUMENTS: ReadonlySet<string> = new Set(['Identifier', 'MemberExpression', 'OptionalMemberExpression', 'CallExpression', 'AwaitExpression']);
/** Bindings that never hold a collection read at run time: an import, a function, a class, an enum. */
const STATIC_BINDINGS: ReadonlySet<string> = new Set(['import', 'import-equals', 'function', 'class', 'enum', 'namespace']);

/**
 * Cheap test before sizing an argument (`collectionOrigin` walks bindings and helpers): it has a collection's shape, and
 * the name it starts from (`ids`, `req` in `req.body.ids`) is a variable or a parameter, not an import, function or class.
 */
function mayBeSized(arg: any, at: NodePath): boolean {
  if (!COLLECTION_ARGUMENTS.has(arg.type)) return false;
  let root = arg;
  while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') root = root.object;
  if (root.type !== 'Identifier') return true;
  const b = lookup(at, root.name);
  return !!b && !STATIC_BINDINGS.has(b.kind);
}

export function functionId(node: Node): string {
  return `${node.loc!.start.line}:${node.loc!.start.column + 1}`;
}

/** The pseudo-function that holds a module's top-level calls. */
export const MODULE_FRAME = '0:0';

export class SummaryBuilder {
  private readonly frames: (Frame | null)[] = [];
  private readonly imports = new Set<string>();
  private readonly typeImports = new Set<string>();
  private readonly valueImports = new Set<string>();
  private readonly required = new Set<string>();
  private readonly forks: string[] = [];
  private bareForks: string[] | undefined;
  private readonly functions = new Map<string, FunctionSummary>();
  private readonly framePaths = new Map<string, NodePath>();
  /** Calls recorded as call sites: whether they do I/O is their callee's to say (`pure`). */
  private readonly siteNodes = new WeakMap<object, string>();
  private readonly moduleFrame: FunctionSummary = {
    id: MODULE_FRAME,
    name: '(module top level)',
    line: 1,
    column: 1,
    async: false,
    context: null,
    blocking: [],
    calls: [],
  };

  constructor(
    private readonly contexts: ContextAnalyzer,
    private readonly catalog: BlockingCatalog,
    private readonly programPath: NodePath,
    private readonly source: string,
    /** A test file runs under its test runner: an entry of the tests, never a program of the project's. */
    private readonly testFile = false,
  ) {}

  visitors(): Visitors {
    return {
      Function: (path: NodePath) => {
        // Sync callbacks run inside their caller (`items.map(x => …)`, IIFEs): same frame.
        if (!(path.node as any).async && this.frames.length > 0 && runsInline(path)) {
          this.frames.push(this.frames[this.frames.length - 1]!);
          return;
        }
        const node = path.node as any;
        const summary: FunctionSummary = {
          id: functionId(node),
          name: functionName(path) ?? describeFunction(path),
          line: node.loc.start.line,
          column: node.loc.start.column + 1,
          async: !!node.async || !!node.generator,
          context: null,
          blocking: [],
          calls: [],
        };
        const defaults = (node.params as Node[]).map((p) => (p.type === 'AssignmentPattern' ? numberValue(constantValue(p.right, path)) : null));
        if (defaults.some((d) => d !== null)) summary.paramDefaults = defaults;
        if (writtenInCall(path)) {
          summary.enclosing = this.frames.length > 0 ? this.frames[this.frames.length - 1]!.summary.id : MODULE_FRAME;
        }
        this.functions.set(summary.id, summary);
        this.framePaths.set(summary.id, path);
        this.frames.push({ summary, path });
      },
      'Function:exit': () => {
        this.frames.pop();
      },
      CallExpression: (path: NodePath) => this.onCall(path),
      NewExpression: (path: NodePath) => {
        const ref = resolveExpression((path.node as any).callee, path);
        if (ref?.kind === 'module') this.offThread(`new ${refKey(ref)}`, path.node);
      },
      OptionalCallExpression: (path: NodePath) => this.onCall(path),
      ImportDeclaration: (path: NodePath<Extract<Node, { type: 'ImportDeclaration' }>>) => {
        const node = path.node;
        this.imports.add(node.source.value);
        const typeOnly =
          node.importKind === 'type' || (node.specifiers.length > 0 && node.specifiers.every((s) => s.type === 'ImportSpecifier' && s.importKind === 'type'));
        (typeOnly ? this.typeImports : this.valueImports).add(node.source.value);
      },
      ExportNamedDeclaration: (path: NodePath<Extract<Node, { type: 'ExportNamedDeclaration' }>>) => {
        const src = path.node.source;
        if (!src) return;
        this.imports.add(src.value);
        (path.node.exportKind === 'type' ? this.typeImports : this.valueImports).add(src.value);
      },
      ExportAllDeclaration: (path: NodePath) => {
        this.imports.add((path.node as any).source.value);
      },
    };
  }

  private onCall(path: NodePath): void {
    const frame = this.frames[this.frames.length - 1] ?? { summary: this.moduleFrame, path: this.programPath };
    const call = path.node as any;
    const ref = resolveCallTarget(path);
    if (ref) {
      const match = this.catalog.match(ref, call, (n) => constantValue(n, path));
      if (match) {
        if (isLazyInit(path)) return;
        const end = call.callee.loc.end;
        const site: BlockingSite = {
          api: match.display,
          use: match.use,
          cost: blockingCost(match, call, path),
          line: call.loc.start.line,
          column: call.loc.start.column + 1,
          endLine: end.line,
          endColumn: end.column + 1,
          callEnd: [call.loc.end.line, call.loc.end.column + 1],
        };
        // Only outside production (after `if (IS_PRODUCTION || IS_CLOUD) return`): the rule's development-only exemption decides.
        if (isDevelopmentOnly(path)) site.dev = true;
        // randomBytes(size) with `size` a parameter: whether it blocks depends on the callers.
        const sized = match.api.cheapUpTo !== undefined ? scaledParam(call.arguments[0], path, frame.path) : null;
        const imported = sized === null && match.api.cheapUpTo !== undefined ? importedName(call.arguments[0], path) : null;
        if (imported) {
          site.sizeConst = { source: imported.module, name: imported.name };
          site.cheapUpTo = match.api.cheapUpTo;
        }
        if (sized !== null) {
          site.sizeParam = sized.index;
          site.cheapUpTo = Math.floor(match.api.cheapUpTo! / sized.factor);
          // `bytes ?? 32`: a fallback in the call is the parameter's default, for callers that leave it out.
          if (sized.fallback !== undefined) {
            const defaults = (frame.summary.paramDefaults ??= []);
            for (let i = defaults.length; i <= sized.index; i++) defaults.push(null);
            defaults[sized.index] ??= sized.fallback;
          }
        }
        frame.summary.blocking.push(site);
        return;
      }
      if (ref.kind === 'module') this.offThread(refKey(ref), call);
    }
    // A local HTTP wrapper: an outbound call whose options come from the function's parameter.
    const clientKey = ref && frame.path !== this.programPath ? timeoutClientKey(ref, path as NodePath<any>) : null;
    const client = clientKey ? TIMEOUT_CLIENTS.get(clientKey) : undefined;
    if (clientKey && client && !frame.summary.outbound) {
      const forwarded = forwardedOptionsParam(
        path as NodePath<any>,
        client,
        (n) => paramIndex(n, path, frame.path) ?? paramRest(n, path, frame.path),
        (n) => callerDeadline(n, path, frame.path),
      );
      const end = call.callee.loc.end;
      if (forwarded !== null) {
        const at = {
          line: call.loc.start.line,
          column: call.loc.start.column + 1,
          endLine: end.line,
          endColumn: end.column + 1,
          callEnd: [call.loc.end.line, call.loc.end.column + 1] as [number, number],
        };
        frame.summary.outbound = { client: clientKey, covers: forwarded.covers, param: forwarded.index, ...at };
      }
    }
    // Waits on another service or an aggregating query itself (callees of the project are the graph's to follow).
    const detached = isDetachedCall(path);
    if (!frame.summary.slow && frame.path !== this.programPath && !detached && slowCall(path, false, 0, ref)) frame.summary.slow = true;
    if (!frame.summary.holds && frame.path !== this.programPath && !detached && holdsConnection(path)) frame.summary.holds = true;
    const req = requireSpec(call);
    if (req) {
      this.imports.add(req);
      this.required.add(req);
    }
    // paths.map(fs.readFileSync): a blocking function handed to a synchronous caller.
    for (const arg of call.arguments) {
      if (arg.type !== 'Identifier' && arg.type !== 'MemberExpression') continue;
      const r = resolveExpression(arg, path);
      const m = r && r.kind !== 'binding' ? this.catalog.match(r, null) : null;
      if (m) {
        const [start, end] = [arg.loc.start, arg.loc.end];
        frame.summary.blocking.push({
          api: m.display,
          use: m.use,
          cost: m.cost,
          line: start.line,
          column: start.column + 1,
          endLine: end.line,
          endColumn: end.column + 1,
          callEnd: [end.line, end.column + 1],
        });
      }
    }
    const target = this.targetOf(path, ref);
    if (!target) return;
    const site: CallSite = {
      target,
      line: call.loc.start.line,
      column: call.loc.start.column + 1,
      endLine: call.callee.loc.end.line,
      endColumn: call.callee.loc.end.column + 1,
      callEnd: [call.loc.end.line, call.loc.end.column + 1],
      text: compactSource(this.source.slice(call.callee.start, call.callee.end)),
      lazy: isLazyInit(path),
      argc: call.arguments.length,
    };
    if (isDevelopmentOnly(path)) site.dev = true;
    if (detached) site.detached = true;
    const unused = unusedResult(path);
    if (unused) site.unused = unused;
    // Constant and passed-through arguments, for size thresholds down the chain.
    const args = (call.arguments as any[]).slice(0, 4).map((a, i): NonNullable<CallSite['args']>[number] => {
      const c = constantValue(a, path);
      if (c !== null) return { const: c };
      const pi = paramIndex(a, path, frame.path);
      if (pi !== null) return { param: pi };
      // Sized from where the names lead, not through local helpers' returns: about 0.5 s less of 11.4 s on growthbook (one worker),
      // with the same findings on the six tuning repositories.
      const origin = mayBeSized(a, path) ? collectionOrigin(path.child(a, 'arguments', i), HELPER_DEPTH) : 'unknown';
      return origin === 'input' || origin === 'listing' || origin === 'query' ? { origin } : null;
    });
    if (args.some((a) => a !== null)) site.args = args;
    const keys = (call.arguments as any[]).slice(0, 4).map((a) => literalKeys(a, path));
    if (keys.some((k) => k !== null)) site.keys = keys;
    frame.summary.calls.push(site);
    this.siteNodes.set(call, frame.summary.id);
  }

  /** A file this call runs in another process or on a worker thread (`OFF_THREAD_ENTRIES`): noted with the forks. */
  private offThread(key: string, call: any): void {
    const entry = OFF_THREAD_ENTRIES.get(key);
    if (!entry) return;
    let arg = call.arguments[entry.arg] ? unwrapExpression(call.arguments[entry.arg]) : null;
    if (entry.option && arg?.type === 'ObjectExpression') {
      const p = arg.properties.find((x: any) => x.type === 'ObjectProperty' && propertyKeyName(x) === entry.option);
      arg = p ? p.value : null;
    }
    const spec = forkTarget(arg);
    if (spec?.startsWith(BARE_FORK)) (this.bareForks ??= []).push(spec.slice(BARE_FORK.length));
    else if (spec) this.forks.push(spec);
  }

  /** Resolve a callee to a function of this file, or to a path into another module. */
  private targetOf(path: NodePath, ref: Ref | null): CallTarget | null {
    const callee = unwrapExpression((path.node as any).callee);
    // this.method() / this.#method() inside a class.
    if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && unwrapExpression(callee.object).type === 'ThisExpression') {
      const name = callee.property.type === 'PrivateName' ? `#${callee.property.id.name}` : memberPropertyName(callee);
      const fn = name ? classMethod(path, name) : null;
      return fn ? { kind: 'local', fn: functionId(fn) } : null;
    }
    // instance.method(): the instance made with `new C()` here, in a const, or in a field (`this.store = new Store()`,
    // `constructor(private readonly users: UsersService)`), and C a class of this file or an import.
    if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed) {
      const method = callee.property.type === 'Identifier' ? callee.property.name : null;
      const cls = method ? instanceClass(unwrapExpression(callee.object), path) : null;
      if (cls && method) {
        if (cls.kind === 'type') return { kind: 'type', name: cls.name, method };
        if (cls.kind === 'local') {
          const m = methodOfClass(cls.node, method);
          if (m) return { kind: 'local', fn: functionId(m) };
          // An abstract method, or one its subclasses define: whichever of them the value is runs it.
          return cls.node.id && isTopLevel(cls.node, path) ? { kind: 'type', name: cls.node.id.name, method } : null;
        }
        // A module's default export (ESM `export default`, CommonJS `module.exports =`) is named `default`.
        const at = cls.path.length === 0 ? ['default'] : cls.path;
        return isPackageOrProject(cls.source) ? { kind: 'module', source: cls.source, path: [...at, method] } : null;
      }
    }
    if (ref?.kind === 'module') return isPackageOrProject(ref.module) ? { kind: 'module', source: ref.module, path: [...ref.path] } : null;
    if (ref?.kind === 'binding') {
      const fn = functionOfRef(ref);
      if (fn) return { kind: 'local', fn: functionId(fn) };
    }
    const method = untypedMethodName(callee, ref);
    if (!method) return null;
    const typedBy = rootTypeModule(callee, path);
    return typedBy ? { kind: 'method', name: method, typedBy } : { kind: 'method', name: method };
  }

  finish(): FileSummary {
    const functions: FunctionSummary[] = [];
    if (this.moduleFrame.calls.length > 0) {
      const ctx = this.contexts.moduleContext();
      this.moduleFrame.context = { kind: ctx.kind, description: ctx.description, weak: false };
      this.moduleFrame.blocking = []; // top-level blocking calls are startup work, not a chain
      functions.push(this.moduleFrame);
    }
    // Functions that call nothing and block nothing can never be part of a chain,
    // unless an inline callback of theirs takes its context from them.
    const kept = [...this.functions.values()].filter((s) => s.calls.length > 0 || s.blocking.length > 0);
    const enclosing = new Set<string>();
    for (const s of kept) if (s.enclosing) enclosing.add(s.enclosing);
    if (enclosing.has(MODULE_FRAME) && this.moduleFrame.calls.length === 0) {
      const ctx = this.contexts.moduleContext();
      this.moduleFrame.context = { kind: ctx.kind, description: ctx.description, weak: false };
      this.moduleFrame.blocking = [];
      functions.push(this.moduleFrame);
    }
    const { exports, stars } = exportsOf(this.programPath);
    const exported = new Set(Object.values(exports).flatMap((e) => (e.kind === 'local' ? [e.fn] : e.kind === 'object' ? Object.values(e.members) : [])));
    const impureMethods = new Set<string>();
    const methods: string[] = [];
    for (const s of this.functions.values()) {
      if (s.name.lastIndexOf('.') > 0) methods.push(s.name.slice(s.name.lastIndexOf('.') + 1));
      // A function that does no I/O of its own (its calls go to functions the graph follows) is kept: others may await
      // it, or call it from one that is awaited (`async toJSON() { return { icon: this.getIcon() } }`).
      // (Not asked of callbacks written inline: nobody calls them by name.)
      const pure = s.blocking.length === 0 && !s.enclosing && doesNoIO(this.framePaths.get(s.id)!.node, (call) => this.siteNodes.get(call) === s.id);
      if (pure) s.pure = true;
      else {
        if (s.name.lastIndexOf('.') > 0) impureMethods.add(s.name.slice(s.name.lastIndexOf('.') + 1));
        if (s.async && s.blocking.length === 0 && returnsMemoised(this.framePaths.get(s.id)!)) s.memo = true;
      }
      // Whether its promise can reject: it waits on nothing (rejects only on a bug), or nothing it waits on rejects.
      if (s.async && !waitsOnSomething(this.framePaths.get(s.id)!)) s.syncBody = true;
      else if (s.async && rejectionPoints(this.framePaths.get(s.id)!, true).length === 0) s.settles = true;
      // Async functions are kept whatever they call: findings inside them take their reach from their callers. So are
      // callbacks that serve work (`app.get('/x', (req, res) => res.end())`): handlers count, for what most of them share.
      const serving = !!s.enclosing && s.calls.length === 0 && this.contexts.frameContext(this.framePaths.get(s.id)!).serves !== undefined;
      if (s.calls.length === 0 && s.blocking.length === 0 && !enclosing.has(s.id) && !pure && !s.memo && !s.slow && !s.async && !serving) continue;
      if (s.calls.length > 0 || enclosing.has(s.id) || s.async || serving) {
        const ctx = this.contexts.frameContext(this.framePaths.get(s.id)!);
        s.context = { kind: ctx.kind, description: ctx.description, weak: ctx.weakFrame !== undefined, ...(ctx.serves ? { serves: ctx.serves } : {}) };
        if (ctx.byShape) s.context.byShape = true;
      }
      functions.push(s);
    }
    // A module imported for types in one place and for values in another (or required) is a runtime import.
    const typeImports = [...this.typeImports].filter((s) => !this.valueImports.has(s) && !this.required.has(s)).sort();
    const program = this.programPath.node as Extract<Node, { type: 'Program' }>;
    const server = program.directives.some((d) => d.value.value === SERVER_DIRECTIVE);
    const serverImports = serverImportsOf(program);
    const out: FileSummary = { functions, exports, stars, imports: [...this.imports].sort(), typeImports, server, serverImports, forks: this.forks };
    if (this.bareForks) out.bareForks = this.bareForks;
    const constants = exportedConstants(this.programPath);
    if (Object.keys(constants).length > 0) out.constants = constants;
    if (impureMethods.size > 0) out.impureMethods = [...impureMethods].sort();
    if (methods.length > 0) out.methods = methods.sort();
    if (!this.testFile && !exportsAnything(this.programPath) && runsWhenLoaded(this.programPath, this.moduleFrame)) out.program = true;
    if (this.testFile) out.test = true;
    const types = topLevelTypes(this.programPath);
    if (types.size > 0) out.types = [...types].sort();
    const classes = classRecords(this.programPath);
    if (classes.length > 0) out.classes = classes;
    const clients = exportedClients(this.programPath);
    if (Object.keys(clients).length > 0) out.clients = clients;
    return out;
  }
}

/**
 * Is the function written inline as an argument of a call, directly (`withSpan('x', async () => …)`) or as a value of
 * an object or array literal argument (`runQuery({ [PRISMA]: () => relational(…) })`, `retry({ run: async () => … })`)?
 */
function writtenInCall(path: NodePath): boolean {
  let p: NodePath = path;
  for (let i = 0; i < 6 && p.parentPath; i++) {
    const parent = p.parentPath.node as any;
    if (p.key === 'arguments') return parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression' || parent.type === 'NewExpression';
    const through = (parent.type === 'ObjectProperty' && p.key === 'value') || parent.type === 'ObjectExpression' || parent.type === 'ArrayExpression';
    if (!through) return false;
    p = p.parentPath;
  }
  return false;
}

/** When `node` is a parameter of the function at `fnPath`: its index. */
function paramIndex(node: any, at: NodePath, fnPath: NodePath): number | null {
  if (!node || node.type !== 'Identifier' || !isFunctionNode(fnPath.node)) return null;
  const b = lookup(at, node.name);
  if (!b || b.kind !== 'param' || b.declNode !== fnPath.node) return null;
  const i = b.steps.length === 0 ? paramPosition(b) : -1;
  return i >= 0 ? i : null;
}

/** `props.signal`, or `signal` destructured from a parameter (`({ signal }) =>`, `const { signal } = props`): which one, and the key. */
function paramProperty(node: any, at: NodePath, fnPath: NodePath): { index: number; prop: string } | null {
  if (!node || !isFunctionNode(fnPath.node)) return null;
  if ((node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression') && !node.computed && node.property.type === 'Identifier') {
    const object = unwrapExpression(node.object);
    const index = paramIndex(object, at, fnPath) ?? paramRest(object, at, fnPath);
    return index === null ? null : { index, prop: node.property.name };
  }
  if (node.type !== 'Identifier') return null;
  const b = lookup(at, node.name);
  const step = b?.steps.length === 1 ? b.steps[0] : undefined;
  if (!b || !step || !('prop' in step)) return null;
  if (b.kind === 'param' && b.declNode === fnPath.node) {
    const index = paramPosition(b);
    return index >= 0 ? { index, prop: step.prop } : null;
  }
  const index = (b.kind === 'const' || b.kind === 'let') && b.init ? paramIndex(withoutFallback(b.init), at, fnPath) : null;
  return index === null ? null : { index, prop: step.prop };
}

/**
 * The rest of a parameter's keys (`({ timeout, ...rest }) =>`, `const { timeout, ...rest } = init || {}`): the caller's
 * options less some keys. The parameter's index, or null.
 */
function paramRest(node: any, at: NodePath, fnPath: NodePath): number | null {
  if (node?.type !== 'Identifier' || !isFunctionNode(fnPath.node)) return null;
  const b = lookup(at, node.name);
  if (!b || b.steps.length !== 1 || !('rest' in b.steps[0]!)) return null;
  if (b.kind === 'param') return b.declNode === fnPath.node && paramPosition(b) >= 0 ? paramPosition(b) : null;
  return (b.kind === 'const' || b.kind === 'let') && b.init ? paramIndex(withoutFallback(b.init), at, fnPath) : null;
}

/** `init || {}`, `init ?? {}`: the value before its fallback. */
function withoutFallback(node: any): any {
  const n = unwrapExpression(node);
  return n.type === 'LogicalExpression' && (n.operator === '||' || n.operator === '??') && unwrapExpression(n.right).type === 'ObjectExpression'
    ? unwrapExpression(n.left)
    : n;
}

/** How many names and branches `callerDeadline` follows. */
const DEADLINE_DEPTH = 4;

/**
 * A deadline (a `signal`, a `timeout`) that the caller's options decide: taken from them (`init.signal`, `rest.signal`,
 * a destructured `signal`), absent (`undefined`), or made by the function only when they ask for one
 * (`timeout > 0 ? AbortSignal.timeout(timeout) : undefined`; `controller?.signal` of a `let controller` assigned only
 * under `if (timeout)`), or either of two such (`a || b`). The parameter (-1 for none) and the keys that decide it; null
 * when the function sets a deadline of its own.
 */
function callerDeadline(node: any, at: NodePath, fnPath: NodePath, depth = 0): CallerOptions | null {
  const n = unwrapExpression(node);
  if (depth > DEADLINE_DEPTH) return null;
  if ((n.type === 'Identifier' && n.name === 'undefined') || n.type === 'NullLiteral') return { index: -1, keys: [] };
  const prop = paramProperty(n, at, fnPath);
  if (prop) return { index: prop.index, keys: [prop.prop] };
  if (n.type === 'LogicalExpression' && (n.operator === '||' || n.operator === '??')) {
    return joinOptions(callerDeadline(n.left, at, fnPath, depth + 1), callerDeadline(n.right, at, fnPath, depth + 1));
  }
  if (n.type === 'ConditionalExpression') {
    // Made in one branch, none in the other, and the test reads the caller's options.
    const [a, b] = [callerDeadline(n.consequent, at, fnPath, depth + 1), callerDeadline(n.alternate, at, fnPath, depth + 1)];
    const test = callerTest(n.test, at, fnPath);
    return a && b ? joinOptions(a, b) : (a ?? b) && test ? joinOptions(a ?? b, test) : null;
  }
  // `controller?.signal`, `controller.signal` of a controller made only when the caller asks.
  if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && !n.computed && n.object.type === 'Identifier') {
    const b = lookup(at, n.object.name);
    return b && b.kind === 'let' && !b.init ? assignedOnlyWhenAsked(b, fnPath) : null;
  }
  if (n.type === 'Identifier') {
    const b = lookup(at, n.name);
    if (b && b.kind === 'const' && b.steps.length === 0 && b.init) return callerDeadline(b.init, b.scopePath, fnPath, depth + 1);
  }
  return null;
}

function joinOptions(a: CallerOptions | null, b: CallerOptions | null): CallerOptions | null {
  if (!a || !b || (a.index >= 0 && b.index >= 0 && a.index !== b.index)) return null;
  return { index: a.index >= 0 ? a.index : b.index, keys: [...new Set([...a.keys, ...b.keys])] };
}

/** The caller's option keys a condition reads (`timeout > 0`, `timeout && !rest.signal`); null when it reads none. */
function callerTest(test: any, at: NodePath, fnPath: NodePath): CallerOptions | null {
  let found: CallerOptions | null = { index: -1, keys: [] };
  let any = false;
  someNode(test, (x: any) => {
    if (x.type !== 'Identifier' && x.type !== 'MemberExpression' && x.type !== 'OptionalMemberExpression') return false;
    const prop = paramProperty(x, at, fnPath);
    if (prop) ((found = joinOptions(found, { index: prop.index, keys: [prop.prop] })), (any = true));
    return false;
  });
  return any ? found : null;
}

/** A `let` assigned only inside `if` statements whose test reads the caller's options: the keys they read. */
function assignedOnlyWhenAsked(b: Binding, fnPath: NodePath): CallerOptions | null {
  let found: CallerOptions | null = { index: -1, keys: [] };
  let assigned = false;
  walkPaths(fnPath, (p) => {
    const n = p.node as any;
    if (n.type !== 'AssignmentExpression' || n.left.type !== 'Identifier' || n.left.name !== b.name || lookup(p, n.left.name) !== b) return undefined;
    assigned = true;
    let guard: NodePath | null = p.parentPath;
    while (guard && guard !== fnPath && guard.node.type !== 'IfStatement') guard = guard.parentPath;
    const test = guard && guard.node.type === 'IfStatement' ? callerTest((guard.node as any).test, guard, fnPath) : null;
    found = test ? joinOptions(found, test) : null;
    return undefined;
  });
  return assigned && found && (found as CallerOptions).keys.length > 0 ? found : null;
}

/**
 * A size computed from one parameter by a constant factor: `size`, `size / 2`,
 * `size * 4`, `Math.ceil(size / 2)`, `size >> 1`. The bytes are `param * factor`.
 */
function scaledParam(node: any, at: NodePath, fnPath: NodePath): { index: number; factor: number; fallback?: number } | null {
  if (!node) return null;
  const n = unwrapExpression(node);
  // `size ?? 32`, `size || 32`: the parameter, or a constant when it is left out.
  if (n.type === 'LogicalExpression' && (n.operator === '??' || n.operator === '||')) {
    const inner = scaledParam(n.left, at, fnPath);
    const fallback = constantValue(n.right, at);
    return inner && fallback !== null && inner.fallback === undefined ? { ...inner, fallback: fallback / inner.factor } : null;
  }
  const direct = paramIndex(n, at, fnPath);
  if (direct !== null) return { index: direct, factor: 1 };
  const c = n.type === 'CallExpression' && n.arguments.length === 1 ? n.callee : null;
  if (
    c?.type === 'MemberExpression' &&
    c.object.type === 'Identifier' &&
    c.object.name === 'Math' &&
    !c.computed &&
    ['ceil', 'floor', 'round', 'trunc'].includes(c.property.name)
  ) {
    const inner = scaledParam(n.arguments[0], at, fnPath);
    // Rounding up adds at most one byte: negligible next to the threshold.
    return inner;
  }
  if (n.type !== 'BinaryExpression') return null;
  const num = (x: any) => (unwrapExpression(x).type === 'NumericLiteral' ? (unwrapExpression(x).value as number) : null);
  const left = paramIndex(unwrapExpression(n.left), at, fnPath);
  const k = num(n.right);
  if (left !== null && k !== null && k > 0) {
    if (n.operator === '/') return { index: left, factor: 1 / k };
    if (n.operator === '*') return { index: left, factor: k };
    if (n.operator === '>>' && k < 31) return { index: left, factor: 1 / 2 ** k };
  }
  const right = paramIndex(unwrapExpression(n.right), at, fnPath);
  const k2 = num(n.left);
  if (right !== null && k2 !== null && k2 > 0 && n.operator === '*') return { index: right, factor: k2 };
  return null;
}

/**
 * `fork('./send.js')`, `fork(path.join(__dirname, 'send.js'))`, `new Worker(new URL('./send.js', import.meta.url))`: the
 * file, relative; `path.join(root, 'build/task.js')` and paths without `./`: relative to a folder above (BARE_FORK).
 */
/** Marks a fork path written without `./` while the summary is built. */
const BARE_FORK = 'cwd:';

function forkTarget(arg: any): string | null {
  if (!arg) return null;
  let a = unwrapExpression(arg);
  // `new URL('./task.js', import.meta.url).href`, `fileURLToPath(new URL(…))`: the URL's path.
  if (a.type === 'MemberExpression' && memberPropertyName(a) === 'href') a = unwrapExpression(a.object);
  if (isCall(a) && a.arguments.length === 1 && unwrapExpression(a.arguments[0]).type === 'NewExpression') a = unwrapExpression(a.arguments[0]);
  // A template names a pattern (`./jobs/export-${type}.js` is `./jobs/export-*.js`): each file it matches may be forked.
  const lit = staticString(a) ?? moduleSpecifier(a);
  if (lit !== null) return lit.startsWith('.') || lit.startsWith('/') ? lit : BARE_FORK + lit;
  if (isCall(a) && a.arguments.length >= 2) {
    const [first, ...rest] = a.arguments;
    const f = unwrapExpression(first);
    const parts = rest.map(staticString);
    if (parts.every((p: string | null) => p !== null)) {
      if (f.type === 'Identifier' && f.name === '__dirname') return './' + parts.join('/');
      // `path.join(rootDirectory, 'build/workers/task.js')`: a folder above the file (the package's, mostly).
      if (parts[0] !== '' && !parts[0].startsWith('.') && !parts[0].startsWith('/')) return BARE_FORK + parts.join('/');
    }
  }
  if (a.type === 'NewExpression' && a.callee.type === 'Identifier' && a.callee.name === 'URL') {
    const lit2 = staticString(a.arguments[0]);
    if (lit2) return lit2.startsWith('.') ? lit2 : `./${lit2}`;
  }
  return null;
}

/** Bare specifiers are packages (workspace packages may resolve); node builtins never hold project functions. */
function isPackageOrProject(spec: string): boolean {
  return !isNodeBuiltin(spec);
}

/** Does this function run right where it is written: a sync callback of map/forEach/…, `new Promise(executor)`, or an IIFE? */
function runsInline(path: NodePath): boolean {
  const parent = path.parentPath;
  if (!parent) return false;
  const p = parent.node as any;
  if (isCall(p) && path.key === 'callee') return true;
  if ((isCall(p) || p.type === 'NewExpression') && path.key === 'arguments') {
    const callee = unwrapExpression(p.callee);
    if (p.type === 'NewExpression') return callee.type === 'Identifier' && callee.name === 'Promise';
    if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
      const m = memberPropertyName(callee);
      return !!m && SYNC_CALLBACK_METHODS.has(m);
    }
  }
  return false;
}

/** A class of this file, an imported class or type, or an interface of this file (`type`). */
type ClassRef = { kind: 'local'; node: any } | { kind: 'module'; source: string; path: string[] } | { kind: 'type'; name: string };

/** The class an expression names: a class of this file, or an imported or required one. */
function classOf(expr: any, at: NodePath): ClassRef | null {
  const e = unwrapExpression(expr);
  if (e.type === 'ClassExpression') return { kind: 'local', node: e };
  if (e.type !== 'Identifier' && e.type !== 'MemberExpression') return null;
  if (e.type === 'Identifier') {
    const b = lookup(at, e.name);
    if (b?.kind === 'class') return { kind: 'local', node: b.declNode };
  }
  const r = resolveExpression(e, at);
  if (r?.kind === 'module') return { kind: 'module', source: r.module, path: [...r.path] };
  if (
    r?.kind === 'binding' &&
    r.path.length === 0 &&
    (r.binding.kind === 'const' || r.binding.kind === 'let' || r.binding.kind === 'var') &&
    r.binding.init &&
    r.binding.steps.length === 0
  ) {
    const init = unwrapExpression(r.binding.init as any);
    if (init.type === 'ClassExpression') return { kind: 'local', node: init };
  }
  return null;
}

/** `new C(…)`, with C a class we can name. */
function classOfNew(expr: any, at: NodePath): ClassRef | null {
  const e = expr ? unwrapExpression(expr) : null;
  return e?.type === 'NewExpression' ? classOf(e.callee, at) : null;
}

/** The value at `props` inside an object literal (`{ search: new SearchStage() }` at ['search']), or the value itself. */
function propertyValue(value: any, props: readonly string[]): any {
  let v = value && unwrapExpression(value);
  for (const prop of props) {
    if (v?.type !== 'ObjectExpression') return null;
    const found = v.properties.find((p: any) => p.type === 'ObjectProperty' && !p.computed && propertyKeyName(p) === prop);
    v = found ? unwrapExpression(found.value) : null;
  }
  return v;
}

/** The class of the object a method is called on, when the code says it plainly. */
function instanceClass(obj: any, at: NodePath): ClassRef | null {
  if (obj.type === 'NewExpression') return classOfNew(obj, at);
  // stages.search, this.stages.search: a property of an object literal that holds `new C()`.
  const props: string[] = [];
  while ((obj.type === 'MemberExpression' || obj.type === 'OptionalMemberExpression') && !obj.computed && obj.property.type === 'Identifier') {
    const inner = unwrapExpression(obj.object);
    if (inner.type === 'ThisExpression') break;
    props.unshift(obj.property.name);
    obj = inner;
  }
  if (obj.type === 'Identifier') {
    const b = lookup(at, obj.name);
    if (!b) return null;
    if ((b.kind === 'const' || b.kind === 'let' || b.kind === 'var') && b.init && b.steps.length === 0) return classOfNew(propertyValue(b.init, props), b.scopePath);
    if (props.length > 0) return null;
    // A parameter with a declared type (`function purge(store: MediaStore)`): the type says what it holds.
    if (b.kind === 'param' && b.steps.length === 0) return typeClass((b.id as any).typeAnnotation, b.scopePath);
    return null;
  }
  // this.field, set in the class to `new C()` only, or declared as a constructor parameter property of type C.
  if ((obj.type === 'MemberExpression' || obj.type === 'OptionalMemberExpression') && !obj.computed && unwrapExpression(obj.object).type === 'ThisExpression') {
    const field = obj.property.type === 'PrivateName' ? `#${obj.property.id.name}` : obj.property.type === 'Identifier' ? obj.property.name : null;
    const body = at.findAncestor((p) => p.node.type === 'ClassBody');
    return field && body ? fieldClass(body, field, props) : null;
  }
  return null;
}

const fieldClasses = new WeakMap<object, Map<string, ClassRef | null>>();

/**
 * The class a `this.field` holds (or, with `props`, a property of the object literal it holds: `this.stages.search`),
 * memoised per class body (classes with many `this.x.y()` calls stay linear).
 */
function fieldClass(body: NodePath, field: string, props: readonly string[] = []): ClassRef | null {
  let byField = fieldClasses.get(body.node);
  if (!byField) fieldClasses.set(body.node, (byField = new Map()));
  const key = props.length === 0 ? field : [field, ...props].join('.');
  if (!byField.has(key)) byField.set(key, computeFieldClass(body, field, props));
  return byField.get(key)!;
}

/** What a class's fields are given: a declared type (a property's, or a constructor parameter property's) or values. */
interface FieldInfo {
  declared?: any;
  values: any[];
}
const classFieldInfo = new WeakMap<object, Map<string, FieldInfo>>();

/** Every field of the class body and what it is given, in one walk of the body (memoised per class). */
function fieldsOf(body: NodePath): Map<string, FieldInfo> {
  const known = classFieldInfo.get(body.node);
  if (known) return known;
  const out = new Map<string, FieldInfo>();
  const info = (field: string) => {
    let i = out.get(field);
    if (!i) out.set(field, (i = { values: [] }));
    return i;
  };
  for (const m of (body.node as any).body) {
    const key = m.key?.type === 'PrivateName' ? `#${m.key.id.name}` : propertyKeyName(m);
    if ((m.type === 'ClassProperty' || m.type === 'ClassPrivateProperty') && key) {
      // A declared type holds whatever is assigned later (the compiler checks it): `backend: MediaBackend`.
      if (m.typeAnnotation) info(key).declared ??= m.typeAnnotation;
      else if (m.value) info(key).values.push(m.value);
    }
    if (m.type === 'ClassMethod' && m.kind === 'constructor') {
      for (const p of m.params) {
        if (p.type === 'TSParameterProperty' && p.parameter.type === 'Identifier') info(p.parameter.name).declared ??= p.parameter.typeAnnotation ?? null;
      }
    }
  }
  // Assignments anywhere in the class.
  walkPaths(body, (p) => {
    const n = p.node as any;
    if (p !== body && n.type === 'ClassBody') return false; // a nested class has its own fields
    if (
      n.type === 'AssignmentExpression' &&
      (n.left.type === 'MemberExpression' || n.left.type === 'OptionalMemberExpression') &&
      n.left.object.type === 'ThisExpression'
    ) {
      const k =
        n.left.property.type === 'PrivateName' ? `#${n.left.property.id.name}` : !n.left.computed && n.left.property.type === 'Identifier' ? n.left.property.name : null;
      if (k) info(k).values.push(n.right);
    }
    return undefined;
  });
  classFieldInfo.set(body.node, out);
  return out;
}

function computeFieldClass(body: NodePath, field: string, props: readonly string[]): ClassRef | null {
  const info = fieldsOf(body).get(field);
  if (!info) return null;
  if (info.declared !== undefined) return props.length === 0 ? typeClass(info.declared, body) : null;
  // Every value it is given must be `new` of the same class.
  let found: ClassRef | null = null;
  for (const v of info.values) {
    const c = classOfNew(propertyValue(v, props), body);
    if (!c || (found && !sameClass(found, c))) return null;
    found ??= c;
  }
  return found;
}

function typeClass(annotation: any, at: NodePath): ClassRef | null {
  const t = annotation?.type === 'TSTypeAnnotation' ? annotation.typeAnnotation : null;
  if (!t || t.type !== 'TSTypeReference' || t.typeParameters || t.typeName.type !== 'Identifier') return null;
  const name: string = t.typeName.name;
  return classOf(t.typeName, at) ?? (topLevelTypes(at).has(name) ? { kind: 'type', name } : null);
}

const typesOfProgram = new WeakMap<object, Set<string>>();

/** Names of the interfaces and classes declared at the top level of the program `at` is in (memoised per program). */
function topLevelTypes(at: NodePath): Set<string> {
  let program: NodePath = at;
  while (program.parentPath) program = program.parentPath;
  let names = typesOfProgram.get(program.node);
  if (!names) {
    names = new Set();
    for (const stmt of (program.node as any).body ?? []) {
      const d = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : stmt;
      if (d && (d.type === 'TSInterfaceDeclaration' || d.type === 'ClassDeclaration') && d.id) names.add(d.id.name);
    }
    typesOfProgram.set(program.node, names);
  }
  return names;
}

/** Is this class declared at the top level of its program (so other files and `TypeName`s can name it)? */
function isTopLevel(cls: any, at: NodePath): boolean {
  return !!cls.id && topLevelTypes(at).has(cls.id.name);
}

/**
 * The file's top-level classes that implement or extend a type, with their methods (`ClassRecord`): a call through the
 * type runs one of them.
 */
function classRecords(programPath: NodePath): ClassRecord[] {
  const out: ClassRecord[] = [];
  const typeName = (e: any): TypeName | null => {
    if (e?.type !== 'Identifier') return null;
    const b = lookup(programPath, e.name);
    if (b?.kind === 'import' && b.importSource && b.importName && b.importName !== '*') return { source: b.importSource, name: b.importName };
    return b && b.kind !== 'class' ? null : { name: e.name };
  };
  for (const stmt of (programPath.node as any).body) {
    const d = stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration' ? stmt.declaration : stmt;
    if (d?.type !== 'ClassDeclaration' || !d.id) continue;
    const supers = [...(d.implements ?? []).map((i: any) => typeName(i.expression)), typeName(d.superClass)].filter((t): t is TypeName => t !== null);
    if (supers.length === 0) continue;
    const methods: Record<string, string> = {};
    for (const m of d.body.body) {
      const key = m.type === 'ClassMethod' && m.kind === 'method' ? propertyKeyName(m) : null;
      if (key && !Object.hasOwn(methods, key)) methods[key] = functionId(m);
    }
    out.push({ name: d.id.name, supers, methods });
  }
  return out;
}

function sameClass(a: ClassRef, b: ClassRef): boolean {
  if (a.kind === 'local' && b.kind === 'local') return a.node === b.node;
  if (a.kind === 'type' && b.kind === 'type') return a.name === b.name;
  if (a.kind === 'module' && b.kind === 'module') return a.source === b.source && a.path.join('.') === b.path.join('.');
  return false;
}

/** A method of a class node, by name (instance or static). */
function methodOfClass(cls: any, name: string): Node | null {
  for (const m of cls.body?.body ?? []) {
    if (m.type === 'ClassMethod' && m.kind === 'method' && propertyKeyName(m) === name) return m;
    if (m.type === 'ClassProperty' && propertyKeyName(m) === name && m.value && isFunctionNode(unwrapExpression(m.value))) return unwrapExpression(m.value);
  }
  return null;
}

/** Exported values another service's client factory made (`FileSummary.clients`): `export const x = …`, `export { x }`, `export default …`. */
function exportedClients(programPath: NodePath): Record<string, string> {
  const out: Record<string, string> = {};
  const ofName = (name: string) => {
    const b = lookup(programPath, name);
    return b && b.kind === 'const' && b.steps.length === 0 && b.init ? remoteClientModule(b.init, b.scopePath) : null;
  };
  for (const stmt of (programPath.node as any).body) {
    if (stmt.type === 'ExportNamedDeclaration' && !stmt.source) {
      for (const d of stmt.declaration?.type === 'VariableDeclaration' ? stmt.declaration.declarations : []) {
        const m = d.id.type === 'Identifier' ? ofName(d.id.name) : null;
        if (m) out[d.id.name] = m;
      }
      for (const spec of stmt.specifiers ?? []) {
        const m = spec.local?.type === 'Identifier' ? ofName(spec.local.name) : null;
        if (m) out[spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value] = m;
      }
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const d = stmt.declaration;
      const m = d.type === 'Identifier' ? ofName(d.name) : remoteClientModule(d, programPath);
      if (m) out.default = m;
    }
  }
  return out;
}

/** ESM and CommonJS exports of a program. */
function exportsOf(programPath: NodePath): { exports: Record<string, ExportTarget>; stars: string[] } {
  const exports: Record<string, ExportTarget> = {};
  const stars: string[] = [];
  const program = programPath.node as any;
  const local = (node: any, scope: NodePath): ExportTarget | null => {
    const n = unwrapExpression(node);
    if (isFunctionNode(n)) return { kind: 'local', fn: functionId(n) };
    if (n.type === 'ClassDeclaration' || n.type === 'ClassExpression') return classExport(n);
    // `export default new ContextService()`: an instance has its class's methods.
    if (n.type === 'NewExpression') {
      const c = unwrapExpression(n.callee);
      if (c.type === 'ClassExpression') return classExport(c);
      const b = c.type === 'Identifier' ? lookup(scope, c.name) : null;
      return b?.kind === 'class' ? classExport(b.declNode) : null;
    }
    if (n.type === 'Identifier') {
      const b = lookup(scope, n.name);
      if (!b) return null;
      if (b.kind === 'class') return classExport(b.declNode);
      if (b.kind === 'import' && b.importSource) return { kind: 'reexport', source: b.importSource, name: b.importName === '*' ? '*' : b.importName! };
      const fn = functionOfBinding(b, 0);
      if (fn && isFunctionNode(unwrapExpression(fn as any))) return { kind: 'local', fn: functionId(unwrapExpression(fn as any)) };
      if (fn && unwrapExpression(fn as any).type === 'ObjectExpression') return objectExport(unwrapExpression(fn as any), b.scopePath);
      if (b.kind === 'const' && b.steps.length === 0 && b.init && unwrapExpression(b.init as any).type === 'NewExpression') return local(b.init, b.scopePath);
      const r = resolveBinding(b);
      if (r && r.kind === 'module') return { kind: 'reexport', source: r.module, name: r.path[0] ?? '*' };
      return null;
    }
    if (n.type === 'ObjectExpression') return objectExport(n, scope);
    return null;
  };
  // A class: its methods by name, so `new Store().flush()` and `Store.create()` in other files find them.
  const classExport = (cls: any): ExportTarget => {
    const members: Record<string, string> = {};
    for (const m of cls.body?.body ?? []) {
      const key = m.type === 'ClassMethod' && m.kind === 'method' ? propertyKeyName(m) : null;
      if (key && !Object.hasOwn(members, key)) members[key] = functionId(m);
    }
    return { kind: 'object', members };
  };
  const objectExport = (obj: any, scope: NodePath): ExportTarget => {
    const members: Record<string, string> = {};
    for (const p of obj.properties) {
      const key = p.type === 'ObjectProperty' || p.type === 'ObjectMethod' ? propertyKeyName(p) : null;
      if (!key) continue;
      const t = p.type === 'ObjectMethod' ? ({ kind: 'local', fn: functionId(p) } as ExportTarget) : local(p.value, scope);
      if (t && t.kind === 'local') members[key] = t.fn;
    }
    return { kind: 'object', members };
  };
  for (const stmt of program.body) {
    if (stmt.type === 'ExportNamedDeclaration') {
      const d = stmt.declaration;
      if (d?.type === 'FunctionDeclaration' && d.id) exports[d.id.name] = { kind: 'local', fn: functionId(d) };
      if (d?.type === 'ClassDeclaration' && d.id) exports[d.id.name] = classExport(d);
      if (d?.type === 'VariableDeclaration') {
        for (const decl of d.declarations) {
          if (decl.id.type === 'Identifier' && decl.init) {
            const t = local(decl.init, programPath);
            if (t) exports[decl.id.name] = t;
          }
        }
      }
      for (const spec of stmt.specifiers ?? []) {
        const exported = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
        if (stmt.source) {
          const name = spec.type === 'ExportNamespaceSpecifier' ? '*' : spec.local.type === 'Identifier' ? spec.local.name : spec.local.value;
          exports[exported] = { kind: 'reexport', source: stmt.source.value, name };
        } else {
          const t = local(spec.local, programPath);
          if (t) exports[exported] = t;
        }
      }
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const t = local(stmt.declaration, programPath);
      if (t) exports.default = t;
      // `export default { getHash }`: `svc.getHash()` on the default import names the member, as for `module.exports`.
      if (t?.kind === 'object') for (const [k, fn] of Object.entries(t.members)) exports[k] ??= { kind: 'local', fn };
    } else if (stmt.type === 'ExportAllDeclaration') {
      if (stmt.exported) exports[stmt.exported.name ?? stmt.exported.value] = { kind: 'reexport', source: stmt.source.value, name: '*' };
      else stars.push(stmt.source.value);
    } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression') {
      // module.exports = …, module.exports.x = …, exports.x = …
      const { left, right } = stmt.expression;
      const target = commonJsExportName(left, programPath);
      if (target === null) continue;
      const t = local(right, programPath);
      if (!t) {
        const spec = requireSpec(right);
        if (spec && target === 'default') stars.push(spec);
        continue;
      }
      if (target === 'default' && t.kind === 'object') for (const [k, fn] of Object.entries(t.members)) exports[k] ??= { kind: 'local', fn };
      exports[target] = t;
    }
  }
  return { exports, stars };
}

function requireSpec(node: any): string | null {
  const n = unwrapExpression(node);
  if (isCall(n) && n.callee.type === 'Identifier' && n.callee.name === 'require') return moduleSpecifier(n.arguments[0]);
  if (isCall(n) && n.callee.type === 'Import') return moduleSpecifier(n.arguments[0]);
  return null;
}

function numberValue(v: unknown): number | null {
  return typeof v === 'number' ? v : null;
}

/**
 * The modules a file's server entries use: re-exported entries (`export { getServerSideProps } from './ssr'`), and the
 * imports referenced in the entries' bodies or in the top-level functions they reach by name.
 */
function serverImportsOf(program: Extract<Node, { type: 'Program' }>): string[] {
  const out = new Set<string>();
  const imports = new Map<string, string>();
  const functions = new Map<string, Node>();
  const entries: Node[] = [];
  const addFunction = (name: string, node: Node, exported: boolean) => {
    functions.set(name, node);
    if (exported && SERVER_ENTRY_EXPORTS.has(name)) entries.push(node);
  };
  for (const stmt of program.body) {
    if (stmt.type === 'ImportDeclaration' && stmt.importKind !== 'type') {
      for (const s of stmt.specifiers) imports.set(s.local.name, stmt.source.value);
      continue;
    }
    const exported = stmt.type === 'ExportNamedDeclaration';
    if (exported && stmt.source) {
      for (const s of stmt.specifiers) {
        const name = s.exported.type === 'Identifier' ? s.exported.name : s.exported.value;
        if (SERVER_ENTRY_EXPORTS.has(name)) out.add(stmt.source.value);
      }
      continue;
    }
    const decl = exported ? stmt.declaration : stmt;
    if (decl?.type === 'FunctionDeclaration' && decl.id) addFunction(decl.id.name, decl, exported);
    if (decl?.type === 'VariableDeclaration') {
      for (const d of decl.declarations) if (d.id.type === 'Identifier' && d.init) addFunction(d.id.name, d.init, exported);
    }
    if (exported && !stmt.declaration) {
      for (const s of stmt.specifiers) {
        const name = s.exported.type === 'Identifier' ? s.exported.name : s.exported.value;
        if (SERVER_ENTRY_EXPORTS.has(name) && s.type === 'ExportSpecifier') entries.push(s.local);
      }
    }
  }
  // Names are matched as written: the entries' own references, then the functions they reach (a visited set bounds it).
  const seen = new Set<Node>();
  for (let i = 0; i < entries.length; i++) {
    const node = entries[i]!;
    if (seen.has(node)) continue;
    seen.add(node);
    someNode(node, (n: any) => {
      if (n.type !== 'Identifier') return false;
      const spec = imports.get(n.name);
      if (spec !== undefined) out.add(spec);
      const fn = functions.get(n.name);
      if (fn && !seen.has(fn)) entries.push(fn);
      return false;
    });
  }
  return [...out].sort();
}

/**
 * The module whose exported type declares the value a member chain starts at: a parameter (`server: Server`) or a
 * field of this class (`this.api`, declared `api: ApiClient` or as a constructor parameter property), typed by an import.
 */
function rootTypeModule(callee: any, at: NodePath): string | null {
  let obj = unwrapExpression(callee.object);
  let field: string | null = null;
  while (obj.type === 'MemberExpression' || obj.type === 'OptionalMemberExpression') {
    const inner = unwrapExpression(obj.object);
    if (inner.type === 'ThisExpression') {
      field = !obj.computed && obj.property.type === 'Identifier' ? obj.property.name : obj.property.type === 'PrivateName' ? `#${obj.property.id.name}` : null;
      break;
    }
    obj = inner;
  }
  let cls: ClassRef | null = null;
  if (field) {
    const body = at.findAncestor((p) => p.node.type === 'ClassBody');
    cls = body ? fieldClass(body, field) : null;
  } else if (obj.type === 'Identifier') {
    const b = lookup(at, obj.name);
    if (b?.kind === 'param' && b.steps.length === 0) cls = typeClass((b.id as any).typeAnnotation, b.scopePath);
  }
  return cls?.kind === 'module' ? cls.source : null;
}

/**
 * The name of a method called on a value the file does not type, when the name is specific enough to look up across
 * the project: two words or more (`rebuildTree`, `send_digest`), not a built-in's (`toString`, `forEach`), and not
 * called on an import (a package's own methods) or a global.
 */
function untypedMethodName(callee: any, ref: Ref | null): string | null {
  if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed || callee.property.type !== 'Identifier') return null;
  if (ref && ref.kind !== 'binding') return null;
  const name: string = callee.property.name;
  if (words(name).length < 2 || SYNC_BUILTINS.has(name) || VALUE_METHODS.includes(name)) return null;
  let root = unwrapExpression(callee.object);
  while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') root = unwrapExpression(root.object);
  return root.type === 'ThisExpression' || root.type === 'Identifier' || isCall(root) ? name : null;
}

/**
 * Does the module do its work when loaded: a top-level `await` (outside any function), a call of its own function, or
 * an immediately invoked one (`(async () => { … })()`)?
 */
function runsWhenLoaded(programPath: NodePath, top: FunctionSummary): boolean {
  if (top.calls.some((c) => c.target?.kind === 'local')) return true;
  const invoked = (stmt: any) => {
    const e = stmt.type === 'ExpressionStatement' ? unwrapExpression(stmt.expression) : null;
    const call = e?.type === 'UnaryExpression' ? unwrapExpression(e.argument) : e; // void (async () => …)()
    return (call?.type === 'CallExpression' && isFunctionNode(unwrapExpression(call.callee))) || false;
  };
  if ((programPath.node as any).body.some(invoked)) return true;
  return (programPath.node as any).body.some((stmt: any) =>
    someNode(
      stmt,
      (n) => n.type === 'AwaitExpression' || (n.type === 'ForOfStatement' && (n as any).await),
      5_000,
      (n) => !isFunctionNode(n) && n.type !== 'ClassBody',
    ),
  );
}

/**
 * Any `export` statement (`export {}`, which only marks a file as a module, aside), `export =`, or an assignment to
 * `module.exports` / `exports.x` at the top level.
 */
function exportsAnything(programPath: NodePath): boolean {
  const marker = (stmt: any) => stmt.type === 'ExportNamedDeclaration' && !stmt.declaration && !stmt.source && stmt.specifiers.length === 0;
  return (programPath.node as any).body.some(
    (stmt: any) =>
      (stmt.type.startsWith('Export') && !marker(stmt)) ||
      stmt.type === 'TSExportAssignment' ||
      (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression' && commonJsExportName(stmt.expression.left, programPath) !== null),
  );
}
