// Shared analysis for deadlines: which client a call reaches; does an options
// object (inline, or built elsewhere in the same function where it can be seen)
// set one of the given keys; is a timeout set on the returned object later; is
// the call raced against a timer?
import { DEFAULT_EXPORT_NAMES, NOT_OPTIONS_NAME, TIMEOUT_WRAPPER, TIMER_CALL, type TimeoutClient } from '../knowledge/http-clients.js';
import { isCall, memberPropertyName, refKey, resolveExpression, unwrapExpression, type Ref } from './resolve.js';
import { lookup, propertyKeyName, type Binding } from './scope.js';
import type { Node } from '../syntax/ast.js';
import { isFunctionNode, someNode, walkPaths, type NodePath } from '../syntax/walk.js';
import { functionOfBinding } from './functions.js';
import { mergeTarget } from './dataflow.js';

/** 'yes': the options set a deadline; 'no': they visibly do not; 'unknown': they cannot be seen. */
export type Coverage = 'yes' | 'no' | 'unknown';

/** A `timeout` of 0 or Infinity (or `undefined`) sets no deadline. */
function noDeadline(value: any): boolean {
  const v = unwrapExpression(value);
  return (v.type === 'NumericLiteral' && v.value === 0) || (v.type === 'Identifier' && (v.name === 'Infinity' || v.name === 'undefined')) || v.type === 'NullLiteral';
}

export function optionsCover(argPath: NodePath | null, keys: readonly string[], depth = 0): Coverage {
  if (!argPath) return 'no';
  const node = unwrapExpression(argPath.node as any);
  if (depth > 6) return 'unknown';
  switch (node.type) {
    case 'ObjectExpression': {
      let result: Coverage = 'no';
      for (const [i, p] of node.properties.entries()) {
        if (p.type === 'SpreadElement') {
          const inner = optionsCover(argPath.child(p, 'properties', i).child(p.argument, 'argument'), keys, depth + 1);
          if (inner !== 'no') result = inner === 'yes' ? 'yes' : result === 'yes' ? 'yes' : 'unknown';
          continue;
        }
        const key = p.type === 'ObjectProperty' || p.type === 'ObjectMethod' ? propertyKeyName(p) : null;
        if (key === null && p.computed) result = result === 'yes' ? 'yes' : 'unknown';
        if (key && keys.includes(key) && !(p.type === 'ObjectProperty' && noDeadline(p.value))) return 'yes';
      }
      return result;
    }
    case 'Identifier': {
      const b = lookup(argPath, node.name);
      if (!b || b.kind === 'param' || b.kind === 'import' || !b.init || b.steps.length > 0) return 'unknown';
      if (assignsKey(b, keys)) return 'yes';
      const init = unwrapExpression(b.init as any);
      if (init.type === 'ObjectExpression') return optionsCover(b.scopePath.child(b.init, 'init'), keys, depth + 1);
      return 'unknown';
    }
    case 'StringLiteral':
    case 'TemplateLiteral':
    case 'NumericLiteral':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
      return 'no';
    default:
      return 'unknown';
  }
}

/** `opts.signal = …` / `opts.timeout = …` anywhere in the binding's scope. */
function assignsKey(b: Binding, keys: readonly string[]): boolean {
  let found = false;
  walkPaths(b.scopePath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (n.type === 'AssignmentExpression' && (n.left.type === 'MemberExpression' || n.left.type === 'OptionalMemberExpression')) {
      const prop = memberPropertyName(n.left);
      const obj = unwrapExpression(n.left.object);
      if (prop && keys.includes(prop) && obj.type === 'Identifier' && obj.name === b.name && !noDeadline(n.right) && lookup(p, b.name) === b) found = true;
    }
    return undefined;
  });
  return found;
}

/** `const req = http.request(…); req.setTimeout(ms)` or `http.get(…).setTimeout(ms)`: a setter called on the result. */
export function timeoutSetLater(callPath: NodePath, setters: readonly string[]): boolean {
  let up = callPath;
  while (up.parentPath && (isTransparent(up.parentPath.node) || up.parentPath.node.type === 'AwaitExpression')) up = up.parentPath;
  const parent = up.parentPath;
  if (!parent) return false;
  const pn = parent.node as any;
  // Chained: http.get(url).setTimeout(5000) (possibly after other chained calls).
  for (let p: NodePath | null = up; p?.parentPath; p = p.parentPath.parentPath) {
    const m = p.parentPath.node as any;
    if ((m.type !== 'MemberExpression' && m.type !== 'OptionalMemberExpression') || p.key !== 'object') break;
    const name = memberPropertyName(m);
    if (name && setters.includes(name)) return true;
    if (!p.parentPath.parentPath || !isCall(p.parentPath.parentPath.node)) break;
  }
  // Assigned: const req = http.request(…); … req.setTimeout(…)
  let binding: Binding | null = null;
  if (pn.type === 'VariableDeclarator' && up.key === 'init' && pn.id.type === 'Identifier') binding = lookup(parent, pn.id.name);
  if (pn.type === 'AssignmentExpression' && up.key === 'right' && pn.left.type === 'Identifier') binding = lookup(parent, pn.left.name);
  if (!binding) return false;
  const b = binding;
  let found = false;
  walkPaths(b.scopePath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (isCall(n) && (n.callee.type === 'MemberExpression' || n.callee.type === 'OptionalMemberExpression')) {
      const name = memberPropertyName(n.callee);
      const obj = unwrapExpression(n.callee.object);
      if (name && setters.includes(name) && obj.type === 'Identifier' && obj.name === b.name && lookup(p, b.name) === b) found = true;
    }
    return undefined;
  });
  return found;
}

/**
 * Is the call raced against a timer: `Promise.race([call, sleep(5000)])`,
 * `pTimeout(call, { milliseconds })`, `withTimeout(call, ms)`?
 */
export function racedAgainstTimer(callPath: NodePath): boolean {
  let child: NodePath = callPath;
  for (let p = callPath.parentPath; p; child = p, p = p.parentPath) {
    const n = p.node as any;
    if (isFunctionNode(n) || n.type.endsWith('Statement') || n.type === 'VariableDeclarator') return false;
    if (n.type === 'ArrayExpression') {
      const race = p.parentPath;
      if (race && isCall(race.node) && p.key === 'arguments') {
        const ref = resolveExpression((race.node as any).callee, race);
        const key = ref ? refKey(ref) : '';
        if (key === 'global#Promise.race' || key === 'bluebird#race') {
          if (n.elements.some((el: any, i: number) => i !== child.index && el && isTimerLike(el))) return true;
        }
      }
      continue;
    }
    if (isCall(n) && child.key === 'arguments') {
      const callee = unwrapExpression(n.callee);
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberPropertyName(callee) : null;
      const ref = resolveExpression(callee, p);
      if ((name && TIMEOUT_WRAPPER.test(name)) || (ref && ref.kind === 'module' && ref.module === 'p-timeout')) return true;
    }
  }
  return false;
}

function isTimerLike(node: any): boolean {
  return someNode(node, (n: any) => {
    if (!isCall(n) && n.type !== 'NewExpression') return false;
    const c = unwrapExpression(n.callee);
    const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' ? memberPropertyName(c) : null;
    return !!name && TIMER_CALL.test(name);
  });
}

function isTransparent(node: any): boolean {
  return node.type === 'TSAsExpression' || node.type === 'TSNonNullExpression' || node.type === 'ParenthesizedExpression' || node.type === 'TSSatisfiesExpression';
}

type CallNode = Extract<Node, { type: 'CallExpression' | 'OptionalCallExpression' }>;

/** The client a call reaches (`module#export` key), also through `const run = promisify(exec)`. */
export function timeoutClientKey(ref: Ref, path: NodePath<CallNode>): string | null {
  if (ref.kind === 'module' && ref.path.length > 0 && DEFAULT_EXPORT_NAMES.get(ref.module) === ref.path[0]) return refKey({ ...ref, path: ref.path.slice(1) });
  if (ref.kind === 'module' || ref.kind === 'global') return refKey(ref);
  const callee = unwrapExpression(path.node.callee);
  if (ref.kind === 'call' && !ref.isNew && refKey(ref.callee) === 'util#promisify' && callee.type === 'Identifier') {
    const b = lookup(path, callee.name);
    const init = b?.init && unwrapExpression(b.init as any);
    if (b && init?.type === 'CallExpression' && init.arguments[0]) return keyOf(resolveExpression(init.arguments[0], b.scopePath));
  }
  return null;
}

function keyOf(ref: Ref | null): string | null {
  return ref && (ref.kind === 'module' || ref.kind === 'global') ? refKey(ref) : null;
}

/** Does some options argument of the call set a deadline for `client`? Options that cannot be seen are 'unknown'. */
export function callCoverage(path: NodePath<CallNode>, client: TimeoutClient): Coverage {
  const args = path.node.arguments as any[];
  const indexes = client.options === 'any' ? args.map((_, i) => i) : client.options;
  let verdict: Coverage = 'no';
  for (const i of indexes) {
    const arg = args[i];
    if (!arg) continue;
    if (arg.type === 'SpreadElement') return 'unknown';
    if (notOptions(arg)) continue;
    const c = optionsCover(path.child(arg, 'arguments', i), client.covers);
    if (c === 'yes') return 'yes';
    if (c === 'unknown') verdict = 'unknown';
  }
  // fetch(request) with a Request built elsewhere may carry its own signal.
  if (client.options !== 'any' && indexes.every((i) => !args[i]) && args[0]?.type === 'Identifier') {
    const b = lookup(path, args[0].name);
    const init = b?.init && unwrapExpression(b.init as any);
    if (init?.type === 'NewExpression') return 'unknown';
  }
  return verdict;
}

/** `fetch(new URL('./font.ttf', import.meta.url))`: a bundled asset, not a network call. */
export function isBundledAsset(arg: any): boolean {
  const a = arg && unwrapExpression(arg);
  return (
    !!a &&
    a.type === 'NewExpression' &&
    a.callee.type === 'Identifier' &&
    a.callee.name === 'URL' &&
    a.arguments[1]?.type === 'MemberExpression' &&
    a.arguments[1].object.type === 'MetaProperty'
  );
}

function notOptions(arg: any): boolean {
  const a = unwrapExpression(arg);
  switch (a.type) {
    case 'StringLiteral':
    case 'TemplateLiteral':
    case 'NumericLiteral':
    case 'ArrayExpression':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
    case 'BinaryExpression':
      return true;
    case 'Identifier':
      return NOT_OPTIONS_NAME.test(a.name);
    case 'MemberExpression':
      return !a.computed && a.property.type === 'Identifier' && NOT_OPTIONS_NAME.test(a.property.name);
    case 'NewExpression':
      return a.callee.type === 'Identifier' && a.callee.name === 'URL';
    default:
      return false;
  }
}

/** `const api = axios.create({...}); api.defaults.timeout = 5000;`: the instance's defaults are set after the factory call. */
export function instanceDefaultsSet(path: NodePath): boolean {
  const decl = path.parentPath?.node as any;
  if (!decl || decl.type !== 'VariableDeclarator' || decl.id.type !== 'Identifier') return false;
  const b = lookup(path.parentPath!, decl.id.name);
  if (!b) return false;
  let found = false;
  walkPaths(b.scopePath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && !n.left.computed && n.left.property.name === 'timeout') {
      const o = n.left.object;
      if (o.type === 'MemberExpression' && !o.computed && o.property.name === 'defaults' && o.object.type === 'Identifier' && o.object.name === b.name) found = true;
    }
    return undefined;
  });
  return found;
}

/** Method names called along a chain starting at this call: `superagent.get(u).set(h).timeout(t)` → [set, timeout]. */
export function chainedMethodNames(path: NodePath): string[] {
  const names: string[] = [];
  let p: NodePath = path;
  while (p.parentPath && p.parentPath.node.type === 'MemberExpression' && p.key === 'object') {
    const member = p.parentPath.node as any;
    if (!member.computed) names.push(member.property.name);
    const up = p.parentPath.parentPath;
    if (!up || (up.node.type !== 'CallExpression' && up.node.type !== 'OptionalCallExpression')) break;
    p = up;
  }
  return names;
}

/** Which parameter of the function a value comes from, and the caller's option keys that decide it. */
export interface CallerOptions {
  index: number;
  keys: string[];
}

/**
 * A call whose options are its function's parameter (`fetch(url, init)`) or spread from one (`fetch(url, { ...init,
 * headers })`, `{ ...rest }` of `const { timeout, ...rest } = init || {}`) and set no deadline the function decides: a
 * covering key is absent, or its value is one the caller's options decide (`deadlineOf`: `init.signal`, or a signal made
 * only when the caller passes `timeout`). Each caller then decides whether the call has a deadline: the parameter's
 * index, and the keys of the caller's options that give one (the client's, and those the deadline is made from); or null.
 */
export function forwardedOptionsParam(
  path: NodePath<CallNode>,
  client: TimeoutClient,
  paramOf: (node: Node) => number | null,
  deadlineOf: (node: Node) => CallerOptions | null,
): { index: number; covers: string[] } | null {
  if (client.options === 'any') return null;
  const args = path.node.arguments as Node[];
  for (const i of client.options) {
    const arg = args[i] ? unwrapExpression(args[i] as any) : null;
    if (!arg) continue;
    if (arg.type === 'Identifier') {
      const index = paramOf(arg);
      return index === null ? null : { index, covers: [...client.covers] };
    }
    if (arg.type !== 'ObjectExpression') return null;
    let forwarded: number | null = null;
    const covers = new Set(client.covers);
    const from = (index: number | null) => index !== null && (forwarded === null || forwarded === index) && ((forwarded = index), true);
    for (const p of arg.properties) {
      if (p.type === 'SpreadElement') {
        if (!from(paramOf(unwrapExpression(p.argument as any)))) return null;
        continue;
      }
      const key = propertyKeyName(p);
      if (key === null) return null;
      if (!client.covers.includes(key)) continue;
      const value = p.type === 'ObjectProperty' ? deadlineOf(unwrapExpression(p.value as any)) : null;
      if (!value || (value.index >= 0 && !from(value.index))) return null;
      for (const k of value.keys) covers.add(k);
    }
    return forwarded === null ? null : { index: forwarded, covers: [...covers] };
  }
  return null;
}

/** How far `literalKeys` follows names, spreads and helpers' returns: `options` → `...proxy` → `getProxy()` → `{ agent }`. */
const MAX_OPTION_DEPTH = 6;

/**
 * The keys an options argument sets, as a summary records them (`...` for a spread it cannot see, `?` for a computed
 * key): an object literal, or a `const` holding one that nothing changes afterwards (`const options = { method, ...proxy }`).
 * A spread of a `const` holding such an object, or the result of a local function that only returns object literals
 * (`...getAgentOptions()` returning `{ agent }` or `{}`), adds that object's keys. Null when the argument is none of these.
 */
export function literalKeys(arg: Node, at: NodePath, depth = 0): string[] | null {
  const a = depth > MAX_OPTION_DEPTH ? null : unwrapExpression(arg as any);
  if (a?.type === 'Identifier') {
    const b = lookup(at, a.name);
    const keys = b && b.kind === 'const' && b.steps.length === 0 && b.init ? literalKeys(b.init, b.scopePath, depth + 1) : null;
    return keys && !changedAfter(b!) ? keys : null;
  }
  if (a?.type === 'CallExpression' && a.callee.type === 'Identifier' && a.arguments.length === 0 && depth > 0) {
    const b = lookup(at, a.callee.name);
    const fn = b ? functionOfBinding(b, 0) : null;
    const returned = fn && isFunctionNode(fn) ? returnedObjects(fn) : null;
    return returned && returned.length > 0 ? returned.flatMap((o) => literalKeys(o, b!.scopePath, depth + 1) ?? ['...']) : null;
  }
  if (a?.type !== 'ObjectExpression') return null;
  return a.properties.flatMap((p: any) =>
    p.type === 'SpreadElement' ? (depth < MAX_OPTION_DEPTH && literalKeys(p.argument, at, depth + 1)) || ['...'] : [propertyKeyName(p) ?? '?'],
  );
}

/** `options.signal = …`, `Object.assign(options, …)`, `delete options.x`: a `const` object changed after it is made. */
function changedAfter(b: Binding): boolean {
  const known = changed.get(b);
  if (known !== undefined) return known;
  const name = b.name;
  const result = someNode(b.scopePath.node, (n: any) => {
    const target = n.type === 'AssignmentExpression' ? n.left : n.type === 'UnaryExpression' && n.operator === 'delete' ? n.argument : null;
    if (target?.type === 'MemberExpression' && target.object.type === 'Identifier' && target.object.name === name) return true;
    // Merged into (`Object.assign(options, defaults)`, `_.merge(options, …)`): passing it anywhere else changes nothing.
    const into = isCall(n) ? mergeTarget(n, b.scopePath) : null;
    return into?.type === 'Identifier' && into.name === name;
  });
  changed.set(b, result);
  return result;
}
const changed = new WeakMap<Binding, boolean>();

/** The object literals a function returns, when every `return` (or the arrow's body) is one, or a choice between them. */
function returnedObjects(fn: any): Node[] | null {
  const out: Node[] = [];
  let other = false;
  const add = (v: any) => {
    const e = v && unwrapExpression(v);
    if (e?.type === 'ObjectExpression') out.push(e);
    else if (e?.type === 'ConditionalExpression') (add(e.consequent), add(e.alternate));
    else other = true;
  };
  if (fn.body.type !== 'BlockStatement') add(fn.body);
  else
    someNode(
      fn.body,
      (n: any) => (n.type === 'ReturnStatement' && add(n.argument), other),
      10_000,
      (n) => !isFunctionNode(n),
    );
  return other ? null : out;
}
