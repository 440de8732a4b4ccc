// Is the size of a collection bounded by the program, and why? Each answer names
// one idea (a literal, a slice of constant size, a chunk, a registry…): the fan-out
// rule applies the exemption of that name. Derived lists (`ids.filter(…)`,
// `new Set(ids)`, `await Promise.all(ids.map(f))`, `db.getObjects(ids)`) are as
// bounded as the list they come from, for the same reason.
import { CONSTANT_NAME, SAME_SIZE_METHODS } from '../../knowledge/collections.js';
import { memberPropertyName, refKey, resolveExpression, unwrapExpression } from '../resolve.js';
import { lookup, type Binding } from '../scope.js';
import type { Node, NodePath } from '../../syntax/walk.js';
import { allowList, fieldBound, guardedLength, isChunkParam, isChunkVariable, isConfigPath, isConstantObject, isLimitedQuery } from './bound-predicates.js';
import { describe, isMember, isRegistryName, lastName, memberName } from './names.js';
import { arrayLengthIsConstant, isConstantNumber, rangeIsBounded, sliceIsBounded } from './numbers.js';
import { collectionOrigin } from './origin.js';
import { sameSizeAs } from './same-size.js';
import { bindingValues, byDepth, destructuredElement, localFunction, returnedValues } from './values.js';

/** Why the program bounds a collection: one idea a user recognises each (the fan-out rule's exemption ids). */
export type BoundReason =
  /** `[a, b]`, `{ a, b }` (async.parallel), `Array.of(a, b)`: written out in the code. */
  | 'literal'
  /** `slice(0, 10)`, `slice(i, i + SIZE)`, a page window, `splice(0, N)`. */
  | 'fixed-slice'
  /** `Array.from({ length: 8 })`, `new Array(N)`, `Array(Math.min(n, MAX))`. */
  | 'fixed-length'
  /** `getSortedSetRange(key, 0, 49)`, `lrange(key, 0, 49)`: a constant window of a ranged read. */
  | 'ranged-read'
  /** `find({ limit: 50 })`, `.take(n)`: a query with a limit. */
  | 'limited-query'
  /** `REGIONS`, `Object.keys(LITERAL_TABLE)`: a constant of the program. */
  | 'constant-table'
  /** `for (const batch of chunk(ids, 50))`, `async (chunk) => …` of a batching helper. */
  | 'chunk'
  /** `labels.filter((l) => ALLOWED.includes(l))`: at most the allowed values. */
  | 'allow-list'
  /** `if (ids.length > 100) throw …` above the use. */
  | 'length-guard'
  /** A helper of the file whose every result is bounded. */
  | 'bounded-helper'
  /** `this.files`, only ever assigned bounded lists by its class. */
  | 'bounded-field'
  /** `plugins`, `providers`, `getAdapters()`: a registry the program fixes. */
  | 'registry'
  /** `options.fields`, `Object.keys(config.regions)`: sized by configuration. */
  | 'configuration';

export type Bound = { bounded: true; reason: BoundReason } | { bounded: false };

// Steps through derived lists and reassignments (`files = files.filter(…)`) are cheap and finite; helpers are followed only near the top.
export const MAX_DEPTH = 24;
export const HELPER_DEPTH = 12;

const UNBOUNDED: Bound = { bounded: false };
const bounded = (reason: BoundReason): Bound => ({ bounded: true, reason });

type NodeOf<T extends Node['type']> = Extract<Node, { type: T }>;
/** How to judge one kind of expression: the node comes unwrapped (no parentheses or type assertions). */
type Judges = { [T in Node['type']]?: (at: NodePath, node: NodeOf<T>, depth: number) => Bound };

/** Is the size of the array `expr` evaluates to bounded by the program? */
export function collectionBound(exprPath: NodePath, depth = 0): Bound {
  const node = unwrapExpression(exprPath.node as any);
  if (depth > MAX_DEPTH || !node) return UNBOUNDED;
  const judge = JUDGES[node.type as Node['type']] as ((at: NodePath, node: Node, depth: number) => Bound) | undefined;
  return judge ? judge(exprPath, node, depth) : UNBOUNDED;
}

const JUDGES: Judges = {
  ArrayExpression: arrayLiteralBound,
  // `rateLimits || []`: as bounded as the left side.
  LogicalExpression: (at, node, depth) => (node.operator === '||' || node.operator === '??' ? collectionBound(at.child(node.left, 'left'), depth + 1) : UNBOUNDED),
  ConditionalExpression: (at, node, depth) => {
    const a = collectionBound(at.child(node.consequent, 'consequent'), depth + 1);
    const b = collectionBound(at.child(node.alternate, 'alternate'), depth + 1);
    return a.bounded && b.bounded ? a : UNBOUNDED;
  },
  Identifier: identifierBound,
  MemberExpression: memberBound,
  OptionalMemberExpression: memberBound,
  AwaitExpression: (at, node, depth) => collectionBound(at.child(node.argument, 'argument'), depth + 1),
  CallExpression: callBound,
  OptionalCallExpression: callBound,
  // Array.from({ length: N }, …); an object literal (async.parallel({ a, b })) has fixed keys.
  ObjectExpression: (at, node) => {
    if (arrayLengthIsConstant(node, at)) return bounded('fixed-length');
    return node.properties.every((p) => p.type !== 'SpreadElement') ? bounded('literal') : UNBOUNDED;
  },
  NewExpression: constructedBound,
};

/** `[a, b]`, `[...REGIONS, extra]`: a literal, when every spread list is bounded too. */
function arrayLiteralBound(at: NodePath, node: NodeOf<'ArrayExpression'>, depth: number): Bound {
  for (const [i, el] of node.elements.entries()) {
    if (el?.type !== 'SpreadElement') continue;
    if (!collectionBound(at.child(el, 'elements', i).child(el.argument, 'argument'), depth + 1).bounded) return UNBOUNDED;
  }
  return bounded('literal');
}

function identifierBound(at: NodePath, node: NodeOf<'Identifier'>, depth: number): Bound {
  if (node.name.length > 1 && CONSTANT_NAME.test(node.name)) return bounded('constant-table');
  const b = lookup(at, node.name);
  const byValue = b ? valuesBound(at, b, depth) : null;
  if (byValue) return byValue;
  if (b && (isChunkVariable(b) || isChunkParam(b, node.name))) return bounded('chunk');
  if (isRegistryName(node.name)) return bounded('registry');
  if (guardedLength(at, node.name)) return bounded('length-guard');
  return UNBOUNDED;
}

/** A variable every value of which (at this use) is bounded: the first value's reason. */
function valuesBound(at: NodePath, b: Binding, depth: number): Bound | null {
  if (b.kind !== 'const' && b.kind !== 'let' && b.kind !== 'var' && b.kind !== 'param') return null;
  const values = b.steps.length === 0 ? bindingValues(at, b) : [destructuredElement(b)];
  if (values.length === 0 || values.some((v) => v === null)) return null;
  let first: Bound | null = null;
  for (const v of values as NodePath[]) {
    const vb = valueBound(v, depth + 1);
    if (!vb.bounded) return null;
    first ??= vb;
  }
  return first;
}

function memberBound(at: NodePath, node: NodeOf<'MemberExpression' | 'OptionalMemberExpression'>, depth: number): Bound {
  const name = memberName(node);
  if (name && isRegistryName(name)) return bounded('registry');
  const text = describe(node);
  // options.fields is configuration; opts.input.ids (a tRPC resolver's argument) is request input.
  if (isConfigPath(text) && collectionOrigin(at) !== 'input') return bounded('configuration');
  if (fieldBound(at, node, depth)) return bounded('bounded-field');
  if (guardedLength(at, text)) return bounded('length-guard');
  return UNBOUNDED;
}

function callBound(at: NodePath, node: NodeOf<'CallExpression' | 'OptionalCallExpression'>, depth: number): Bound {
  const callee = unwrapExpression(node.callee);
  if (isMember(callee)) {
    const byMethod = methodCallBound(at, node, callee, depth);
    if (byMethod) return byMethod;
  }
  const ref = resolveExpression(callee, at);
  if (ref && refKey(ref) === 'global#Array' && node.arguments[0] && isConstantNumber(node.arguments[0], at)) return bounded('fixed-length');
  // await Promise.all(x.map(f)) is as long as x; db.getObjects(keys) as long as keys.
  const same = sameSizeAs(at);
  if (same) return collectionBound(same, depth + 1);
  if (isLimitedQuery(node)) return bounded('limited-query');
  if (rangeIsBounded(at)) return bounded('ranged-read');
  // this.getDataProviderServices(): a getter of a registry.
  const calleeName = lastName(callee);
  if (calleeName && isRegistryName(calleeName)) return bounded('registry');
  return helperResultBound(at, depth);
}

/** `items.slice(0, 10)`, `Object.keys(TABLE)`, `Array.from(set)`, `labels.filter(allowed)`, `ids.map(f)`; null: judge it as a call. */
function methodCallBound(at: NodePath, node: NodeOf<'CallExpression' | 'OptionalCallExpression'>, callee: any, depth: number): Bound | null {
  const method = memberPropertyName(callee);
  // items.slice(0, 10), items.slice(i, i + SIZE), items.slice(-5), items.splice(0, N), a page
  if ((method === 'slice' || method === 'splice') && sliceIsBounded(node.arguments, at, method)) return bounded('fixed-slice');
  const ref = resolveExpression(callee, at);
  const key = ref ? refKey(ref) : null;
  if (key === 'global#Object.keys' || key === 'global#Object.values' || key === 'global#Object.entries') return objectKeysBound(at, node.arguments[0], depth);
  if (key === 'global#Array.of') return bounded('literal');
  if ((key === 'global#Array.from' || key === 'global#Array.fromAsync') && node.arguments[0]) {
    const arg = node.arguments[0];
    if (arrayLengthIsConstant(arg, at)) return bounded('fixed-length');
    // Array.from({ length: n }): as long as n says.
    if (unwrapExpression(arg).type === 'ObjectExpression') return UNBOUNDED;
    return collectionBound(at.child(arg, 'arguments', 0), depth + 1);
  }
  // labels.filter((l) => ALLOWED.includes(l)): at most the allowed values.
  if (method === 'filter' && node.arguments[0]) {
    const allowed = allowList(at.child(node.arguments[0], 'arguments', 0));
    if (allowed && collectionBound(allowed, depth + 1).bounded) return bounded('allow-list');
  }
  // filter/map/sort/reverse/flat/fill of an array are as bounded as the array.
  if (method && SAME_SIZE_METHODS.has(method) && !(ref?.kind === 'global' && ref.path.length === 2)) {
    return collectionBound(at.child(node.callee, 'callee').child(callee.object, 'object'), depth + 1);
  }
  return null;
}

/** Object.keys/values/entries of a literal (or constant) object, a registry, or configuration. */
function objectKeysBound(at: NodePath, arg: any, depth: number): Bound {
  if (!arg) return UNBOUNDED;
  if (isConstantObject(at.child(arg, 'arguments', 0), depth)) return bounded('constant-table');
  const argName = lastName(arg);
  if (argName && isRegistryName(argName)) return bounded('registry');
  if (isConfigPath(describe(arg))) return bounded('configuration');
  return UNBOUNDED;
}

/** A helper of this file whose every result is bounded. */
function helperResultBound(at: NodePath, depth: number): Bound {
  const fn = depth < HELPER_DEPTH ? localFunction(at) : null;
  if (!fn) return UNBOUNDED;
  const returns = returnedValues(fn);
  return returns.length > 0 && returns.every((r) => collectionBound(r, depth + 2).bounded) ? bounded('bounded-helper') : UNBOUNDED;
}

/** `new Array(N)`; `new Set(ids)`: no longer than ids. */
function constructedBound(at: NodePath, node: NodeOf<'NewExpression'>, depth: number): Bound {
  const ref = resolveExpression(node.callee, at);
  const key = ref ? refKey(ref) : null;
  if (key === 'global#Array' && node.arguments[0] && isConstantNumber(node.arguments[0], at)) return bounded('fixed-length');
  if ((key === 'global#Set' || key === 'global#Map') && node.arguments[0]) return collectionBound(at.child(node.arguments[0], 'arguments', 0), depth + 1);
  return UNBOUNDED;
}

// A variable's values are judged once per depth: `if (c) ids = ids.filter(f)`
// repeated would otherwise re-walk every earlier value from every later one. The
// answer depends on the depth left before MAX_DEPTH (an answer cut short there is
// not the answer with depth to spare), so it is remembered by depth too: what a
// query answers does not depend on which query ran first. Every step goes one
// deeper, so a cycle ends at MAX_DEPTH (unbounded).
const boundMemo = new WeakMap<Node, Map<number, Bound>>();

function valueBound(v: NodePath, depth: number): Bound {
  const memo = byDepth(boundMemo, v.node);
  let b = memo.get(depth);
  if (!b) memo.set(depth, (b = collectionBound(v, depth)));
  return b;
}
