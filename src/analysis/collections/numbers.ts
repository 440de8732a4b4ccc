// Constant sizes: numbers the program fixes, windows of constant width
// (`slice(i, i + SIZE)`, a page, a ranged read), arrays of constant length.
import { BY_SCORE_RANGE, CONSTANT_NAME } from '../../knowledge/collections.js';
import { RANGE_CALL } from '../../knowledge/limiters.js';
import { isCall, memberPropertyName, staticString, unwrapExpression } from '../resolve.js';
import { lookup, propertyKeyName } from '../scope.js';
import type { NodePath } from '../../syntax/walk.js';
import { isMember, lastName, memberName } from './names.js';

/** A numeric literal, an UPPER_CASE constant, or a const bound to a number. */
export function isConstantNumber(node: any, scope: NodePath): boolean {
  node = unwrapExpression(node);
  if (node.type === 'NumericLiteral') return true;
  if (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'NumericLiteral') return true;
  if (node.type === 'Identifier') {
    if (CONSTANT_NAME.test(node.name)) return true;
    const b = lookup(scope, node.name);
    return !!b && b.kind === 'const' && unwrapExpression(b.init as any)?.type === 'NumericLiteral';
  }
  if (node.type === 'MemberExpression' && !node.computed && CONSTANT_NAME.test(node.property.name)) return true; // Config.BATCH_SIZE
  if (node.type === 'BinaryExpression' && ['*', '+', '-'].includes(node.operator)) {
    return isConstantNumber(node.left, scope) && isConstantNumber(node.right, scope);
  }
  // Math.min(LIMIT, items.length) is at most LIMIT.
  if (
    isCall(node) &&
    node.callee.type === 'MemberExpression' &&
    memberPropertyName(node.callee) === 'min' &&
    node.callee.object.type === 'Identifier' &&
    node.callee.object.name === 'Math'
  ) {
    return node.arguments.some((a: any) => isConstantNumber(a, scope));
  }
  return false;
}

/** A constant that is not negative: a window's end (`-1` means "to the end" in range reads). */
function isNonNegativeConstant(node: any, scope: NodePath): boolean {
  node = unwrapExpression(node);
  if (!node || (node.type === 'UnaryExpression' && node.operator === '-')) return false;
  if (node.type === 'Identifier') {
    const b = lookup(scope, node.name);
    const init = b && b.kind === 'const' ? unwrapExpression(b.init as any) : null;
    if (init?.type === 'UnaryExpression') return false;
  }
  return isConstantNumber(node, scope);
}

/** Structurally the same simple expression: `page`, `filters.page`, `this.size`, `20`. */
function sameExpr(a: any, b: any): boolean {
  a = unwrapExpression(a);
  b = unwrapExpression(b);
  if (!a || !b || a.type !== b.type) return false;
  switch (a.type) {
    case 'Identifier':
      return a.name === b.name;
    case 'ThisExpression':
      return true;
    case 'NumericLiteral':
      return a.value === b.value;
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return !a.computed && !b.computed && memberName(a) === memberName(b) && sameExpr(a.object, b.object);
    default:
      return false;
  }
}

/** `end` is `start + n` (or `start + n - 1`), with `end` possibly a const bound to that. */
function isOffsetFrom(end: any, start: any, scope: NodePath, depth = 0): boolean {
  end = unwrapExpression(end);
  if (end?.type === 'Identifier') {
    const b = lookup(scope, end.name);
    if (b && b.kind === 'const' && b.init && b.steps.length === 0) end = unwrapExpression(b.init as any);
  }
  if (end?.type !== 'BinaryExpression' || depth > 3) return false;
  // stop - 1, stop + 1 where stop = start + n
  if (
    (end.operator === '-' || end.operator === '+') &&
    isConstantNumber(end.right, scope) &&
    !sameExpr(end.left, start) &&
    isOffsetFrom(end.left, start, scope, depth + 1)
  )
    return true;
  if (end.operator !== '+') return false;
  const plain = (x: any) => !isCall(unwrapExpression(x)) && !(isMember(unwrapExpression(x)) && memberPropertyName(unwrapExpression(x)) === 'length');
  return (sameExpr(end.left, start) && plain(end.right)) || (sameExpr(end.right, start) && plain(end.left));
}

/** `x * y` (either order) as its two factors. */
function factors(node: any): [any, any] | null {
  node = unwrapExpression(node);
  return node?.type === 'BinaryExpression' && node.operator === '*' ? [unwrapExpression(node.left), unwrapExpression(node.right)] : null;
}

/** `slice((page - 1) * perPage, page * perPage)` and `slice(page * size, (page + 1) * size)`: one page. */
function isPageWindow(a: any, b: any): boolean {
  const fa = factors(a);
  const fb = factors(b);
  if (!fa || !fb) return false;
  const shifted = (x: any, page: any, op: '+' | '-') =>
    x?.type === 'BinaryExpression' &&
    x.operator === op &&
    sameExpr(x.left, page) &&
    unwrapExpression(x.right).type === 'NumericLiteral' &&
    unwrapExpression(x.right).value === 1;
  for (const [page, size] of [fb, [fb[1], fb[0]]] as [any, any][]) {
    // start = (page - 1) * size, end = page * size
    for (const [p, s] of [fa, [fa[1], fa[0]]] as [any, any][]) if (shifted(p, page, '-') && sameExpr(s, size)) return true;
  }
  for (const [page, size] of [fa, [fa[1], fa[0]]] as [any, any][]) {
    // start = page * size, end = (page + 1) * size
    for (const [p, s] of [fb, [fb[1], fb[0]]] as [any, any][]) if (shifted(p, page, '+') && sameExpr(s, size)) return true;
  }
  return false;
}

export function sliceIsBounded(args: any[], scope: NodePath, method: string): boolean {
  const [a, b] = args;
  if (!a) return false;
  if (method === 'splice') return !!b && isConstantNumber(b, scope);
  if (!b) return unwrapExpression(a).type === 'UnaryExpression' && isConstantNumber(a, scope); // slice(-5)
  if (isConstantNumber(a, scope) && isConstantNumber(b, scope)) return true;
  // slice(i, i + SIZE), slice(start, start + perPage), a page window
  return isOffsetFrom(b, a, scope) || isPageWindow(a, b);
}

/**
 * A ranged read with a constant window: `getSortedSetRange(key, 0, 49)`,
 * `lrange(key, start, start + 19)`, `getSortedSetRangeByScore(key, 0, 50, min, max)`
 * (start, count), `zrangebyscore(key, min, max, 'LIMIT', 0, 50)`, `{ start: 0, stop: 19 }`.
 */
export function rangeIsBounded(callPath: NodePath): boolean {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call)) return false;
  const name = lastName(call.callee);
  if (!name || !RANGE_CALL.test(name)) return false;
  const args = call.arguments.map((a: any) => unwrapExpression(a));
  const window = (start: any, stop: any) =>
    !!start && !!stop && ((isConstantNumber(start, callPath) && isNonNegativeConstant(stop, callPath)) || isOffsetFrom(stop, start, callPath));
  for (const a of args) {
    if (a.type !== 'ObjectExpression') continue;
    const prop = (k: string) => a.properties.find((p: any) => p.type === 'ObjectProperty' && propertyKeyName(p) === k)?.value;
    if (window(prop('start'), prop('stop') ?? prop('end'))) return true;
  }
  if (BY_SCORE_RANGE.test(name)) {
    const li = args.findIndex((a: any) => staticString(a)?.toUpperCase() === 'LIMIT');
    if (li >= 0) return !!args[li + 2] && isNonNegativeConstant(args[li + 2], callPath);
    // (key, start, count, min, max)
    return args.length >= 5 && isConstantNumber(args[1], callPath) && isNonNegativeConstant(args[2], callPath);
  }
  return args.length >= 3 && window(args[1], args[2]);
}

/** `{ length: N }` with a constant N (Array.from({ length: 8 }, worker)). */
export function arrayLengthIsConstant(arg: any, scope: NodePath): boolean {
  arg = unwrapExpression(arg);
  if (arg.type !== 'ObjectExpression') return false;
  const len = arg.properties.find((p: any) => p.type === 'ObjectProperty' && propertyKeyName(p) === 'length');
  return !!len && isConstantNumber(len.value, scope);
}
