// What an awaited call looks like: its name, its receiver, and what it
// probably does (read, write, sleep, barrier, aggregate). Shared by the await rules.
import type { Node } from '@babel/types';
import { rootVar, type VarKey } from './dataflow.js';
import {
  AGGREGATE_CALLEES,
  BARRIER_NAMES,
  CHEAP_CALLEES,
  firstWord,
  MIGRATION_NAME,
  PREDICATE_WORDS,
  READ_VERBS,
  SHARED_STATE_NAMES,
  SLEEP_NAMES,
  SQL_WRITE,
  SYNC_BUILTINS,
  words,
  WRITE_VERBS,
} from './knowledge/call-verbs.js';
import { memberPropertyName, refKey, resolveExpression, staticString, unwrapExpression } from './resolve.js';
import { classMethod, functionOfRef } from './summary.js';
import { someNode, walkPaths, type NodePath } from './walk.js';

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
const CHAIN_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

export function callShape(callPath: NodePath): CallShape {
  // `await load().then((x) => x.save())`: name the chain by its first call, judge it by every call in it.
  let basePath = callPath;
  const callbacks: NodePath[] = [];
  for (let i = 0; i < 16; i++) {
    const c: any = unwrapExpression((basePath.node as any).callee);
    if (!c || (c.type !== 'MemberExpression' && c.type !== 'OptionalMemberExpression') || !CHAIN_METHODS.has(memberPropertyName(c) ?? '')) break;
    const calleePath = basePath.child(c, 'callee');
    (basePath.node as any).arguments.forEach((a: Node, j: number) => callbacks.push(basePath.child(a, 'arguments', j)));
    const obj = unwrapExpression(c.object);
    if (obj.type !== 'CallExpression' && obj.type !== 'OptionalCallExpression') break;
    basePath = calleePath.child(obj, 'object');
  }
  const shape = simpleShape(basePath);
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
    const isPackage =
      recvRef !== null && ((recvRef.kind === 'module' && !isProjectModule(recvRef.module)) || (recvRef.kind === 'global' && recvRef.path.length <= 2));
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
  return { node: call, path: callPath, name, receiver, resourceRoot, readOnly, kind: classify(call, name, key) };
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
      someNode(executor, (n: any) => n.type === 'CallExpression' && n.callee.type === 'Identifier' && (n.callee.name === 'setTimeout' || n.callee.name === 'setImmediate'));
    return sleeps ? 'sleep' : 'read';
  }
  if (!name) return 'read';
  if (SLEEP_NAMES.has(name)) return 'sleep';
  if (BARRIER_NAMES.has(name)) return 'barrier';
  if (MIGRATION_NAME.test(name)) return 'migration';
  if (hasWriteWord(name)) return 'write';
  if (PREDICATE_WORDS.has(firstWord(name))) return 'cheap';
  for (const arg of call.arguments ?? []) {
    const s = staticString(arg) ?? (arg.type === 'TemplateLiteral' ? arg.quasis[0].value.cooked : null);
    if (s && SQL_WRITE.test(s)) return 'write';
    // fetch(url, { method: 'POST' }), axios({ method: 'post' })
    if (arg.type === 'ObjectExpression') {
      for (const p of arg.properties) {
        if (p.type === 'ObjectProperty' && !p.computed && p.key.type === 'Identifier' && p.key.name === 'method') {
          const m = staticString(p.value);
          if (m && !/^(get|head|options)$/i.test(m)) return 'write';
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
  const visit = (node: any) => {
    const n = unwrapExpression(node);
    if (n.type === 'Identifier' && SHARED_STATE_NAMES.test(n.name)) {
      const k = rootVar(n, callPath);
      if (k) out.add(k);
    }
    if (n.type === 'MemberExpression' && !n.computed && SHARED_STATE_NAMES.test(n.property.name ?? '')) {
      const k = rootVar(n, callPath);
      if (k) out.add(k);
    }
    if (n.type === 'ObjectExpression') for (const p of n.properties) if (p.type === 'ObjectProperty') visit(p.value);
  };
  for (const a of (callPath.node as any).arguments ?? []) visit(a);
  return out;
}

/**
 * The awaited callee is a function of this file that does no I/O: no await, no
 * promise chain, only built-in calls (`async () => this.config.limits`, a sync
 * `resolveActor` returning a string). Awaiting it costs nothing to overlap.
 */
export function isCheapLocalCallee(callPath: NodePath): boolean {
  const callee = unwrapExpression((callPath.node as any).callee);
  let fn: Node | null = null;
  if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && unwrapExpression(callee.object).type === 'ThisExpression') {
    const name = memberPropertyName(callee);
    fn = name ? classMethod(callPath, name) : null;
  } else {
    const ref = resolveExpression(callee, callPath);
    fn = ref && ref.kind === 'binding' ? functionOfRef(ref) : null;
  }
  if (!fn) return false;
  const body = (fn as any).body;
  if (!body) return false;
  return !someNode(body, (n: any) => {
    if (n.type === 'AwaitExpression' || n.type === 'NewExpression' || n.type === 'YieldExpression') return true;
    if (n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression') return false;
    const c = unwrapExpression(n.callee);
    const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression' ? memberPropertyName(c) : null;
    return !name || !SYNC_BUILTINS.has(name);
  });
}
