// The predicates behind "bounded": a filter against a fixed list, a constant
// object, a query with a limit, a chunk, a class field of bounded lists, a length
// checked above, configuration.
import { CONFIG_SEGMENTS } from '../../knowledge/limiters.js';
import { CHUNK_FUNCTIONS, CHUNK_PARAM_NAME, CONSTANT_NAME, LIMIT_CALLS, LIMIT_OPTIONS } from '../../knowledge/collections.js';
import { isCall, memberPropertyName, unwrapExpression } from '../resolve.js';
import { lookup, propertyKeyName, type Binding } from '../scope.js';
import { isFunctionNode, walkPaths, type Node, type NodePath } from '../../syntax/walk.js';
import { collectionBound, HELPER_DEPTH, MAX_DEPTH } from './bound.js';
import { classFieldName, describe, isMember, lastName, memberName } from './names.js';

/** `options.fields`, `req.payload.config.collections`: a path through configuration. */
export function isConfigPath(text: string): boolean {
  return text.split('.').some((seg) => CONFIG_SEGMENTS.has(seg));
}

/** `(x) => LIST.includes(x)` (or `.has(x)`, `.indexOf(x) !== -1`): the list a filter keeps values of. */
export function allowList(cbPath: NodePath): NodePath | null {
  const fn = unwrapExpression(cbPath.node as any);
  if (fn.type !== 'ArrowFunctionExpression' || fn.params[0]?.type !== 'Identifier') return null;
  const param = fn.params[0].name;
  let body = unwrapExpression(fn.body);
  if (body.type === 'BlockStatement') {
    const ret = body.body.length === 1 && body.body[0].type === 'ReturnStatement' ? body.body[0].argument : null;
    if (!ret) return null;
    body = unwrapExpression(ret);
  }
  if (body.type === 'BinaryExpression' && ['!==', '!=', '>', '>='].includes(body.operator)) body = unwrapExpression(body.left);
  if (!isCall(body) || !isMember(body.callee) || !['includes', 'has', 'indexOf'].includes(memberPropertyName(body.callee) ?? '')) return null;
  const arg = body.arguments[0] && unwrapExpression(body.arguments[0]);
  if (arg?.type !== 'Identifier' || arg.name !== param) return null;
  return cbPath.child(fn.body, 'body').child(body.callee, 'callee').child(body.callee.object, 'object');
}

/** An object literal, or a const bound to one (module configuration tables). */
export function isConstantObject(path: NodePath, depth: number): boolean {
  const node = unwrapExpression(path.node as any);
  if (node.type === 'ObjectExpression') return node.properties.every((p: any) => p.type !== 'SpreadElement');
  if (node.type === 'Identifier' && depth < MAX_DEPTH) {
    const b = lookup(path, node.name);
    if (b && b.kind === 'const' && b.init && b.steps.length === 0) return isConstantObject(b.scopePath.child(b.init, 'init'), depth + 1);
    if (CONSTANT_NAME.test(node.name)) return true;
  }
  return false;
}

/** `await Model.find({ …, limit: 50 })`, `await db.query(…).limit(50)`, `.take(n)`: results bounded by a limit. */
export function isLimitedQuery(init: any): boolean {
  let n = unwrapExpression(init);
  if (n.type === 'AwaitExpression') n = unwrapExpression(n.argument);
  for (let i = 0; i < 12 && n && isCall(n); i++) {
    const callee = unwrapExpression(n.callee);
    const name = callee.type === 'MemberExpression' ? memberPropertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
    if (name && LIMIT_CALLS.has(name) && n.arguments.length > 0) return true;
    for (const a of n.arguments) {
      const arg = unwrapExpression(a);
      if (arg.type === 'ObjectExpression' && arg.properties.some((p: any) => p.type === 'ObjectProperty' && LIMIT_OPTIONS.has(propertyKeyName(p) ?? ''))) return true;
    }
    n = callee.type === 'MemberExpression' ? unwrapExpression(callee.object) : null;
  }
  return false;
}

/** A loop variable over chunks: `for (const chunk of chunk(items, 10))`, `for (const batch of batches)`. */
export function isChunkVariable(b: Binding): boolean {
  const loop = b.scopePath.node as any;
  if (loop.type !== 'ForOfStatement' || b.declNode !== loop.left.declarations?.[0]) return false;
  const right = unwrapExpression(loop.right);
  const name = right.type === 'Identifier' ? right.name : isCall(right) ? lastName(right.callee) : null;
  return !!name && CHUNK_FUNCTIONS.test(name);
}

/** `batch.processArray(items, async (chunk) => …)`: a parameter named for a part of a list, handed out by a batching helper. */
export function isChunkParam(b: Binding, name: string): boolean {
  return b.kind === 'param' && CHUNK_PARAM_NAME.test(name);
}

const fieldMemo = new WeakMap<Node, Map<string, boolean>>();
const fieldValues = new WeakMap<Node, Map<string, NodePath[] | null>>();

/**
 * `this.files` / `this.#files`, when every value the class assigns to it is
 * bounded (`#files = []`, `this.#files = await Promise.all([a, b].map(read))`)
 * and nothing pushes to it.
 */
export function fieldBound(exprPath: NodePath, node: any, depth: number): boolean {
  if (unwrapExpression(node.object).type !== 'ThisExpression' || depth > HELPER_DEPTH) return false;
  const name = memberName(node);
  const cls = exprPath.findAncestor((p) => p.node.type === 'ClassBody');
  if (!name || !cls) return false;
  // Remembered by depth, as the values of variables are (see boundMemo).
  let memo = fieldMemo.get(cls.node);
  if (!memo) fieldMemo.set(cls.node, (memo = new Map()));
  const key = `${depth} ${name}`;
  let result = memo.get(key);
  if (result === undefined) {
    const values = fieldAssignments(cls, name);
    result = !!values && values.every((v) => collectionBound(v, depth + 2).bounded);
    memo.set(key, result);
  }
  return result;
}

/** The values a class assigns to `this.name`, or null when it also changes the list in place (or assigns nothing). */
function fieldAssignments(cls: NodePath, name: string): NodePath[] | null {
  let memo = fieldValues.get(cls.node);
  if (!memo) fieldValues.set(cls.node, (memo = new Map()));
  if (memo.has(name)) return memo.get(name)!;
  const isField = (m: any) => isMember(m) && unwrapExpression(m.object).type === 'ThisExpression' && memberName(m) === name;
  const values: NodePath[] = [];
  let mutated = false;
  walkPaths(cls, (p) => {
    if (mutated) return false;
    const n = p.node as any;
    if (p !== cls && n.type === 'ClassBody') return false;
    if (classFieldName(n) === name) {
      if (n.value) values.push(p.child(n.value, 'value'));
    } else if (n.type === 'AssignmentExpression') {
      const left = unwrapExpression(n.left);
      if (isField(left)) {
        if (n.operator === '=') values.push(p.child(n.right, 'right'));
        else mutated = true;
      } else if (isMember(left) && isField(unwrapExpression(left.object))) mutated = true; // this.files[i] = …
    } else if (isCall(n) && isMember(n.callee) && isField(unwrapExpression(n.callee.object)) && ['push', 'unshift', 'splice'].includes(memberName(n.callee) ?? '')) {
      mutated = true;
    }
    return undefined;
  });
  const result = mutated || values.length === 0 ? null : values;
  memo.set(name, result);
  return result;
}

/**
 * Does the enclosing function reject large inputs before this point?
 * `if (ids.length > 100) throw …` / `return …`.
 */
export function guardedLength(at: NodePath, text: string): boolean {
  let fn: NodePath | null = at;
  while (fn && !isFunctionNode(fn.node) && fn.node.type !== 'Program') fn = fn.parentPath;
  if (!fn) return false;
  const limitLine = at.node.loc?.start.line ?? Infinity;
  let found = false;
  walkPaths(fn, (p) => {
    if (found) return false;
    if (p !== fn && isFunctionNode(p.node)) return false;
    const n = p.node as any;
    if ((n.loc?.start.line ?? 0) > limitLine) return undefined;
    // `assertThat(ids.length === 1, …)`, `assert(ids.length <= 100)`: a call whose first argument bounds the length.
    if (n.type === 'ExpressionStatement') {
      const e = unwrapExpression(n.expression.type === 'AwaitExpression' ? n.expression.argument : n.expression);
      if (isCall(e) && e.arguments[0] && boundsLength(unwrapExpression(e.arguments[0]), text)) found = true;
      return undefined;
    }
    if (n.type !== 'IfStatement') return undefined;
    const t = unwrapExpression(n.test);
    const exits = (s: any): boolean => s.type === 'ThrowStatement' || s.type === 'ReturnStatement' || (s.type === 'BlockStatement' && s.body.some(exits));
    if (t.type === 'BinaryExpression' && ['>', '>='].includes(t.operator) && exits(n.consequent)) {
      // Any limit counts: `if (files.length > maxItems) throw …`.
      const left = unwrapExpression(t.left);
      if (left.type === 'MemberExpression' && memberPropertyName(left) === 'length' && describe(left.object) === text) found = true;
    }
    return undefined;
  });
  return found;
}

/** `xs.length <= N`, `xs.length === N`, `xs.length < N`, `N >= xs.length`: a comparison that holds only for a bounded `xs`. */
function boundsLength(test: any, text: string): boolean {
  if (test.type !== 'BinaryExpression') return false;
  const isLength = (x: any) => {
    const u = unwrapExpression(x);
    return u.type === 'MemberExpression' && memberPropertyName(u) === 'length' && describe(u.object) === text;
  };
  const upper = ['<', '<=', '===', '=='];
  const lower = ['>', '>=', '===', '=='];
  return (isLength(test.left) && upper.includes(test.operator)) || (isLength(test.right) && lower.includes(test.operator));
}
