// CPU-heavy synchronous work and how its cost grows with the data: library calls that parse or render what they are
// given (knowledge/cpu-work.ts), recursion that branches (fib-style, exponential), loops nested over one collection
// (quadratic), and loops over a collection of unknown size whose body computes and never awaits. What `cpu-bound`
// judges, with where the data comes from (`sizedData`) and whether the program bounds it (`collectionBound`).
import type { Node } from '../syntax/ast.js';
import { isFunctionNode, someNode, walkPaths, type NodePath } from '../syntax/walk.js';
import { CONVERSIONS, HASH_CALLS, HEAVY_SYNC_CALLS, ITERATING_METHODS, JSON_CALLS, SCANNING_METHODS, TEXT_OF_METHODS, UPLOAD_SEGMENTS } from '../knowledge/cpu-work.js';
import { memberPropertyName, resolveExpression, unwrapExpression, type Ref } from './resolve.js';
import { lookup, paramPosition } from './scope.js';
import { collectionOrigin, type OriginTrace } from './collections/origin.js';
import { describe, isMember } from './collections/names.js';

/** Where data whose size the program does not fix comes from: the request (an upload in particular), a query's rows, a directory listing. */
export type Sized = 'input' | 'upload' | 'query' | 'listing';

/**
 * An API as a table key: `module#export.path` (a leading `default` dropped, `node:` too), `module#Class().method` for a
 * method of an instance (`new XMLParser().parse`, `md.render` with `md = markdownit()`), `global#JSON.parse`.
 */
export function apiKey(ref: Ref | null): string | null {
  if (!ref) return null;
  if (ref.kind === 'global') return `global#${ref.path.join('.')}`;
  if (ref.kind === 'module') {
    const module = bareModule(ref.module);
    const path = ref.path[0] === 'default' ? ref.path.slice(1) : ref.path;
    return `${module}#${path.join('.')}`;
  }
  if (ref.kind === 'call') {
    const inner = apiKey(ref.callee);
    return inner ? `${inner}()${ref.path.length ? '.' + ref.path.join('.') : ''}` : null;
  }
  return null;
}

/**
 * How big the data an expression holds can get, when the program does not fix it: request input (`req.body.csv`), an
 * upload's content (`req.file.buffer`, `await file.text()` of one), a field of a query's row (`doc.content`), a query
 * result or a listing. Null for constants, configuration and anything unknown.
 */
export function sizedData(path: NodePath, trace?: OriginTrace): Sized | null {
  let at = path;
  let n = unwrapExpression(at.node as any);
  // buf.toString('utf8'), await file.text(): the same data as text.
  for (let i = 0; i < 4; i++) {
    if (n?.type === 'AwaitExpression') at = at.child(n.argument, 'argument');
    else if ((n?.type === 'CallExpression' || n?.type === 'OptionalCallExpression') && isMember(n.callee) && TEXT_OF_METHODS.has(memberPropertyName(n.callee) ?? ''))
      at = at.child(n.callee, 'callee').child(n.callee.object, 'object');
    else break;
    n = unwrapExpression(at.node as any);
  }
  const origin = collectionOrigin(at);
  if (origin === 'input')
    return describe(n)
      .split('.')
      .some((s) => UPLOAD_SEGMENTS.has(s))
      ? 'upload'
      : 'input';
  if (origin === 'query' || origin === 'listing') return origin;
  // doc.content, row.payload: a field of a row a query returned.
  if (isMember(n)) {
    let root = n;
    while (isMember(root)) root = unwrapExpression(root.object);
    if (root.type === 'Identifier') {
      const b = lookup(at, root.name);
      if (b && b.kind !== 'param' && b.kind !== 'import' && b.init && b.steps.length === 0 && collectionOrigin(b.scopePath.child(b.init, 'init')) === 'query')
        return 'query';
    }
  }
  return null;
}

const bareModule = (module: string): string => (module.startsWith('node:') ? module.slice('node:'.length) : module);

/** The modules the heavy-call and JSON tables name (`global` for JSON). */
const TABLE_MODULES: ReadonlySet<string> = new Set([...HEAVY_SYNC_CALLS.keys(), ...JSON_CALLS.keys()].map((k) => k.slice(0, k.indexOf('#'))));

/** A heavy synchronous library call (`HEAVY_SYNC_CALLS`, plus a user's keys) or JSON over data: the API, what it does, its data. */
export function heavyCall(path: NodePath, extra: readonly string[] = []): { api: string; what: string; data: NodePath; json: boolean } | null {
  const n = path.node as any;
  if ((n.type !== 'CallExpression' && n.type !== 'OptionalCallExpression' && n.type !== 'NewExpression') || !n.arguments[0]) return null;
  const ref = resolveExpression(n.callee, path);
  // Most calls are of no module the tables name: decided before a key is built.
  const root = ref?.kind === 'call' ? ref.callee : ref;
  if (!root || root.kind === 'binding' || root.kind === 'call' || !TABLE_MODULES.has(root.kind === 'global' ? 'global' : bareModule(root.module))) {
    if (extra.length === 0) return null;
  }
  const key = apiKey(ref);
  if (!key) return null;
  const what = HEAVY_SYNC_CALLS.get(key) ?? (extra.includes(key) ? 'does heavy work' : null) ?? JSON_CALLS.get(key);
  if (!what) return null;
  return { api: key, what, data: path.child(n.arguments[0], 'arguments', 0), json: JSON_CALLS.has(key) };
}

/** A hashing call (`crypto.createHash('sha256')`): its digest runs on the calling thread. */
export function isHashCall(path: NodePath): boolean {
  const n = path.node as any;
  if (n.type !== 'CallExpression') return false;
  const key = apiKey(resolveExpression(n.callee, path));
  return !!key && HASH_CALLS.has(key);
}

/**
 * The function of this file a call invokes by name (`fib(n)`) when it calls itself at least twice, each time with a
 * parameter minus a constant (`fib(n - 1) + fib(n - 2)`): its calls double with each step of the parameter, exponential
 * in it. Merge-sort-like halving is not this. Null otherwise (judged once per function).
 */
export function branchingRecursion(callPath: NodePath): Node | null {
  const callee = unwrapExpression((callPath.node as any).callee);
  if (callee?.type !== 'Identifier') return null;
  const b = lookup(callPath, callee.name);
  const init = b?.kind === 'const' && b.init && b.steps.length === 0 ? unwrapExpression(b.init as any) : null;
  const fn = b?.kind === 'function' ? b.declNode : init && isFunctionNode(init) ? init : null;
  if (!fn) return null;
  let known = branching.get(fn);
  if (known === undefined) branching.set(fn, (known = selfCalls(fn, callee.name) >= 2));
  return known ? fn : null;
}

const branching = new WeakMap<Node, boolean>();

/** How many times a function calls itself by `name` with a parameter minus a constant (not counting nested functions). */
function selfCalls(fn: any, name: string): number {
  const params = new Set<string>((fn.params ?? []).flatMap((p: any) => (p.type === 'Identifier' ? [p.name] : [])));
  let count = 0;
  someNode(
    fn.body,
    (c: any) => {
      if (c.type === 'CallExpression' && c.callee.type === 'Identifier' && c.callee.name === name && c.arguments.some((a: any) => decrements(a, params))) count++;
      return false;
    },
    20_000,
    (c) => !isFunctionNode(c),
  );
  return count;
}

/** `n - 1`, `n - 2`: a parameter minus a constant. */
function decrements(arg: any, params: Set<string>): boolean {
  const a = unwrapExpression(arg);
  return a?.type === 'BinaryExpression' && a.operator === '-' && a.left.type === 'Identifier' && params.has(a.left.name) && a.right.type === 'NumericLiteral';
}

/** Through conversions that keep the data: `Number(x)`, `parseInt(x, 10)`, `String(x)`, `+x` give `x`. */
function unconverted(path: NodePath): NodePath {
  let at = path;
  let n = unwrapExpression(at.node as any);
  for (let i = 0; i < 4 && n; i++) {
    if (n.type === 'CallExpression' && n.callee.type === 'Identifier' && CONVERSIONS.has(n.callee.name) && n.arguments[0]) at = at.child(n.arguments[0], 'arguments', 0);
    else if (n.type === 'UnaryExpression' && n.operator === '+') at = at.child(n.argument, 'argument');
    else break;
    n = unwrapExpression(at.node as any);
  }
  return at;
}

/** A number or string read from request input, through conversions: `Number(req.query.n)`, `parseInt(n, 10)`, `+req.params.n`. */
export function inputValue(path: NodePath): boolean {
  return collectionOrigin(unconverted(path)) === 'input';
}

/**
 * The parameter of the enclosing function the data is (through conversions): `text` in `function slugify(text) { …
 * re.test(text) }`. The callers decide how big it is (`CallGraph.paramOrigin`).
 */
export function parameterOf(path: NodePath): { fn: Node; index: number } | null {
  const at = unconverted(path);
  const n = unwrapExpression(at.node as any);
  if (n?.type !== 'Identifier') return null;
  const b = lookup(at, n.name);
  if (!b || b.kind !== 'param' || b.steps.length > 0) return null;
  const index = paramPosition(b);
  return index >= 0 ? { fn: b.declNode, index } : null;
}

/** A loop over a collection: `for (const x of xs)` or `xs.forEach((x) => …)` (and map, filter, reduce…): the collection and the body. */
export interface Iteration {
  collection: NodePath;
  body: NodePath;
}

export function iterationOf(path: NodePath): Iteration | null {
  const n = path.node as any;
  if (n.type === 'ForOfStatement' && !n.await) return { collection: path.child(n.right, 'right'), body: path.child(n.body, 'body') };
  if ((n.type === 'CallExpression' || n.type === 'OptionalCallExpression') && isMember(n.callee) && ITERATING_METHODS.has(memberPropertyName(n.callee) ?? '')) {
    const cb = n.arguments[0];
    if (!cb || !isFunctionNode(cb) || cb.async) return null;
    const cbPath = path.child(cb, 'arguments', 0);
    return { collection: path.child(n.callee, 'callee').child(n.callee.object, 'object'), body: cbPath.child(cb.body, 'body') };
  }
  return null;
}

/** Do two expressions name the same collection (`items` and `items`, `req.body.ids` twice), through the same binding? */
function sameCollection(a: NodePath, b: NodePath): boolean {
  const [x, y] = [unwrapExpression(a.node as any), unwrapExpression(b.node as any)];
  const text = describe(x);
  if (!text || text !== describe(y) || text.includes('(')) return false;
  const root = text.split('.')[0]!;
  return lookup(a, root) === lookup(b, root);
}

/**
 * Inside the body of a loop over a collection, a scan of the same collection (`items.find(…)`, `ids.includes(x)`, or a
 * loop over it): the whole is quadratic in its size. The inner scan's path, or null.
 */
export function quadraticScan(it: Iteration): NodePath | null {
  let found: NodePath | null = null;
  walkPaths(it.body, (p) => {
    if (found) return false;
    const n = p.node as any;
    const inner = iterationOf(p);
    if (inner && sameCollection(inner.collection, it.collection)) found = p;
    else if ((n.type === 'CallExpression' || n.type === 'OptionalCallExpression') && isMember(n.callee) && SCANNING_METHODS.has(memberPropertyName(n.callee) ?? '')) {
      if (sameCollection(p.child(n.callee, 'callee').child(n.callee.object, 'object'), it.collection)) found = p;
    }
    return undefined;
  });
  return found;
}

/**
 * The CPU work a loop's body does per item that grows with the item's size, named for a message: a heavy library call
 * (a parser, a renderer) or a hash. Null when there is none. (JSON of one record, or a loop over another collection,
 * is not this: their cost per item is small, or is the product of two sizes the code does not show.)
 */
export function perItemCpuWork(it: Iteration, extra: readonly string[] = []): { label: string; at: NodePath } | null {
  let found: { label: string; at: NodePath } | null = null;
  walkPaths(it.body, (p) => {
    if (found) return false;
    const heavy = heavyCall(p, extra);
    if (heavy && !heavy.json) found = { label: `\`${describe((p.node as any).callee)}(…)\` (${heavy.what})`, at: p };
    else if (isHashCall(p)) found = { label: `\`${describe((p.node as any).callee)}(…)\` (hashing)`, at: p };
    return undefined;
  });
  return found;
}

/** Does a loop's body await or yield (`await setImmediate()` every N items, any awaited I/O)? Then other work runs between items. */
export function loopYields(it: Iteration): boolean {
  return someNode(
    it.body.node as Node,
    (n) => n.type === 'AwaitExpression' || n.type === 'YieldExpression',
    20_000,
    (n) => !isFunctionNode(n),
  );
}
