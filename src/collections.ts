// Collection sizes and concurrency limits, for the fan-out rule: is this array
// bounded by the program (a literal, a slice of constant size, a chunk, a
// constant table), or by its input (a request body, query results, a directory
// listing)? And does a callback go through a limiter?
import { words } from './knowledge/call-verbs.js';
import {
  CHUNK_FUNCTIONS,
  CONFIG_SEGMENTS,
  HEAVY_WORK_MODULES,
  INPUT_ROOTS,
  INPUT_SEGMENTS,
  LIMITER_FACTORIES,
  LIMITER_METHODS,
  LIMITER_RECEIVER,
  LISTING_CALLS,
  REGISTRY_NAMES,
} from './knowledge/limiters.js';
import { isCall, memberPropertyName, refKey, resolveExpression, unwrapExpression, type Ref } from './resolve.js';
import { functionOfRef } from './summary.js';
import { lookup, propertyKeyName, type Binding } from './scope.js';
import { isFunctionNode, walkPaths, type NodePath } from './walk.js';

export type Bound = { bounded: true; why: string } | { bounded: false; source: string };

const MAX_DEPTH = 8;

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
    case 'Identifier': {
      if (/^[A-Z][A-Z0-9_]+$/.test(node.name)) return { bounded: true, why: `\`${node.name}\` is a constant` };
      const b = lookup(exprPath, node.name);
      if (b && b.steps.length === 0 && b.init && (b.kind === 'const' || b.kind === 'let' || b.kind === 'var')) {
        const fromInit = collectionBound(b.scopePath.child(b.init, 'init'), depth + 1);
        if (fromInit.bounded) return fromInit;
      }
      if (b && isChunkVariable(b)) return { bounded: true, why: `a chunk of fixed size` };
      // batch.processArray(items, async (chunk) => …): a batching helper hands out bounded chunks.
      if (b && b.kind === 'param' && /^(chunk|batch|page|slice|group|window|part)(s?|[A-Z_]\w*)$/.test(node.name)) {
        return { bounded: true, why: `\`${node.name}\` is a chunk handed out by a batching helper` };
      }
      if (b && b.init && b.steps.length === 0 && isLimitedQuery(b.init)) return { bounded: true, why: 'it comes from a query with a limit' };
      if (isRegistryName(node.name)) return { bounded: true, why: `\`${node.name}\` is a registry, fixed by the program` };
      if (guardedLength(exprPath, node.name)) return { bounded: true, why: 'its length is checked above' };
      return unbounded();
    }
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const name = memberPropertyName(node);
      if (name && isRegistryName(name)) return { bounded: true, why: `\`${name}\` is a registry, fixed by the program` };
      const text = describe(node);
      if (text.split('.').some((seg) => CONFIG_SEGMENTS.has(seg))) return { bounded: true, why: 'it comes from configuration' };
      if (guardedLength(exprPath, text)) return { bounded: true, why: 'its length is checked above' };
      return unbounded();
    }
    case 'CallExpression':
    case 'OptionalCallExpression': {
      const callee = unwrapExpression(node.callee);
      const calleePath = exprPath.child(node.callee, 'callee');
      if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
        const method = memberPropertyName(callee);
        const objPath = calleePath.child(callee.object, 'object');
        // items.slice(0, 10), items.slice(i, i + SIZE), items.slice(-5), items.splice(0, N)
        if ((method === 'slice' || method === 'splice') && sliceIsBounded(node.arguments, exprPath, method)) {
          return { bounded: true, why: `a \`${method}\` of constant size` };
        }
        // filter/map/sort/reverse/flat of an array are as bounded as the array.
        if (method && ['filter', 'map', 'sort', 'toSorted', 'reverse', 'flat'].includes(method)) return collectionBound(objPath, depth + 1);
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
        if (key === 'global#Array.from' || key === 'global#Array.of') {
          if (key === 'global#Array.of') return { bounded: true, why: 'Array.of with fixed arguments' };
          const arg = node.arguments[0];
          if (arg && arrayLengthIsConstant(arg, exprPath)) return { bounded: true, why: 'an array of constant length' };
          if (arg) return collectionBound(exprPath.child(arg, 'arguments', 0), depth + 1);
        }
      }
      const ref = resolveExpression(callee, exprPath);
      if (ref && refKey(ref) === 'global#Array' && node.arguments[0] && isConstantNumber(node.arguments[0], exprPath)) {
        return { bounded: true, why: 'an array of constant length' };
      }
      // this.getDataProviderServices(): a getter of a registry.
      const calleeName = lastName(callee);
      if (calleeName && isRegistryName(calleeName)) return { bounded: true, why: `\`${calleeName}()\` returns a registry, fixed by the program` };
      return unbounded();
    }
    case 'ObjectExpression':
      // Array.from({ length: N }, …); an object literal (async.parallel({ a, b })) has fixed keys.
      if (arrayLengthIsConstant(node, exprPath)) return { bounded: true, why: 'an array of constant length' };
      if (node.properties.every((p: any) => p.type !== 'SpreadElement')) return { bounded: true, why: 'an object literal' };
      return unbounded();
    case 'NewExpression': {
      const ref = resolveExpression(node.callee, exprPath);
      if (ref && refKey(ref) === 'global#Array' && node.arguments[0] && isConstantNumber(node.arguments[0], exprPath)) {
        return { bounded: true, why: 'an array of constant length' };
      }
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

function lastName(node: any): string | null {
  node = unwrapExpression(node);
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression') return memberPropertyName(node);
  return null;
}

/** Source-like text: `req.body.ids`, `files`, `items.filter(…)`. */
export function describe(node: any): string {
  node = unwrapExpression(node);
  switch (node?.type) {
    case 'Identifier':
      return node.name;
    case 'ThisExpression':
      return 'this';
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const prop = memberPropertyName(node);
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

function sliceIsBounded(args: any[], scope: NodePath, method: string): boolean {
  const [a, b] = args;
  if (!a) return false;
  if (method === 'splice') return !!b && isConstantNumber(b, scope);
  if (!b) return unwrapExpression(a).type === 'UnaryExpression' && isConstantNumber(a, scope); // slice(-5)
  if (isConstantNumber(a, scope) && isConstantNumber(b, scope)) return true;
  // slice(i, i + SIZE)
  const end = unwrapExpression(b);
  if (end.type === 'BinaryExpression' && end.operator === '+') {
    const same = (x: any, y: any) => x.type === 'Identifier' && y.type === 'Identifier' && x.name === y.name;
    const start = unwrapExpression(a);
    if (same(unwrapExpression(end.left), start) && isConstantNumber(end.right, scope)) return true;
    if (same(unwrapExpression(end.right), start) && isConstantNumber(end.left, scope)) return true;
  }
  return false;
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

export type Origin = 'input' | 'listing' | 'query' | 'param' | 'unknown';

/**
 * Where a collection comes from, as far as the function shows: request input
 * (`req.body.ids`), a directory listing (`await readdir(dir)`), an awaited query
 * or API result, a parameter (the caller decides), or unknown.
 */
export function collectionOrigin(sourcePath: NodePath, depth = 0): Origin {
  if (depth > 6) return 'unknown';
  const n = unwrapExpression(sourcePath.node as any);
  switch (n?.type) {
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      const segs = describe(n).split('.');
      if (INPUT_ROOTS.test(segs[0] ?? '') && segs.slice(1).some((s) => INPUT_SEGMENTS.has(s))) return 'input';
      return 'unknown';
    }
    case 'Identifier': {
      const b = lookup(sourcePath, n.name);
      if (!b) return 'unknown';
      if (b.kind === 'param') return 'param';
      if (!b.init) return 'unknown';
      const init = unwrapExpression(b.init as any);
      // const { ids } = req.body
      if (b.steps.length > 0) {
        const segs = [...describe(init).split('.'), ...b.steps.map((s) => ('prop' in s ? s.prop : '*'))];
        if (INPUT_ROOTS.test(segs[0] ?? '') && segs.slice(1).some((s) => INPUT_SEGMENTS.has(s))) return 'input';
      }
      return collectionOrigin(b.scopePath.child(b.init, 'init'), depth + 1);
    }
    case 'AwaitExpression': {
      const arg = unwrapExpression(n.argument);
      if (!isCall(arg)) return 'unknown';
      const callee = unwrapExpression(arg.callee);
      const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberPropertyName(callee) : null;
      return name && LISTING_CALLS.test(name) ? 'listing' : 'query';
    }
    case 'CallExpression':
    case 'OptionalCallExpression': {
      // items.filter(…), Object.keys(x), Array.from(set): as the collection they start from.
      const callee = unwrapExpression(n.callee);
      const base =
        callee.type === 'MemberExpression' && (callee.object.type === 'Identifier' && (callee.object.name === 'Object' || callee.object.name === 'Array'))
          ? n.arguments[0] && sourcePath.child(n.arguments[0], 'arguments', 0)
          : callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression'
            ? sourcePath.child(n.callee, 'callee').child(callee.object, 'object')
            : null;
      return base ? collectionOrigin(base, depth + 1) : 'unknown';
    }
    default:
      return 'unknown';
  }
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
    if (HEAVY_WORK_MODULES.some((h) => (h.endsWith('/') ? m.startsWith(h) : m === h || m.startsWith(`${h}/`)))) return [m, ...ref.path].join('.');
    return null;
  }
  // Calls through client instances: axios.create(…).get(…), got.extend(…)(…).
  if (ref.kind === 'call') return heavyRef(ref.callee);
  return null;
}
