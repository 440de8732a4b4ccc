// Where a collection comes from: request input, a directory listing, a query or
// API result, a parameter (the caller decides), or unknown. Derived lists keep
// their origin.
import { firstWord } from '../../knowledge/call-verbs.js';
import { REQUEST_PARAM_NAMES } from '../../knowledge/frameworks.js';
import {
  DATA_ACCESS_RECEIVER,
  DATA_ACCESS_TYPE,
  LISTING_VERBS,
  QUERY_WORDS,
  REQUEST_INPUT_METHODS,
  REQUEST_OBJECT_NAMES,
  SAME_SIZE_METHODS,
} from '../../knowledge/collections.js';
import { CONFIG_SEGMENTS, LISTING_CALLS } from '../../knowledge/limiters.js';
import { isCall, memberPropertyName, refKey, resolveExpression, unwrapExpression } from '../resolve.js';
import { lookup } from '../scope.js';
import type { Node, NodePath } from '../../syntax/walk.js';
import { HELPER_DEPTH, MAX_DEPTH } from './bound.js';
import { isInputParam, isInputPath } from './input.js';
import { describe, isMember, lastName, memberName } from './names.js';
import { inMemoryModule } from './per-item.js';
import { sameSizeAs } from './same-size.js';
import { bindingValues, byDepth, destructuredElement, localFunction, returnedValues } from './values.js';

export type Origin = 'input' | 'listing' | 'query' | 'param' | 'unknown';

const ORIGIN_RANK: Record<Origin, number> = { unknown: 0, param: 1, query: 2, listing: 3, input: 4 };

export function strongest(origins: Origin[]): Origin {
  let best: Origin = 'unknown';
  for (const o of origins) if (ORIGIN_RANK[o] > ORIGIN_RANK[best]) best = o;
  return best;
}

// Remembered by depth, with the call a query origin was found at (see boundMemo in bound.ts).
const originMemo = new WeakMap<Node, Map<number, { origin: Origin; call: any }>>();

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
      // c.req.valid('json'), c.req.query(): what the client sent.
      if (readsRequest(callee)) return 'input';
      // _.flatten(themes), _.uniq(ids): a utility over the collection it is given.
      const ref = resolveExpression(callee, sourcePath);
      if (ref && ref.kind === 'module' && inMemoryModule(ref.module) && n.arguments[0])
        return collectionOrigin(sourcePath.child(n.arguments[0], 'arguments', 0), depth + 1, trace);
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
        n.elements.flatMap((el: any, i: number) =>
          el?.type === 'SpreadElement' ? [collectionOrigin(sourcePath.child(el, 'elements', i).child(el.argument, 'argument'), depth + 1, trace)] : [],
        ),
      );
    case 'NewExpression': {
      // new Set(ids)
      const ref = resolveExpression(n.callee, sourcePath);
      const key = ref ? refKey(ref) : null;
      return (key === 'global#Set' || key === 'global#Map') && n.arguments[0]
        ? collectionOrigin(sourcePath.child(n.arguments[0], 'arguments', 0), depth + 1, trace)
        : 'unknown';
    }
    case 'LogicalExpression':
      return collectionOrigin(sourcePath.child(n.left, 'left'), depth + 1, trace);
    case 'ConditionalExpression':
      return strongest([
        collectionOrigin(sourcePath.child(n.consequent, 'consequent'), depth + 1, trace),
        collectionOrigin(sourcePath.child(n.alternate, 'alternate'), depth + 1, trace),
      ]);
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
  if (readsRequest(callee)) return 'input';
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
  const dataAccess = (!!name && QUERY_WORDS.has(firstWord(name))) || DATA_ACCESS_RECEIVER.test(receiver) || DATA_ACCESS_TYPE.test(receiver);
  return dataAccess ? 'a query result' : `the result of \`${describe(callee)}(…)\``;
}

// What the per-item work does.

/** `readdir`, `opendir`, `glob`, `globFiles`, `walkDir`, `readdirRecursive`: a call that lists a directory (not `import.meta.glob`, which a bundler expands). */
function isListingCall(callee: any): boolean {
  const name = lastName(callee);
  return !!name && (LISTING_CALLS.test(name) || LISTING_VERBS.has(firstWord(name))) && !isImportMeta(callee);
}

/** `import.meta.glob(…)`: a bundler expands it at build time; it lists no directory at run time. */
function isImportMeta(callee: any): boolean {
  return isMember(callee) && unwrapExpression(callee.object).type === 'MetaProperty';
}

/**
 * `req.json`, `c.req.valid`, `request.formData`: a method of a request object (not of a context: `c.json()` answers)
 * that returns what the client sent.
 */
function readsRequest(callee: any): boolean {
  if (!isMember(callee) || !REQUEST_INPUT_METHODS.has(memberPropertyName(callee) ?? '')) return false;
  const segs = describe(callee.object).split('.');
  return segs.every((seg) => REQUEST_OBJECT_NAMES.has(seg)) && REQUEST_PARAM_NAMES.has(segs[segs.length - 1]!);
}
