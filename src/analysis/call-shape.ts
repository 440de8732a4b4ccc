// What an awaited call looks like: its name, its receiver, and what it
// probably does (read, write, sleep, barrier, aggregate). Shared by the await rules.
import type { Node } from '../syntax/ast.js';
import { flowOf, rootVar, type VarKey } from './dataflow.js';
import {
  AGGREGATE_CALLEES,
  AGGREGATE_NAME,
  BARRIER_NAMES,
  BUILDER_WRITE_STEPS,
  HTTP_READ_METHODS,
  HTTP_WRITE_METHOD,
  CHEAP_CALLEES,
  firstWord,
  MEMO_READ_METHODS,
  MEMO_WRITE_METHODS,
  MIGRATION_NAME,
  PREDICATE_WORDS,
  READ_VERBS,
  SHARED_STATE_NAMES,
  CARRIED_TRANSACTION_MEMBERS,
  CONTEXT_CARRIER_NAMES,
  SLEEP_NAMES,
  SQL_WRITE,
  SYNC_BUILTINS,
  words,
  WRITE_VERBS,
} from '../knowledge/call-verbs.js';
import { PROMISE_CALLBACK_METHODS } from '../knowledge/frameworks.js';
import { isCall, memberPropertyName, refKey, resolveExpression, staticString, unwrapExpression } from './resolve.js';
import { lookup, propertyKeyName, type Binding } from './scope.js';
import { TRANSACTION_HANDLE_NAMES } from '../knowledge/transactions.js';
import { classMethod, functionOfRef } from './functions.js';
import { inMemoryModule } from './collections/per-item.js';
import { isFunctionNode, someNode, walkPaths, type NodePath } from '../syntax/walk.js';

export type CallKind = 'read' | 'write' | 'sleep' | 'barrier' | 'aggregate' | 'migration' | 'cheap';

export interface CallShape {
  /** The call (or `new`) expression. */
  node: Node;
  path: NodePath;
  /** The final name: `find` in `db.users.find(...)`, `fetch` in `fetch(url)`. */
  name: string | null;
  /** The receiver's source, normalised: `db.users`, `this`, `this.repo`; null for plain function calls. */
  receiver: string | null;
  /** The receiver's root variable when the receiver is a value of the program (not an imported module). */
  resourceRoot: VarKey | null;
  /** The name starts with a read verb (`get`, `find`, `load`…): it does not change its arguments. */
  readOnly: boolean;
  kind: CallKind;
}

/**
 * An exact key for a receiver (`db.users`, `this.repo`, `getClient()`), or null when
 * part of it has no name. Unlike `describe` in collections.ts, which always returns
 * display text with `…` placeholders, two receivers with the same key are the same.
 */
function text(node: any): string | null {
  node = unwrapExpression(node);
  switch (node.type) {
    case 'Identifier':
      return node.name;
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const obj = text(node.object);
      const prop = memberPropertyName(node);
      return obj !== null && prop !== null ? `${obj}.${prop}` : null;
    }
    case 'CallExpression':
    case 'OptionalCallExpression': {
      const callee = text(node.callee);
      return callee !== null ? `${callee}()` : null;
    }
    default:
      return null;
  }
}

/** The call an `await` waits for, unwrapping TS syntax and `(await x).y`; null when it awaits a value that is not a call. */
export function awaitedCall(awaitPath: NodePath): NodePath | null {
  const arg = unwrapExpression((awaitPath.node as any).argument);
  if (!arg) return null;
  if (arg.type !== 'CallExpression' && arg.type !== 'OptionalCallExpression' && arg.type !== 'NewExpression') return null;
  return awaitPath.child(arg, 'argument');
}

/** `./repo`, `../db`, `@/services/x`, `~/lib/y`, `#internal`: the project's own modules. */
function isProjectModule(spec: string): boolean {
  return spec.startsWith('.') || spec.startsWith('/') || spec.startsWith('@/') || spec.startsWith('~/') || spec.startsWith('#');
}

const SEVERITY: Record<CallKind, number> = { read: 0, cheap: 0, write: 1, aggregate: 2, barrier: 3, sleep: 4, migration: 5 };

/**
 * The first call of a promise chain (`load(x)` in `load(x).then(a).catch(b)`) and the handlers the chain passes, in
 * order from the outermost call.
 */
export function promiseChain(callPath: NodePath): { base: NodePath; callbacks: NodePath[] } {
  let base = callPath;
  const callbacks: NodePath[] = [];
  for (let i = 0; i < 16; i++) {
    const c: any = unwrapExpression((base.node as any).callee);
    if (!c || (c.type !== 'MemberExpression' && c.type !== 'OptionalMemberExpression') || !PROMISE_CALLBACK_METHODS.has(memberPropertyName(c) ?? '')) break;
    const calleePath = base.child(c, 'callee');
    (base.node as any).arguments.forEach((a: Node, j: number) => callbacks.push(base.child(a, 'arguments', j)));
    const obj = unwrapExpression(c.object);
    if (obj.type !== 'CallExpression' && obj.type !== 'OptionalCallExpression') break;
    base = calleePath.child(obj, 'object');
  }
  return { base, callbacks };
}

export function callShape(callPath: NodePath): CallShape {
  // `await load().then((x) => x.save())`: name the chain by its first call, judge it by every call in it.
  const { base: basePath, callbacks } = promiseChain(callPath);
  const shape = simpleShape(basePath);
  // A query-builder chain is as much a write as any step in it: `db('t').update({…}).where(…).whereIn(…)`.
  if (SEVERITY[shape.kind] < SEVERITY.write) {
    let inner: any = unwrapExpression((basePath.node as any).callee);
    for (let i = 0; i < 32 && inner && (inner.type === 'MemberExpression' || inner.type === 'OptionalMemberExpression'); i++) {
      const obj = unwrapExpression(inner.object);
      if (obj.type !== 'CallExpression' && obj.type !== 'OptionalCallExpression') break;
      const c = unwrapExpression(obj.callee);
      const step = c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression' ? memberPropertyName(c) : null;
      if (step && BUILDER_WRITE_STEPS.has(step)) {
        shape.kind = 'write';
        break;
      }
      inner = c;
    }
  }
  for (const cb of callbacks) {
    walkPaths(cb, (p) => {
      const n: any = p.node;
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression' || n.type === 'NewExpression') {
        const k = simpleShape(p).kind;
        if (SEVERITY[k] > SEVERITY[shape.kind]) shape.kind = k;
      }
    });
  }
  return shape;
}

function simpleShape(callPath: NodePath): CallShape {
  const call = callPath.node as any;
  const callee = unwrapExpression(call.callee);
  let name: string | null = null;
  let receiver: string | null = null;
  let resourceRoot: VarKey | null = null;
  if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
    name = memberPropertyName(callee);
    receiver = text(callee.object);
    // A package namespace (`fs.promises`, `axios`) holds no state of ours; a project module (`./repo`) is a service.
    const recvRef = resolveExpression(callee.object, callPath);
    const isPackage = recvRef !== null && ((recvRef.kind === 'module' && !isProjectModule(recvRef.module)) || (recvRef.kind === 'global' && recvRef.path.length <= 2));
    if (!isPackage) resourceRoot = rootVar(callee.object, callPath);
  } else if (callee.type === 'Identifier') {
    name = callee.name;
  } else if (callee.type === 'Import') {
    // await import('x'): the module cache makes repeats free.
    return { node: call, path: callPath, name: 'import', receiver: null, resourceRoot: null, readOnly: true, kind: 'cheap' };
  }
  const ref = resolveExpression(callee, callPath);
  const key = ref ? refKey(ref) : null;
  const readOnly = name !== null && READ_VERBS.has(firstWord(name));
  const kind = classify(call, name, key);
  // A package that works in memory (an in-process cache, a validator, lodash), called directly or on its instance.
  const module = ref?.kind === 'module' ? ref.module : ref?.kind === 'call' && ref.callee.kind === 'module' ? ref.callee.module : null;
  const inMemory = (kind === 'read' || kind === 'write') && module !== null && inMemoryModule(module);
  return { node: call, path: callPath, name, receiver, resourceRoot, readOnly: readOnly || inMemory, kind: inMemory ? 'cheap' : kind };
}

/**
 * Does a name say it changes something? `createUser`, `maybeRunTrigger`,
 * `performInitialization` do. A name that starts with a read verb only does
 * through a conjunction (`getOrCreate`, `findOneAndUpdate`), so
 * `getPushController` and `loadStartTime` stay reads.
 */
export function hasWriteWord(name: string): boolean {
  const ws = words(name);
  if (READ_VERBS.has(ws[0]!)) {
    for (let i = 1; i < ws.length - 1; i++) if ((ws[i] === 'or' || ws[i] === 'and') && WRITE_VERBS.has(ws[i + 1]!)) return true;
    return false;
  }
  return ws.some((w) => WRITE_VERBS.has(w));
}

function classify(call: any, name: string | null, key: string | null): CallKind {
  if (key && AGGREGATE_CALLEES.has(key)) return key === 'events#once' ? 'barrier' : 'aggregate';
  if (key && CHEAP_CALLEES.has(key)) return 'cheap';
  if (key === 'timers/promises#setTimeout' || key === 'timers/promises#setImmediate' || key === 'timers/promises#scheduler.wait') return 'sleep';
  if (call.type === 'NewExpression') {
    // new Promise((r) => setTimeout(r, ms))
    const executor = call.arguments[0];
    const sleeps =
      key === 'global#Promise' &&
      executor &&
      someNode(
        executor,
        (n: any) => n.type === 'CallExpression' && n.callee.type === 'Identifier' && (n.callee.name === 'setTimeout' || n.callee.name === 'setImmediate'),
      );
    return sleeps ? 'sleep' : 'read';
  }
  if (!name) return 'read';
  if (SLEEP_NAMES.has(name)) return 'sleep';
  if (BARRIER_NAMES.has(name)) return 'barrier';
  if (MIGRATION_NAME.test(name)) return 'migration';
  // A predicate answers a question (`shouldNotify`, `canDelete`): the verb after it is what it asks about.
  if (PREDICATE_WORDS.has(firstWord(name))) return 'cheap';
  if (hasWriteWord(name)) return 'write';
  for (const arg of call.arguments ?? []) {
    const s = staticString(arg) ?? (arg.type === 'TemplateLiteral' ? arg.quasis[0].value.cooked : null);
    if (s && SQL_WRITE.test(s)) return 'write';
    // request('/batch', 'POST', body)
    if (s && HTTP_WRITE_METHOD.test(s)) return 'write';
    // fetch(url, { method: 'POST' }), axios({ method: 'post' })
    if (arg.type === 'ObjectExpression') {
      for (const p of arg.properties) {
        if (p.type === 'ObjectProperty' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'method') {
          const m = staticString(p.value);
          if (m && !HTTP_READ_METHODS.has(m.toLowerCase())) return 'write';
        }
      }
    }
  }
  return 'read';
}

/**
 * Names of the request/transaction/session objects a call is given, directly
 * or as an option (`find({ where, req })`): calls sharing one are ordered.
 */
export function sharedStateArgs(callPath: NodePath): Set<VarKey> {
  const out = new Set<VarKey>();
  const visit = (node: any, at: NodePath, depth: number) => {
    const n = unwrapExpression(node);
    if (n.type === 'Identifier' && (SHARED_STATE_NAMES.has(n.name) || (CONTEXT_CARRIER_NAMES.has(n.name) && carriesTransaction(n.name, at)))) {
      const k = rootVar(n, at);
      if (k) out.add(k);
    } else if (n.type === 'Identifier' && depth === 0) {
      // `const opts = { transaction: t }` … `find(x, opts)`: the options object carries it.
      const b = lookup(at, n.name);
      if (b && b.kind === 'const' && b.steps.length === 0 && (b.init as any)?.type === 'ObjectExpression') visit(b.init, b.scopePath, depth + 1);
    }
    if (n.type === 'MemberExpression' && !n.computed && SHARED_STATE_NAMES.has(n.property.name ?? '')) {
      const k = rootVar(n, at);
      if (k) out.add(k);
    }
    if (n.type === 'ObjectExpression') {
      for (const p of n.properties) {
        if (p.type === 'ObjectProperty') visit(p.value, at, depth);
        // `{ ...ctx, limit }` hands over everything `ctx` carries.
        else if (p.type === 'SpreadElement') visit(p.argument, at, depth);
      }
    }
  };
  for (const a of (callPath.node as any).arguments ?? []) visit(a, callPath, 0);
  // `trx('notes').where(…).first()`, `tx.user.findMany()`: a query built on a transaction handle itself.
  let root = unwrapExpression((callPath.node as any).callee);
  while (root && (isCall(root) || root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression'))
    root = unwrapExpression(isCall(root) ? root.callee : root.object);
  if (root?.type === 'Identifier' && TRANSACTION_HANDLE_NAMES.has(root.name)) visit(root, callPath, 0);
  return out;
}

/**
 * Does the request or context object `name` (as seen from `at`) carry a transaction? Only when the code shows it: its
 * declared type has a transaction or session member, or the function that declares it reads or sets one
 * (`req.transactionID`, `ctx.transaction = …`). A bag of services handed to every call orders nothing.
 */
function carriesTransaction(name: string, at: NodePath): boolean {
  const b = lookup(at, name);
  if (!b || (b.kind !== 'param' && b.kind !== 'const' && b.kind !== 'let')) return false;
  let known = carriers.get(b.id);
  if (known === undefined) carriers.set(b.id, (known = showsTransaction(b, name)));
  return known;
}

/** Per declaring identifier: whether the binding carries a transaction (one walk of its declaration). */
const carriers = new WeakMap<Node, boolean>();

function showsTransaction(b: Binding, name: string): boolean {
  const annotation = (b.id as any).typeAnnotation?.typeAnnotation;
  if (annotation?.type === 'TSTypeLiteral') {
    for (const m of annotation.members) {
      const key = m.type === 'TSPropertySignature' && m.key.type === 'Identifier' ? m.key.name : null;
      if (key && (CARRIED_TRANSACTION_MEMBERS.has(key) || SHARED_STATE_NAMES.has(key))) return true;
    }
  }
  // Built with one: `const ctx = createContext({ user, transaction })`, `{ ...base, transaction: t }`.
  const init = b.kind === 'param' ? null : unwrapExpression(b.init);
  const objects = init?.type === 'ObjectExpression' ? [init] : init?.type === 'CallExpression' ? init.arguments.filter((a: any) => a.type === 'ObjectExpression') : [];
  for (const o of objects) {
    for (const p of o.properties) if (p.type === 'ObjectProperty' && CARRIED_TRANSACTION_MEMBERS.has(propertyKeyName(p) ?? '')) return true;
  }
  // Read or set through it anywhere in its function: `req.transactionID`, `ctx.state.transaction`.
  const scope = b.kind === 'param' ? b.declNode : b.scopePath.node;
  return someNode(scope, (n: any) => {
    if (n.type !== 'MemberExpression' || n.computed || n.property.type !== 'Identifier' || !CARRIED_TRANSACTION_MEMBERS.has(n.property.name)) return false;
    let root = n.object;
    while (root.type === 'MemberExpression') root = root.object;
    return root.type === 'Identifier' && root.name === name;
  });
}

/**
 * The awaited callee is a function of this file that does no I/O: no await, no
 * promise chain, only built-in calls (`async () => this.config.limits`, a sync
 * `resolveActor` returning a string). Awaiting it costs nothing to overlap.
 */
export function isCheapLocalCallee(callPath: NodePath): boolean {
  const fn = localFunctionNode(callPath);
  return !!fn && doesNoIO(fn);
}

/**
 * Does the function only work in memory: no await, no `new`, no yield, and no call but to in-memory methods of
 * built-in values (`map`, `toLowerCase`, `JSON.parse`…), or to the `followed` calls (awaited or not) whose callees
 * another phase judges? Awaiting it overlaps nothing. Used for this file's
 * functions by the rules, and for every function in the summaries, so the same answer holds across files.
 */
export function doesNoIO(fn: Node, followed?: (call: Node) => boolean): boolean {
  const body = (fn as any).body;
  if (!body) return false;
  return !someNode(body, (n: any) => {
    // `followed`: calls whose callee the project phase judges (awaiting one is as pure as its callee).
    if (n.type === 'AwaitExpression') return !(followed && n.argument && followed(unwrapExpression(n.argument)));
    if (n.type === 'NewExpression' || n.type === 'YieldExpression') return true;
    if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return false;
    if (followed?.(n)) return false;
    const c = unwrapExpression(n.callee);
    const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression' ? memberPropertyName(c) : null;
    return !name || !SYNC_BUILTINS.has(name);
  });
}

/** The function of this file a call invokes, as a node: `helper()`, `this.method()`, `helpers.load()`, `Module.fn()` after `Module.fn = …`. */
function localFunctionNode(callPath: NodePath): Node | null {
  return localFunction(callPath)?.node ?? null;
}

interface LocalFunction {
  node: Node;
  /** An ancestor of `node` to find its path from. */
  from: NodePath;
}

function localFunction(callPath: NodePath): LocalFunction | null {
  const call = callPath.node as any;
  if (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') return null;
  const callee = unwrapExpression(call.callee);
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && unwrapExpression(callee.object).type === 'ThisExpression') {
    const name = memberPropertyName(callee);
    const fn = name ? classMethod(callPath, name) : null;
    const cls = fn ? callPath.findAncestor((p) => p.node.type === 'ClassBody') : null;
    return fn && cls ? { node: fn, from: cls } : null;
  }
  const ref = resolveExpression(callee, callPath);
  if (ref && ref.kind === 'binding') {
    const fn = functionOfRef(ref);
    if (fn) return { node: fn, from: ref.binding.scopePath };
  }
  // `const Things = module.exports; Things.load = async function …`, `exports.load = …`: a function assigned to a member at the top level.
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed) {
    const name = memberPropertyName(callee);
    const obj = unwrapExpression(callee.object);
    if (!name || obj.type !== 'Identifier') return null;
    let program: NodePath = callPath;
    while (program.parentPath) program = program.parentPath;
    const owner = lookup(callPath, obj.name);
    let found: Node | null = null;
    for (const stmt of (program.node as any).body ?? []) {
      const e = stmt.type === 'ExpressionStatement' ? stmt.expression : null;
      if (!e || e.type !== 'AssignmentExpression' || e.operator !== '=') continue;
      const left = e.left;
      if (left.type !== 'MemberExpression' || left.computed || left.object.type !== 'Identifier' || memberPropertyName(left) !== name) continue;
      if (left.object.name !== obj.name || lookup(program, obj.name) !== owner) continue;
      const right = unwrapExpression(e.right);
      if (!isFunctionNode(right)) return null;
      if (found) return null; // assigned twice: not one function
      found = right;
    }
    return found ? { node: found, from: program } : null;
  }
  return null;
}

const pathCache = new WeakMap<Node, NodePath>();
const calleeCache = new WeakMap<Node, NodePath | null>();

/** The path of `target` below `from`, found by source ranges. */
function pathTo(from: NodePath, target: Node): NodePath | null {
  const cached = pathCache.get(target);
  if (cached) return cached;
  let found: NodePath | null = null;
  walkPaths(from, (p) => {
    if (found) return false;
    const n = p.node;
    if (n === target) {
      found = p;
      return false;
    }
    if (n.start == null || n.end == null || target.start == null || target.end == null) return undefined;
    return n.start <= target.start && target.end <= n.end ? undefined : false;
  });
  if (found) pathCache.set(target, found);
  return found;
}

/** The path of the function of this file a call invokes, or null. */
export function localCalleePath(callPath: NodePath): NodePath | null {
  const cached = calleeCache.get(callPath.node);
  if (cached !== undefined) return cached;
  const fn = localFunction(callPath);
  const out = fn ? pathTo(fn.from, fn.node) : null;
  calleeCache.set(callPath.node, out);
  return out;
}

/** The parameter binding that receives argument `index` of a call to `fnPath`, or null (destructured, rest…). */
function paramFor(fnPath: NodePath, index: number): Binding | null {
  const params = (fnPath.node as any).params ?? [];
  let p = params[index];
  if (!p) return null;
  if (p.type === 'TSParameterProperty') p = p.parameter;
  if (p.type === 'AssignmentPattern') p = p.left;
  if (p.type !== 'Identifier') return null;
  const b = lookup(fnPath, p.name);
  return b && b.kind === 'param' ? b : null;
}

function bodyPath(fnPath: NodePath): NodePath | null {
  const body = (fnPath.node as any).body;
  return body ? fnPath.child(body, 'body') : null;
}

/**
 * Does the function a call invokes (a function of this file) change the object
 * passed as argument `index`: `Object.assign(param, …)`, `param.x = …`,
 * `param.push(…)`, or by handing it to another local function that does?
 */
export function calleeMutatesArgument(callPath: NodePath, index: number, depth = 0): boolean {
  if (depth > 2) return false;
  const fnPath = localCalleePath(callPath);
  if (!fnPath) return false;
  const param = paramFor(fnPath, index);
  const body = param ? bodyPath(fnPath) : null;
  if (!param || !body) return false;
  if (flowOf(body).mutates.has(param)) return true;
  let passed = false;
  walkPaths(body, (p) => {
    if (passed) return false;
    const n = p.node as any;
    if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return undefined;
    (n.arguments ?? []).forEach((a: any, i: number) => {
      if (!passed && a.type === 'Identifier' && lookup(p, a.name) === param && calleeMutatesArgument(p, i, depth + 1)) passed = true;
    });
    return undefined;
  });
  return passed;
}

/** Is `key` declared outside the function at `fnPath`? */
function declaredOutside(key: VarKey, fnPath: NodePath): boolean {
  if (typeof key === 'string') return false;
  for (let p: NodePath | null = key.scopePath; p; p = p.parentPath) if (p.node === fnPath.node) return false;
  return true;
}

/** Is the binding a local of some function (not module state, which outlives any one call)? */
function functionLocal(key: VarKey): key is Binding {
  if (typeof key === 'string') return false;
  return isFunctionNode(key.scopePath.node) || key.scopePath.findAncestor((p) => isFunctionNode(p.node)) !== null;
}

/**
 * Variables of enclosing functions that the function a call invokes shares with
 * every other call to it, through its closure (up to two local calls deep):
 * - a request/transaction/session it passes on (`find(id, { transaction: ctx.transaction })`);
 * - state it both changes and consults (a memo map checked and then filled).
 */
export function capturedState(callPath: NodePath): { shared: Set<VarKey>; memo: Set<VarKey> } {
  const shared = new Set<VarKey>();
  const memo = new Set<VarKey>();
  const seen = new Set<Node>();
  const visit = (cp: NodePath, depth: number) => {
    const fnPath = localCalleePath(cp);
    if (!fnPath || seen.has(fnPath.node)) return;
    seen.add(fnPath.node);
    const body = bodyPath(fnPath);
    if (!body) return;
    const mutated = new Set<VarKey>();
    const consulted = new Set<VarKey>();
    walkPaths(body, (p) => {
      const n = p.node as any;
      if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
        for (const k of sharedStateArgs(p)) if (declaredOutside(k, fnPath) && functionLocal(k)) shared.add(k);
        if (depth < 2) visit(p, depth + 1);
        const c = n.callee;
        // `memo.has(k)`, `memo.get(k)`: consulted; `memo.set(k, v)`: changed.
        if ((c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') && !c.computed && c.object.type === 'Identifier') {
          const k = lookup(p, c.object.name);
          if (k && declaredOutside(k, fnPath) && functionLocal(k))
            (MEMO_READ_METHODS.has(c.property.name) ? consulted : MEMO_WRITE_METHODS.has(c.property.name) ? mutated : null)?.add(k);
        }
      }
      // `if (!(k in memo))`, `memo[k] ??= …`, `memo[k] = v`
      if (n.type === 'BinaryExpression' && n.operator === 'in' && n.right.type === 'Identifier') {
        const k = lookup(p, n.right.name);
        if (k && declaredOutside(k, fnPath) && functionLocal(k)) consulted.add(k);
      }
      if (n.type === 'MemberExpression' && n.computed && n.object.type === 'Identifier') {
        const k = lookup(p, n.object.name);
        if (k && declaredOutside(k, fnPath) && functionLocal(k)) {
          const parent = p.parentPath?.node as any;
          const assigned = parent?.type === 'AssignmentExpression' && p.key === 'left';
          if (!assigned || parent.operator !== '=') consulted.add(k);
          if (assigned) mutated.add(k);
        }
      }
      return undefined;
    });
    for (const k of mutated) if (consulted.has(k)) memo.add(k);
  };
  visit(callPath, 0);
  return { shared, memo };
}

const touchedCache = new WeakMap<Node, Set<string> | null>();

/**
 * What a call to a method of this class (`this.load(id)`) can change or hold on
 * `this`: the `this.<field>` it assigns or mutates and the `this.<field>` objects
 * it calls methods on, through other methods of the class up to two deep. Null
 * when it cannot be told (not a method of this class, or it calls one that is not).
 */
export function thisStateTouchedBy(callPath: NodePath, depth = 0): Set<string> | null {
  if (depth === 0) {
    const cached = touchedCache.get(callPath.node);
    if (cached !== undefined) return cached;
    const out = thisStateTouched(callPath, 0);
    touchedCache.set(callPath.node, out);
    return out;
  }
  return thisStateTouched(callPath, depth);
}

function thisStateTouched(callPath: NodePath, depth: number): Set<string> | null {
  const callee = unwrapExpression((callPath.node as any).callee);
  if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || unwrapExpression(callee.object).type !== 'ThisExpression') return null;
  const fnPath = localCalleePath(callPath);
  const body = fnPath ? bodyPath(fnPath) : null;
  if (!body || depth > 2) return null;
  const out = new Set<string>();
  for (const k of flowOf(body).mutates) if (typeof k === 'string' && k.startsWith('this')) out.add(k);
  let unknown = false;
  walkPaths(body, (p) => {
    if (unknown) return false;
    const n = p.node as any;
    if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return undefined;
    const c = unwrapExpression(n.callee);
    if (c.type !== 'MemberExpression' && c.type !== 'OptionalMemberExpression') return undefined;
    const obj = unwrapExpression(c.object);
    if (obj.type === 'ThisExpression') {
      const inner = thisStateTouched(p, depth + 1);
      if (inner === null) unknown = true;
      else for (const k of inner) out.add(k);
      return undefined;
    }
    const root = rootVar(obj, p);
    if (typeof root === 'string' && root.startsWith('this.')) out.add(root);
    return undefined;
  });
  return unknown ? null : out;
}

const BUILTIN_OBJECTS: ReadonlySet<string> = new Set(['Array', 'Object', 'JSON', 'Math', 'Number', 'String']);

/**
 * `await promiseParallel({ users: list.userKeys(), groups: list.groupKeys() })`: an
 * aggregate over values that are already there or come from functions of this
 * file that do no I/O. Nothing runs that could overlap with anything else.
 */
export function isCheapAggregate(callPath: NodePath): boolean {
  const call = callPath.node as any;
  const callee = unwrapExpression(call.callee);
  const name =
    callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression' ? memberPropertyName(callee) : null;
  const ref = resolveExpression(callee, callPath);
  const key = ref ? refKey(ref) : null;
  if (!(name && AGGREGATE_NAME.test(name)) && !(key && AGGREGATE_CALLEES.has(key))) return false;
  if (call.arguments.length !== 1) return false;
  const arg = call.arguments[0];
  const argPath = callPath.child(arg, 'arguments', 0);
  const entries: NodePath[] =
    arg.type === 'ArrayExpression'
      ? arg.elements.map((e: any, i: number) => argPath.child(e, 'elements', i))
      : arg.type === 'ObjectExpression'
        ? arg.properties.map((p: any, i: number) => (p.type === 'ObjectProperty' ? argPath.child(p, 'properties', i).child(p.value, 'value') : null))
        : [];
  return entries.length > 0 && entries.every((e) => e !== null && e.node !== null && cheapValue(e));
}

function cheapValue(path: NodePath): boolean {
  let cheap = true;
  walkPaths(path, (p) => {
    if (!cheap) return false;
    const n = p.node as any;
    if (isFunctionNode(n)) return false;
    if (n.type === 'AwaitExpression' || n.type === 'NewExpression' || n.type === 'YieldExpression' || n.type === 'TaggedTemplateExpression') cheap = false;
    if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
      const c = unwrapExpression(n.callee);
      const builtin =
        (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') &&
        c.object.type === 'Identifier' &&
        BUILTIN_OBJECTS.has(c.object.name) &&
        lookup(p, c.object.name) === null &&
        SYNC_BUILTINS.has(memberPropertyName(c) ?? '');
      if (!builtin && !isCheapLocalCallee(p)) cheap = false;
      // A local cheap function's own arguments are checked below; a builtin's too.
    }
    return cheap ? undefined : false;
  });
  return cheap;
}

/**
 * Is the call's promise left to run on its own: a statement nobody awaits (`refreshCache(org);`), `void f()`, or such a
 * statement through `.catch(…)`/`.then(…)`/`.finally(…)` (`sendMail(to).catch(log);`)? What it does, nobody waits for.
 */
export function isDetachedCall(callPath: NodePath): boolean {
  let cur: NodePath = callPath;
  for (let guard = 0; guard < 8; guard++) {
    const parent = cur.parentPath;
    if (!parent) return false;
    const p = parent.node as any;
    if (p.type === 'ExpressionStatement') return true;
    if (p.type === 'UnaryExpression' && p.operator === 'void') return true;
    if (p.type === 'TSAsExpression' || p.type === 'TSNonNullExpression' || p.type === 'ParenthesizedExpression') {
      cur = parent;
      continue;
    }
    // f().catch(log): the chained call is the statement.
    const method = (p.type === 'MemberExpression' || p.type === 'OptionalMemberExpression') && p.object === cur.node ? memberPropertyName(p) : null;
    const call = method !== null && PROMISE_CALLBACK_METHODS.has(method) ? parent.parentPath : null;
    if (!call || !isCall(call.node as Node) || (call.node as any).callee !== p) return false;
    // `.then((info) => callback(null, info))`, `.then(resolve, reject)`: the result goes to a callback the caller gave,
    // so whoever gave it waits on this work. (`.catch(next)` hands on only a failure: nobody waits on the success.)
    if (method === 'then' && handsResultOn(call, callPath)) return false;
    cur = call;
  }
  return false;
}

/**
 * A call whose result nobody uses at all: a statement of its own (`refresh(org);`: `bare`), or one marked as meant to
 * run on its own (`void refresh(org);`: `void`). Null when the result is awaited, returned, kept, passed on or chained
 * (`.then`/`.catch`/`.finally`). For a promise, `bare` means nothing waits for it and nothing handles its failure.
 */
export function unusedResult(callPath: NodePath): 'bare' | 'void' | null {
  let cur: NodePath = callPath;
  for (let guard = 0; guard < 8; guard++) {
    const parent = cur.parentPath;
    if (!parent) return null;
    const p = parent.node as any;
    if (p.type === 'ExpressionStatement') return 'bare';
    if (p.type === 'UnaryExpression' && p.operator === 'void') return 'void';
    if (p.type !== 'TSAsExpression' && p.type !== 'TSNonNullExpression' && p.type !== 'ParenthesizedExpression') return null;
    cur = parent;
  }
  return null;
}

/** Does the `.then(…)` call hand its result to a parameter of the function the chain is written in (by binding)? */
function handsResultOn(thenCall: NodePath, callPath: NodePath): boolean {
  let fn: NodePath | null = callPath.parentPath;
  while (fn && !isFunctionNode(fn.node as Node)) fn = fn.parentPath;
  if (!fn || ((fn.node as any).params ?? []).length === 0) return false;
  const isParam = (at: NodePath, name: string) => {
    const b = lookup(at, name);
    return !!b && b.kind === 'param' && b.declNode === fn!.node;
  };
  return ((thenCall.node as any).arguments as Node[]).some((arg, i) => {
    const argPath = thenCall.child(arg, 'arguments', i);
    if (arg.type === 'Identifier') return isParam(argPath, arg.name);
    if (!isFunctionNode(arg)) return false;
    let found = false;
    walkPaths(argPath, (p) => {
      const n = p.node as any;
      if (!found && isCall(n) && n.callee.type === 'Identifier' && isParam(p, n.callee.name)) found = true;
      return !found;
    });
    return found;
  });
}

/** Does the callee's name say it reads by key (`findById`, `getUser`, `users.load`), so a batch of them is one query? `db.users.findById` */
export function readsByName(callee: string): boolean {
  const name = callee.slice(callee.lastIndexOf('.') + 1);
  return name !== '' && READ_VERBS.has(firstWord(name)) && !hasWriteWord(name);
}
