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
//
// The conventions of each framework live in their own module (express.ts,
// fastify.ts, nestjs.ts, nextjs.ts, lambda.ts, queues.ts, workers.ts…) as small
// named signals; this file lists them in the order they are asked. The first
// signal that answers decides. To support a framework, add a module and put its
// signals in the lists below.
import type { Node } from '../../syntax/ast.js';
import { STARTUP_DIRS } from '../../knowledge/script-files.js';
import { isFunctionNode, walkPaths, type NodePath } from '../../syntax/walk.js';
import { isReferenceIdentifier } from '../dataflow.js';
import { lookup, type Binding } from '../scope.js';
import { arrayFromCallback, eventListener, promiseCallback, promiseExecutor, synchronousCallback, timerCallback } from './callbacks.js';
import { isWrappedRequestHandler, middleware, requestHandler, routeHandler } from './express.js';
import { exportNamesOf } from './exports.js';
import { graphqlResolver } from './graphql.js';
import { fastifyHook, fastifyPlugin, pluginRegistration, routeOption } from './fastify.js';
import { exportedFetch, listenCallback, serverRequestHandler } from './http.js';
import { lambdaHandler } from './lambda.js';
import { calleeText, describeFunction } from './names.js';
import { nestHandler } from './nestjs.js';
import { inNextRouter, nextExport, nextFileKind, staticSegment } from './nextjs.js';
import { jobDefinition, queueProcessor, queueWorkerProcessor } from './queues.js';
import { bundlerHook, processExit, scriptContext, scriptFile } from './scripts.js';
import { iife, startupDir, startupName, startupOnly } from './startup.js';
import type { CallNode, ExecutionContext, ExportSignal, FileFacts, FrameSignal, Frames, FunctionNode, NextFileKind } from './types.js';
import { contextOfUse, useOf, type CallSignals } from './uses.js';
import { isWorkerModule, onWorkerThread, workerBranch, workerpoolOption, workerpoolWorker, workerThread } from './workers.js';

export type { ContextKind, ExecutionContext, FileFacts, Serves } from './types.js';
export { bindingOfFunction, describeFunction, functionName } from './names.js';
export { edgeRuntime } from './nextjs.js';

/** What it means to be handed to other code: as an argument, or as an option. */
const CALL_SIGNALS: CallSignals = {
  arguments: [
    timerCallback, // setTimeout(fn), setInterval(fn)
    serverRequestHandler, // http.createServer(fn)
    arrayFromCallback, // Array.from(xs, fn)
    workerpoolWorker, // workerpool.worker(fn)
    queueWorkerProcessor, // new Worker('queue', fn)
    promiseExecutor, // new Promise(fn)
    promiseCallback, // p.then(fn)
    eventListener, // emitter.on('event', fn)
    synchronousCallback, // xs.map(fn)
    listenCallback, // server.listen(port, fn)
    pluginRegistration, // fastify.register(fn)
    fastifyHook, // fastify.addHook('onRequest', fn)
    routeHandler, // app.get('/x', fn)
    middleware, // app.use(fn)
    queueProcessor, // queue.process('name', fn)
    jobDefinition, // agenda.define('name', fn)
  ],
  options: [
    workerpoolOption, // workerpool.worker({ fn })
    routeOption, // fastify.route({ url, handler })
  ],
};

/** Asked about each name a function is exported under, name by name. */
const EXPORT_SIGNALS: readonly ExportSignal[] = [nextExport, lambdaHandler];

/** Passed to other code: what that code does with it. */
const handedToOtherCode: FrameSignal = (fnPath, frames) => {
  const use = useOf(fnPath, frames, CALL_SIGNALS);
  if (!use) return null;
  // No convention knows the call: a request handler by its shape still is one (the wrapper keeps it for later).
  if (use.effect === 'inherit' && isWrappedRequestHandler(fnPath.node as FunctionNode)) {
    return { kind: 'hot', description: `inside the request handler passed to \`${calleeText(use.callPath.node as CallNode)}\``, serves: 'request' };
  }
  return contextOfUse(use, fnPath, frames);
};

/** Exported under a name a framework calls: `export async function GET`, `exports.handler`. */
const exportedHandler: FrameSignal = (fnPath, frames) => {
  for (const name of frames.exportNamesOf(fnPath)) {
    for (const signal of EXPORT_SIGNALS) {
      const found = signal(name, frames);
      if (found) return found;
    }
  }
  return null;
};

/** Nothing else says where it runs, but it is async: hot, weakly (the project phase may find it startup-only). */
const asyncFunction: FrameSignal = (fnPath) => {
  const fn = fnPath.node as FunctionNode;
  return fn.async ? { kind: 'hot', description: `inside ${describeFunction(fnPath)}`, weakFrame: `${fn.loc!.start.line}:${fn.loc!.start.column + 1}` } : null;
};

/** Where a function's body runs: the first signal that answers decides; else it is a helper. */
const FRAME_SIGNALS: readonly FrameSignal[] = [
  scriptFile, // the whole file is a script
  workerThread, // a worker file, or the worker branch of `if (isMainThread)`
  handedToOtherCode, // CALL_SIGNALS
  nestHandler, // @Get(), @Cron(), implements NestMiddleware…
  exportedHandler, // EXPORT_SIGNALS: Next.js, Lambda
  exportedFetch, // export default { fetch() {…} }
  graphqlResolver, // { Query: { users() {…} } }
  fastifyPlugin, // async function (fastify, opts)
  requestHandler, // (req, res) => …
  bundlerHook, // { name, resolveId() {…} }
  processExit, // calls process.exit()
  iife, // (() => …)()
  startupOnly, // called only from startup code
  startupName, // main(), bootstrap()…
  startupDir, // in loaders/, bootstrap/, startup/
  asyncFunction, // async: hot, weakly
];

const TOP_LEVEL: ExecutionContext = { kind: 'startup', description: 'at module top level (startup)' };

export class ContextAnalyzer implements Frames {
  private readonly memo = new WeakMap<Node, ExecutionContext>();
  private readonly pending = new Set<Node>();
  private refIndex: Map<string, NodePath[]> | null = null;
  private workerFile: boolean | null = null;
  private staticSegment: 'build' | 'regenerated' | null | undefined = undefined;
  readonly next: NextFileKind | null;
  readonly startupDir: string | null;

  constructor(
    readonly facts: FileFacts,
    private readonly programPath: NodePath,
  ) {
    const next = nextFileKind(facts.packagePath);
    const schedule = next ? facts.schedules?.[next.route] : undefined;
    this.next = next && schedule ? { ...next, schedule } : next;
    this.startupDir =
      facts.packagePath
        .split('/')
        .slice(0, -1)
        .find((d) => STARTUP_DIRS.has(d)) ?? null;
  }

  /** Where `path` runs. */
  contextOf(path: NodePath): ExecutionContext {
    const script = scriptContext(this.facts);
    if (script) return script;
    if (this.isWorkerFile()) return onWorkerThread();
    let child: NodePath = path;
    for (let p = path.parentPath; p; child = p, p = p.parentPath) {
      const node = p.node;
      if (isFunctionNode(node) && child.key !== 'decorators' && child.key !== 'key') return this.frameContext(p);
      if (node.type === 'IfStatement' && workerBranch(p, child.key)) return onWorkerThread();
      if ((node.type === 'ClassProperty' || node.type === 'ClassPrivateProperty') && child.key === 'value' && !node.static) {
        return { kind: 'helper', description: 'in a class field initialiser' };
      }
    }
    return TOP_LEVEL;
  }

  /** Where module top-level code runs: startup, or script/worker for such files. */
  moduleContext(): ExecutionContext {
    const script = scriptContext(this.facts);
    if (script) return script;
    if (this.isWorkerFile()) return onWorkerThread();
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
    // A statically rendered Next.js segment runs at build time, or regenerates in the background: no request waits on it.
    const rendered = result.kind === 'hot' ? this.staticRendering() : null;
    if (rendered === 'build') result = { kind: 'script', description: `${result.description}, in a statically rendered Next.js segment (build time)` };
    else if (rendered === 'regenerated') result = { ...result, serves: 'background' };
    this.memo.set(fn, result);
    return result;
  }

  private staticRendering(): 'build' | 'regenerated' | null {
    if (this.staticSegment === undefined) this.staticSegment = inNextRouter(this.facts.packagePath) ? staticSegment(this.programPath.node) : null;
    return this.staticSegment;
  }

  private classify(fnPath: NodePath): ExecutionContext {
    for (const signal of FRAME_SIGNALS) {
      const found = signal(fnPath, this);
      if (found) return found;
    }
    return { kind: 'helper', description: `inside ${describeFunction(fnPath)}` };
  }

  /** Names under which the file exports this function ('default' for a default export). */
  exportNamesOf(fnPath: NodePath): string[] {
    return exportNamesOf(fnPath, (binding) => this.referencesOf(binding));
  }

  /** Identifier references to `binding` in this file, in source order. */
  referencesOf(binding: Binding): NodePath[] {
    if (!this.refIndex) this.refIndex = buildReferenceIndex(this.programPath);
    const candidates = this.refIndex.get(binding.name) ?? [];
    return candidates.filter((p) => p.node !== binding.id && lookup(p, binding.name) === binding);
  }

  /** A module that runs on a worker thread: it uses `parentPort`/`workerData` and never checks `isMainThread`. */
  isWorkerFile(): boolean {
    return (this.workerFile ??= isWorkerModule(this.programPath));
  }
}

function buildReferenceIndex(programPath: NodePath): Map<string, NodePath[]> {
  const index = new Map<string, NodePath[]>();
  walkPaths(programPath, (p) => {
    if (p.node.type === 'Identifier' && isReferenceIdentifier(p)) {
      const name = p.node.name;
      let arr = index.get(name);
      if (!arr) index.set(name, (arr = []));
      arr.push(p);
    }
  });
  return index;
}
