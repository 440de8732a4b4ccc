// The shape of a fan-out: which collection an aggregate's promises come from and
// the code run per item (`Promise.all(ids.map(cb))`, a spread, a variable, or
// `jobs.push(call())` in a loop), and the dropped forms (`coll.forEach(async …)`).
import { isLoop } from '../dataflow.js';
import { rejectionPoints } from '../promises.js';
import { lookup, type Binding } from '../scope.js';
import { isFunctionNode, walkPaths, type Node, type NodePath } from '../../syntax/walk.js';
import { describe, isMember, memberName } from './names.js';
import { WHITESPACE_RUN } from '../../knowledge/collections.js';

/** A call, plain or optional: what the fan-out rule visits. */
export type CallNode = Extract<Node, { type: 'CallExpression' | 'OptionalCallExpression' }>;
type FunctionLike = Extract<
  Node,
  { type: 'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression' | 'ObjectMethod' | 'ClassMethod' | 'ClassPrivateMethod' }
>;

/** Where the promises of an aggregate come from: a collection and the code run per item. */
export interface FanOut {
  source: NodePath;
  /** The callback (`.map(cb)`) or the pushed expression (`jobs.push(call())`). */
  perItem: NodePath;
  /** The variable the promises went through, when the collection is a long chain: `tasks` for `const tasks = a.filter(…).map(…)`. */
  name?: string;
}

/** The collection and per-item code behind an aggregate's argument, when they can be seen. */
export function fanOutOf(argPath: NodePath<any>, depth = 0): FanOut | null {
  if (depth > 4) return null;
  let arg = argPath.node;
  while (arg.type === 'TSAsExpression' || arg.type === 'TSNonNullExpression' || arg.type === 'ParenthesizedExpression') {
    argPath = argPath.child(arg.expression, 'expression');
    arg = argPath.node;
  }
  if (arg.type === 'CallExpression' || arg.type === 'OptionalCallExpression') return mappedFanOut(argPath, arg);
  if (arg.type === 'ArrayExpression') {
    for (const [i, el] of arg.elements.entries()) {
      if (el?.type !== 'SpreadElement') continue;
      const fan = fanOutOf(argPath.child(el, 'elements', i).child(el.argument, 'argument'), depth + 1);
      if (fan) return fan;
    }
    return null;
  }
  if (arg.type !== 'Identifier') return null;
  const b = lookup(argPath, arg.name);
  if (!b || b.steps.length > 0 || !b.init) return null;
  const init = b.init as any;
  if (init.type === 'ArrayExpression' && init.elements.length === 0) return pushedInLoop(argPath, b);
  const fan = fanOutOf(b.scopePath.child(init, 'init'), depth + 1);
  // `const tasks = addons.filter(…).filter(…).map(…)`: name the collection as the code did.
  if (fan && !fan.name && isLongChain(describe(fan.source.node))) fan.name = arg.name;
  return fan;
}

/** `coll.map(cb)`, `coll.flatMap(cb)`, `Array.from(coll, cb)`. */
function mappedFanOut(callPath: NodePath, call: CallNode): FanOut | null {
  const callee = call.callee;
  if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed || callee.property.type !== 'Identifier') return null;
  const m = callee.property.name;
  const calleePath = callPath.child(callee, 'callee');
  if ((m === 'map' || m === 'flatMap') && call.arguments[0]) {
    return { source: calleePath.child(callee.object, 'object'), perItem: callPath.child(call.arguments[0], 'arguments', 0) };
  }
  if (m === 'from' && callee.object.type === 'Identifier' && callee.object.name === 'Array' && call.arguments[1]) {
    return { source: callPath.child(call.arguments[0], 'arguments', 0), perItem: callPath.child(call.arguments[1], 'arguments', 1) };
  }
  return null;
}

/** `a.filter(…).filter(…)`, or a long text: the code's own variable reads better. */
function isLongChain(text: string): boolean {
  return text.split('(').length - 1 >= 2 || text.length > 40;
}

/** `const jobs = []; for (const x of coll) jobs.push(call(x));` — the loop's collection and the pushed call. */
function pushedInLoop(at: NodePath, binding: Binding): FanOut | null {
  let fn: NodePath | null = at;
  while (fn && !isFunctionNode(fn.node) && fn.node.type !== 'Program') fn = fn.parentPath;
  if (!fn) return null;
  let found: FanOut | null = null;
  walkPaths(fn, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression' || n.callee.computed) return undefined;
    if (n.callee.property.name !== 'push' || n.callee.object.type !== 'Identifier' || n.callee.object.name !== binding.name) return undefined;
    if (lookup(p, binding.name) !== binding || !n.arguments[0]) return undefined;
    const loop = p.findAncestor((a) => isLoop(a.node) || isFunctionNode(a.node));
    if (!loop || isFunctionNode(loop.node)) return undefined;
    const source = loopCollection(loop);
    if (source) found = { source, perItem: p.child(n.arguments[0], 'arguments', 0) };
    return undefined;
  });
  return found;
}

/** What a loop walks over: `for (x of coll)` → coll; `for (i = 0; i < coll.length; …)` → coll; a constant bound → a literal. */
function loopCollection(loopPath: NodePath<any>): NodePath | null {
  const loop = loopPath.node;
  if (loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') return loopPath.child(loop.right, 'right');
  if (loop.type === 'ForStatement' && loop.test?.type === 'BinaryExpression' && ['<', '<='].includes(loop.test.operator)) {
    const right = loop.test.right;
    const testPath = loopPath.child(loop.test, 'test');
    if (right.type === 'MemberExpression' && !right.computed && right.property.name === 'length') return testPath.child(right, 'right').child(right.object, 'object');
    return null; // i < 10: bounded by a number, not a collection we track
  }
  return null; // while loops: not tracked
}

/** A fan-out whose promises nobody keeps: `coll.forEach(async …)`, and a statement `coll.map(async …);`. */
export interface DroppedFanOut {
  method: string;
  source: NodePath;
  callback: NodePath;
}

export function droppedFanOut(callPath: NodePath<CallNode>): DroppedFanOut | null {
  const call = callPath.node;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' || callee.computed) return null;
  const method = memberName(callee);
  const dropped = method === 'forEach' || (method === 'map' && callPath.parent?.type === 'ExpressionStatement');
  if (!method || !dropped || !call.arguments[0]) return null;
  const callback = callPath.child(call.arguments[0], 'arguments', 0);
  if (!isAsyncCallback(callback)) return null;
  return { method, source: callPath.child(callee, 'callee').child(callee.object, 'object'), callback };
}

function isAsyncCallback(cbPath: NodePath): boolean {
  const n = cbPath.node;
  if (isFunctionNode(n)) return !!(n as FunctionLike).async;
  if (n.type === 'Identifier') {
    const decl: any = lookup(cbPath, n.name)?.declNode;
    const fn = decl?.type === 'VariableDeclarator' ? decl.init : decl;
    return !!fn && isFunctionNode(fn) && !!fn.async;
  }
  return false;
}

/** Does running the per-item code create a promise (an async callback, or a call)? */
export function producesPromise(p: NodePath): boolean {
  const n = p.node;
  if (isFunctionNode(n)) {
    const fn = n as FunctionLike;
    if (fn.async) return true;
    if (fn.body.type !== 'BlockStatement') return isCallLike(fn.body);
    let returnsCall = false;
    walkPaths(p.child(fn.body, 'body'), (q) => {
      if (isFunctionNode(q.node)) return false;
      if (q.node.type === 'ReturnStatement' && (q.node as any).argument && isCallLike((q.node as any).argument)) returnsCall = true;
      return undefined;
    });
    return returnsCall;
  }
  if (n.type === 'Identifier' || n.type === 'MemberExpression') return true; // a function reference: ids.map(fetchUser)
  return isCallLike(n);
}

function isCallLike(n: any): boolean {
  while (n.type === 'TSAsExpression' || n.type === 'ParenthesizedExpression' || n.type === 'TSNonNullExpression') n = n.expression;
  return n.type === 'CallExpression' || n.type === 'OptionalCallExpression' || n.type === 'NewExpression' || n.type === 'AwaitExpression';
}

/**
 * A function whose body has a `try … catch` and no await that may reject outside one (`rejectionPoints`): it handles its
 * own errors.
 */
export function catchesAll(fnPath: NodePath<any>): boolean {
  const body = fnPath.node.body;
  if (body?.type !== 'BlockStatement' || !(body.body as any[]).some((st) => st.type === 'TryStatement' && st.handler)) return false;
  return rejectionPoints(fnPath).length === 0;
}

/** A function or a function's name: shown as is in a suggested fix (`pMap(ids, loadUser, …)`). */
export function isCallbackLike(node: Node): boolean {
  return isFunctionNode(node) || node.type === 'Identifier';
}

/** The p-map call that bounds a fan-out, for the help text: `await pMap(ids, (id) => load(id), { concurrency: 8 })`. */
export function pMapFix(source: NodePath, perItem: NodePath, sourceText: (node: Node) => string): string {
  const [src, cbText] = [describe(source.node), sourceText(perItem.node as Node).replace(WHITESPACE_RUN, ' ')];
  const cb = isCallbackLike(perItem.node) ? (cbText.length <= 50 ? cbText : 'async (item) => { … }') : `async (item) => ${cbText.length <= 40 ? cbText : '…'}`;
  return `await pMap(${src}, ${cb}, { concurrency: 8 })`;
}
