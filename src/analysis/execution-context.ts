// Execution context: where a node runs.
//
//   hot      while the process serves work: request handlers and middleware,
//            async functions, event listeners, timers, promise callbacks,
//            queue processors, framework handlers (NestJS, Next.js, Lambda…)
//   startup  module top level (top-level await included) and code reached only
//            from it: a `main()`/`bootstrap()` called at top level, an IIFE,
//            `listen` callbacks, Fastify plugins, shutdown and lifecycle handlers
//   script   CLI and build scripts, config files, tests, migrations (by path or shebang)
//   worker   code that runs on a worker thread, where blocking is the point
//   helper   a synchronous function whose context is its callers'; the
//            call-graph phase decides (a helper is not hot by itself)
//
// Everything is computed lazily, per function, and memoised.
import type { Node } from '../syntax/ast.js';
import {
  APP_FACTORIES,
  APP_TYPE_NAMES,
  CONTEXT_PARAM_NAMES,
  ERROR_PARAM_NAMES,
  EVENT_METHODS,
  FASTIFY_REQUEST_HOOKS,
  HTTP_METHODS,
  isStartupFunctionName,
  LIFECYCLE_EVENTS,
  NEST_CLASS_DECORATORS,
  NEST_INTERFACE_METHODS,
  NEST_METHOD_DECORATORS,
  NEXT_MIDDLEWARE_FILE,
  NEXT_PAGE_EXTENSION,
  NEXT_ROUTE_GROUP,
  NEXT_ROUTE_HANDLER_FILE,
  NEXT_ROUTE_METHODS,
  NEXT_ROUTER_FILE,
  PLUGIN_PARAM_NAMES,
  PLUGIN_TYPE_NAMES,
  PROCESS_QUEUES,
  PROMISE_CALLBACK_METHODS,
  QUEUE_RECEIVER_NAME,
  QUEUE_WORKERS,
  REQUEST_PARAM_NAMES,
  REQUEST_TYPE_NAMES,
  RESPONSE_PARAM_NAMES,
  ROUTE_OPTION_HANDLERS,
  ROUTE_PATH_STARTS,
  SERVER_FACTORIES,
  SYNC_CALLBACK_METHODS,
  TIMERS,
} from '../knowledge/frameworks.js';
import { BUNDLER_HOOKS, SCRIPT_PROCESS_CALLS, STARTUP_DIRS, type ScriptFile } from '../knowledge/script-files.js';
import { isReferenceIdentifier } from './dataflow.js';
import { commonJsExportName, isCall, memberPropertyName, normalizeModule, refKey, resolveExpression, staticString, unwrapExpression, type Ref } from './resolve.js';
import { lookup, propertyKeyName, type Binding } from './scope.js';
import { isFunctionNode, walkPaths, type NodePath } from '../syntax/walk.js';

export type ContextKind = 'hot' | 'startup' | 'script' | 'worker' | 'helper';

export interface ExecutionContext {
  kind: ContextKind;
  /** Reads after an observation: "inside the route handler `POST /upload`". */
  description: string;
  /**
   * Set when the code is hot only because it is in an async function (no
   * handler registration or framework convention says so): the `line:column`
   * of that function. The project phase drops such findings when every caller
   * of the function in the project runs at startup.
   */
  weakFrame?: string;
}

/** What the engine knows about the file before looking at its code. */
export interface FileFacts {
  /** Path relative to the package root (nearest package.json), POSIX. */
  packagePath: string;
  /** When the whole file is a script: what kind, and why. */
  script: ScriptFile | null;
}

type Effect = 'hot' | 'deferred' | 'startup' | 'worker' | 'inherit';
interface Use {
  effect: Effect;
  description: string;
  callPath: NodePath;
  /** For 'inherit': the callee runs the callback synchronously (map, forEach, new Promise…). */
  synchronous?: boolean;
}

const TOP_LEVEL: ExecutionContext = { kind: 'startup', description: 'at module top level (startup)' };

export class ContextAnalyzer {
  private readonly memo = new WeakMap<Node, ExecutionContext>();
  private readonly pending = new Set<Node>();
  private refIndex: Map<string, NodePath[]> | null = null;
  private workerFile: boolean | null = null;
  private readonly next: NextFileKind | null;
  private readonly startupDir: string | null;

  constructor(
    private readonly facts: FileFacts,
    private readonly programPath: NodePath,
  ) {
    this.next = nextFileKind(facts.packagePath);
    this.startupDir = facts.packagePath.split('/').slice(0, -1).find((d) => STARTUP_DIRS.has(d)) ?? null;
  }

  /** Where `path` runs. */
  contextOf(path: NodePath): ExecutionContext {
    if (this.facts.script) return { kind: 'script', description: `in ${this.facts.script.reason}` };
    if (this.isWorkerFile()) return { kind: 'worker', description: 'on a worker thread' };
    let child: NodePath = path;
    for (let p = path.parentPath; p; child = p, p = p.parentPath) {
      const node = p.node as any;
      if (isFunctionNode(node) && child.key !== 'decorators' && child.key !== 'key') return this.frameContext(p);
      if (node.type === 'IfStatement' && workerBranch(p, child.key)) return { kind: 'worker', description: 'on a worker thread' };
      if ((node.type === 'ClassProperty' || node.type === 'ClassPrivateProperty') && child.key === 'value' && !node.static) {
        return { kind: 'helper', description: 'in a class field initialiser' };
      }
    }
    return TOP_LEVEL;
  }

  /** Where module top-level code runs: startup, or script/worker for such files. */
  moduleContext(): ExecutionContext {
    if (this.facts.script) return { kind: 'script', description: `in ${this.facts.script.reason}` };
    if (this.isWorkerFile()) return { kind: 'worker', description: 'on a worker thread' };
    return TOP_LEVEL;
  }

  isHot(path: NodePath): boolean {
    return this.contextOf(path).kind === 'hot';
  }

  /** The context of a function's body. */
  frameContext(fnPath: NodePath): ExecutionContext {
    const fn = fnPath.node;
    const known = this.memo.get(fn);
    if (known) return known;
    if (this.pending.has(fn)) return { kind: 'helper', description: `inside ${describeFunction(fnPath)}` };
    this.pending.add(fn);
    let result: ExecutionContext;
    try {
      result = this.classify(fnPath);
    } finally {
      this.pending.delete(fn);
    }
    this.memo.set(fn, result);
    return result;
  }

  private classify(fnPath: NodePath): ExecutionContext {
    const fn = fnPath.node as any;
    if (this.facts.script) return { kind: 'script', description: `in ${this.facts.script.reason}` };
    if (this.isWorkerFile() || insideWorkerBranch(fnPath)) return { kind: 'worker', description: 'on a worker thread' };

    const use = this.useOf(fnPath);
    if (use) {
      switch (use.effect) {
        case 'hot':
          return { kind: 'hot', description: use.description };
        case 'startup':
          return { kind: 'startup', description: use.description };
        case 'worker':
          return { kind: 'worker', description: use.description };
        case 'deferred': {
          const outer = this.contextOf(use.callPath);
          if (outer.kind === 'startup' || outer.kind === 'script' || outer.kind === 'worker') return outer;
          return { kind: 'hot', description: use.description };
        }
        case 'inherit': {
          const outer = this.contextOf(use.callPath);
          if (!fn.async || outer.kind === 'startup' || outer.kind === 'script' || outer.kind === 'worker') return outer;
          // An async callback handed to other code runs on its own schedule: describe it, not its parent.
          if (outer.kind === 'hot' && use.synchronous) return outer;
          const described = { kind: 'hot' as const, description: `inside ${describeFunction(fnPath)} passed to \`${calleeText(use.callPath.node)}\`` };
          // Hot only because the function it is written in is async: as weak as that (the project phase may find it startup-only).
          return outer.weakFrame !== undefined ? { ...described, weakFrame: `${fn.loc.start.line}:${fn.loc.start.column + 1}` } : described;
        }
      }
    }

    const convention = this.convention(fnPath);
    if (convention) return convention;

    const hook = bundlerHook(fnPath);
    if (hook) return { kind: 'script', description: `inside the bundler plugin hook \`${hook}\` (build time)` };
    if (exitsProcess(fnPath)) return { kind: 'script', description: `inside ${describeFunction(fnPath)}, which exits the process or changes its directory (command-line code)` };

    // An IIFE runs where it is called.
    if (fnPath.key === 'callee' && fnPath.parentPath && isCall(fnPath.parentPath.node)) return this.contextOf(fnPath.parentPath);

    if (this.isStartupOnly(fnPath)) {
      return { kind: 'startup', description: `inside ${describeFunction(fnPath)}, which runs only at startup` };
    }
    const bare = bareName(fnPath);
    if (bare && isStartupFunctionName(bare)) {
      return { kind: 'startup', description: `inside ${describeFunction(fnPath)}, which by its name runs at startup` };
    }
    if (this.startupDir) return { kind: 'startup', description: `inside ${describeFunction(fnPath)}, in ${this.startupDir}/ (runs at startup)` };
    if (fn.async) return { kind: 'hot', description: `inside ${describeFunction(fnPath)}`, weakFrame: `${fn.loc.start.line}:${fn.loc.start.column + 1}` };
    return { kind: 'helper', description: `inside ${describeFunction(fnPath)}` };
  }

  // ---------------------------------------------------------------- uses

  /** How the function is handed to other code: as a callback, a route handler, an option… */
  private useOf(fnPath: NodePath): Use | null {
    const direct = this.useAt(fnPath);
    if (direct) return direct;
    const binding = bindingOfFunction(fnPath);
    if (!binding) return null;
    let fallback: Use | null = null;
    for (const ref of this.referencesOf(binding)) {
      const use = this.useAt(ref);
      if (!use) continue;
      if (use.effect !== 'inherit') return use;
      fallback ??= null; // passing a named function to an unknown call says nothing about where it runs
    }
    return fallback;
  }

  /** The use of a function value at `valuePath` (the function itself or a reference to it). */
  private useAt(valuePath: NodePath): Use | null {
    let vp = valuePath;
    // Look through TS wrappers: `app.get('/', handler as RequestHandler)`.
    while (vp.parentPath && isTransparent(vp.parentPath.node)) vp = vp.parentPath;
    const parent = vp.parentPath;
    if (!parent) return null;
    if ((isCall(parent.node) || parent.node.type === 'NewExpression') && vp.key === 'arguments') {
      const use = this.classifyArgument(parent, vp.index!, valuePath.node);
      if (use && use.effect !== 'inherit') return use;
      // A wrapper: app.get('/x', asyncHandler((req, res) => …)).
      const outer = parent.parentPath;
      if (outer && (isCall(outer.node) || outer.node.type === 'NewExpression') && parent.key === 'arguments') {
        const outerUse = this.classifyArgument(outer, parent.index!, parent.node);
        if (outerUse && (outerUse.effect === 'hot' || outerUse.effect === 'worker')) return outerUse;
      }
      return use;
    }
    // An option: fastify.route({ url, handler }) or fastify.get('/x', { handler }).
    let propPath: NodePath | null = null;
    if (parent.node.type === 'ObjectProperty' && vp.key === 'value') propPath = parent;
    else if (vp.node.type === 'ObjectMethod') propPath = vp;
    if (propPath) {
      const objPath = propPath.parentPath;
      const callPath = objPath?.parentPath;
      const name = propertyKeyName(propPath.node);
      if (objPath && callPath && name && (isCall(callPath.node) || callPath.node.type === 'NewExpression') && objPath.key === 'arguments') {
        return this.classifyOption(callPath, objPath.index!, objPath.node, name);
      }
    }
    return null;
  }

  private classifyArgument(callPath: NodePath, index: number, fnNode: Node): Use | null {
    const call = callPath.node as any;
    const callee = unwrapExpression(call.callee);
    const isNew = call.type === 'NewExpression';
    const calleeRef = resolveExpression(callee, callPath);
    const key = calleeRef ? refKey(calleeRef) : null;
    const use = (effect: Effect, description: string): Use => ({ effect, description, callPath });

    if (key && !isNew) {
      const timer = TIMERS.get(key);
      if (timer && index === 0) return use(timer.repeats ? 'hot' : 'deferred', `inside a ${timer.label} callback`);
      if (SERVER_FACTORIES.has(key)) return use('hot', `inside the \`${key.replace('#', '.')}\` request handler`);
      if (key === 'global#Array.from') return { ...use('inherit', ''), synchronous: true };
      if (key === 'workerpool#worker') return use('worker', 'on a worker thread');
    }
    if (key && isNew) {
      const worker = QUEUE_WORKERS.get(`new ${key}()`);
      if (worker && index === worker.processorIndex) {
        const name = staticString(call.arguments[0]);
        return use('hot', `inside the ${worker.label}${name ? ` \`${name}\`` : ''}`);
      }
      if (key === 'global#Promise') return { ...use('inherit', ''), synchronous: true };
    }
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return use('inherit', '');
    const method = memberPropertyName(callee);
    if (!method) return use('inherit', '');
    const args = call.arguments;

    if (PROMISE_CALLBACK_METHODS.has(method) && index <= 1) return use('deferred', `inside a promise \`.${method}\` callback`);
    if (EVENT_METHODS.has(method) && index >= 1) {
      const event = staticString(args[0]);
      if (event && LIFECYCLE_EVENTS.has(event)) return use('startup', `inside a \`${event}\` handler (startup or shutdown)`);
      if (event === 'request') return use('hot', 'inside the HTTP `request` handler');
      return use('hot', event ? `inside ${article(event)} \`${event}\` event listener` : 'inside an event listener');
    }
    if (SYNC_CALLBACK_METHODS.has(method)) return { ...use('inherit', ''), synchronous: true };
    if (method === 'listen') return use('startup', 'inside the server `listen` callback (startup)');

    const app = this.appKind(callee.object, callPath);
    if (method === 'register' && (app === 'Fastify' || isPluginShaped(fnNode))) {
      return use('startup', 'inside a Fastify plugin (runs at registration)');
    }
    if (method === 'addHook') {
      const hook = staticString(args[0]);
      if (hook && FASTIFY_REQUEST_HOOKS.has(hook)) return use('hot', `inside the Fastify \`${hook}\` hook`);
      if (hook) return use('startup', `inside the Fastify \`${hook}\` hook (startup or shutdown)`);
    }
    if (HTTP_METHODS.has(method)) {
      const chained = routeChainPath(callee.object);
      if (chained !== null) return use('hot', `inside the route handler \`${method.toUpperCase()} ${chained}\``);
      if (index >= 1 && (app || isPathLike(args[0]))) {
        return use('hot', `inside the route handler \`${method.toUpperCase()} ${pathText(args[0])}\``);
      }
    }
    if (method === 'use' && (app || looksLikeMiddleware(fnNode))) {
      const mount = index >= 1 && isPathLike(args[0]) ? ` \`${pathText(args[0])}\`` : '';
      return use('hot', `inside the ${app ? `${app} ` : ''}middleware${mount}`);
    }
    if (method === 'process' && index === args.length - 1 && this.isProcessQueue(callee.object, callPath)) {
      const name = staticString(args[0]);
      return use('hot', `inside the queue processor${name ? ` \`${name}\`` : ''}`);
    }
    return use('inherit', '');
  }

  private classifyOption(callPath: NodePath, argIndex: number, obj: any, prop: string): Use | null {
    const call = callPath.node as any;
    const callee = unwrapExpression(call.callee);
    const calleeRef = resolveExpression(callee, callPath);
    if (calleeRef && refKey(calleeRef) === 'workerpool#worker') {
      return { effect: 'worker', description: 'on a worker thread', callPath };
    }
    if (!ROUTE_OPTION_HANDLERS.has(prop)) return null;
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return null;
    const method = memberPropertyName(callee);
    if (!method) return null;
    const optValue = (name: string) => {
      const p = obj.properties.find((x: any) => x.type === 'ObjectProperty' && propertyKeyName(x) === name);
      return p ? p.value : null;
    };
    let label: string | null = null;
    if (method === 'route') {
      const m = optValue('method');
      const verb = staticString(m) ?? (m?.type === 'ArrayExpression' ? m.elements.map(staticString).filter(Boolean).join('|') : null);
      const url = optValue('url') ?? optValue('path');
      label = `${(verb ?? 'route').toUpperCase()} ${url ? pathText(url) : ''}`.trim();
    } else if (HTTP_METHODS.has(method) && argIndex >= 1) {
      label = `${method.toUpperCase()} ${pathText(call.arguments[0])}`;
    }
    if (label === null) return null;
    const what = prop === 'handler' ? 'route handler' : `\`${prop}\` hook of the route`;
    return { effect: 'hot', description: `inside the ${what} \`${label}\``, callPath };
  }

  /** 'Express' | 'Fastify' | … when `receiver` is an app or router instance. */
  private appKind(receiver: Node, scope: NodePath): string | null {
    const ref = resolveExpression(receiver, scope);
    if (!ref) return null;
    if (ref.kind === 'call') return APP_FACTORIES.get(refKey(ref)) ?? null;
    if (ref.kind === 'binding' && ref.binding.kind === 'param') return paramFrameworkType(ref.binding);
    return null;
  }

  private isProcessQueue(receiver: Node, scope: NodePath): boolean {
    const ref = resolveExpression(receiver, scope);
    if (ref && ref.kind === 'call' && PROCESS_QUEUES.has(refKey(ref))) return true;
    const r = unwrapExpression(receiver) as any;
    const name = r.type === 'Identifier' ? r.name : r.type === 'MemberExpression' ? memberPropertyName(r) : null;
    return !!name && QUEUE_RECEIVER_NAME.test(name);
  }

  // ---------------------------------------------------------- conventions

  private convention(fnPath: NodePath): ExecutionContext | null {
    const fn = fnPath.node as any;
    if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod') {
      const nest = this.nestMethod(fnPath);
      if (nest) return nest;
    }
    for (const name of this.exportNamesOf(fnPath)) {
      if (this.next) {
        if (this.next.kind === 'route' && NEXT_ROUTE_METHODS.has(name)) {
          return { kind: 'hot', description: `inside the Next.js route handler \`${name} ${this.next.route}\`` };
        }
        if (this.next.kind === 'api' && name === 'default') {
          return { kind: 'hot', description: `inside the Next.js API route \`${this.next.route}\`` };
        }
        if (this.next.kind === 'page' && name === 'getServerSideProps') {
          return { kind: 'hot', description: 'inside `getServerSideProps`' };
        }
        if (this.next.kind === 'middleware' && (name === 'middleware' || name === 'default')) {
          return { kind: 'hot', description: 'inside the Next.js middleware' };
        }
      }
      if (name === 'handler') return { kind: 'hot', description: 'inside the Lambda handler `handler`' };
    }
    // `export default { fetch(request) {…} }` (Hono on Bun/Workers, Deno-style servers).
    if (fn.type === 'ObjectMethod' || fnPath.parent?.type === 'ObjectProperty') {
      const prop = fn.type === 'ObjectMethod' ? fnPath : fnPath.parentPath!;
      if (propertyKeyName(prop.node) === 'fetch' && prop.parentPath?.parentPath?.node.type === 'ExportDefaultDeclaration') {
        return { kind: 'hot', description: 'inside the exported `fetch` handler' };
      }
    }
    if (isPluginShaped(fn)) return { kind: 'startup', description: 'inside a Fastify plugin (runs at registration)' };
    if (isRequestHandlerShaped(fn)) return { kind: 'hot', description: `inside the request handler${nameSuffix(fnPath)}` };
    return null;
  }

  private nestMethod(methodPath: NodePath): ExecutionContext | null {
    const method = methodPath.node as any;
    const classPath = methodPath.parentPath?.parentPath;
    const cls = classPath?.node as any;
    if (!cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression')) return null;
    const methodName = propertyKeyName(method);
    const qualified = `${cls.id?.name ?? 'class'}.${methodName ?? 'method'}`;
    for (const dec of method.decorators ?? []) {
      const { key, args } = this.decoratorKey(dec, methodPath);
      const info = key ? NEST_METHOD_DECORATORS.get(key) : undefined;
      if (!info) continue;
      if (info.kind === 'route') {
        const prefix = this.controllerPrefix(cls, classPath!);
        const sub = staticString(args[0]) ?? '';
        const route = '/' + [prefix, sub].map(trimSlashes).filter(Boolean).join('/');
        return { kind: 'hot', description: `inside the route handler \`${info.label} ${route}\` (${qualified})` };
      }
      if (info.kind === 'job') return { kind: 'hot', description: `inside the ${info.label} job \`${qualified}\`` };
      return { kind: 'hot', description: `inside the ${info.label} \`${qualified}\`` };
    }
    for (const impl of cls.implements ?? []) {
      const name = impl.expression?.type === 'Identifier' ? impl.expression.name : null;
      if (name && NEST_INTERFACE_METHODS.get(name) === methodName) {
        return { kind: 'hot', description: `inside the ${name} method \`${qualified}\`` };
      }
    }
    for (const dec of cls.decorators ?? []) {
      const { key } = this.decoratorKey(dec, classPath!);
      const info = key ? NEST_CLASS_DECORATORS.get(key) : undefined;
      if (info && methodName && info.methods.includes(methodName)) {
        return { kind: 'hot', description: `inside the ${info.label} \`${qualified}\`` };
      }
    }
    return null;
  }

  private decoratorKey(dec: any, scope: NodePath): { key: string | null; args: any[] } {
    const expr = unwrapExpression(dec.expression);
    const target = isCall(expr) ? expr.callee : expr;
    const ref = resolveExpression(target, scope);
    return { key: ref && ref.kind === 'module' ? refKey(ref) : null, args: isCall(expr) ? expr.arguments : [] };
  }

  private controllerPrefix(cls: any, classPath: NodePath): string {
    for (const dec of cls.decorators ?? []) {
      const { key, args } = this.decoratorKey(dec, classPath);
      if (key !== '@nestjs/common#Controller') continue;
      const a = args[0];
      if (!a) return '';
      const s = staticString(a);
      if (s !== null) return s;
      if (a.type === 'ObjectExpression') {
        const p = a.properties.find((x: any) => x.type === 'ObjectProperty' && propertyKeyName(x) === 'path');
        return (p && staticString(p.value)) ?? '';
      }
    }
    return '';
  }

  /** Names under which the file exports this function ('default' for a default export). */
  private exportNamesOf(fnPath: NodePath): string[] {
    const names: string[] = [];
    let vp = fnPath;
    while (vp.parentPath && isTransparent(vp.parentPath.node)) vp = vp.parentPath;
    const parent = vp.parentPath;
    const fn = fnPath.node as any;
    if (parent) {
      const pn = parent.node as any;
      if (pn.type === 'ExportNamedDeclaration' && fn.id) names.push(fn.id.name);
      if (pn.type === 'ExportDefaultDeclaration') names.push('default');
      if (pn.type === 'VariableDeclarator' && pn.id.type === 'Identifier' && parent.parentPath?.parentPath?.node.type === 'ExportNamedDeclaration') {
        names.push(pn.id.name);
      }
      if (pn.type === 'AssignmentExpression' && vp.key === 'right') {
        const n = commonJsExportName(pn.left, parent);
        if (n) names.push(n);
      }
      if (pn.type === 'ObjectProperty' || fn.type === 'ObjectMethod') {
        const prop = fn.type === 'ObjectMethod' ? fnPath : parent;
        const obj = prop.parentPath;
        const assign = obj?.parentPath;
        const key = propertyKeyName(prop.node);
        if (key && assign && assign.node.type === 'AssignmentExpression' && obj!.key === 'right' && commonJsExportName((assign.node as any).left, assign) === 'default') {
          names.push(key);
        }
      }
    }
    const binding = bindingOfFunction(fnPath);
    if (binding) {
      for (const ref of this.referencesOf(binding)) {
        const n = exportNameAt(ref);
        if (n) names.push(n);
      }
    }
    return names;
  }

  // -------------------------------------------------------------- startup

  /** A named function not exported and called only from startup or script code. */
  private isStartupOnly(fnPath: NodePath): boolean {
    const binding = bindingOfFunction(fnPath);
    if (!binding) return false;
    if (this.exportNamesOf(fnPath).length > 0) return false;
    const refs = this.referencesOf(binding);
    if (refs.length === 0) return false;
    for (const ref of refs) {
      let vp = ref;
      while (vp.parentPath && isTransparent(vp.parentPath.node)) vp = vp.parentPath;
      const parent = vp.parentPath;
      if (!parent || !isCall(parent.node) || vp.key !== 'callee') return false;
      const ctx = this.contextOf(parent);
      if (ctx.kind !== 'startup' && ctx.kind !== 'script') return false;
    }
    return true;
  }

  // ----------------------------------------------------------- references

  /** Identifier references to `binding` in this file, in source order. */
  referencesOf(binding: Binding): NodePath[] {
    if (!this.refIndex) this.refIndex = buildReferenceIndex(this.programPath);
    const candidates = this.refIndex.get(binding.name) ?? [];
    return candidates.filter((p) => p.node !== binding.id && lookup(p, binding.name) === binding);
  }

  // --------------------------------------------------------------- worker

  /** A module that runs on a worker thread: it uses `parentPort`/`workerData` and never checks `isMainThread`. */
  private isWorkerFile(): boolean {
    if (this.workerFile !== null) return this.workerFile;
    let usesPort = false;
    let checksMain = false;
    for (const stmt of (this.programPath.node as any).body) {
      const names = workerThreadsNames(stmt);
      if (names.has('parentPort') || names.has('workerData')) usesPort = true;
      if (names.has('isMainThread')) checksMain = true;
      if (stmt.type === 'ExpressionStatement') {
        const e = unwrapExpression(stmt.expression);
        if (isCall(e)) {
          const ref = resolveExpression(e.callee, this.programPath);
          if (ref && ref.kind === 'module' && (refKey(ref) === 'workerpool#worker' || refKey(ref) === 'threads/worker#expose')) usesPort = true;
        }
      }
    }
    this.workerFile = usesPort && !checksMain;
    return this.workerFile;
  }
}

// ------------------------------------------------------------------ helpers

function isTransparent(node: Node): boolean {
  switch (node.type) {
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'ParenthesizedExpression':
      return true;
    default:
      return false;
  }
}

/** The binding a function is declared as: `function f`, `const f = () => …`. */
export function bindingOfFunction(fnPath: NodePath): Binding | null {
  const fn = fnPath.node as any;
  if (fn.type === 'FunctionDeclaration' && fn.id && fnPath.parentPath) {
    const b = lookup(fnPath.parentPath, fn.id.name);
    return b && b.declNode === fn ? b : null;
  }
  let vp = fnPath;
  while (vp.parentPath && isTransparent(vp.parentPath.node)) vp = vp.parentPath;
  const parent = vp.parentPath;
  if (parent && parent.node.type === 'VariableDeclarator' && vp.key === 'init') {
    const id = (parent.node as any).id;
    if (id.type !== 'Identifier') return null;
    const b = lookup(parent, id.name);
    return b && b.declNode === parent.node ? b : null;
  }
  return null;
}

/** A readable name: "async function `saveAvatar`", "method `UserService.save`", "an arrow function". */
export function describeFunction(fnPath: NodePath): string {
  const fn = fnPath.node as any;
  const name = functionName(fnPath);
  const asyncWord = fn.async ? 'async ' : '';
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod' || fn.type === 'ObjectMethod') {
    return name ? `${asyncWord}method \`${name}\`` : `an ${asyncWord}method`;
  }
  if (name) return `${asyncWord}function \`${name}\``;
  if (fn.type === 'ArrowFunctionExpression') return fn.async ? 'an async arrow function' : 'an arrow function';
  return fn.async ? 'an async function' : 'a function';
}

export function functionName(fnPath: NodePath): string | null {
  const fn = fnPath.node as any;
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod') {
    const cls = fnPath.parentPath?.parentPath?.node as any;
    const key = fn.key.type === 'PrivateName' ? `#${fn.key.id.name}` : propertyKeyName(fn);
    if (fn.kind === 'constructor') return cls?.id ? `${cls.id.name} constructor` : 'constructor';
    return cls?.id ? `${cls.id.name}.${key ?? '[computed]'}` : key;
  }
  if (fn.type === 'ObjectMethod') return propertyKeyName(fn);
  if (fn.id) return fn.id.name;
  let vp = fnPath;
  while (vp.parentPath && isTransparent(vp.parentPath.node)) vp = vp.parentPath;
  const parent = vp.parentPath?.node as any;
  if (!parent) return null;
  if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent.type === 'ObjectProperty' || parent.type === 'ClassProperty') return propertyKeyName(parent);
  if (parent.type === 'AssignmentExpression' && (parent.left.type === 'MemberExpression' || parent.left.type === 'Identifier')) {
    return parent.left.type === 'Identifier' ? parent.left.name : memberPropertyName(parent.left);
  }
  return null;
}

/** The function's own name, without its class: `startApp` for `ParseServer.startApp`. */
function bareName(fnPath: NodePath): string | null {
  const fn = fnPath.node as any;
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod' || fn.type === 'ObjectMethod') {
    return fn.kind === 'constructor' ? null : propertyKeyName(fn);
  }
  return functionName(fnPath);
}

/** `{ name: 'my-plugin', resolveId(id) {…} }`: the hook name when the function is a bundler plugin hook. */
function bundlerHook(fnPath: NodePath): string | null {
  const fn = fnPath.node as any;
  const prop = fn.type === 'ObjectMethod' ? fnPath : fnPath.parent?.type === 'ObjectProperty' && fnPath.key === 'value' ? fnPath.parentPath : null;
  if (!prop) return null;
  const key = propertyKeyName(prop.node);
  if (!key || !BUNDLER_HOOKS.has(key)) return null;
  const obj = prop.parentPath?.node as any;
  if (obj?.type !== 'ObjectExpression') return null;
  const hasName = obj.properties.some((p: any) => p.type === 'ObjectProperty' && propertyKeyName(p) === 'name');
  return hasName ? key : null;
}

/** Does the function's own body call `process.exit(…)`? Request handlers do not; CLI commands do. */
function exitsProcess(fnPath: NodePath): boolean {
  let found = false;
  walkPaths(fnPath, (p) => {
    if (found) return false;
    if (p !== fnPath && isFunctionNode(p.node)) return false;
    const n = p.node as any;
    // process.exit(), or process.chdir(): a server never changes its working directory while serving.
    const c = isCall(n) ? n.callee : null;
    if (c?.type === 'MemberExpression' && !c.computed && SCRIPT_PROCESS_CALLS.has(c.property.name) && c.object.type === 'Identifier' && c.object.name === 'process') {
      found = lookup(p, 'process') === null;
    }
    return undefined;
  });
  return found;
}

const VOWELS: ReadonlySet<string> = new Set(['a', 'e', 'i', 'o', 'u']);

function article(word: string): string {
  return VOWELS.has(word.charAt(0).toLowerCase()) ? 'an' : 'a';
}

/** `'/users/'` → `'users'`: a route segment without its leading and trailing slashes. */
function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '/') start++;
  while (end > start && s[end - 1] === '/') end--;
  return s.slice(start, end);
}

/** Short source-like text of a call's callee: `startProxyServer`, `queue.add`. */
function calleeText(call: any): string {
  const parts: string[] = [];
  let c = unwrapExpression(call.callee);
  for (let i = 0; i < 8 && c; i++) {
    if (c.type === 'Identifier') {
      parts.unshift(c.name);
      break;
    }
    if (c.type === 'ThisExpression') {
      parts.unshift('this');
      break;
    }
    if (c.type !== 'MemberExpression' && c.type !== 'OptionalMemberExpression') {
      parts.unshift('…');
      break;
    }
    parts.unshift(memberPropertyName(c) ?? '[…]');
    c = unwrapExpression(c.object);
  }
  return parts.join('.');
}

function nameSuffix(fnPath: NodePath): string {
  const name = functionName(fnPath);
  return name ? ` \`${name}\`` : '';
}

function paramName(p: any): string | null {
  if (!p) return null;
  if (p.type === 'Identifier') return p.name;
  if (p.type === 'AssignmentPattern') return paramName(p.left);
  if (p.type === 'TSParameterProperty') return paramName(p.parameter);
  return null;
}

function paramTypeName(p: any): string | null {
  const ann = p?.typeAnnotation?.typeAnnotation;
  if (!ann || ann.type !== 'TSTypeReference') return null;
  const t = ann.typeName;
  return t.type === 'Identifier' ? t.name : t.type === 'TSQualifiedName' ? t.right.name : null;
}

/** (req, res), (req, res, next), (err, req, res, next), or a first parameter typed as a request. */
function isRequestHandlerShaped(fn: any): boolean {
  const ps = fn.params ?? [];
  const offset = ps.length === 4 && ERROR_PARAM_NAMES.has(paramName(ps[0]) ?? '') ? 1 : 0;
  const a = paramName(ps[offset]);
  const b = paramName(ps[offset + 1]);
  if (a && b && REQUEST_PARAM_NAMES.has(a) && RESPONSE_PARAM_NAMES.has(b)) return true;
  const t = paramTypeName(ps[0]);
  return !!t && REQUEST_TYPE_NAMES.has(t);
}

function looksLikeMiddleware(fn: any): boolean {
  if (!fn || !isFunctionNode(fn)) return false;
  if (isRequestHandlerShaped(fn)) return true;
  const ps = fn.params ?? [];
  const names = ps.map(paramName);
  return ps.length === 2 && CONTEXT_PARAM_NAMES.has(names[0] ?? '') && names[1] === 'next';
}

function isPluginShaped(fn: any): boolean {
  if (!fn || !isFunctionNode(fn)) return false;
  const first = fn.params?.[0];
  const name = paramName(first);
  const type = paramTypeName(first);
  return (!!name && PLUGIN_PARAM_NAMES.has(name)) || (!!type && PLUGIN_TYPE_NAMES.has(type));
}

function paramFrameworkType(binding: Binding): string | null {
  const t = paramTypeName(binding.id.type === 'Identifier' ? binding.id : null);
  return t ? (APP_TYPE_NAMES.get(t) ?? null) : null;
}

function isPathLike(node: any): boolean {
  if (!node) return false;
  if (node.type === 'RegExpLiteral') return true;
  if (node.type === 'ArrayExpression') return node.elements.length > 0 && node.elements.every(isPathLike);
  const s = staticString(node) ?? (node.type === 'TemplateLiteral' ? node.quasis[0].value.cooked : null);
  return s !== null && ROUTE_PATH_STARTS.has(s.charAt(0));
}

function pathText(node: any): string {
  if (!node) return '';
  const s = staticString(node);
  if (s !== null) return s;
  if (node.type === 'RegExpLiteral') return `/${node.pattern}/`;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q: any) => q.value.cooked).join('${…}');
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression') {
    const obj = pathText(node.object);
    const prop = memberPropertyName(node);
    return obj && prop ? `${obj}.${prop}` : '…';
  }
  return '…';
}

/** `router.route('/books').get(handler)`: the route path, or null when not such a chain. */
function routeChainPath(receiver: any): string | null {
  let r = unwrapExpression(receiver);
  for (let i = 0; i < 16 && r && isCall(r); i++) {
    const c = unwrapExpression(r.callee);
    if (c.type !== 'MemberExpression' && c.type !== 'OptionalMemberExpression') return null;
    const m = memberPropertyName(c);
    if (m === 'route' && isPathLike(r.arguments[0])) return pathText(r.arguments[0]);
    if (!m || !HTTP_METHODS.has(m)) return null;
    r = unwrapExpression(c.object);
  }
  return null;
}

/** When the reference at `ref` exports the value: `export { x as y }`, `module.exports = { y: x }`… */
function exportNameAt(ref: NodePath): string | null {
  const parent = ref.parentPath;
  if (!parent) return null;
  const pn = parent.node as any;
  if (pn.type === 'ExportSpecifier' && ref.key === 'local') {
    return pn.exported.type === 'Identifier' ? pn.exported.name : pn.exported.value;
  }
  if (pn.type === 'ExportDefaultDeclaration') return 'default';
  if (pn.type === 'AssignmentExpression' && ref.key === 'right') return commonJsExportName(pn.left, parent);
  if (pn.type === 'ObjectProperty' && ref.key === 'value') {
    const obj = parent.parentPath;
    const assign = obj?.parentPath;
    const key = propertyKeyName(pn);
    if (key && assign?.node.type === 'AssignmentExpression' && obj!.key === 'right') {
      return commonJsExportName((assign.node as any).left, assign) === 'default' ? key : null;
    }
    if (key && assign?.node.type === 'ExportDefaultDeclaration') return key;
  }
  return null;
}

/** Names a top-level statement takes from `worker_threads` (import or require). */
function workerThreadsNames(stmt: any): Set<string> {
  const names = new Set<string>();
  if (stmt.type === 'ImportDeclaration' && normalizeModule(stmt.source.value) === 'worker_threads') {
    for (const s of stmt.specifiers) if (s.type === 'ImportSpecifier') names.add(s.imported.name ?? s.imported.value);
  }
  if (stmt.type === 'VariableDeclaration') {
    for (const d of stmt.declarations) {
      const init = d.init && unwrapExpression(d.init);
      const isReq =
        init && isCall(init) && init.callee.type === 'Identifier' && init.callee.name === 'require' && normalizeModule(staticString(init.arguments[0]) ?? '') === 'worker_threads';
      if (isReq && d.id.type === 'ObjectPattern') {
        for (const p of d.id.properties) {
          const k = p.type === 'ObjectProperty' ? propertyKeyName(p) : null;
          if (k) names.add(k);
        }
      }
    }
  }
  return names;
}

/** `if (isMainThread) {…} else {…}`: is `childKey` the branch that runs on a worker? */
function workerBranch(ifPath: NodePath, childKey: string | null): boolean {
  if (childKey !== 'consequent' && childKey !== 'alternate') return false;
  let test = unwrapExpression((ifPath.node as any).test);
  let negated = false;
  while (test.type === 'UnaryExpression' && test.operator === '!') {
    negated = !negated;
    test = unwrapExpression(test.argument);
  }
  const ref: Ref | null = resolveExpression(test, ifPath);
  if (!ref || ref.kind !== 'module' || refKey(ref) !== 'worker_threads#isMainThread') return false;
  return negated ? childKey === 'consequent' : childKey === 'alternate';
}

function insideWorkerBranch(path: NodePath): boolean {
  let child = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    if (p.node.type === 'IfStatement' && workerBranch(p, child.key)) return true;
  }
  return false;
}

function buildReferenceIndex(programPath: NodePath): Map<string, NodePath[]> {
  const index = new Map<string, NodePath[]>();
  walkPaths(programPath, (p) => {
    if (p.node.type === 'Identifier' && isReferenceIdentifier(p)) {
      const name = (p.node as any).name as string;
      let arr = index.get(name);
      if (!arr) index.set(name, (arr = []));
      arr.push(p);
    }
  });
  return index;
}

// ------------------------------------------------------------------ Next.js

interface NextFileKind {
  kind: 'route' | 'api' | 'page' | 'middleware';
  route: string;
}

/** Next.js file conventions, from the package-relative path. */
function nextFileKind(packagePath: string): NextFileKind | null {
  const m = NEXT_ROUTER_FILE.exec(packagePath);
  if (!m) {
    return NEXT_MIDDLEWARE_FILE.test(packagePath) ? { kind: 'middleware', route: '' } : null;
  }
  const [, root, rest] = m;
  const segs = rest!.split('/');
  const file = segs.pop()!;
  const routeSegs = segs.filter((s) => !NEXT_ROUTE_GROUP.test(s) && !s.startsWith('@'));
  if (root === 'app') {
    if (!NEXT_ROUTE_HANDLER_FILE.test(file)) return null;
    return { kind: 'route', route: '/' + routeSegs.join('/') };
  }
  const stem = file.replace(NEXT_PAGE_EXTENSION, '');
  const route = '/' + [...routeSegs, stem === 'index' ? '' : stem].filter(Boolean).join('/');
  if (segs[0] === 'api') return { kind: 'api', route };
  return { kind: 'page', route };
}
