// Collection sizes and concurrency limits, for the fan-out rule: is this array
// bounded by the program (a literal, a slice of constant size, a chunk, a page,
// a constant table), or by its input (a request body, a directory listing)?
// Where does it come from? Does the work done per item leave the process, and
// does a callback go through a limiter?
import { firstWord, words } from '../knowledge/call-verbs.js';
import {
  CHUNK_FUNCTIONS,
  CONFIG_SEGMENTS,
  HEAVY_WORK_MODULES,
  FS_MODULES,
  DESCRIPTOR_FS_CALLS,
  IN_MEMORY_METHODS,
  IN_MEMORY_MODULES,
  IN_MEMORY_VERBS,
  INPUT_DECORATORS,
  INPUT_ROOTS,
  INPUT_SEGMENTS,
  KEY_ARRAY_NAME,
  LIMITER_FACTORIES,
  LIMITER_METHODS,
  LIMITER_RECEIVER,
  LISTING_CALLS,
  MULTI_GET_VERBS,
  NOT_PER_KEY,
  PRIMARY_KEY_FIELDS,
  PROMISE_AGGREGATES,
  RANGE_CALL,
  REGISTRY_NAMES,
  RESOLVER_METHODS,
  TRANSACTION_NAMES,
} from '../knowledge/limiters.js';
import { isCall, memberPropertyName, refKey, resolveExpression, staticString, unwrapExpression, type Ref } from './resolve.js';
import { classMethod, functionOfRef } from './functions.js';
import { lookup, propertyKeyName, type Binding } from './scope.js';
import { isFunctionNode, NodePath, walkPaths, type Node } from '../syntax/walk.js';

export type Bound = { bounded: true; why: string } | { bounded: false; source: string };

// Steps through derived lists and reassignments (`files = files.filter(…)`) are cheap and finite; helpers are followed only near the top.
const MAX_DEPTH = 24;
const HELPER_DEPTH = 12;

/** Methods whose result is no longer than the array they are called on. */
const SAME_SIZE_METHODS: ReadonlySet<string> = new Set(['filter', 'map', 'sort', 'toSorted', 'reverse', 'toReversed', 'flat', 'fill', 'keys', 'values', 'entries']);

/** Is the size of the array `expr` evaluates to bounded by the program? */
export function collectionBound(exprPath: NodePath, depth = 0): Bound {
  const node = unwrapExpression(exprPath.node as any);
  const unbounded = (): Bound => ({ bounded: false, source: describe(node) });
  if (depth > MAX_DEPTH || !node) return unbounded();
  switch (node.type) {
    case 'ArrayExpression': {
      for (const [i, el] of node.elements.entries()) {
        if (el?.type === 'SpreadElement') {
          const inner = collectionBound(exprPath.child(el, 'elements', i).child(el.argument, 'argument'), depth + 1);
          if (!inner.bounded) return inner;
        }
      }
      return { bounded: true, why: 'an array literal' };
    }
    case 'LogicalExpression':
      // `rateLimits || []`: as bounded as the left side.
      if (node.operator === '||' || node.operator === '??') return collectionBound(exprPath.child(node.left, 'left'), depth + 1);
      return unbounded();
    case 'ConditionalExpression': {
      const a = collectionBound(exprPath.child(node.consequent, 'consequent'), depth + 1);
      const b = collectionBound(exprPath.child(node.alternate, 'alternate'), depth + 1);
      return a.bounded && b.bounded ? a : unbounded();
    }
    case 'Identifier': {
      if (/^[A-Z][A-Z0-9_]+$/.test(node.name)) return { bounded: true, why: `\`${node.name}\` is a constant` };
      const b = lookup(exprPath, node.name);
      if (b && (b.kind === 'const' || b.kind === 'let' || b.kind === 'var' || b.kind === 'param')) {
        const values = b.steps.length === 0 ? bindingValues(exprPath, b) : [destructuredElement(b)];
        if (values.length > 0 && values.every((v) => v !== null)) {
          let first: Bound | null = null;
          for (const v of values as NodePath[]) {
            const vb = valueBound(v, depth + 1);
            if (!vb.bounded) {
              first = null;
              break;
            }
            first ??= vb;
          }
          if (first) return first;
        }
      }
      if (b && isChunkVariable(b)) return { bounded: true, why: `a chunk of fixed size` };
      // batch.processArray(items, async (chunk) => …): a batching helper hands out bounded chunks.
      if (b && b.kind === 'param' && /^(chunk|batch|page|slice|group|window|part)(s?|[A-Z_]\w*)$/.test(node.name)) {
        return { bounded: true, why: `\`${node.name}\` is a chunk handed out by a batching helper` };
      }
      if (isRegistryName(node.name)) return { bounded: true, why: `\`${node.name}\` is a registry, fixed by the program` };
      if (guardedLength(exprPath, node.name)) return { bounded: true, why: 'its length is checked above' };
      return unbounded();
    }
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const name = memberName(node);
      if (name && isRegistryName(name)) return { bounded: true, why: `\`${name}\` is a registry, fixed by the program` };
      const text = describe(node);
      // options.fields is configuration; opts.input.ids (a tRPC resolver's argument) is request input.
      if (text.split('.').some((seg) => CONFIG_SEGMENTS.has(seg)) && collectionOrigin(exprPath) !== 'input') return { bounded: true, why: 'it comes from configuration' };
      const field = fieldBound(exprPath, node, depth);
      if (field) return field;
      if (guardedLength(exprPath, text)) return { bounded: true, why: 'its length is checked above' };
      return unbounded();
    }
    case 'AwaitExpression':
      return collectionBound(exprPath.child(node.argument, 'argument'), depth + 1);
    case 'CallExpression':
    case 'OptionalCallExpression': {
      const callee = unwrapExpression(node.callee);
      const calleePath = exprPath.child(node.callee, 'callee');
      if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
        const method = memberPropertyName(callee);
        const objPath = calleePath.child(callee.object, 'object');
        // items.slice(0, 10), items.slice(i, i + SIZE), items.slice(-5), items.splice(0, N), a page
        if ((method === 'slice' || method === 'splice') && sliceIsBounded(node.arguments, exprPath, method)) {
          return { bounded: true, why: `a \`${method}\` of constant size` };
        }
        // Object.keys/values/entries of a literal (or constant) object.
        const ref = resolveExpression(callee, exprPath);
        const key = ref ? refKey(ref) : null;
        if (key === 'global#Object.keys' || key === 'global#Object.values' || key === 'global#Object.entries') {
          const arg = node.arguments[0];
          if (arg && isConstantObject(exprPath.child(arg, 'arguments', 0), depth)) return { bounded: true, why: 'the keys of a literal object' };
          const argName = arg ? lastName(arg) : null;
          if (argName && isRegistryName(argName)) return { bounded: true, why: `\`${argName}\` is a registry, fixed by the program` };
          if (arg && describe(arg).split('.').some((seg) => CONFIG_SEGMENTS.has(seg))) return { bounded: true, why: 'it comes from configuration' };
          return unbounded();
        }
        if (key === 'global#Array.from' || key === 'global#Array.of' || key === 'global#Array.fromAsync') {
          if (key === 'global#Array.of') return { bounded: true, why: 'Array.of with fixed arguments' };
          const arg = node.arguments[0];
          if (arg && arrayLengthIsConstant(arg, exprPath)) return { bounded: true, why: 'an array of constant length' };
          // Array.from({ length: n }): as long as n says.
          if (arg && unwrapExpression(arg).type === 'ObjectExpression') return unbounded();
          if (arg) return collectionBound(exprPath.child(arg, 'arguments', 0), depth + 1);
        }
        // labels.filter((l) => ALLOWED.includes(l)): at most the allowed values.
        if (method === 'filter' && node.arguments[0]) {
          const allowed = allowList(exprPath.child(node.arguments[0], 'arguments', 0));
          if (allowed && collectionBound(allowed, depth + 1).bounded) return { bounded: true, why: 'it is filtered against a fixed list' };
        }
        // filter/map/sort/reverse/flat/fill of an array are as bounded as the array.
        if (method && SAME_SIZE_METHODS.has(method) && !(ref?.kind === 'global' && ref.path.length === 2)) return collectionBound(objPath, depth + 1);
      }
      const ref = resolveExpression(callee, exprPath);
      if (ref && refKey(ref) === 'global#Array' && node.arguments[0] && isConstantNumber(node.arguments[0], exprPath)) {
        return { bounded: true, why: 'an array of constant length' };
      }
      // await Promise.all(x.map(f)) is as long as x; db.getObjects(keys) as long as keys.
      const same = sameSizeAs(exprPath);
      if (same) return collectionBound(same, depth + 1);
      if (isLimitedQuery(node)) return { bounded: true, why: 'it comes from a query with a limit' };
      if (rangeIsBounded(exprPath)) return { bounded: true, why: 'a range read of constant size' };
      // this.getDataProviderServices(): a getter of a registry.
      const calleeName = lastName(callee);
      if (calleeName && isRegistryName(calleeName)) return { bounded: true, why: `\`${calleeName}()\` returns a registry, fixed by the program` };
      // A helper of this file whose every result is bounded.
      const fn = depth < HELPER_DEPTH ? localFunction(exprPath) : null;
      if (fn) {
        const returns = returnedValues(fn);
        if (returns.length > 0 && returns.every((r) => collectionBound(r, depth + 2).bounded)) return { bounded: true, why: `\`${calleeName ?? 'the helper'}()\` returns a bounded list` };
      }
      return unbounded();
    }
    case 'ObjectExpression':
      // Array.from({ length: N }, …); an object literal (async.parallel({ a, b })) has fixed keys.
      if (arrayLengthIsConstant(node, exprPath)) return { bounded: true, why: 'an array of constant length' };
      if (node.properties.every((p: any) => p.type !== 'SpreadElement')) return { bounded: true, why: 'an object literal' };
      return unbounded();
    case 'NewExpression': {
      const ref = resolveExpression(node.callee, exprPath);
      const key = ref ? refKey(ref) : null;
      if (key === 'global#Array' && node.arguments[0] && isConstantNumber(node.arguments[0], exprPath)) {
        return { bounded: true, why: 'an array of constant length' };
      }
      // new Set(ids): no longer than ids.
      if ((key === 'global#Set' || key === 'global#Map') && node.arguments[0]) return collectionBound(exprPath.child(node.arguments[0], 'arguments', 0), depth + 1);
      return unbounded();
    }
    default:
      return unbounded();
  }
}

/** `plugins`, `dataProviderServices`, `getAdapters`: the last word of the name names a registry. */
function isRegistryName(name: string): boolean {
  const last = words(name).pop();
  return REGISTRY_NAMES.test(name) || (!!last && REGISTRY_NAMES.test(last));
}

function isMember(node: any): boolean {
  return node?.type === 'MemberExpression' || node?.type === 'OptionalMemberExpression';
}

/** A member's property name, with private names as `#name`. */
function memberName(node: any): string | null {
  if (!node.computed && node.property?.type === 'PrivateName') return `#${node.property.id.name}`;
  return memberPropertyName(node);
}

function lastName(node: any): string | null {
  node = unwrapExpression(node);
  if (node.type === 'Identifier') return node.name;
  if (isMember(node)) return memberName(node);
  return null;
}

/** Source-like text: `req.body.ids`, `files`, `items.filter(…)`, `this.#files`. */
export function describe(node: any): string {
  node = unwrapExpression(node);
  switch (node?.type) {
    case 'Identifier':
      return node.name;
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const prop = memberName(node);
      return `${describe(node.object)}.${prop ?? '[…]'}`;
    }
    case 'CallExpression':
    case 'OptionalCallExpression':
      return `${describe(node.callee)}(…)`;
    case 'AwaitExpression':
      return `await ${describe(node.argument)}`;
    case 'ArrayExpression':
      return node.elements.length === 1 && node.elements[0]?.type === 'SpreadElement' ? `[...${describe(node.elements[0].argument)}]` : '[…]';
    case 'LogicalExpression':
      return describe(node.left);
    default:
      return '…';
  }
}

/** A numeric literal, an UPPER_CASE constant, or a const bound to a number. */
export function isConstantNumber(node: any, scope: NodePath): boolean {
  node = unwrapExpression(node);
  if (node.type === 'NumericLiteral') return true;
  if (node.type === 'UnaryExpression' && node.operator === '-' && node.argument.type === 'NumericLiteral') return true;
  if (node.type === 'Identifier') {
    if (/^[A-Z][A-Z0-9_]*$/.test(node.name)) return true;
    const b = lookup(scope, node.name);
    return !!b && b.kind === 'const' && unwrapExpression(b.init as any)?.type === 'NumericLiteral';
  }
  if (node.type === 'MemberExpression' && !node.computed && /^[A-Z][A-Z0-9_]*$/.test(node.property.name)) return true; // Config.BATCH_SIZE
  if (node.type === 'BinaryExpression' && ['*', '+', '-'].includes(node.operator)) {
    return isConstantNumber(node.left, scope) && isConstantNumber(node.right, scope);
  }
  // Math.min(LIMIT, items.length) is at most LIMIT.
  if (isCall(node) && node.callee.type === 'MemberExpression' && memberPropertyName(node.callee) === 'min' && node.callee.object.type === 'Identifier' && node.callee.object.name === 'Math') {
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
  if ((end.operator === '-' || end.operator === '+') && isConstantNumber(end.right, scope) && !sameExpr(end.left, start) && isOffsetFrom(end.left, start, scope, depth + 1)) return true;
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
    x?.type === 'BinaryExpression' && x.operator === op && sameExpr(x.left, page) && unwrapExpression(x.right).type === 'NumericLiteral' && unwrapExpression(x.right).value === 1;
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

function sliceIsBounded(args: any[], scope: NodePath, method: string): boolean {
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
function rangeIsBounded(callPath: NodePath): boolean {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call)) return false;
  const name = lastName(call.callee);
  if (!name || !RANGE_CALL.test(name)) return false;
  const args = call.arguments.map((a: any) => unwrapExpression(a));
  const window = (start: any, stop: any) => !!start && !!stop && ((isConstantNumber(start, callPath) && isNonNegativeConstant(stop, callPath)) || isOffsetFrom(stop, start, callPath));
  for (const a of args) {
    if (a.type !== 'ObjectExpression') continue;
    const prop = (k: string) => a.properties.find((p: any) => p.type === 'ObjectProperty' && propertyKeyName(p) === k)?.value;
    if (window(prop('start'), prop('stop') ?? prop('end'))) return true;
  }
  if (/byscore/i.test(name)) {
    const li = args.findIndex((a: any) => staticString(a)?.toUpperCase() === 'LIMIT');
    if (li >= 0) return !!args[li + 2] && isNonNegativeConstant(args[li + 2], callPath);
    // (key, start, count, min, max)
    return args.length >= 5 && isConstantNumber(args[1], callPath) && isNonNegativeConstant(args[2], callPath);
  }
  return args.length >= 3 && window(args[1], args[2]);
}

/** `(x) => LIST.includes(x)` (or `.has(x)`, `.indexOf(x) !== -1`): the list a filter keeps values of. */
function allowList(cbPath: NodePath): NodePath | null {
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

/** `{ length: N }` with a constant N (Array.from({ length: 8 }, worker)). */
function arrayLengthIsConstant(arg: any, scope: NodePath): boolean {
  arg = unwrapExpression(arg);
  if (arg.type !== 'ObjectExpression') return false;
  const len = arg.properties.find((p: any) => p.type === 'ObjectProperty' && propertyKeyName(p) === 'length');
  return !!len && isConstantNumber(len.value, scope);
}

/** An object literal, or a const bound to one (module configuration tables). */
function isConstantObject(path: NodePath, depth: number): boolean {
  const node = unwrapExpression(path.node as any);
  if (node.type === 'ObjectExpression') return node.properties.every((p: any) => p.type !== 'SpreadElement');
  if (node.type === 'Identifier' && depth < MAX_DEPTH) {
    const b = lookup(path, node.name);
    if (b && b.kind === 'const' && b.init && b.steps.length === 0) return isConstantObject(b.scopePath.child(b.init, 'init'), depth + 1);
    if (/^[A-Z][A-Z0-9_]*$/.test(node.name)) return true;
  }
  return false;
}

/** `await Model.find({ …, limit: 50 })`, `await db.query(…).limit(50)`, `.take(n)`: results bounded by a limit. */
function isLimitedQuery(init: any): boolean {
  let n = unwrapExpression(init);
  if (n.type === 'AwaitExpression') n = unwrapExpression(n.argument);
  for (let i = 0; i < 12 && n && isCall(n); i++) {
    const callee = unwrapExpression(n.callee);
    const name = callee.type === 'MemberExpression' ? memberPropertyName(callee) : callee.type === 'Identifier' ? callee.name : null;
    if (name && /^(limit|take|first|top|paginate)$/.test(name) && n.arguments.length > 0) return true;
    for (const a of n.arguments) {
      const arg = unwrapExpression(a);
      if (arg.type === 'ObjectExpression' && arg.properties.some((p: any) => p.type === 'ObjectProperty' && /^(limit|take|first|top|perPage|pageSize|per_page|page_size|max|maxResults|size)$/.test(propertyKeyName(p) ?? ''))) return true;
    }
    n = callee.type === 'MemberExpression' ? unwrapExpression(callee.object) : null;
  }
  return false;
}

/** A loop variable over chunks: `for (const chunk of chunk(items, 10))`, `for (const batch of batches)`. */
function isChunkVariable(b: Binding): boolean {
  const loop = b.scopePath.node as any;
  if (loop.type !== 'ForOfStatement' || b.declNode !== loop.left.declarations?.[0]) return false;
  const right = unwrapExpression(loop.right);
  const name = right.type === 'Identifier' ? right.name : isCall(right) ? lastName(right.callee) : null;
  return !!name && CHUNK_FUNCTIONS.test(name);
}

/**
 * `this.files` / `this.#files`, when every value the class assigns to it is
 * bounded (`#files = []`, `this.#files = await Promise.all([a, b].map(read))`)
 * and nothing pushes to it.
 */
const fieldMemo = new WeakMap<Node, Map<string, Bound | null>>();
const fieldValues = new WeakMap<Node, Map<string, NodePath[] | null>>();

function fieldBound(exprPath: NodePath, node: any, depth: number): Bound | null {
  if (unwrapExpression(node.object).type !== 'ThisExpression' || depth > HELPER_DEPTH) return null;
  const name = memberName(node);
  const cls = exprPath.findAncestor((p) => p.node.type === 'ClassBody');
  if (!name || !cls) return null;
  // Remembered by depth as values are (see boundMemo).
  let memo = fieldMemo.get(cls.node);
  if (!memo) fieldMemo.set(cls.node, (memo = new Map()));
  const key = `${depth} ${name}`;
  if (memo.has(key)) return memo.get(key)!;
  const values = fieldAssignments(cls, name);
  let result: Bound | null = null;
  if (values && values.every((v) => collectionBound(v, depth + 2).bounded)) result = { bounded: true, why: `the class only assigns bounded lists to \`this.${name}\`` };
  memo.set(key, result);
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
    if ((n.type === 'ClassProperty' || n.type === 'ClassPrivateProperty') && (n.key?.type === 'PrivateName' ? `#${n.key.id.name}` : propertyKeyName(n)) === name) {
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
function guardedLength(at: NodePath, text: string): boolean {
  let fn: NodePath | null = at;
  while (fn && !isFunctionNode(fn.node) && fn.node.type !== 'Program') fn = fn.parentPath;
  if (!fn) return false;
  const limitLine = at.node.loc?.start.line ?? Infinity;
  let found = false;
  walkPaths(fn, (p) => {
    if (found) return false;
    if (p !== fn && isFunctionNode(p.node)) return false;
    const n = p.node as any;
    if (n.type !== 'IfStatement' || (n.loc?.start.line ?? 0) > limitLine) return undefined;
    const t = unwrapExpression(n.test);
    const exits = (s: any): boolean =>
      s.type === 'ThrowStatement' || s.type === 'ReturnStatement' || (s.type === 'BlockStatement' && s.body.some(exits));
    if (t.type === 'BinaryExpression' && ['>', '>='].includes(t.operator) && exits(n.consequent)) {
      // Any limit counts: `if (files.length > maxItems) throw …`.
      const left = unwrapExpression(t.left);
      if (left.type === 'MemberExpression' && memberPropertyName(left) === 'length' && describe(left.object) === text) found = true;
    }
    return undefined;
  });
  return found;
}

// ---------------------------------------------------------------------------
// Values of bindings, helpers of the file, and derived collections.

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
function localFunction(callPath: NodePath): NodePath | null {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call) && call.type !== 'NewExpression') return null;
  return functionAt(call.callee, callPath);
}

/** The function of this file an expression names (`loadUser`, `this.load`, `helpers.load`, `Posts.uploads.list`). */
function functionAt(expr: any, at: NodePath): NodePath | null {
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
function returnedValues(fnPath: NodePath): NodePath[] {
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

// A variable's values are judged once per depth: `if (c) ids = ids.filter(f)`
// repeated would otherwise re-walk every earlier value from every later one. The
// answer depends on the depth left before MAX_DEPTH (an answer cut short there is
// not the answer with depth to spare), so it is remembered by depth too: what a
// query answers does not depend on which query ran first. Every step goes one
// deeper, so a cycle ends at MAX_DEPTH (unbounded, of unknown origin).
const boundMemo = new WeakMap<Node, Map<number, Bound>>();
const originMemo = new WeakMap<Node, Map<number, { origin: Origin; call: any }>>();

function byDepth<T>(memo: WeakMap<Node, Map<number, T>>, node: Node): Map<number, T> {
  let m = memo.get(node);
  if (!m) memo.set(node, (m = new Map()));
  return m;
}

function valueBound(v: NodePath, depth: number): Bound {
  const memo = byDepth(boundMemo, v.node);
  let b = memo.get(depth);
  if (!b) memo.set(depth, (b = collectionBound(v, depth)));
  return b;
}

function valueOrigin(v: NodePath, depth: number, trace?: OriginTrace): Origin {
  const memo = byDepth(originMemo, v.node);
  let known = memo.get(depth);
  if (!known) {
    // The call a query origin was found at is part of the answer: a remembered answer names it too.
    const own: OriginTrace = {};
    known = { origin: collectionOrigin(v, depth, own), call: own.call };
    memo.set(depth, known);
  }
  if (trace && known.call) trace.call ??= known.call;
  return known.origin;
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
function bindingValues(usePath: NodePath, b: Binding): (NodePath | null)[] {
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
    if (/^(ConditionalExpression|LogicalExpression|IfStatement|CatchClause|ForStatement|ForInStatement|ForOfStatement|WhileStatement|DoWhileStatement)$/.test(t) || isFunctionNode(stmt.parentPath.node)) return false;
    stmt = stmt.parentPath;
  }
  const block = stmt.parentPath?.node as any;
  const e = earlier.node as any;
  return !!block && block.start <= e.start && e.end <= block.end && (stmt.node as any).start >= e.end;
}

/** `const [a, b] = await Promise.all([x(), y()])`: the call behind `a`. */
function destructuredElement(b: Binding): NodePath | null {
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

function isPromiseAll(call: any, at: NodePath): boolean {
  const ref = resolveExpression(call.callee, at);
  const label = ref && (ref.kind === 'global' || ref.kind === 'module') ? PROMISE_AGGREGATES.get(refKey(ref)) : undefined;
  return label === 'Promise.all' || label === 'Promise.allSettled';
}

/**
 * A collection exactly as long as another: `Promise.all(x.map(f))` (as `x.map(f)`),
 * `Array.fromAsync(it)`, and reads of one record per key, `db.getObjects(keys)`,
 * `getUsersFields(uids, …)`, `findAll({ where: { id: ids } })` (as the keys).
 */
function sameSizeAs(callPath: NodePath): NodePath | null {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call)) return null;
  if (isPromiseAll(call, callPath) && call.arguments[0]) return callPath.child(call.arguments[0], 'arguments', 0);
  const ref = resolveExpression(call.callee, callPath);
  if (ref && refKey(ref) === 'global#Array.fromAsync' && call.arguments[0]) return callPath.child(call.arguments[0], 'arguments', 0);
  return multiGetKeys(callPath);
}

function isKeyArray(node: any): boolean {
  const n = unwrapExpression(node);
  if (isCall(n)) return isMember(n.callee) && ['map', 'filter', 'slice', 'concat'].includes(memberPropertyName(n.callee) ?? '');
  if (n.type === 'ArrayExpression') return n.elements.length > 0 && n.elements.every((e: any) => e?.type === 'SpreadElement');
  const name = lastName(n);
  return !!name && KEY_ARRAY_NAME.test(name);
}

/** The key array of a read that returns one record per key, or null. */
function multiGetKeys(callPath: NodePath): NodePath | null {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call)) return null;
  const name = lastName(call.callee);
  if (!name || !MULTI_GET_VERBS.has(firstWord(name)) || NOT_PER_KEY.test(name)) return null;
  for (const [i, a] of call.arguments.entries()) {
    const arg = unwrapExpression(a);
    if (arg.type === 'ObjectExpression') {
      // findAll({ where: { id: ids } }), findMany({ where: { id: { in: ids } } }), find({ _id: { $in: ids } })
      const whereProp = arg.properties.find((p: any) => p.type === 'ObjectProperty' && propertyKeyName(p) === 'where');
      const where = whereProp ? unwrapExpression(whereProp.value) : arg;
      if (where.type !== 'ObjectExpression') continue;
      for (const p of where.properties) {
        if (p.type !== 'ObjectProperty' || !PRIMARY_KEY_FIELDS.has(propertyKeyName(p) ?? '')) continue;
        const value = unwrapExpression(p.value);
        if (value.type === 'ObjectExpression') {
          const inProp = value.properties.find(
            (q: any) => q.type === 'ObjectProperty' && (['in', '$in'].includes(propertyKeyName(q) ?? '') || (q.computed && isMember(q.key) && memberPropertyName(q.key) === 'in')),
          );
          if (inProp) return callPath.child(inProp.value, 'arguments', i);
        } else if (whereProp && isKeyArray(value)) {
          return callPath.child(p.value, 'arguments', i);
        }
      }
    } else if (i === 0 && isKeyArray(arg)) {
      return callPath.child(a, 'arguments', 0);
    }
  }
  return null;
}

/** `readdir`, `opendir`, `glob`, `globFiles`, `walkDir`, `readdirRecursive`: a call that lists a directory (not `import.meta.glob`, which a bundler expands). */
function isListingCall(callee: any): boolean {
  const name = lastName(callee);
  return !!name && (LISTING_CALLS.test(name) || /^(glob|readdir|opendir|scandir)$/.test(firstWord(name))) && !isImportMeta(callee);
}

/** `import.meta.glob(…)`: a bundler expands it at build time; it lists no directory at run time. */
function isImportMeta(callee: any): boolean {
  return isMember(callee) && unwrapExpression(callee.object).type === 'MetaProperty';
}

export type Origin = 'input' | 'listing' | 'query' | 'param' | 'unknown';
const ORIGIN_RANK: Record<Origin, number> = { unknown: 0, param: 1, query: 2, listing: 3, input: 4 };

function strongest(origins: Origin[]): Origin {
  let best: Origin = 'unknown';
  for (const o of origins) if (ORIGIN_RANK[o] > ORIGIN_RANK[best]) best = o;
  return best;
}

/** `req.body.ids`, `ctx.request.body`, `event.Records`: a path into request input. */
function isInputPath(segs: string[]): boolean {
  return INPUT_ROOTS.test(segs[0] ?? '') && segs.slice(1).some((s) => INPUT_SEGMENTS.has(s));
}

/**
 * A parameter that holds request input: `@Body() dto` (NestJS), or the `input`
 * of a tRPC procedure (`.input(schema).mutation(({ input }) => …)`, `opts.input`).
 */
function isInputParam(b: Binding, firstProp: string | null): boolean {
  if (b.kind !== 'param') return false;
  const fn = b.declNode as any;
  const id = b.id as any;
  const param = (fn.params ?? []).find((p: any) => p.start <= id.start && id.end <= p.end);
  if (!param) return false;
  const decorators = param.decorators ?? (param.type === 'TSParameterProperty' ? param.parameter?.decorators : null) ?? [];
  for (const d of decorators) {
    const expr = unwrapExpression(d.expression);
    const name = lastName(isCall(expr) ? expr.callee : expr);
    if (name && INPUT_DECORATORS.has(name)) return true;
  }
  const step = b.steps[0];
  const inputProp = step && 'prop' in step ? step.prop : b.steps.length === 0 ? firstProp : null;
  if (inputProp !== 'input' || fn.params[0] !== param) return false;
  // The function is the resolver of a procedure chain that declares `.input(…)`.
  const fnPath = b.scopePath;
  const call = fnPath.parentPath?.node as any;
  if (!call || !isCall(call) || fnPath.key !== 'arguments' || !isMember(call.callee) || !RESOLVER_METHODS.has(memberPropertyName(call.callee) ?? '')) return false;
  for (let n = unwrapExpression(call.callee.object), i = 0; n && i < 16; i++) {
    if (isCall(n) && isMember(n.callee)) {
      if (memberPropertyName(n.callee) === 'input') return true;
      n = unwrapExpression(n.callee.object);
    } else if (isMember(n)) n = unwrapExpression(n.object);
    else return false;
  }
  return false;
}

/**
 * Where a collection comes from, as far as the file shows: request input
 * (`req.body.ids`, a tRPC `input`, a `@Body()` parameter), a directory listing
 * (`await readdir(dir)`, also through a helper of the file that returns one), an
 * awaited query or API result, a parameter (the caller decides), or unknown.
 * Derived lists keep their origin: `ids.filter(…)`, `await Promise.all(ids.map(f))`,
 * `await db.getObjects(keys)` (as the keys).
 */
export function collectionOrigin(sourcePath: NodePath, depth = 0, trace?: OriginTrace): Origin {
  if (depth > MAX_DEPTH) return 'unknown';
  const n = unwrapExpression(sourcePath.node as any);
  switch (n?.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const segs = describe(n).split('.');
      if (isInputPath(segs)) return 'input';
      // req.payload.config.collections: configuration reached through the request.
      if (segs.slice(1).some((seg) => CONFIG_SEGMENTS.has(seg))) return 'unknown';
      // input.tokens, opts.input.ids, dto.items: a member of a parameter that holds request input.
      let root = n;
      let first: string | null = null;
      while (isMember(root)) {
        first = memberName(root);
        root = unwrapExpression(root.object);
      }
      if (root.type === 'Identifier') {
        const b = lookup(sourcePath, root.name);
        if (b && isInputParam(b, first)) return 'input';
        if (b && b.kind !== 'param' && b.kind !== 'import') {
          const o = collectionOrigin(sourcePath.child(root, 'object'), depth + 1);
          if (o === 'input') return o;
        }
      }
      return 'unknown';
    }
    case 'Identifier': {
      const b = lookup(sourcePath, n.name);
      if (!b) return 'unknown';
      if (b.kind === 'param') {
        if (isInputParam(b, null)) return 'input';
        if (b.steps.length > 0) return 'param';
      }
      if (b.steps.length > 0) {
        if (!b.init) return 'unknown';
        // const { ids } = req.body
        const init = unwrapExpression(b.init as any);
        const segs = [...describe(init).split('.'), ...b.steps.map((s) => ('prop' in s ? s.prop : '*'))];
        if (isInputPath(segs)) return 'input';
        const el = destructuredElement(b);
        if (el) return resultOrigin(el, depth + 1, trace);
        return collectionOrigin(b.scopePath.child(b.init, 'init'), depth + 1, trace);
      }
      if (b.kind !== 'const' && b.kind !== 'let' && b.kind !== 'var' && b.kind !== 'param') return 'unknown';
      return strongest(bindingValues(sourcePath, b).map((v) => (v ? valueOrigin(v, depth + 1, trace) : b.kind === 'param' ? 'param' : 'unknown')));
    }
    case 'AwaitExpression':
      return resultOrigin(sourcePath.child(n.argument, 'argument'), depth + 1, trace);
    case 'CallExpression':
    case 'OptionalCallExpression': {
      const same = sameSizeAs(sourcePath);
      if (same) return collectionOrigin(same, depth + 1, trace);
      // items.filter(…), Object.keys(x), Array.from(set): as the collection they start from.
      const callee = unwrapExpression(n.callee);
      const name = lastName(callee);
      if (isListingCall(callee)) return 'listing';
      // _.flatten(themes), _.uniq(ids): a utility over the collection it is given.
      const ref = resolveExpression(callee, sourcePath);
      if (ref && ref.kind === 'module' && inMemoryModule(ref.module) && n.arguments[0]) return collectionOrigin(sourcePath.child(n.arguments[0], 'arguments', 0), depth + 1, trace);
      const base =
        isMember(callee) && callee.object.type === 'Identifier' && (callee.object.name === 'Object' || callee.object.name === 'Array')
          ? n.arguments[0] && sourcePath.child(n.arguments[0], 'arguments', 0)
          : isMember(callee)
            ? sourcePath.child(n.callee, 'callee').child(callee.object, 'object')
            : null;
      return base ? collectionOrigin(base, depth + 1, trace) : 'unknown';
    }
    case 'ArrayExpression':
      // [...ids], [...a, ...b]: the strongest of the spread collections.
      return strongest(
        n.elements.flatMap((el: any, i: number) => (el?.type === 'SpreadElement' ? [collectionOrigin(sourcePath.child(el, 'elements', i).child(el.argument, 'argument'), depth + 1, trace)] : [])),
      );
    case 'NewExpression': {
      // new Set(ids)
      const ref = resolveExpression(n.callee, sourcePath);
      const key = ref ? refKey(ref) : null;
      return (key === 'global#Set' || key === 'global#Map') && n.arguments[0] ? collectionOrigin(sourcePath.child(n.arguments[0], 'arguments', 0), depth + 1, trace) : 'unknown';
    }
    case 'LogicalExpression':
      return collectionOrigin(sourcePath.child(n.left, 'left'), depth + 1, trace);
    case 'ConditionalExpression':
      return strongest([collectionOrigin(sourcePath.child(n.consequent, 'consequent'), depth + 1, trace), collectionOrigin(sourcePath.child(n.alternate, 'alternate'), depth + 1, trace)]);
    default:
      return 'unknown';
  }
}

/** The origin of what an awaited expression resolves to. */
function resultOrigin(argPath: NodePath, depth: number, trace?: OriginTrace): Origin {
  let arg = unwrapExpression(argPath.node as any);
  if (!arg || !isCall(arg)) return arg ? collectionOrigin(argPath, depth, trace) : 'unknown';
  // readdir(dir).catch(() => []): the value of the call before the handler.
  while (isMember(arg.callee) && ['catch', 'finally'].includes(memberPropertyName(arg.callee) ?? '') && isCall(unwrapExpression(arg.callee.object))) {
    argPath = argPath.child(arg.callee, 'callee').child(arg.callee.object, 'object');
    arg = unwrapExpression(arg.callee.object);
  }
  const callee = unwrapExpression(arg.callee);
  const name = lastName(callee);
  // (await x).filter(…) is handled by the caller; `await ids.filter(…)` is ids.
  if (isMember(callee) && name && SAME_SIZE_METHODS.has(name)) return collectionOrigin(argPath, depth, trace);
  const same = sameSizeAs(argPath);
  if (same) return collectionOrigin(same, depth + 1, trace);
  if (isListingCall(callee)) return 'listing';
  // await req.json(), await request.formData(), await c.req.json(): the request body.
  if (isMember(callee) && (name === 'json' || name === 'formData') && describe(callee.object).split('.').every((seg) => /^(req|request|c|ctx|context)$/.test(seg))) return 'input';
  // A helper of this file: what it returns (a listing stays a listing, a literal is no query).
  const fn = depth < HELPER_DEPTH ? localFunction(argPath) : null;
  if (fn) {
    const origins = returnedValues(fn).map((r) => {
      const v = unwrapExpression(r.node as any);
      const o = isCall(v) ? resultOrigin(r, depth + 2) : collectionOrigin(r, depth + 2);
      return o === 'param' ? 'unknown' : o;
    });
    const o = strongest(origins);
    if (o === 'query' && trace) trace.call ??= arg;
    return o;
  }
  if (trace) trace.call ??= arg;
  return 'query';
}

/** The call a query origin was found at, to name it in messages. */
export interface OriginTrace {
  call?: any;
}

/**
 * How to name a query origin: `a query result` for visible data access
 * (`db.users.findAll()`, `prisma.order.findMany()`, `repo.query(…)`), else the
 * call itself (`the result of \`getWidgetFiles(…)\``).
 */
export function describeQueryOrigin(trace: OriginTrace): string {
  const call = trace.call;
  if (!call) return 'a query result';
  const callee = unwrapExpression(call.callee);
  const name = lastName(callee);
  const receiver = isMember(callee) ? describe(callee.object) : '';
  const dataAccess =
    (!!name && QUERY_WORDS.has(firstWord(name))) || /(^|\.)(db|database|prisma|knex|sql|repo|repository|model|store|collection|table|redis|mongo|em|entityManager|manager|dao|client)s?$/i.test(receiver) || /Model$|Repository$|Store$/.test(receiver);
  return dataAccess ? 'a query result' : `the result of \`${describe(callee)}(…)\``;
}

/** First words of calls that query a store. */
const QUERY_WORDS: ReadonlySet<string> = new Set(['find', 'query', 'select', 'search', 'count', 'aggregate', 'scan', 'where', 'all']);

// ---------------------------------------------------------------------------
// What the per-item work does.

/**
 * Does the fan-out run on one database connection: inside a transaction
 * callback (`sequelize.transaction(async (t) => …)`), or with per-item calls
 * that pass a transaction (`{ transaction }`, `tx`, a context object built with one)?
 */
export function runsInTransaction(aggPath: NodePath, perItemPath: NodePath): boolean {
  for (let p: NodePath | null = aggPath; p; p = p.parentPath) {
    if (!isFunctionNode(p.node) || p.key !== 'arguments') continue;
    const call = p.parentPath?.node as any;
    const name = call && isCall(call) ? lastName(call.callee) : null;
    if (name && /transaction$/i.test(name)) return true;
  }
  let found = false;
  walkPaths(perItemPath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (isCall(n) && n.arguments.some((a: any) => carriesTransaction(a, p, 0))) found = true;
    return undefined;
  });
  return found;
}

function carriesTransaction(node: any, at: NodePath, depth: number): boolean {
  const n = unwrapExpression(node);
  if (!n || depth > 3) return false;
  switch (n.type) {
    case 'Identifier': {
      if (TRANSACTION_NAMES.test(n.name)) return true;
      const b = lookup(at, n.name);
      return !!b && b.kind === 'const' && !!b.init && b.steps.length === 0 && carriesTransaction(b.init, b.scopePath, depth + 1);
    }
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return TRANSACTION_NAMES.test(memberName(n) ?? '');
    case 'ObjectExpression':
      return n.properties.some((p: any) => p.type === 'ObjectProperty' && (TRANSACTION_NAMES.test(propertyKeyName(p) ?? '') || carriesTransaction(p.value, at, depth + 1)));
    case 'CallExpression':
    case 'OptionalCallExpression':
      // createContext({ user, transaction })
      return n.arguments.some((a: any) => carriesTransaction(a, at, depth + 1));
    default:
      return false;
  }
}

/** Built-in globals whose functions and constructors work in memory. */
const IN_MEMORY_GLOBALS: ReadonlySet<string> = new Set([
  'Math', 'JSON', 'Object', 'Array', 'String', 'Number', 'Boolean', 'Date', 'Promise', 'Symbol', 'Reflect', 'Intl',
  'BigInt', 'Set', 'Map', 'WeakMap', 'WeakSet', 'RegExp', 'Error', 'TypeError', 'URL', 'URLSearchParams', 'Buffer',
  'console', 'parseInt', 'parseFloat', 'isNaN', 'isFinite', 'encodeURIComponent', 'decodeURIComponent', 'encodeURI',
  'decodeURI', 'structuredClone', 'setTimeout', 'setImmediate', 'queueMicrotask',
]);

function inMemoryModule(m: string): boolean {
  return IN_MEMORY_MODULES.some((h) => (h.endsWith('/') ? m.startsWith(h) : m === h));
}

/** `seen.get(x)` where `seen = new Map()` (or a field initialised so): an in-memory collection. */
function isInMemoryCollection(node: any, at: NodePath): boolean {
  const n = unwrapExpression(node);
  let init: any = null;
  if (n.type === 'Identifier') {
    const b = lookup(at, n.name);
    init = b && b.steps.length === 0 ? b.init : null;
  } else if (isMember(n) && unwrapExpression(n.object).type === 'ThisExpression') {
    const name = memberName(n);
    const cls = at.findAncestor((p) => p.node.type === 'ClassBody');
    const field = cls && (cls.node as any).body.find((m: any) => (m.type === 'ClassProperty' || m.type === 'ClassPrivateProperty') && (m.key?.type === 'PrivateName' ? `#${m.key.id.name}` : propertyKeyName(m)) === name);
    init = field?.value ?? null;
  }
  init = init && unwrapExpression(init);
  return init?.type === 'NewExpression' && init.callee.type === 'Identifier' && /^(Map|Set|WeakMap|WeakSet)$/.test(init.callee.name);
}

/**
 * Does the per-item work leave the process (a query, a service or API call, a
 * file)? Returns the first call that may, or null when everything it does
 * visibly runs in memory: built-ins, array and string methods, formatting,
 * parsing, translation, pure helpers of the file.
 */
export function perItemIO(perItemPath: NodePath, depth = 0): string | null {
  const node = unwrapExpression(perItemPath.node as any);
  if (node.type === 'Identifier' || isMember(node)) {
    // ids.map(loadUser): the function itself.
    const fn = functionAt(node, perItemPath);
    if (fn) return depth < 3 ? perItemIO(fn, depth + 1) : null;
    return referenceDoesIO(node, perItemPath) ? describe(node) : null;
  }
  // Name the call whose promise the item waits for (awaited or returned) when it does I/O, else any call that does.
  let found: string | null = null;
  let fallback: string | null = null;
  walkPaths(perItemPath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (!isCall(n) && n.type !== 'NewExpression') return undefined;
    if ((isAwaitedOrReturned(p) || !fallback) && callDoesIO(p, depth)) {
      if (isAwaitedOrReturned(p)) found = describe(n.callee);
      else fallback = describe(n.callee);
    }
    return undefined;
  });
  return found ?? fallback;
}

/** `await f()`, `return f()`, `(x) => f()`, and `f().then(…)` in those places. */
function isAwaitedOrReturned(p: NodePath): boolean {
  let q: NodePath = p;
  // f().then(a).catch(b): climb to the end of the chain.
  while (q.parentPath && q.key === 'object' && isMember(q.parentPath.node) && q.parentPath.parentPath && isCall(q.parentPath.parentPath.node) && ['then', 'catch', 'finally'].includes(memberPropertyName(q.parentPath.node) ?? '')) {
    q = q.parentPath.parentPath;
  }
  while (q.parentPath && ['ParenthesizedExpression', 'TSAsExpression', 'TSNonNullExpression'].includes(q.parentPath.node.type)) q = q.parentPath;
  const parent = q.parentPath?.node;
  return !!parent && (parent.type === 'AwaitExpression' || parent.type === 'ReturnStatement' || (parent.type === 'ArrowFunctionExpression' && q.key === 'body'));
}

function callDoesIO(callPath: NodePath, depth: number): boolean {
  const call = callPath.node as any;
  const callee = unwrapExpression(call.callee);
  if (call.type === 'NewExpression') {
    const ref = resolveExpression(callee, callPath);
    return !!ref && !!heavyRef(ref);
  }
  if (callee.type === 'Import') return false;
  const name = lastName(callee);
  if (isMember(callee) && name) {
    // `re.test(s)`, `names.map(fn)`; a module's own `filter(…)` (`privileges.filter('read', ids)`) may query.
    if (IN_MEMORY_METHODS.has(name) && (!ARRAY_CALLBACK_METHODS.has(name) || isFunctionNode(unwrapExpression(call.arguments[0] ?? {})) || !isModuleRef(callee.object, callPath))) return false;
    if (['get', 'set', 'has', 'add', 'delete', 'clear'].includes(name) && isInMemoryCollection(callee.object, callPath)) return false;
  }
  const fn = localFunction(callPath);
  if (fn) return depth < 3 && perItemIO(fn, depth + 1) !== null;
  return referenceDoesIO(callee, callPath);
}

/** Array methods a module may also export under the same name, with other arguments. */
const ARRAY_CALLBACK_METHODS: ReadonlySet<string> = new Set(['filter', 'map', 'reduce', 'some', 'every', 'forEach', 'flatMap', 'push', 'unshift', 'concat', 'sort', 'includes', 'fill']);

function isModuleRef(node: any, at: NodePath): boolean {
  const ref = resolveExpression(node, at);
  return !!ref && ref.kind === 'module';
}

/** A function that is not of this file: does it (probably) do I/O? By what it resolves to, then by its name. */
function referenceDoesIO(callee: any, at: NodePath): boolean {
  const ref = resolveExpression(callee, at);
  if (ref) {
    if (heavyRef(ref)) return true;
    if (ref.kind === 'global' && IN_MEMORY_GLOBALS.has(ref.path[0] ?? '')) return false;
    if (ref.kind === 'module' && inMemoryModule(ref.module)) return false;
  }
  const name = lastName(callee);
  if (name && IN_MEMORY_VERBS.has(firstWord(name))) return false;
  return true;
}

export type LimitVerdict = { limited: true; by: string } | { limited: false; note: string } | null;

/**
 * Does the callback run its work through a concurrency limiter?
 * `(x) => limit(() => f(x))`, `(x) => queue.add(() => f(x))`,
 * `async (x) => { await sem.acquire(); … }`. `pLimit(Infinity)` and a `PQueue`
 * without `concurrency` limit nothing.
 */
export function limiterIn(callbackPath: NodePath): LimitVerdict {
  let verdict: LimitVerdict = null;
  const consider = (v: LimitVerdict) => {
    if (v && (!verdict || v.limited)) verdict = v;
  };
  walkPaths(callbackPath, (p) => {
    if (verdict?.limited) return false;
    const n = p.node as any;
    if (!isCall(n)) return undefined;
    const callee = unwrapExpression(n.callee);
    if (callee.type === 'Identifier') {
      // limit(() => …) where limit = pLimit(n)
      consider(fromBinding(lookup(p, callee.name)));
      return undefined;
    }
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
    const method = memberPropertyName(callee);
    if (!method) return undefined;
    const recv = unwrapExpression(callee.object);
    const recvName = lastName(recv);
    if (LIMITER_METHODS.has(method)) {
      // queue.add(() => …), sem.acquire(), mutex.runExclusive(…)
      const made = recv.type === 'Identifier' ? fromBinding(lookup(p, recv.name)) : null;
      if (made) consider(made);
      else if (recvName && LIMITER_RECEIVER.test(recvName) && method !== 'push') consider({ limited: true, by: `\`${recvName}.${method}\`` });
    } else if (recv.type === 'ThisExpression' && LIMITER_RECEIVER.test(method)) {
      // this.limit(() => …): a limiter kept on the instance
      consider({ limited: true, by: `\`this.${method}\`` });
    }
    return undefined;
  });
  return verdict;
}

function fromBinding(b: Binding | null): LimitVerdict {
  if (!b) return null;
  const lc = limiterConcurrency(b);
  if (!lc) return null;
  return lc.finite ? { limited: true, by: lc.label } : { limited: false, note: `${lc.label} with unlimited concurrency` };
}

/**
 * For a limiter value (`const limit = pLimit(Infinity)`): find its construction
 * and tell whether its concurrency is finite.
 */
export function limiterConcurrency(binding: Binding): { label: string; finite: boolean } | null {
  const init = binding.init && unwrapExpression(binding.init as any);
  if (!init || (init.type !== 'CallExpression' && init.type !== 'NewExpression')) return null;
  const calleeRef = resolveExpression(init.callee, binding.scopePath);
  if (!calleeRef) return null;
  const key = init.type === 'NewExpression' ? `new ${refKey(calleeRef)}()` : refKey(calleeRef);
  const factory = LIMITER_FACTORIES.get(key);
  if (!factory) return null;
  const first = init.arguments[0] && unwrapExpression(init.arguments[0]);
  if (factory.concurrency === 'first-arg') {
    if (!first) return { label: factory.label, finite: factory.label !== 'p-limit' };
    if (first.type === 'ObjectExpression') return { label: factory.label, finite: optionIsFinite(first, 'concurrency') };
    return { label: factory.label, finite: !isInfinity(first) };
  }
  const optsArg = key.endsWith('#limitFunction') ? init.arguments[1] : init.arguments[0];
  const opts = optsArg && unwrapExpression(optsArg);
  if (!opts) return { label: factory.label, finite: false };
  // Options built elsewhere cannot be seen: assume they set a limit.
  if (opts.type !== 'ObjectExpression') return { label: factory.label, finite: true };
  return { label: factory.label, finite: (factory.options ?? ['concurrency']).some((o) => optionIsFinite(opts, o)) };
}

export function isInfinity(node: any): boolean {
  node = unwrapExpression(node);
  return (
    (node.type === 'Identifier' && node.name === 'Infinity') ||
    (node.type === 'MemberExpression' && memberPropertyName(node) === 'POSITIVE_INFINITY') ||
    (node.type === 'MemberExpression' && memberPropertyName(node) === 'MAX_SAFE_INTEGER')
  );
}

/** Does the object literal set `option` to something other than Infinity? (A spread may set it: assume yes.) */
export function optionIsFinite(obj: any, option: string): boolean {
  let finite = false;
  for (const p of obj.properties) {
    if (p.type === 'SpreadElement') finite = true;
    else if (p.type === 'ObjectProperty' && propertyKeyName(p) === option) finite = !isInfinity(p.value);
  }
  return finite;
}

/**
 * What scarce resource the per-item work takes, when it visibly does: a socket
 * (`fetch`, axios, got, an SDK), a file descriptor (`fs`), a process. Returns a
 * label for the message, or null.
 */
export function heavyWork(perItemPath: NodePath, depth = 0): string | null {
  const node = perItemPath.node as any;
  // ids.map(fetchUser): look at the function itself.
  if (node.type === 'Identifier' || node.type === 'MemberExpression') {
    const ref = resolveExpression(node, perItemPath);
    if (!ref) return null;
    const label = heavyRef(ref);
    if (label || ref.kind !== 'binding' || depth > 2) return label;
    const fn = functionOfRef(ref);
    return fn ? heavyWork(perItemPath.child(fn, 'value'), depth + 1) : null;
  }
  let found: string | null = null;
  walkPaths(perItemPath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (isCall(n) || n.type === 'NewExpression') {
      const ref = resolveExpression(n.callee, p);
      if (ref) found = heavyRef(ref);
    }
    return undefined;
  });
  return found;
}

function heavyRef(ref: Ref): string | null {
  if (ref.kind === 'global') return ref.path[0] === 'fetch' && ref.path.length === 1 ? 'fetch' : null;
  if (ref.kind === 'module') {
    const m = ref.module;
    if (!HEAVY_WORK_MODULES.some((h) => (h.endsWith('/') ? m.startsWith(h) : m === h || m.startsWith(`${h}/`)))) return null;
    // The file system: only calls that hold a descriptor (`readFile`, streams…); `stat` or `unlink` queue in the pool.
    if (FS_MODULES.includes(m) && !DESCRIPTOR_FS_CALLS.has(ref.path[ref.path.length - 1] ?? '')) return null;
    return [m, ...ref.path].join('.');
  }
  // Calls through client instances: axios.create(…).get(…), got.extend(…)(…).
  if (ref.kind === 'call') return heavyRef(ref.callee);
  return null;
}

/** A `heavyWork` label naming a file-system call: it holds a descriptor, not a socket or a process. */
export function isDescriptorWork(label: string): boolean {
  return FS_MODULES.some((m) => label.startsWith(`${m}.`));
}
