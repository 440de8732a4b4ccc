// Statement-level data flow for the await rules: which bindings a piece of
// code reads and writes (resolved through scope, so shadowed names are
// different variables), the awaits it runs directly, and how it can leave a loop.
import type { Node } from '../syntax/ast.js';
import { lookup, type Binding } from './scope.js';
import { isFunctionNode, walkPaths, type NodePath } from '../syntax/walk.js';
import { LODASH_MODULE } from '../knowledge/modules.js';
import { isPrimitiveValueName } from '../knowledge/names.js';

/**
 * A variable: a resolved binding, `'this'`, `'this.<prop>'` for state reached
 * through `this` (so `this.users` and `this.orders` are told apart), or
 * `'global:<name>'` for undeclared names.
 */
export type VarKey = Binding | string;

/** Methods that mutate their receiver: `list.push(x)` writes `list`. */
const MUTATING_METHODS: ReadonlySet<string> = new Set([
  'push',
  'pop',
  'shift',
  'unshift',
  'splice',
  'sort',
  'reverse',
  'fill',
  'copyWithin',
  'set',
  'add',
  'delete',
  'clear',
]);

export interface Flow {
  reads: Set<VarKey>;
  writes: Set<VarKey>;
  /** Reads that use the value itself, not only as an index (`items[i]` reads `i` only as an index). */
  values: Set<VarKey>;
  /** Writes that change an object rather than rebind a name: `o.x = 1`, `list.push(x)`, `Object.assign(o, …)`. */
  mutates: Set<VarKey>;
}

/** Helpers that copy into their first argument: `Object.assign(target, …)`, `_.merge(target, …)`. */
const MERGE_METHODS: ReadonlySet<string> = new Set(['assign', 'merge', 'mergeWith', 'extend', 'defaults', 'defaultsDeep', 'assignIn']);
/** Helpers that write one property of their first argument: `Object.defineProperty(t, k, …)`, `_.set(t, path, v)`. */
const SET_METHODS: ReadonlySet<string> = new Set(['defineProperty', 'defineProperties', 'set']);
const MERGE_OWNERS: ReadonlySet<string> = new Set(['Object', 'Reflect', '_', 'lodash']);

/**
 * The object a call copies into, when it is a merge helper: `Object.assign(t, …)`,
 * `_.merge(t, …)`, or `merge(t, …)` imported from lodash; with `settersToo`, also
 * helpers that set one property (`Object.defineProperty(t, …)`, `_.set(t, …)`).
 */
export function mergeTarget(call: any, at: NodePath, options: { settersToo: boolean } = { settersToo: false }): any | null {
  const target = call.arguments?.[0];
  if (!target || target.type === 'SpreadElement') return null;
  const c = call.callee;
  if ((c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') && !c.computed && c.object.type === 'Identifier') {
    const name = c.property.name;
    if (!MERGE_OWNERS.has(c.object.name) || !(MERGE_METHODS.has(name) || (options.settersToo && SET_METHODS.has(name)))) return null;
    // Only the global Object/Reflect, or lodash (`_` bound to an import or require of lodash, or a global).
    const b = lookup(at, c.object.name);
    if (b && !isLodash(b)) return null;
    return target;
  }
  if (c.type === 'Identifier' && MERGE_METHODS.has(c.name)) {
    const b = lookup(at, c.name);
    return b && isLodash(b) ? target : null;
  }
  return null;
}

function isLodash(b: Binding): boolean {
  const source = b.importSource ?? requireSource(b.init);
  return !!source && LODASH_MODULE.test(source);
}

function requireSource(init: any): string | null {
  if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require' && init.arguments[0]?.type === 'StringLiteral')
    return init.arguments[0].value;
  return null;
}

function keyOf(path: NodePath, name: string): VarKey {
  return lookup(path, name) ?? `global:${name}`;
}

/** Positions where an identifier is not a variable reference at all. */
export function isReferenceIdentifier(path: NodePath): boolean {
  const parent = path.parentPath?.node as any;
  if (!parent) return false;
  switch (parent.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return path.key !== 'property' || parent.computed;
    case 'ObjectProperty':
      return path.key !== 'key' || parent.computed;
    case 'ClassProperty':
    case 'ClassMethod':
    case 'ObjectMethod':
    case 'ClassPrivateProperty':
      return path.key !== 'key' || parent.computed;
    case 'ImportSpecifier':
    case 'ImportDefaultSpecifier':
    case 'ImportNamespaceSpecifier':
    case 'LabeledStatement':
    case 'BreakStatement':
    case 'ContinueStatement':
    case 'MetaProperty':
      return false;
    case 'ExportSpecifier':
      return path.key === 'local';
    default:
      return true;
  }
}

type TargetKind = 'declare' | 'assign' | 'update' | 'param' | null;

/** Is this identifier the target of a declaration, assignment or parameter (possibly inside a pattern)? */
function targetKind(path: NodePath): TargetKind {
  let child = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    const n = p.node as any;
    switch (n.type) {
      case 'ObjectProperty':
        if (child.key !== 'value' || p.parentPath?.node.type !== 'ObjectPattern') return null;
        continue;
      case 'ObjectPattern':
      case 'ArrayPattern':
      case 'RestElement':
        continue;
      case 'AssignmentPattern':
        if (child.key !== 'left') return null;
        continue;
      case 'VariableDeclarator':
        return child.key === 'id' ? 'declare' : null;
      case 'AssignmentExpression':
        return child.key === 'left' ? (n.operator === '=' ? 'assign' : 'update') : null;
      case 'UpdateExpression':
        return 'update';
      case 'ForOfStatement':
      case 'ForInStatement':
        return child.key === 'left' ? 'assign' : null;
      case 'CatchClause':
        return child.key === 'param' ? 'param' : null;
      case 'TSParameterProperty':
        return 'param';
      default:
        if (isFunctionNode(n)) return child.key === 'params' ? 'param' : null;
        return null;
    }
  }
  return null;
}

/** The variable a member chain or identifier is rooted at: `a.b.c` → a, `this.x.y` → 'this.x', `this` → 'this'. */
export function rootVar(node: any, at: NodePath): VarKey | null {
  let prev: any = null;
  for (let i = 0; i < 64 && node; i++) {
    switch (node.type) {
      case 'Identifier':
        return keyOf(at, node.name);
      case 'ThisExpression':
        return prev && !prev.computed && prev.property?.type === 'Identifier' ? `this.${prev.property.name}` : 'this';
      case 'MemberExpression':
      case 'OptionalMemberExpression':
        prev = node;
        node = node.object;
        continue;
      case 'CallExpression':
      case 'OptionalCallExpression':
        prev = null;
        node = node.callee;
        continue;
      case 'TSAsExpression':
      case 'TSNonNullExpression':
      case 'TSSatisfiesExpression':
      case 'ParenthesizedExpression':
        node = node.expression;
        continue;
      default:
        return null;
    }
  }
  return null;
}

const PRIMITIVE_TYPES = new Set(['TSStringKeyword', 'TSNumberKeyword', 'TSBooleanKeyword', 'TSBigIntKeyword', 'TSLiteralType']);

/**
 * The variables a call could change through its arguments: bare identifiers
 * passed to it that may hold objects (not names like `id`, not literals, not
 * parameters typed as primitives).
 */
export function mutableArguments(callPath: NodePath): VarKey[] {
  const out: VarKey[] = [];
  for (const arg of (callPath.node as any).arguments ?? []) {
    const a = arg.type === 'SpreadElement' ? null : arg;
    if (!a || a.type !== 'Identifier' || isPrimitiveValueName(a.name)) continue;
    const b = lookup(callPath, a.name);
    if (!b) continue;
    const ann = (b.id as any).typeAnnotation?.typeAnnotation;
    if (ann && PRIMITIVE_TYPES.has(ann.type)) continue;
    const init = b.steps.length === 0 ? (b.init as any) : null;
    if (init && (init.type === 'StringLiteral' || init.type === 'NumericLiteral' || init.type === 'TemplateLiteral' || init.type === 'BooleanLiteral')) continue;
    out.push(b);
  }
  return out;
}

/**
 * Reads and writes of `path`'s subtree, nested functions included (a closure
 * that reads a variable depends on it too).
 */
export function flowOf(path: NodePath): Flow {
  // A node's flow depends only on its subtree and where it sits: computed once (callers never change it).
  let flow = flows.get(path.node);
  if (!flow) flows.set(path.node, (flow = computeFlow(path)));
  return flow;
}

const flows = new WeakMap<object, Flow>();

function computeFlow(path: NodePath): Flow {
  const reads = new Set<VarKey>();
  const writes = new Set<VarKey>();
  const values = new Set<VarKey>();
  const mutates = new Set<VarKey>();
  const mutate = (node: any, at: NodePath) => {
    const root = rootVar(node, at);
    if (root) {
      writes.add(root);
      mutates.add(root);
    }
  };
  walkPaths(path, (p) => {
    const n = p.node as any;
    switch (n.type) {
      case 'Identifier': {
        if (!isReferenceIdentifier(p)) return;
        const t = targetKind(p);
        const key = keyOf(p, n.name);
        if (t === 'param') return;
        if (t === 'declare' || t === 'assign') writes.add(key);
        else {
          if (t === 'update') writes.add(key);
          reads.add(key);
          const parent = p.parentPath!.node as any;
          const asIndex = (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.computed && p.key === 'property';
          if (!asIndex) values.add(key);
        }
        return;
      }
      case 'ThisExpression': {
        reads.add('this');
        values.add('this');
        const parent = p.parentPath?.node as any;
        if (parent && (parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && p.key === 'object' && !parent.computed) {
          reads.add(`this.${parent.property.name ?? ''}`);
        }
        return;
      }
      case 'AssignmentExpression': {
        if (n.left.type === 'MemberExpression' || n.left.type === 'OptionalMemberExpression') mutate(n.left, p);
        return;
      }
      case 'UpdateExpression':
      case 'UnaryExpression': {
        if (n.type === 'UnaryExpression' && n.operator !== 'delete') return;
        if (n.argument.type === 'MemberExpression') mutate(n.argument, p);
        return;
      }
      case 'CallExpression':
      case 'OptionalCallExpression': {
        const c = n.callee;
        // `list.push(x)`, `seen.set(k, v)` change an object in memory; an awaited `await redis.set(k, v)` asks a client.
        const awaited = p.parentPath?.node.type === 'AwaitExpression';
        if ((c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') && !c.computed && MUTATING_METHODS.has(c.property.name) && !awaited)
          mutate(c.object, p);
        const target = mergeTarget(n, p, { settersToo: true });
        if (target) mutate(target, p);
        return;
      }
      default:
        return;
    }
  });
  return { reads, writes, values, mutates };
}

/**
 * Variables a statement merges into, so that what it writes depends on the order
 * of the statements that run it: `Object.assign(out, x)`, `_.merge(out, x)`,
 * `out = { ...out, ...x }`, `out = Object.assign({}, out, x)`.
 */
export function mergedInto(path: NodePath): VarKey[] {
  const out: VarKey[] = [];
  walkPaths(path, (p) => {
    const n = p.node as any;
    if (p !== path && isFunctionNode(n)) return false;
    if (n.type === 'CallExpression' || n.type === 'OptionalCallExpression') {
      const target = mergeTarget(n, p);
      // `Object.assign({}, a, b)` builds a new object: merging into a literal changes nothing outside.
      if (target && target.type !== 'ObjectExpression' && target.type !== 'ArrayExpression') {
        const k = rootVar(target, p);
        if (k) out.push(k);
      }
    }
    if (n.type === 'AssignmentExpression' && n.operator === '=' && n.left.type === 'Identifier') {
      const k = keyOf(p, n.left.name);
      const r = n.right;
      const spreads =
        r.type === 'ObjectExpression' && r.properties.some((q: any) => q.type === 'SpreadElement' && q.argument.type === 'Identifier' && keyOf(p, q.argument.name) === k);
      const assigns =
        r.type === 'CallExpression' &&
        mergeTarget(r, p)?.type === 'ObjectExpression' &&
        r.arguments.slice(1).some((a: any) => a.type === 'Identifier' && keyOf(p, a.name) === k);
      if (spreads || assigns) out.push(k);
    }
    return undefined;
  });
  return out;
}

/** `await` expressions `path` runs itself: not inside nested functions (nor nested loops, unless asked). */
export function directAwaits(path: NodePath, options: { intoLoops: boolean } = { intoLoops: true }): NodePath[] {
  const out: NodePath[] = [];
  walkPaths(path, (p) => {
    const n = p.node;
    if (p !== path && isFunctionNode(n)) return false;
    if (!options.intoLoops && p !== path && isLoop(n)) return false;
    if (n.type === 'AwaitExpression') out.push(p);
    // `for await` awaits each step too.
    if (n.type === 'ForOfStatement' && (n as any).await && p !== path) out.push(p);
    return undefined;
  });
  return out;
}

export function isLoop(node: Node): boolean {
  switch (node.type) {
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement':
    case 'WhileStatement':
    case 'DoWhileStatement':
      return true;
    default:
      return false;
  }
}

/**
 * Does running `body` (the body of `loop`) possibly leave the loop early:
 * `return`, a `break` aimed at it, or a `throw` not caught inside it?
 */
export function canExitLoop(loop: NodePath, body: NodePath): boolean {
  return loopExits(loop, body).length > 0;
}

/** The statements that leave the loop: `return`, a `throw` no try in the body catches, a `break` of this loop. */
export function loopExits(loop: NodePath, body: NodePath): NodePath[] {
  const label = loop.parentPath?.node.type === 'LabeledStatement' ? (loop.parentPath.node as any).label.name : null;
  const exits: NodePath[] = [];
  walkPaths(body, (p) => {
    const n = p.node as any;
    if (isFunctionNode(n)) return false;
    switch (n.type) {
      case 'ReturnStatement':
        exits.push(p);
        return false;
      case 'ThrowStatement':
        if (!insideTry(p, body)) exits.push(p);
        return false;
      case 'BreakStatement':
        if (n.label ? n.label.name === label : !insideBreakable(p, body)) exits.push(p);
        return false;
      default:
        return undefined;
    }
  });
  return exits;
}

/** Is `path` inside a try block (with a handler) that is itself inside `limit`? */
function insideTry(path: NodePath, limit: NodePath): boolean {
  let child = path;
  for (let p = path.parentPath; p && p !== limit.parentPath; child = p, p = p.parentPath) {
    if (p.node.type === 'TryStatement' && child.key === 'block' && (p.node as any).handler) return true;
  }
  return false;
}

/** Is an unlabelled `break` at `path` caught by a loop or switch nested inside `limit`? */
function insideBreakable(path: NodePath, limit: NodePath): boolean {
  for (let p = path.parentPath; p && p !== limit.parentPath; p = p.parentPath) {
    if (p === limit) return false;
    if (isLoop(p.node) || p.node.type === 'SwitchStatement') return true;
  }
  return false;
}

/** Does the subtree contain a statement that can leave the enclosing block (return, throw, break, continue)? */
export function hasJump(path: NodePath): boolean {
  let found = false;
  walkPaths(path, (p) => {
    const t = p.node.type;
    if (isFunctionNode(p.node)) return false;
    if (t === 'ReturnStatement' || t === 'ThrowStatement' || t === 'BreakStatement' || t === 'ContinueStatement') {
      found = true;
      return false;
    }
    return undefined;
  });
  return found;
}

export function intersects<T>(a: ReadonlySet<T>, b: ReadonlySet<T>): boolean {
  const [small, large] = a.size <= b.size ? [a, b] : [b, a];
  for (const x of small) if (large.has(x)) return true;
  return false;
}
