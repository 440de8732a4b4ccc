// The project phase's call graph: every summarised function of every file,
// call sites resolved across files, and for each synchronous function that may
// block, the shortest chain down to the blocking call. Multi-source BFS over
// reverse edges: linear in the number of functions and calls, cycles and
// recursion handled by the visited set. Async functions stop the propagation
// (their own blocking calls are reported inside them; callers are not blocked).
import path from 'node:path';
import type { ModuleResolver } from './module-resolution.js';
import { HANDLER_SHARE_FOR_EVERY_REQUEST, HANDLERS_FOR_EVERY_REQUEST, REACHES, SHARED_HOPS, type Reach, type ReachBy } from '../knowledge/impact.js';
import { SERVER_DEPENDENCIES } from '../knowledge/browser.js';
import { moduleIn } from '../knowledge/modules.js';
import { LOCAL_SIGNER_METHODS, LOCAL_SIGNER_MODULES } from '../knowledge/latency.js';
import { strongest, type Origin } from '../analysis/collections/origin.js';
import { callRegion, MODULE_FRAME, type BlockingSite, type CallSite, type ClassRecord, type FileSummary, type FunctionSummary } from './summary.js';

export interface GraphFile {
  abs: string;
  /** Relative to the working directory, POSIX. */
  file: string;
  summary: FileSummary;
}

export interface GraphFunction {
  key: string;
  file: GraphFile;
  fn: FunctionSummary;
}

export interface ChainStep {
  file: string;
  line: number;
  column: number;
  label: string;
  /** The call this step makes: the helper's call to the next one, or the blocking call (none for an inline callback's enclosing function). */
  region?: { line: number; column: number; endLine: number; endColumn: number };
}

export interface BlockingChain {
  /** From the called function down to the blocking API. */
  steps: ChainStep[];
  api: string;
  /** What to use instead of `api`, as code. */
  use: string;
  /** The function that makes the blocking call. */
  last: string;
  /** Its key in the graph, and the blocking call: the root cause every chain through it shares. */
  root: string;
  site: BlockingSite;
}

/** How a function may block: through `next` (or itself), maybe only when its parameter `cond.param` is large. */
interface ChainLink {
  next: string | null;
  site: CallSite | null;
  /** Blocks only when the size passed as parameter `param` exceeds `max`; `fallback`: the parameter's constant default. */
  cond: { param: number; max: number; fallback: number | null } | null;
}

/** The pseudo call site of an inline callback within its enclosing function. */
const INLINE_SITE: CallSite = { target: { kind: 'local', fn: '' }, line: 0, column: 0, endLine: 0, endColumn: 0, callEnd: [0, 0], text: '', lazy: false, argc: 0 };

/** Does calling through `site` skip a size-conditional block (a small constant size, or the parameter's small default)? */

function cheapAt(site: CallSite, cond: ChainLink['cond']): boolean {
  if (!cond) return false;
  const a = site.args?.[cond.param];
  if (a && 'const' in a) return a.const <= cond.max;
  // An argument left out takes the parameter's default (`token()` with `function token(size = 32)`).
  return site.argc <= cond.param && cond.fallback !== null && cond.fallback <= cond.max;
}

export interface HotCall {
  caller: GraphFunction;
  site: CallSite;
  callee: GraphFunction;
  chain: BlockingChain;
  /** The call passes a size small enough not to block (a constant, or the parameter's default). */
  cheap: boolean;
}

/** A blocking call reached from hot code through synchronous helpers: one root cause, however many callers. */
export interface BlockingRoot {
  /** The function that makes the blocking call. */
  fn: GraphFunction;
  site: BlockingSite;
  /** The chain from the first caller's callee (for the API and its replacement). */
  chain: BlockingChain;
  /** Every hot call that reaches it, the most waited-on first (by reach), then by place. */
  calls: HotCall[];
}

const COST_ORDER = { light: 0, io: 1, heavy: 2 } as const;

/**
 * The blocking call a function is reported for: one that runs in production if any does, blocks whatever the size
 * passed if any does, and is the costliest of those (the first of equals).
 */
function rootSite(sites: readonly BlockingSite[]): BlockingSite {
  const prefer = (list: readonly BlockingSite[], keep: (s: BlockingSite) => boolean) => (list.some(keep) ? list.filter(keep) : list);
  const candidates = prefer(
    prefer(sites, (s) => !s.dev),
    (s) => s.sizeParam === undefined,
  );
  let best: BlockingSite | null = null;
  for (const s of candidates) if (!best || COST_ORDER[s.cost] > COST_ORDER[best.cost]) best = s;
  return best!;
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** How many calls above a slow call its callers still count as waiting on it (a helper, and the helper's caller). */
const SLOW_HOPS = 2;

/** How many functions that pass their caller's options on to an HTTP wrapper `outboundWrappers` climbs through. */
const WRAPPER_HOPS = 3;

/** How many implementations a call through an interface links to, at most. */
const DISPATCH_TARGETS = 16;

/** How many (function, parameter) pairs `paramOrigin` follows up through callers before it gives up. */
const PARAM_ORIGIN_STEPS = 64;

export class CallGraph {
  private readonly functions = new Map<string, GraphFunction>();
  private readonly edges = new Map<string, { site: CallSite; to: string }[]>();
  private readonly callers = new Map<string, { from: string; site: CallSite }[]>();
  private readonly byAbs = new Map<string, GraphFile>();
  /** Functions with a call the graph cannot follow (to a package, or to nothing it holds). */
  private readonly unresolved = new Set<string>();
  private chains: Map<string, ChainLink> | null = null;
  private reach: Record<ReachBy, Map<string, Reach> | null> = { waits: null, runs: null };
  private sitesByPlace: Map<string, string[]> | null = null;
  private impure: Set<string> | null = null;
  private methods: { defs: Map<string, number>; keys: Map<string, string[]>; impure: Set<string> } | null = null;
  private methodSites: Map<string, string> | null = null;
  private slowSet: Set<string> | null = null;
  private holdSet: Set<string> | null = null;
  private implementers: Map<string, { abs: string; record: ClassRecord }[]> | null = null;
  /** Call sites (`abs\0line:column`) on another module's exported client of another service (`mailer.sendMail()`), and the functions that make them. */
  private readonly clientSites = new Set<string>();
  private readonly callsClient = new Set<string>();
  private readonly clients = new Map<string, string | null>();
  private readonly typeKeys = new Map<string, string | null>();
  private readonly blockingMemo = new Map<string, BlockingSite[]>();

  constructor(
    files: readonly GraphFile[],
    private readonly resolver: ModuleResolver,
  ) {
    for (const f of files) {
      this.byAbs.set(f.abs, f);
      for (const fn of f.summary.functions) this.functions.set(keyOf(f.abs, fn.id), { key: keyOf(f.abs, fn.id), file: f, fn });
    }
    for (const g of this.functions.values()) {
      const out: { site: CallSite; to: string }[] = [];
      for (const site of g.fn.calls) {
        if (this.isClientCall(g.file, site)) {
          this.clientSites.add(`${g.file.abs}\0${site.line}:${site.column}`);
          if (!site.detached && !site.lazy && !site.dev) this.callsClient.add(g.key);
        }
        const targets = this.resolveSite(g.file, site);
        if (targets.length === 0) this.unresolved.add(g.key);
        for (const to of targets) {
          out.push({ site, to });
          let list = this.callers.get(to);
          if (!list) this.callers.set(to, (list = []));
          list.push({ from: g.key, site });
        }
      }
      this.edges.set(g.key, out);
    }
  }

  /** The functions a call can invoke: one, or for a module named by a pattern (`require(\`../jobs/${name}\`)(data)`) each match's. */
  private resolveSite(file: GraphFile, site: CallSite): string[] {
    const t = site.target;
    if (t.kind === 'local') return [keyOf(file.abs, t.fn)];
    if (t.kind === 'method') {
      // Typed by a module the project lacks (a package, generated code not checked in): that module's method, not ours.
      if (t.typedBy && this.resolver.resolveAll(file.abs, t.typedBy).length === 0) return [];
      const one = this.uniqueMethod(t.name);
      return one ? [one] : [];
    }
    if (t.kind === 'type') return this.dispatch(this.typeKey(file.abs, undefined, t.name), t.method);
    const found = this.resolver.resolveAll(file.abs, t.source).flatMap((abs) => this.resolveExport(abs, t.path, 0) ?? []);
    // A method of an imported interface or class (`this.backend.deleteFile()`, `backend: MediaBackend`): the classes that
    // implement or extend it may run their own.
    if (t.path.length !== 2 || found.length > 1) return found;
    const overrides = this.dispatch(this.typeKey(file.abs, t.source, t.path[0]!), t.path[1]!);
    return overrides.length === 0 ? found : [...found, ...overrides.filter((k) => !found.includes(k))];
  }

  /** A method called on another module's exported client of another service (`import { mailer } …; mailer.sendMail()`). */
  private isClientCall(file: GraphFile, site: CallSite): boolean {
    const t = site.target;
    if (t.kind !== 'module' || t.path.length < 2 || LOCAL_SIGNER_METHODS.has(t.path[t.path.length - 1]!)) return false;
    const client = this.clientOf(file.abs, t.source, t.path[0]!);
    return client !== null && !moduleIn(LOCAL_SIGNER_MODULES, client);
  }

  /** The package of the client a module exports under `name` (`FileSummary.clients`), following re-exports. */
  private clientOf(from: string, source: string, name: string): string | null {
    // Asked once per call site on an import: memoised per importer, specifier and name.
    const memo = `${from}\0${source}\0${name}`;
    if (!this.clients.has(memo)) {
      this.clients.set(
        memo,
        this.exported(from, source, name, (f, n) => (f.summary.clients && Object.hasOwn(f.summary.clients, n) ? f.summary.clients[n] : undefined)),
      );
    }
    return this.clients.get(memo)!;
  }

  /**
   * What `own` says of the export `name` of the module `from` imports as `source`, in the module that declares it:
   * following re-exports (`export { a as b } from`) and `export *`, at most 8 modules deep; null when none says.
   */
  private exported<T>(from: string, source: string, name: string, own: (f: GraphFile, name: string) => T | undefined, depth = 0): T | null {
    const abs = this.resolver.resolve(from, source);
    const f = abs ? this.byAbs.get(abs) : undefined;
    if (!f || depth > 8) return null;
    const mine = own(f, name);
    if (mine !== undefined) return mine;
    const e = Object.hasOwn(f.summary.exports, name) ? f.summary.exports[name] : undefined;
    if (e?.kind === 'reexport' && e.name !== '*') return this.exported(f.abs, e.source, e.name, own, depth + 1);
    for (const star of e ? [] : f.summary.stars) {
      const found = this.exported(f.abs, star, name, own, depth + 1);
      if (found !== null) return found;
    }
    return null;
  }

  /** Is the call at this place a method of another module's exported client of another service (a round trip to it)? */
  callsClientAt(abs: string, line: number, column: number): boolean {
    return this.clientSites.has(`${abs}\0${line}:${column}`);
  }

  /**
   * The methods of this name of the project's classes that implement or extend a type (`TypeName`'s key), and of their
   * subclasses: a call through the type runs one of them, whichever the value is. At most DISPATCH_TARGETS.
   */
  private dispatch(type: string | null, method: string): string[] {
    if (type === null) return [];
    if (!this.implementers) {
      this.implementers = new Map();
      for (const f of this.byAbs.values()) {
        for (const c of f.summary.classes ?? []) {
          for (const sup of c.supers) {
            const key = this.typeKey(f.abs, sup.source, sup.name);
            if (!key) continue;
            let list = this.implementers.get(key);
            if (!list) this.implementers.set(key, (list = []));
            list.push({ abs: f.abs, record: c });
          }
        }
      }
    }
    const out: string[] = [];
    const seen = new Set<string>([type]);
    const queue = [type];
    for (let i = 0; i < queue.length && out.length < DISPATCH_TARGETS; i++) {
      for (const { abs, record } of this.implementers.get(queue[i]!) ?? []) {
        const id = Object.hasOwn(record.methods, method) ? record.methods[method] : undefined;
        if (id !== undefined && this.functions.has(keyOf(abs, id))) out.push(keyOf(abs, id));
        // Subclasses of an implementation run its method or their own.
        const key = `${abs}#${record.name}`;
        if (!seen.has(key)) (seen.add(key), queue.push(key));
      }
    }
    return out.slice(0, DISPATCH_TARGETS);
  }

  /**
   * Where a type is declared, as `abs#Name`: in the file (`source` absent) or the module it is imported from, following
   * re-exports and `export *`; null when the project does not declare it.
   */
  private typeKey(from: string, source: string | undefined, name: string, depth = 0): string | null {
    const memo = `${from}\0${source ?? ''}\0${name}`;
    if (this.typeKeys.has(memo)) return this.typeKeys.get(memo)!;
    let key: string | null = null;
    const abs = source === undefined ? from : this.resolver.resolve(from, source);
    const f = abs ? this.byAbs.get(abs) : undefined;
    if (f && depth <= 8) {
      if (f.summary.types?.includes(name)) key = `${f.abs}#${name}`;
      else {
        const e = Object.hasOwn(f.summary.exports, name) ? f.summary.exports[name] : undefined;
        if (e?.kind === 'reexport' && e.name !== '*') key = this.typeKey(f.abs, e.source, e.name, depth + 1);
        for (const star of e ? [] : f.summary.stars) if (key === null) key = this.typeKey(f.abs, star, name, depth + 1);
      }
    }
    this.typeKeys.set(memo, key);
    return key;
  }

  /**
   * The one function of the project that defines a method of this name (`rebuildTree`), or null when none or several
   * do: a call on an untyped value (`WIKI.models.pages.rebuildTree()`) can only mean that one.
   */
  private uniqueMethod(name: string): string | null {
    const { defs, keys } = this.methodIndex();
    const found = keys.get(name);
    return defs.get(name) === 1 && found?.length === 1 ? found[0]! : null;
  }

  /**
   * Methods (`Class.name`, `object.name`) by name: how many definitions the project has (kept in the graph or not), the
   * graph's functions that define each, and the names some definition of which does I/O of its own.
   */
  private methodIndex(): { defs: Map<string, number>; keys: Map<string, string[]>; impure: Set<string> } {
    if (this.methods) return this.methods;
    const defs = new Map<string, number>();
    const keys = new Map<string, string[]>();
    const impure = new Set<string>();
    for (const f of this.byAbs.values()) {
      for (const m of f.summary.methods ?? []) defs.set(m, (defs.get(m) ?? 0) + 1);
      for (const m of f.summary.impureMethods ?? []) impure.add(m);
    }
    for (const g of this.functions.values()) {
      const dot = g.fn.name.lastIndexOf('.');
      if (dot <= 0) continue;
      const m = g.fn.name.slice(dot + 1);
      let list = keys.get(m);
      if (!list) keys.set(m, (list = []));
      list.push(g.key);
    }
    return (this.methods = { defs, keys, impure });
  }

  /**
   * The number a module exports under `name` (`export const TOKEN_BYTES = 32`), as imported from `from` with `source`,
   * following re-exports and `export *`; null when it is not a constant the project shows.
   */
  constantOf(from: string, source: string, name: string): number | null {
    return this.exported(from, source, name, (f, n) => (f.summary.constants && Object.hasOwn(f.summary.constants, n) ? f.summary.constants[n] : undefined));
  }

  /** A function's blocking calls, without those whose size is a constant of another module small enough not to block. */
  private blockingOf(g: GraphFunction): BlockingSite[] {
    if (!g.fn.blocking.some((b) => b.sizeConst)) return g.fn.blocking;
    let known = this.blockingMemo.get(g.key);
    if (!known) {
      known = g.fn.blocking.filter((b) => {
        const v = b.sizeConst ? this.constantOf(g.file.abs, b.sizeConst.source, b.sizeConst.name) : null;
        return v === null || v > b.cheapUpTo!;
      });
      this.blockingMemo.set(g.key, known);
    }
    return known;
  }

  /** The function `path` names in the exports of `abs` (following re-exports and `export *`). */
  private resolveExport(abs: string, exportPath: readonly string[], depth: number): string | null {
    if (depth > 16) return null;
    const f = this.byAbs.get(abs);
    if (!f) return null;
    const name = exportPath[0] ?? 'default';
    // Own properties only: `db.hasOwnProperty(…)` must not find Object.prototype.
    const e = Object.hasOwn(f.summary.exports, name) ? f.summary.exports[name] : undefined;
    if (e) {
      if (e.kind === 'local') return exportPath.length <= 1 ? keyOf(abs, e.fn) : null;
      if (e.kind === 'object') {
        const member = exportPath[1];
        return member && exportPath.length === 2 && Object.hasOwn(e.members, member) ? keyOf(abs, e.members[member]!) : null;
      }
      const target = this.resolver.resolve(abs, e.source);
      if (!target) return null;
      // export * as ns from './x' → ns.fn is x's fn; export { a as b } from './x' → b is x's a.
      const rest = e.name === '*' ? exportPath.slice(1) : [e.name, ...exportPath.slice(1)];
      return this.resolveExport(target, rest, depth + 1);
    }
    if (name === 'default') return null;
    for (const star of f.summary.stars) {
      const target = this.resolver.resolve(abs, star);
      const found = target ? this.resolveExport(target, exportPath, depth + 1) : null;
      if (found) return found;
    }
    return null;
  }

  /** Shortest chains: for each synchronous function that may block, the next function (or the blocking call) on the way. */
  private computeChains(): Map<string, ChainLink> {
    if (this.chains) return this.chains;
    const chains = new Map<string, ChainLink>();
    const queue: string[] = [];
    for (const g of this.functions.values()) {
      const blocking = this.blockingOf(g);
      if (g.fn.async || blocking.length === 0 || g.fn.id === MODULE_FRAME) continue;
      // Unconditional if any blocking call is; otherwise it blocks only for large sizes passed in.
      const unconditional = blocking.some((b) => b.sizeParam === undefined);
      const first = blocking[0]!;
      const cond = unconditional ? null : { param: first.sizeParam!, max: first.cheapUpTo!, fallback: g.fn.paramDefaults?.[first.sizeParam!] ?? null };
      chains.set(g.key, { next: null, site: null, cond });
      queue.push(g.key);
    }
    for (let i = 0; i < queue.length; i++) {
      const key = queue[i]!;
      const link = chains.get(key)!;
      for (const { from, site } of this.callers.get(key) ?? []) {
        // A call behind a lazy-initialisation guard runs once; one that runs only outside production never blocks a serving process.
        if (chains.has(from) || site.lazy || site.dev || cheapAt(site, link.cond)) continue;
        const caller = this.functions.get(from)!;
        if (caller.fn.async || caller.fn.id === MODULE_FRAME) continue;
        // A size passed through from the caller's own parameter keeps the chain conditional.
        const passed = link.cond ? site.args?.[link.cond.param] : undefined;
        const cond =
          link.cond && passed && 'param' in passed ? { param: passed.param, max: link.cond.max, fallback: caller.fn.paramDefaults?.[passed.param] ?? null } : null;
        chains.set(from, { next: key, site, cond });
        queue.push(from);
      }
    }
    this.chains = chains;
    return chains;
  }

  /** The chain from `key` (a function that may block) to its blocking call. */
  chainOf(key: string): BlockingChain | null {
    const chains = this.computeChains();
    if (!chains.has(key)) return null;
    const steps: ChainStep[] = [];
    let cur: string | null = key;
    for (let guard = 0; cur && guard < 64; guard++) {
      const g: GraphFunction = this.functions.get(cur)!;
      const link: ChainLink = chains.get(cur)!;
      const b = link.next === null ? rootSite(this.blockingOf(g)) : null;
      const call = b ?? (link.site && link.site.line > 0 ? link.site : null);
      steps.push({ file: g.file.file, line: g.fn.line, column: g.fn.column, label: g.fn.name, ...(call ? { region: callRegion(call) } : {}) });
      if (b) {
        steps.push({ file: g.file.file, line: b.line, column: b.column, label: b.api, region: callRegion(b) });
        return { steps, api: b.api, use: b.use, last: g.fn.name, root: cur, site: b };
      }
      cur = link.next;
    }
    return null;
  }

  /** Calls made in hot code to synchronous functions that may block. */
  *hotCallsToBlocking(): Generator<HotCall> {
    this.computeChains();
    for (const g of this.functions.values()) {
      if (g.fn.context?.kind !== 'hot') continue;
      for (const { site, to } of this.edges.get(g.key) ?? []) {
        if (site.lazy) continue;
        const chain = this.chainOf(to);
        if (chain) yield { caller: g, site, callee: this.functions.get(to)!, chain, cheap: cheapAt(site, this.chains!.get(to)?.cond ?? null) };
      }
    }
  }

  /**
   * Calls whose result nobody uses (`CallSite.unused`) to async functions of the project, across files, in a stable
   * order: each with the caller, the site and the async functions it may invoke (all of them async; a call that may
   * also reach a synchronous function is left out). What `dangling-task` judges.
   */
  droppedPromises(): { caller: GraphFunction; site: CallSite; callees: GraphFunction[] }[] {
    const out: { caller: GraphFunction; site: CallSite; callees: GraphFunction[] }[] = [];
    for (const [from, edges] of this.edges) {
      const bySite = new Map<CallSite, GraphFunction[]>();
      for (const { site, to } of edges) {
        if (!site.unused) continue;
        const list = bySite.get(site) ?? [];
        bySite.set(site, list);
        list.push(this.functions.get(to)!);
      }
      for (const [site, callees] of bySite) {
        if (callees.length > 0 && callees.every((g) => g?.fn.async)) out.push({ caller: this.functions.get(from)!, site, callees });
      }
    }
    return out;
  }

  /**
   * Local HTTP wrappers (functions that forward their caller's options to an outbound call with no deadline of their
   * own), each with the calls to it whose options set no deadline: the argument left out, or an object literal without
   * a covering key. Options that cannot be seen (a variable, a spread) are given the benefit of the doubt. A caller
   * that passes its own parameter on (`get = (url, config) => call(url, 'GET', config)`) is a wrapper too: its callers
   * decide, up to WRAPPER_HOPS such hops, and `via` lists the functions between them and the wrapper.
   */
  outboundWrappers(): { fn: GraphFunction; calls: { caller: GraphFunction; site: CallSite; via: GraphFunction[] }[] }[] {
    const out: { fn: GraphFunction; calls: { caller: GraphFunction; site: CallSite; via: GraphFunction[] }[] }[] = [];
    for (const g of this.functions.values()) {
      const o = g.fn.outbound;
      if (!o) continue;
      const calls: { caller: GraphFunction; site: CallSite; via: GraphFunction[] }[] = [];
      const seen = new Set<string>([g.key]);
      const queue: { key: string; param: number; via: GraphFunction[] }[] = [{ key: g.key, param: o.param, via: [] }];
      for (let i = 0; i < queue.length; i++) {
        const { key, param, via } = queue[i]!;
        for (const { from, site } of this.callers.get(key) ?? []) {
          const caller = this.functions.get(from)!;
          const passed = site.args?.[param];
          if (passed && 'param' in passed) {
            if (via.length < WRAPPER_HOPS && !seen.has(from)) (seen.add(from), queue.push({ key: from, param: passed.param, via: [caller, ...via] }));
            continue;
          }
          const keys = site.keys?.[param];
          if (site.argc <= param || (!!keys && !keys.includes('...') && !keys.includes('?') && !keys.some((k) => o.covers.includes(k)))) {
            calls.push({ caller, site, via });
          }
        }
      }
      if (calls.length > 0) out.push({ fn: g, calls });
    }
    return out;
  }

  /**
   * The functions a call at this place of a file can invoke (resolved across files): one, or for a call through an
   * interface each implementation's, or for a module named by a pattern each match's; none when the project lacks it.
   */
  calleesAt(abs: string, line: number, column: number): GraphFunction[] {
    if (!this.sitesByPlace) {
      this.sitesByPlace = new Map();
      for (const [from, out] of this.edges) {
        const file = this.functions.get(from)!.file.abs;
        for (const { site, to } of out) {
          const place = `${file}\0${site.line}:${site.column}`;
          const list = this.sitesByPlace.get(place);
          if (list) list.push(to);
          else this.sitesByPlace.set(place, [to]);
        }
      }
    }
    const found = (this.sitesByPlace.get(`${abs}\0${line}:${column}`) ?? []).map((to) => this.functions.get(to));
    // A target the graph does not keep (it calls nothing it can follow) leaves the call unknown.
    return found.every((g) => g !== undefined) ? (found as GraphFunction[]) : [];
  }

  /** The method a call site at this place invokes on a value the code does not type (`item.toJSON()`), or null. */
  methodNameAt(abs: string, line: number, column: number): string | null {
    if (!this.methodSites) {
      this.methodSites = new Map();
      for (const f of this.byAbs.values()) {
        for (const fn of f.summary.functions) {
          for (const site of fn.calls) if (site.target.kind === 'method') this.methodSites.set(`${f.abs}\0${site.line}:${site.column}`, site.target.name);
        }
      }
    }
    return this.methodSites.get(`${abs}\0${line}:${column}`) ?? null;
  }

  /**
   * Whom a function serves: what its own convention says (a route handler serves requests, a queue processor or a
   * timer background work), else what its callers serve, carried down calls (and into inline callbacks nobody calls
   * by name). A call nobody awaits (`refreshCache(org);`) starts background work: the request does not wait on it.
   * A request anywhere above wins; a function no convention reaches is judged as serving requests, the cautious
   * answer for an async function whose callers the project does not show. By `runs` (how often the code runs, for
   * work that freezes the process whoever waits on it), a call nobody awaits runs as often as its caller does.
   */
  reachOf(key: string, by: ReachBy = 'waits'): Reach {
    return this.reaches(by).get(key) ?? 'request';
  }

  /**
   * Does the function wait on something slow (another service, an aggregating query), itself or through a function it
   * calls and waits for, across files? Reverse search from the functions that do (`slow` in their summary): a call
   * nobody awaits, a lazy one and one that runs only in development do not count; an inline callback counts for the
   * function it is written in. Only up to SLOW_HOPS calls above the slow call: further up, a function reaches it on one
   * path among many (a write that may notify a webhook), and its own work is what it waits on.
   */
  isSlow(key: string): boolean {
    return (this.slowSet ??= this.upFrom((g) => !!g.fn.slow || this.callsClient.has(g.key))).has(key);
  }

  /**
   * Does the function hold a pooled connection for a stretch of work (a transaction, a checked-out client), itself or
   * through a function it calls and waits for, within SLOW_HOPS calls? Many calls at once then hold the pool.
   */
  holdsConnection(key: string): boolean {
    return (this.holdSet ??= this.upFrom((g) => !!g.fn.holds)).has(key);
  }

  /** The functions that match `seed`, and those up to SLOW_HOPS awaited calls above them (an inline callback counts for the function it is in). */
  private upFrom(seed: (g: GraphFunction) => boolean): Set<string> {
    const out = new Set<string>();
    const queue: string[] = [];
    const hops = new Map<string, number>();
    for (const g of this.functions.values()) if (seed(g)) (out.add(g.key), queue.push(g.key), hops.set(g.key, 0));
    for (let i = 0; i < queue.length; i++) {
      const g = this.functions.get(queue[i]!)!;
      const hop = hops.get(g.key)! + 1;
      if (hop > SLOW_HOPS) continue;
      const up = (this.callers.get(g.key) ?? []).filter((c) => !c.site.detached && !c.site.lazy && !c.site.dev).map((c) => c.from);
      if (g.fn.enclosing) up.push(keyOf(g.file.abs, g.fn.enclosing));
      for (const from of up) if (!out.has(from) && this.functions.has(from)) (out.add(from), queue.push(from), hops.set(from, hop));
    }
    return out;
  }

  /**
   * Does the function work only in memory, with every call it makes going to a function of the project that does too
   * (`async toJSON() { return { icon: this.getIcon() } }`)? Awaiting it is not a round trip. (Recursion among such functions stays pure.)
   */
  isPure(key: string): boolean {
    if (!this.impure) {
      // Iteratively, from the functions that do I/O of their own (or call what the graph does not hold) up to their callers.
      const impure = new Set<string>();
      const queue: string[] = [];
      const mark = (k: string) => {
        if (!impure.has(k)) (impure.add(k), queue.push(k));
      };
      for (const g of this.functions.values()) if (!g.fn.pure || this.unresolved.has(g.key)) mark(g.key);
      for (const to of this.callers.keys()) if (!this.functions.has(to)) mark(to);
      for (let i = 0; i < queue.length; i++) for (const { from } of this.callers.get(queue[i]!) ?? []) mark(from);
      this.impure = impure;
    }
    return this.functions.has(key) && !this.impure.has(key);
  }

  /**
   * A method called on a value the code does not type (`await item.toJSON()`): pure when the project defines methods
   * of that name and every one of them is (`isPure`). Null when the project defines none: the call is someone else's.
   */
  methodIsPure(name: string): boolean | null {
    const { keys, impure } = this.methodIndex();
    // One definition that does I/O of its own (anywhere in the project) makes the name impure.
    if (impure.has(name)) return false;
    const found = keys.get(name);
    return found ? found.every((k) => this.isPure(k)) : null;
  }

  /**
   * Where the collection a function takes as parameter `index` comes from, by what its callers pass: the strongest of
   * request input, a directory listing and a query's rows, followed up through callers that pass their own parameter on
   * (`unknown` when they pass something else). Null when the project shows no caller, or only callers that pass
   * parameters no caller above them explains.
   */
  paramOrigin(key: string, index: number, seen: Set<string> = new Set()): Origin | null {
    const mark = `${key}#${index}`;
    if (seen.has(mark) || seen.size > PARAM_ORIGIN_STEPS) return null;
    seen.add(mark);
    const found: Origin[] = [];
    for (const { from, site } of this.callers.get(key) ?? []) {
      const arg = site.args?.[index];
      const o = !arg ? 'unknown' : 'origin' in arg ? arg.origin : 'param' in arg ? this.paramOrigin(from, arg.param, seen) : 'unknown';
      if (o !== null) found.push(o);
    }
    return found.length > 0 ? strongest(found) : null;
  }

  /** True when a convention reaches `key` at all (a handler, a job or a timer above it). */
  reachKnown(key: string): boolean {
    return this.reaches().has(key);
  }

  private reaches(by: ReachBy = 'waits'): Map<string, Reach> {
    const known = this.reach[by];
    if (known) return known;
    const out = new Map<string, Reach>();
    const inline = new Map<string, string[]>();
    for (const g of this.functions.values()) {
      if (!g.fn.enclosing || this.callers.has(g.key)) continue;
      const outer = keyOf(g.file.abs, g.fn.enclosing);
      let list = inline.get(outer);
      if (!list) inline.set(outer, (list = []));
      list.push(g.key);
    }
    /** What a function runs on behalf of its own caller: calls it makes (not lazily) and the callbacks written inside it. */
    const below = (key: string, detached: boolean): string[] => [
      ...(this.edges.get(key) ?? []).filter((e) => !e.site.lazy && (detached || !e.site.detached)).map((e) => e.to),
      ...(inline.get(key) ?? []),
    ];
    /**
     * A function with a convention of its own, or one that runs at startup, in a script or a worker, keeps its own answer;
     * one that only looks like a handler (`checkAuth(request)`) and that project code calls is a helper given the request.
     */
    const own = (g: GraphFunction) => !!g.fn.context?.serves && !(g.fn.context.byShape && this.callers.has(g.key));
    const inherits = (g: GraphFunction | undefined): g is GraphFunction =>
      !!g && !own(g) && (!g.fn.context || g.fn.context.kind === 'hot' || g.fn.context.kind === 'helper');
    // Calls nobody awaits, anywhere: their targets start background work (unless a request also waits on them).
    // By `runs`, they run as often as their callers: carried down like any call.
    const detached = by === 'runs' ? [] : [...this.edges.values()].flatMap((edges) => edges.filter((e) => e.site.detached && !e.site.lazy).map((e) => e.to));
    const seeds: Record<Reach, string[]> = { 'every-request': this.sharedByHandlers(below, inherits, own), request: [], rare: [], background: detached };
    for (const level of REACHES) {
      const queue: string[] = [];
      for (const g of this.functions.values()) {
        if (g.fn.context?.serves === level && own(g) && !out.has(g.key)) {
          out.set(g.key, level);
          queue.push(g.key);
        }
      }
      for (const key of seeds[level]) {
        const g = this.functions.get(key);
        if (!g || out.has(key) || own(g)) continue;
        out.set(key, level);
        queue.push(key);
      }
      for (let i = 0; i < queue.length; i++) {
        for (const to of below(queue[i]!, by === 'runs' || level === 'background')) {
          if (out.has(to) || !inherits(this.functions.get(to))) continue;
          out.set(to, level);
          queue.push(to);
        }
      }
    }
    this.reach[by] = out;
    return out;
  }

  /**
   * Functions that a large share of the route handlers reach within SHARED_HOPS calls (an auth check, a session or
   * tenant loader; knowledge/impact.ts): they run on most requests. In a stable order (the order functions were added).
   */
  private sharedByHandlers(
    below: (key: string, detached: boolean) => string[],
    inherits: (g: GraphFunction | undefined) => boolean,
    own: (g: GraphFunction) => boolean,
  ): string[] {
    const count = new Map<string, number>();
    let handlers = 0;
    for (const g of this.functions.values()) {
      if (g.fn.context?.serves !== 'request' || !own(g)) continue;
      handlers++;
      const seen = new Set<string>([g.key]);
      let frontier = [g.key];
      for (let hop = 0; hop < SHARED_HOPS && frontier.length > 0; hop++) {
        const next: string[] = [];
        for (const key of frontier) {
          for (const to of below(key, false)) {
            if (seen.has(to) || !inherits(this.functions.get(to))) continue;
            seen.add(to);
            next.push(to);
            count.set(to, (count.get(to) ?? 0) + 1);
          }
        }
        frontier = next;
      }
    }
    const least = Math.max(HANDLERS_FOR_EVERY_REQUEST, handlers * HANDLER_SHARE_FOR_EVERY_REQUEST);
    return [...this.functions.keys()].filter((key) => (count.get(key) ?? 0) >= least);
  }

  /**
   * The hot calls grouped by the blocking call they reach (their root cause), in a stable order: roots by file and
   * place, calls by the caller's file and place. A root inside a function that is itself hot is left out: that
   * function's own blocking calls are reported where they are.
   */
  blockingRoots(): BlockingRoot[] {
    const roots = new Map<string, BlockingRoot>();
    for (const call of this.hotCallsToBlocking()) {
      const fn = this.functions.get(call.chain.root)!;
      if (fn.fn.context?.kind === 'hot') continue;
      let root = roots.get(fn.key);
      if (!root) roots.set(fn.key, (root = { fn, site: call.chain.site, chain: call.chain, calls: [] }));
      root.calls.push(call);
    }
    const place = (file: string, line: number, column: number) => `${file}\0${String(line).padStart(9, '0')}\0${String(column).padStart(9, '0')}`;
    const out = [...roots.values()].sort((a, b) => cmp(place(a.fn.file.file, a.site.line, a.site.column), place(b.fn.file.file, b.site.line, b.site.column)));
    // The most waited-on path first (middleware, code most handlers share, then handlers, then background work), by place
    // within a reach: a per-request auth check is named before the login that runs once a session.
    const rank = (c: HotCall) => REACHES.indexOf(this.reachOf(c.caller.key));
    const at = (c: HotCall) => place(c.caller.file.file, c.site.line, c.site.column);
    for (const r of out) r.calls.sort((a, b) => rank(a) - rank(b) || cmp(at(a), at(b)));
    return out;
  }

  /**
   * Functions that are hot only because they are async, yet every call to them
   * in the project comes from startup or script code (directly or through other
   * such functions): `loadIndexHtml()` called once from `createApp()` at boot.
   * Callers in `coldFiles` (files that run only in forked children) count as
   * such code too, so a module shared by the server and its forked child is
   * judged function by function.
   */
  startupOnly(coldFiles: ReadonlySet<string> = new Set()): Set<string> {
    const result = new Set<string>();
    // Tests are not callers: they exercise serving code whose real callers the project may not show (dispatch by a
    // computed name), so a function only tests call is as unknown as one nobody calls. A call that runs only in
    // development, or the function calling itself (recursion), is not a caller that serves. (Computed once, before the
    // fixpoint below.)
    const weak: { g: GraphFunction; callers: { from: string; site: CallSite }[] }[] = [];
    for (const g of this.functions.values()) {
      if (!g.fn.context?.weak && !this.callers.has(g.key)) continue;
      let callers = (this.callers.get(g.key) ?? []).filter(({ from, site }) => !site.dev && from !== g.key && !this.functions.get(from)!.file.summary.test);
      // An inline callback nobody calls by name runs within the function it is written in.
      if (callers.length === 0 && g.fn.enclosing && g.fn.context?.weak) {
        const outer = keyOf(g.file.abs, g.fn.enclosing);
        if (this.functions.has(outer)) callers = [{ from: outer, site: INLINE_SITE }];
      }
      if (callers.length > 0) weak.push({ g, callers });
    }
    for (let changed = true; changed;) {
      changed = false;
      for (const { g, callers } of weak) {
        if (result.has(g.key)) continue;
        // A call behind a lazy-initialisation guard runs once, like startup code.
        const allStartup = callers.every(({ from, site }) => {
          const c = this.functions.get(from)!;
          const kind = c.fn.context?.kind;
          return site.lazy || kind === 'startup' || kind === 'script' || result.has(from) || coldFiles.has(c.file.abs);
        });
        if (allStartup && (g.fn.context === null || g.fn.context.weak || g.fn.context.kind !== 'hot')) {
          result.add(g.key);
          changed = true;
        }
      }
    }
    return result;
  }

  /**
   * Of the files that are scripts by their folder only (`scripts/`, `migrations/`, `config/`…), those serving code
   * calls into: a function of theirs is called from a hot function of a file that is not such a script, or of one
   * already found served. The others stay scripts.
   */
  servedFolderScripts(folderFiles: ReadonlySet<string>): Set<string> {
    const served = new Set<string>();
    if (folderFiles.size === 0) return served;
    for (let changed = true; changed;) {
      changed = false;
      for (const [from, edges] of this.edges) {
        const caller = this.functions.get(from)!;
        const callerFile = caller.file.abs;
        if (caller.fn.context?.kind !== 'hot' || (folderFiles.has(callerFile) && !served.has(callerFile))) continue;
        for (const { site, to } of edges) {
          const target = this.functions.get(to)?.file.abs;
          if (site.lazy || !target || target === callerFile || !folderFiles.has(target) || served.has(target)) continue;
          served.add(target);
          changed = true;
        }
      }
    }
    return served;
  }

  /**
   * Of the files package.json scripts run, those that serve nothing (no request handler, job, queue processor or timer
   * in what they import), with every file only they import: scripts, whatever their folder is called. A server's
   * `"start": "node src/server.js"` serves requests, so it and its imports stay application code.
   */
  scriptsOnly(entries: readonly string[]): Set<string> {
    // A script may name build output (`node lib/index.js`): the source it was built from, when analyzed.
    const analyzed = entries.map((abs) => (this.byAbs.has(abs) ? abs : this.resolver.resolve(abs, `./${path.basename(abs)}`)));
    const seeds = new Set(analyzed.filter((abs): abs is string => abs !== null && this.byAbs.has(abs) && !this.servesFrom(abs)));
    // Every file reached only from them is in their closure, which serves nothing: none of them serves either.
    return this.reachedOnlyFrom(seeds, true);
  }

  /**
   * Programs nothing imports: files that do their work when run (`FileSummary.program`: a top-level `await`, a call of
   * their own `main()`) and export nothing, which no analyzed file imports. Run by hand or by a tool, they are entries
   * like the files package.json scripts run (`scriptsOnly` keeps those that serve nothing).
   */
  programs(): string[] {
    const candidates = [...this.byAbs.values()].filter((f) => f.summary.program).map((f) => f.abs);
    if (candidates.length === 0) return [];
    const imported = new Set<string>();
    for (const f of this.byAbs.values()) {
      for (const spec of f.summary.imports) for (const target of this.resolver.resolveAll(f.abs, spec)) if (target !== f.abs) imported.add(target);
    }
    return candidates.filter((abs) => !imported.has(abs));
  }

  /** Does some file that `abs` imports (itself included, transitively) serve anything: a convention's handler, or a server framework? */
  private servesFrom(abs: string): boolean {
    const seen = new Set([abs]);
    const queue = [abs];
    for (let i = 0; i < queue.length; i++) {
      const f = this.byAbs.get(queue[i]!);
      if (!f) continue;
      if (f.summary.functions.some((fn) => fn.context?.kind === 'hot' && fn.context.serves !== undefined)) return true;
      // A server or queue framework imported anywhere below: it serves, even where no handler of it made the summary.
      if (f.summary.imports.some((spec) => moduleIn(SERVER_DEPENDENCIES, spec))) return true;
      for (const spec of f.summary.imports) {
        for (const target of this.resolver.resolveAll(f.abs, spec)) if (!seen.has(target)) (seen.add(target), queue.push(target));
      }
    }
    return false;
  }

  /**
   * Files that run only in child processes started with `child_process.fork`:
   * the fork targets, and files imported only by such files. Blocking there does
   * not stall the server's event loop.
   */
  forkedOnly(): Set<string> {
    const forked = new Set<string>();
    // fork('server/core/worker.js') is relative to the working directory: the package or repository root, some folder
    // above the file. The nearest folder above it where the path names analyzed files is taken. So is it for
    // fork('./src/jobs/task.js') when the path names no file next to the forking one.
    const fromWorkingDirectory = (from: string, spec: string) => {
      for (let dir = path.dirname(from); ; dir = path.dirname(dir)) {
        const targets = this.resolver.resolveAll(path.join(dir, 'index.js'), spec);
        if (targets.length > 0 || path.dirname(dir) === dir) return targets;
      }
    };
    for (const f of this.byAbs.values()) {
      for (const spec of f.summary.forks) {
        const targets = this.resolver.resolveAll(f.abs, spec);
        for (const target of targets.length > 0 ? targets : fromWorkingDirectory(f.abs, spec)) forked.add(target);
      }
      for (const spec of f.summary.bareForks ?? []) for (const target of fromWorkingDirectory(f.abs, `./${spec}`)) forked.add(target);
    }
    return this.reachedOnlyFrom(forked, false);
  }

  /**
   * Files that run only in a browser: the given browser files, and every file that only they import (at run time:
   * type-only imports do not count), transitively. A module reached only from client components is client code.
   */
  browserOnly(browser: ReadonlySet<string>): Set<string> {
    // 'use server' modules run on the server whoever imports them.
    const server = new Set([...this.byAbs.values()].filter((f) => f.summary.server).map((f) => f.abs));
    return this.reachedOnlyFrom(new Set([...browser].filter((f) => !server.has(f))), true, server);
  }

  /** `seeds` and every file all of whose importers are in the result, to a fixpoint. Entry points (no importers) are never added. */
  private reachedOnlyFrom(seeds: ReadonlySet<string>, runtimeOnly: boolean, never: ReadonlySet<string> = new Set()): Set<string> {
    const out = new Set(seeds);
    if (out.size === 0) return out;
    const importers = new Map<string, Set<string>>();
    for (const f of this.byAbs.values()) {
      const typeOnly = runtimeOnly ? new Set(f.summary.typeImports ?? []) : null;
      // What a page's server entries import (its loader, getServerSideProps) runs on the server, even from a client page.
      const serverSide = runtimeOnly ? new Set(f.summary.serverImports ?? []) : null;
      for (const spec of f.summary.imports) {
        if (typeOnly?.has(spec)) continue;
        for (const target of this.resolver.resolveAll(f.abs, spec)) {
          if (target === f.abs) continue;
          let set = importers.get(target);
          if (!set) importers.set(target, (set = new Set()));
          set.add(serverSide?.has(spec) ? `${f.abs}#server` : f.abs);
        }
      }
    }
    for (let changed = true; changed;) {
      changed = false;
      for (const [file, from] of importers) {
        if (out.has(file) || from.size === 0 || never.has(file)) continue;
        if ([...from].every((i) => out.has(i))) {
          out.add(file);
          changed = true;
        }
      }
    }
    return out;
  }

  /** Key of a function for (file, `line:column`). */
  static key(abs: string, id: string): string {
    return keyOf(abs, id);
  }
}

function keyOf(abs: string, id: string): string {
  return `${abs}#${id}`;
}

export function toPosix(p: string): string {
  return p.split(path.sep).join('/');
}
