// Promises a file starts: which calls return one (a promise API of Node or a package), which functions are handed to
// code that drops the promise they return (an EventEmitter listener), and which route handlers a framework version
// leaves unhandled (Express 4). What `dangling-task` judges; the project's own async functions come from summaries.
import type { Node } from '../syntax/ast.js';
import type { NodePath } from '../syntax/walk.js';
import { EVENT_METHODS, HTTP_METHODS, REJECTION_EVENTS } from '../knowledge/frameworks.js';
import { moduleIn } from '../knowledge/modules.js';
import { PROMISE_GLOBALS, PROMISE_MODULES, PROMISE_NAMESPACES } from '../knowledge/promises.js';
import type { Ref } from './resolve.js';
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

/** The async function given inline to `emitter.on('event', async () => …)` (or `once`, `addListener`…), with the event, or null. */
export function asyncListener(path: NodePath<CallNode>): { fn: NodePath; event: string } | null {
  const call = path.node;
  const method = methodOf(call);
  const arg = call.arguments[1];
  if (!method || !EVENT_METHODS.has(method) || !asyncFunctionArg(arg)) return null;
  const name = call.arguments[0];
  return { fn: path.child(arg, 'arguments', 1), event: name?.type === 'StringLiteral' ? name.value : 'the event' };
}

/**
 * The async functions given inline to `app.get('/x', async (req, res) => …)`, `router.post(…)` or `app.use(async (req,
 * res, next) => …)`: request handlers and middleware (two parameters at least), with what they are.
 */
export function asyncRouteHandlers(path: NodePath<CallNode>): { fn: NodePath; kind: 'route handler' | 'middleware' }[] {
  const method = methodOf(path.node);
  if (!method || (!HTTP_METHODS.has(method) && method !== 'use')) return [];
  const kind = method === 'use' ? ('middleware' as const) : ('route handler' as const);
  return path.node.arguments.flatMap((arg, i) => (asyncFunctionArg(arg) && arg.params.length >= 2 ? [{ fn: path.child(arg, 'arguments', i), kind }] : []));
}

/** `process.on('unhandledRejection', handler)` (or `once`, `addListener`): the process handles every dropped promise's failure. */
export function handlesRejections(path: NodePath<CallNode>, resolve: (path: NodePath<CallNode>) => Ref | null): boolean {
  // The event name first: it rules out nearly every call before the callee is resolved.
  const event = path.node.arguments[0];
  if (event?.type !== 'StringLiteral' || !REJECTION_EVENTS.has(event.value) || path.node.arguments.length < 2) return false;
  const target = resolve(path);
  return !!target && target.kind === 'global' && target.path[0] === 'process' && target.path.length === 2 && EVENT_METHODS.has(target.path[1]!);
}
