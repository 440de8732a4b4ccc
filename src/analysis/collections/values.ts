// The values of variables and the helpers of the file: what a binding may hold at
// a use, what a local function returns, which function of the file a call runs.
import { PROMISE_AGGREGATES } from '../../knowledge/limiters.js';
import { isCall, refKey, resolveExpression, unwrapExpression } from '../resolve.js';
import { classMethod, functionOfRef } from '../functions.js';
import { lookup, type Binding } from '../scope.js';
import { isFunctionNode, NodePath, walkPaths, type Node } from '../../syntax/walk.js';
import { describe, isMember, memberName } from './names.js';

/** Statements whose parts may not run: an assignment inside one does not always replace an earlier one. */
const BRANCHING: ReadonlySet<string> = new Set([
  'ConditionalExpression',
  'LogicalExpression',
  'IfStatement',
  'CatchClause',
  'ForStatement',
  'ForInStatement',
  'ForOfStatement',
  'WhileStatement',
  'DoWhileStatement',
]);

/** A memo of one node, by depth: answers near the depth cap differ from answers with depth to spare. */
export function byDepth<T>(memo: WeakMap<Node, Map<number, T>>, node: Node): Map<number, T> {
  let m = memo.get(node);
  if (!m) memo.set(node, (m = new Map()));
  return m;
}

interface FileIndex {
  paths: WeakMap<Node, NodePath>;
  /** `Posts.uploads.getOrphans = async () => …`: functions assigned to member chains, by the chain's text. */
  memberFunctions: Map<string, Node>;
}

const fileIndexes = new WeakMap<Node, FileIndex>();

/** Paths for the nodes of the file `at` belongs to (built once per file, only when a fan-out needs it). */
function fileIndex(at: NodePath): FileIndex {
  let root = at;
  while (root.parentPath) root = root.parentPath;
  let index = fileIndexes.get(root.node);
  if (index) return index;
  index = { paths: new WeakMap(), memberFunctions: new Map() };
  const { paths, memberFunctions } = index;
  walkPaths(new NodePath(root.node, null, null, null), (p) => {
    paths.set(p.node, p);
    const n = p.node as any;
    if (n.type === 'AssignmentExpression' && n.operator === '=' && isMember(n.left)) {
      const right = unwrapExpression(n.right);
      const key = describe(n.left);
      if (isFunctionNode(right) && !key.includes('…') && !memberFunctions.has(key)) memberFunctions.set(key, right);
    }
    return undefined;
  });
  fileIndexes.set(root.node, index);
  return index;
}

/** The function of this file a call invokes: a local function, `this.method`, or `Module.helper = function …`. */
export function localFunction(callPath: NodePath): NodePath | null {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call) && call.type !== 'NewExpression') return null;
  return functionAt(call.callee, callPath);
}

/** The function of this file an expression names (`loadUser`, `this.load`, `helpers.load`, `Posts.uploads.list`). */
export function functionAt(expr: any, at: NodePath): NodePath | null {
  const callee = unwrapExpression(expr);
  let fn: Node | null = null;
  if (callee.type === 'Identifier') {
    const ref = resolveExpression(callee, at);
    fn = ref && ref.kind === 'binding' ? functionOfRef(ref) : null;
  } else if (isMember(callee)) {
    const name = memberName(callee);
    if (unwrapExpression(callee.object).type === 'ThisExpression') fn = name ? classMethod(at, name) : null;
    else {
      const ref = resolveExpression(callee, at);
      fn = ref && ref.kind === 'binding' ? functionOfRef(ref) : null;
      fn ??= fileIndex(at).memberFunctions.get(describe(callee)) ?? null;
    }
  }
  return fn ? (fileIndex(at).paths.get(fn) ?? null) : null;
}

/** The expressions a function returns (an arrow's expression body, or its `return`s, not those of nested functions). */
export function returnedValues(fnPath: NodePath): NodePath[] {
  const fn = fnPath.node as any;
  if (!fn.body) return [];
  if (fn.body.type !== 'BlockStatement') return [fnPath.child(fn.body, 'body')];
  const out: NodePath[] = [];
  walkPaths(fnPath.child(fn.body, 'body'), (p) => {
    if (isFunctionNode(p.node)) return false;
    const n = p.node as any;
    if (n.type === 'ReturnStatement' && n.argument) out.push(p.child(n.argument, 'argument'));
    return undefined;
  });
  return out;
}

const assignmentCache = new WeakMap<Binding, NodePath[]>();

/** `name = …` assignments to a binding, anywhere in its scope. */
function assignmentsTo(b: Binding): NodePath[] {
  let list = assignmentCache.get(b);
  if (list) return list;
  list = [];
  const found = list;
  walkPaths(b.scopePath, (p) => {
    const n = p.node as any;
    if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && n.left.name === b.name && lookup(p, b.name) === b) found.push(p);
    return undefined;
  });
  assignmentCache.set(b, list);
  return list;
}

/** Does the assignment at `defPath` always run before `usePath` (no branch, loop body or function between)? */
function dominates(defPath: NodePath, usePath: NodePath): boolean {
  const u = usePath.node as any;
  for (let p: NodePath = defPath; p.parentPath; p = p.parentPath) {
    const parent = p.parentPath.node as any;
    if (parent.start <= u.start && u.end <= parent.end) return true;
    if (isFunctionNode(parent)) return false;
    switch (parent.type) {
      case 'IfStatement':
      case 'ConditionalExpression':
        if (p.key !== 'test') return false;
        break;
      case 'LogicalExpression':
        if (p.key === 'right') return false;
        break;
      case 'SwitchCase':
      case 'CatchClause':
        return false;
      case 'ForStatement':
      case 'ForInStatement':
      case 'ForOfStatement':
      case 'WhileStatement':
      case 'DoWhileStatement':
        if (p.key === 'body') return false;
        break;
    }
  }
  return false;
}

/**
 * The values a binding may hold at `usePath`: its initialiser, or the last
 * assignment before the use that always runs, plus later ones in branches
 * (`let ids = await list(); ids = ids.slice(0, 20);`). `null` stands for the
 * binding's own value (a parameter, a loop variable) when it may still hold it.
 */
export function bindingValues(usePath: NodePath, b: Binding): (NodePath | null)[] {
  type Def = { path: NodePath | null; at: NodePath | null; dominates: boolean; start: number };
  const defs: Def[] = [];
  const assigned = b.kind === 'let' || b.kind === 'var' || b.kind === 'param';
  if (b.init) defs.push({ path: b.scopePath.child(b.init, 'init'), at: null, dominates: true, start: -1 });
  // `let x;` holds undefined until assigned; a parameter holds what the caller passed.
  else if (!assigned || b.kind === 'param') defs.push({ path: null, at: null, dominates: true, start: -1 });
  if (assigned) {
    const useStart = (usePath.node as any).start ?? Infinity;
    for (const a of assignmentsTo(b)) {
      const n = a.node as any;
      if ((n.end ?? Infinity) > useStart || n.operator !== '=') continue;
      defs.push({ path: a.child(n.right, 'right'), at: a, dominates: dominates(a, usePath), start: n.start ?? 0 });
    }
  }
  if (defs.length === 0) return [null];
  defs.sort((x, y) => x.start - y.start);
  let i = defs.length - 1;
  while (i > 0 && !defs[i]!.dominates) i--;
  const live = defs.slice(i);
  // In `if (q) { ids = a; ids = ids.filter(f); }` the second assignment replaces the first.
  return live.filter((d) => !d.at || !live.some((k) => k.at && k.start > d.start && replaces(k.at, d.at!))).map((d) => d.path);
}

/** Does the assignment `later` always run after `earlier` (an unconditional statement of a block that encloses it)? */
function replaces(later: NodePath, earlier: NodePath): boolean {
  let stmt: NodePath = later;
  while (stmt.parentPath && !(stmt.index !== null && (stmt.key === 'body' || stmt.key === 'consequent'))) {
    const t = stmt.parentPath.node.type;
    if (BRANCHING.has(t) || isFunctionNode(stmt.parentPath.node)) return false;
    stmt = stmt.parentPath;
  }
  const block = stmt.parentPath?.node as any;
  const e = earlier.node as any;
  return !!block && block.start <= e.start && e.end <= block.end && (stmt.node as any).start >= e.end;
}

/** `const [a, b] = await Promise.all([x(), y()])`: the call behind `a`. */
export function destructuredElement(b: Binding): NodePath | null {
  const step = b.steps[0];
  if (b.steps.length !== 1 || !step || !('index' in step) || !b.init) return null;
  const init = unwrapExpression(b.init as any);
  if (init.type !== 'AwaitExpression') return null;
  const call = unwrapExpression(init.argument);
  const initPath = b.scopePath.child(b.init, 'init');
  if (!isCall(call) || !isPromiseAll(call, initPath)) return null;
  const arr = call.arguments[0] && unwrapExpression(call.arguments[0]);
  const el = arr?.type === 'ArrayExpression' ? arr.elements[step.index] : null;
  return el && el.type !== 'SpreadElement' ? initPath.child(el, 'elements', step.index) : null;
}

export function isPromiseAll(call: any, at: NodePath): boolean {
  const ref = resolveExpression(call.callee, at);
  const label = ref && (ref.kind === 'global' || ref.kind === 'module') ? PROMISE_AGGREGATES.get(refKey(ref)) : undefined;
  return label === 'Promise.all' || label === 'Promise.allSettled';
}
