// Busy-wait detection: a loop that spins on a clock with an empty or trivial
// body (`while (Date.now() < end) {}`, `for (;;) { if (performance.now() - t > ms) break; }`).
import type { Node } from '../syntax/ast.js';
import { CLOCK_READS } from '../knowledge/clocks.js';
import { refKey, resolveExpression } from './resolve.js';
import { walkPaths, type NodePath } from '../syntax/walk.js';

/** A loop that spins on a clock with an empty or trivial body: the clock read, or null. */
export function busyWaitClock(loop: NodePath<any>): { name: string; at: Node } | null {
  const node = loop.node;
  const body = node.body;
  const bodyPath = loop.child(body, 'body');
  const stmts: NodePath<any>[] = body.type === 'BlockStatement' ? body.body.map((s: Node, i: number) => bodyPath.child(s, 'body', i)) : [bodyPath];
  const test = node.test;
  const isForever = !test || (test.type === 'BooleanLiteral' && test.value) || (test.type === 'NumericLiteral' && test.value === 1);
  const vars = clockVariables(stmts);
  if (!isForever) {
    if (!stmts.every(isTrivial)) return null;
    const name = clockComparison(loop.child(test, 'test'), vars);
    return name ? { name, at: test } : null;
  }
  // for (;;) { if (Date.now() - start > ms) break; }
  let found: { name: string; at: Node } | null = null;
  for (const sp of stmts) {
    const s = sp.node;
    if (s.type === 'IfStatement' && !s.alternate && isExit(s.consequent)) {
      const name = clockComparison(sp.child(s.test, 'test'), vars);
      if (name) {
        found = { name, at: s.test };
        continue;
      }
      return null;
    }
    if (!isTrivial(sp)) return null;
  }
  return found;
}

function isExit(s: any): boolean {
  if (s.type === 'BlockStatement') return s.body.length === 1 && isExit(s.body[0]);
  return s.type === 'BreakStatement' || s.type === 'ReturnStatement';
}

/** Empty, `continue`, or an expression that calls nothing but a clock. */
function isTrivial(sp: NodePath<any>): boolean {
  const s = sp.node;
  if (s.type === 'EmptyStatement' || s.type === 'ContinueStatement') return true;
  if (s.type === 'BlockStatement') return s.body.every((x: Node, i: number) => isTrivial(sp.child(x, 'body', i)));
  if (s.type !== 'ExpressionStatement') return false;
  let trivial = true;
  walkPaths(sp.child(s.expression, 'expression'), (p) => {
    const n = p.node as any;
    if (n.type === 'CallExpression' || n.type === 'NewExpression' || n.type === 'AwaitExpression' || n.type === 'YieldExpression') {
      if (!clockName(p)) trivial = false;
      return false;
    }
    if (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression') {
      trivial = false;
      return false;
    }
    return undefined;
  });
  return trivial;
}

/** Names assigned a clock reading inside the loop body: `now = Date.now()`. */
function clockVariables(stmts: NodePath<any>[]): Map<string, string> {
  const vars = new Map<string, string>();
  for (const sp of stmts) {
    const s = sp.node;
    const e = s.type === 'ExpressionStatement' ? s.expression : null;
    if (e && e.type === 'AssignmentExpression' && e.left.type === 'Identifier') {
      const name = clockName(sp.child(e, 'expression').child(e.right, 'right'));
      if (name) vars.set(e.left.name, name);
    }
  }
  return vars;
}

/** A comparison in `test` involving a clock read (or a variable refreshed from one). */
function clockComparison(test: NodePath<any>, vars: Map<string, string>): string | null {
  let clock: string | null = null;
  let compares = false;
  let otherCall = false;
  walkPaths(test, (p) => {
    const n = p.node as any;
    if (n.type === 'BinaryExpression' && ['<', '<=', '>', '>='].includes(n.operator)) compares = true;
    if (n.type === 'Identifier' && vars.has(n.name)) clock ??= vars.get(n.name)!;
    if (n.type === 'CallExpression' || n.type === 'NewExpression') {
      const name = clockName(p);
      if (name) clock ??= name;
      else otherCall = true;
      return false;
    }
    if (n.type === 'ArrowFunctionExpression' || n.type === 'FunctionExpression') return false;
    return undefined;
  });
  return compares && !otherCall ? clock : null;
}

/** `Date.now()`, `performance.now()`, `process.hrtime()`, `new Date().getTime()`, `+new Date()`… */
function clockName(p: NodePath<any>): string | null {
  const n = p.node;
  if (n.type === 'NewExpression') {
    const ref = resolveExpression(n.callee, p);
    return ref && refKey(ref) === 'global#Date' && n.arguments.length === 0 ? 'new Date()' : null;
  }
  if (n.type !== 'CallExpression') return null;
  const callee = n.callee;
  if (callee.type === 'MemberExpression' && callee.object.type === 'NewExpression' && !callee.computed && callee.property.name === 'getTime') {
    return clockName(p.child(callee, 'callee').child(callee.object, 'object')) ? 'new Date().getTime()' : null;
  }
  const ref = resolveExpression(callee, p);
  return ref ? (CLOCK_READS.get(refKey(ref)) ?? null) : null;
}
