// Promises a file starts: which calls return one (a promise API of Node or a package), which functions are handed to
// code that drops the promise they return (an EventEmitter listener), and which route handlers a framework version
// leaves unhandled (Express 4). What `dangling-task` judges; the project's own async functions come from summaries.
import type { Node } from '../syntax/ast.js';
import { isFunctionNode, someNode, walkPaths, type NodePath } from '../syntax/walk.js';
import { EVENT_METHODS, HTTP_METHODS, REJECTION_EVENTS } from '../knowledge/frameworks.js';
import { moduleIn } from '../knowledge/modules.js';
import { PROMISE_GLOBALS, PROMISE_MODULES, PROMISE_NAMESPACES, SETTLING_CALLS } from '../knowledge/promises.js';
import { resolveExpression, unwrapExpression, type Ref } from './resolve.js';
import type { CallNode } from './collections/fan-out.js';

type FunctionArg = Extract<Node, { type: 'ArrowFunctionExpression' | 'FunctionExpression' }>;

/** A promise-returning function of Node or a package: `fetch`, `fs.promises.writeFile`, `fsp.readFile`, `axios.post`, `got(url)`. */
export function isPromiseApi(ref: Ref | null): boolean {
  if (!ref) return false;
  if (ref.kind === 'global') return ref.path.length === 1 && PROMISE_GLOBALS.has(ref.path[0]!);
  if (ref.kind !== 'module') return false;
  const module = ref.module.startsWith('node:') ? ref.module.slice('node:'.length) : ref.module;
  if (moduleIn(PROMISE_MODULES, module)) return true;
  return PROMISE_NAMESPACES.get(module) === ref.path[0] && ref.path.length === 2;
}

/** `receiver.method(…)` with a static method name: the name, else null. */
function methodOf(call: CallNode): string | null {
  const callee = call.callee;
  if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed) return null;
  return callee.property.type === 'Identifier' ? callee.property.name : null;
}

function asyncFunctionArg(arg: Node | undefined): arg is FunctionArg {
  return !!arg && (arg.type === 'ArrowFunctionExpression' || arg.type === 'FunctionExpression') && !!arg.async;
}

/** The async function given inline to `emitter.on('event', async () => …)` (or `once`, `addListener`…), its body and the event, or null. */
export function asyncListener(path: NodePath<CallNode>): { fn: NodePath; body: NodePath; event: string } | null {
  const call = path.node;
  const method = methodOf(call);
  const arg = call.arguments[1];
  if (!method || !EVENT_METHODS.has(method) || !asyncFunctionArg(arg)) return null;
  const name = call.arguments[0];
  const fn = path.child(arg, 'arguments', 1);
  return { fn, body: fn.child(arg.body, 'body'), event: name?.type === 'StringLiteral' ? name.value : 'the event' };
}

/**
 * The async functions given inline to `app.get('/x', async (req, res) => …)`, `router.post(…)` or `app.use(async (req,
 * res, next) => …)`: request handlers and middleware (two parameters at least), with their bodies and what they are.
 */
export function asyncRouteHandlers(path: NodePath<CallNode>): { fn: NodePath; body: NodePath; kind: 'route handler' | 'middleware' }[] {
  const method = methodOf(path.node);
  if (!method || (!HTTP_METHODS.has(method) && method !== 'use')) return [];
  const kind = method === 'use' ? ('middleware' as const) : ('route handler' as const);
  return path.node.arguments.flatMap((arg, i) => {
    if (!asyncFunctionArg(arg) || arg.params.length < 2) return [];
    const fn = path.child(arg, 'arguments', i);
    return [{ fn, body: fn.child(arg.body, 'body'), kind }];
  });
}

/** `process.on('unhandledRejection', handler)` (or `once`, `addListener`): the process handles every dropped promise's failure. */
export function handlesRejections(path: NodePath<CallNode>, resolve: (path: NodePath<CallNode>) => Ref | null): boolean {
  // The event name first: it rules out nearly every call before the callee is resolved.
  const event = path.node.arguments[0];
  if (event?.type !== 'StringLiteral' || !REJECTION_EVENTS.has(event.value) || path.node.arguments.length < 2) return false;
  const target = resolve(path);
  return !!target && target.kind === 'global' && target.path[0] === 'process' && target.path.length === 2 && EVENT_METHODS.has(target.path[1]!);
}

/** Is this place inside the block of a `try` with a `catch`, within the function `fnPath`? */
function caughtWithin(p: NodePath, fnPath: NodePath): boolean {
  for (let q: NodePath = p; q !== fnPath && q.parentPath; q = q.parentPath) {
    const parent = q.parentPath.node as any;
    if (parent.type === 'TryStatement' && parent.handler && q.key === 'block') return true;
  }
  return false;
}

/**
 * Can the promise an expression gives reject? Not when it ends in a handler (`p.catch(log)`, `p.then(ok, fail)`, the
 * handler not rethrowing), when it is built by an executor that never rejects (`new Promise((resolve) =>
 * setTimeout(resolve, ms))`), when it is a timer of `timers/promises` or `Promise.allSettled` (`SETTLING_CALLS`), or
 * when it is no promise at all (a literal). Anything else may.
 */
export function mayReject(path: NodePath): boolean {
  const n = unwrapExpression(path.node as any);
  if (!n) return false;
  if (n.type.endsWith('Literal') || n.type === 'TemplateLiteral' || n.type === 'ObjectExpression' || n.type === 'ArrayExpression') return false;
  if (n.type === 'NewExpression') {
    const executor = n.arguments[0];
    return !(n.callee.type === 'Identifier' && n.callee.name === 'Promise' && isFunctionNode(executor) && (executor as any).params.length < 2);
  }
  if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return true;
  const callee = unwrapExpression(n.callee);
  const method =
    (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed && callee.property.type === 'Identifier'
      ? callee.property.name
      : null;
  const handler = method === 'catch' ? n.arguments[0] : method === 'then' ? n.arguments[1] : undefined;
  if (handler) return isFunctionNode(handler) && rethrows(handler);
  const ref = resolveExpression(callee, path);
  if (!ref || (ref.kind !== 'module' && ref.kind !== 'global')) return true;
  const module = ref.kind === 'global' ? 'global' : ref.module.startsWith('node:') ? ref.module.slice('node:'.length) : ref.module;
  return !SETTLING_CALLS.get(module)?.includes(ref.path.join('.'));
}

/** A `.catch` handler that throws again (`(err) => { log(err); throw err; }`): the chain still rejects. */
function rethrows(fn: Node): boolean {
  return someNode(
    fn,
    (n) => n.type === 'ThrowStatement',
    5_000,
    (n) => !isFunctionNode(n),
  );
}

/**
 * The places (in source order) a function's promise can reject from: its own awaits that no `try … catch` inside the
 * function covers and whose promise may reject (`mayReject`), and with `returns`, the promises an async function returns
 * outside one (`return fetch(url)`, `async () => save(x)`): the caller decides what a returned value is, so only the
 * function's own promise asks for them. Empty when every such place is caught, cannot reject, or there is none.
 */
export function rejectionPoints(fnPath: NodePath, returns = false): NodePath[] {
  const fn = fnPath.node as any;
  const found: NodePath[] = [];
  const returned = returns && fn.async;
  walkPaths(fnPath, (p) => {
    if (p !== fnPath && isFunctionNode(p.node as Node)) return false;
    const n = p.node as any;
    const value = n.type === 'AwaitExpression' ? n.argument : returned && n.type === 'ReturnStatement' && startsPromise(n.argument) ? n.argument : null;
    if (value && !caughtWithin(p, fnPath) && mayReject(p.child(value, 'argument'))) found.push(p);
    return undefined;
  });
  if (returned && startsPromise(fn.body) && mayReject(fnPath.child(fn.body, 'body'))) found.push(fnPath.child(fn.body, 'body'));
  return found.sort((a, b) => (a.node as any).start - (b.node as any).start);
}

/** A returned expression that may be a promise of its own: a call or a `new` (not a value computed before). */
function startsPromise(n: Node | null | undefined): boolean {
  const e = n ? (unwrapExpression(n as any) as any) : null;
  return !!e && (e.type === 'CallExpression' || e.type === 'OptionalCallExpression' || e.type === 'NewExpression');
}

/** Does a function wait on anything: an await, or (async) a returned promise (`return fetch(url)`, `async () => save(x)`)? */
export function waitsOnSomething(fnPath: NodePath): boolean {
  const fn = fnPath.node as any;
  if (fn.body?.type !== 'BlockStatement') return startsPromise(fn.body) || fn.body?.type === 'AwaitExpression';
  return someNode(
    fn.body,
    (n: any) => n.type === 'AwaitExpression' || (n.type === 'ReturnStatement' && startsPromise(n.argument)),
    10_000,
    (n) => !isFunctionNode(n),
  );
}
