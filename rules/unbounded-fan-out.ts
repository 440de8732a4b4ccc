import { collectionBound, collectionOrigin, describe, describeQueryOrigin, heavyWork, isDescriptorWork, limiterIn, optionIsFinite, perItemIO, runsInTransaction, type OriginTrace } from '../src/analysis/index.js';
import { directAwaits, isLoop } from '../src/analysis/index.js';
import { MAPPERS_WITH_CONCURRENCY, PROMISE_AGGREGATES, UNLIMITED_ASYNC } from '../src/knowledge/limiters.js';
import { defineRule, type NodePath, type Node, type RuleContext } from '../src/engine/rule-api.js';
import { refKey } from '../src/analysis/index.js';
import { lookup } from '../src/analysis/index.js';
import { isFunctionNode, walkPaths } from '../src/syntax/walk.js';

type Ids = 'fanOut' | 'droppedFanOut' | 'droppedFanOutCaught' | 'unlimitedMapper' | 'unlimitedAsync' | 'unlimitedLimiter';

/** Where the promises of an aggregate come from: a collection and the code run per item. */
interface FanOut {
  source: NodePath;
  /** The callback (`.map(cb)`) or the pushed expression (`jobs.push(call())`). */
  perItem: NodePath;
  /** The variable the promises went through, when the collection is a long chain: `tasks` for `const tasks = a.filter(…).map(…)`. */
  name?: string;
}

export default defineRule<Ids>({
  id: 'unbounded-fan-out',
  category: 'concurrency',
  severity: 'warn',
  description: 'Promise.all (and friends) over a collection of unknown size with no concurrency limit',
  messages: {
    fanOut: {
      message: '`{aggregate}` starts {work} for every item of `{source}`{origin} at once, with no limit on how many run together',
      help: 'Bound the concurrency: `{fix}` (p-map), or `Promise.all` over fixed-size batches',
    },
    droppedFanOut: {
      message: '`{source}.{method}(async …)` starts one promise per item at once and drops them: nothing waits for them or handles their errors',
      help: 'Await them with bounded concurrency: `{fix}` (p-map)',
    },
    droppedFanOutCaught: {
      message: '`{source}.{method}(async …)` starts one promise per item at once and drops them: nothing waits for them or limits how many run',
      help: 'Await them with bounded concurrency: `{fix}` (p-map)',
    },
    unlimitedMapper: {
      message: '`{mapper}` over `{source}` runs every item at once: its `{option}` defaults to Infinity',
      help: 'Set a finite `{option}`, for example `{fix}`',
    },
    unlimitedAsync: {
      message: '`{mapper}` over `{source}` runs every task at once, with no limit',
      help: 'Use `{fix}` instead',
    },
    unlimitedLimiter: {
      message: '`{aggregate}` over `{source}` goes through {note}, which limits nothing',
      help: 'Give the limiter a finite concurrency, for example `pLimit(8)` or `new PQueue({ concurrency: 8 })`',
    },
  },
  docs: {
    why:
      '`await Promise.all(ids.map((id) => fetch(url(id))))` starts one request per id at the same moment. With 10,000 ids from a request body or a ' +
        'directory listing that is 10,000 sockets or file descriptors (EMFILE), a flooded thread pool, or a downstream service overwhelmed. Peers ' +
        'recommend exactly this pattern as the fix for awaiting in a loop; the fix that scales is bounded concurrency.',
    details: [
      'Reported at the `Promise.*` call; the help shows `p-map` with a `concurrency`, or fixed-size batches.',
      'Flags `Promise.all`, `allSettled`, `any` and `race` over promises made per item of a collection the code does not bound, when the fan-out can ' +
        'exhaust something (the next three points).',
      'Flagged whatever the collection: the per-item work takes a socket or a process (`fetch`, axios, got, undici, `http`, `net`, `child_process`, ' +
        'execa, cloud SDKs, nodemailer…); functions passed by reference are followed into their body.',
      'Flagged when the collection is sized by the outside world (request input, a directory listing) and the per-item work holds a file descriptor ' +
        '(`fs` `open`, `readFile`, `writeFile`, `appendFile`, `copyFile`, `cp`, streams): EMFILE.',
      '`stat`, `access`, `unlink`, `rm`, `mkdir` and the like hold no descriptor and queue in the thread pool; fs-extra and graceful-fs queue and ' +
        'retry on EMFILE by design.',
      'Flagged when the collection is request input (`req.body.ids`, `ctx.request.body`, the `input` of a tRPC procedure, a `@Body()` parameter) and ' +
        'the per-item work does any I/O (a query, a service call).',
      'Not flagged: request-input fan-out that all runs in one transaction (inside a `…transaction(async (tx) => …)` callback, or calls given `tx`, `{ ' +
        'transaction }` or a context built with one).',
      'A directory listing (`readdir`, `opendir`, `glob`, also through a helper of the file that returns one) counts as outside-world sized for ' +
        'descriptors only: a query or a `stat` per listed file queues in a pool.',
      'A collection that merely came from an awaited call (a database or service result), or ids the caller passes in, is not reported for database or ' +
        "service work per item: those calls queue in the driver's connection pool.",
      'Per-item work that runs in memory (built-ins, array and string methods, formatting, parsing, translation, pure helpers of the file) is never reported.',
      'Derived lists keep their origin and bound: `ids.filter(…)`, `[...new Set(ids)]` and `await Promise.all(ids.map(f))` are as long as `ids`.',
      'So are reads of one record per key: `db.getObjects(keys)`, `getUsersFields(uids, …)`, `findAll({ where: { id: ids } })`, `{ id: { in: ids } }`.',
      'A `let` is judged by the values that reach the use (`files = files.filter(…)`).',
      'The message names the origin: `(request input)`, `(a directory listing)`, `(a query result)` for visible data access, else the call (``(the ' +
        'result of `loadEntries(…)`)``).',
      'The promises can come from `coll.map(async …)` or `coll.map((x) => call(x))` passed directly, spread into an array, or through a variable ' +
        '(`const jobs = coll.map(...)`, named as the code names it when the collection is a long chain).',
      'The promises can also come from `jobs.push(call())` in a loop over `coll`, with no limiter.',
      'Also flagged: `coll.forEach(async …)` and a bare `coll.map(async …);` statement, whose promises are dropped, when the callback does any I/O.',
      "The message does not claim that dropped promises' errors go unhandled when the callback's body is one `try … catch`.",
      'Also flagged: p-map, p-all and Bluebird `map`/`filter` without a finite `concurrency`, and `async.map`/`each`/`forEach`/`parallel`/`mapValues` ' +
        '(their default is unlimited).',
      'Also flagged: `pLimit(Infinity)` and a `new PQueue()` without `concurrency`, which limit nothing.',
      '`forEach(async …)`, p-map without `concurrency` and `pLimit(Infinity)` are reported on size alone, whatever the origin.',
      'Bounded, so not flagged: array literals and object literals.',
      'Bounded: `slice(0, N)`, `slice(-N)`, `slice(i, i + n)` and `splice(0, N)`, and pages `slice((page - 1) * perPage, page * perPage)`.',
      'Bounded: ranged reads with a constant window (`getSortedSetRange(key, 0, 49)`, `lrange(key, 0, 49)`, `getSortedSetRangeByScore(key, 0, 50, min, ' +
        "max)`, `zrangebyscore(…, 'LIMIT', 0, 50)`, `(start, start + n)`).",
      'A ranged read with a stop of `-1` reads to the end and is not bounded.',
      'Bounded: loop variables over `chunk(...)`, `batches`…',
      'Bounded: `Object.keys/values/entries` of a literal or constant object; a constant array (literal `const`, `UPPER_CASE`).',
      'Bounded: `Array.from({ length: N })`, `Array(N)`, `Math.min(N, …)`, also through `.fill()`, `.map()`, `.keys()` (`Array(Math.min(n, N)).fill()`).',
      'Bounded: lists filtered against a fixed list (`sets.filter((s) => ALLOWED.includes(s))`).',
      'Bounded: collections whose length is rejected above a limit (`if (ids.length > max) throw …`).',
      'Bounded: query results with a `limit`/`take`/`first` (option or chained call); results of helpers of the file that only return bounded lists.',
      'Bounded: class fields the class only assigns bounded lists to and never pushes to (`#files = []`, `this.#files = await Promise.all([a, b].map(read))`).',
      'Bounded: chunks handed to the callback of a batching helper (`async (chunk) => …`).',
      'Bounded: lists reached through configuration (`config.*`, `options.*`, `settings.*`).',
      'Bounded: registries the program fixes, by name (`plugins`, `providers`, `handlers`, `callbacks`, `listeners`, `adapters`, `middlewares`, `services`…).',
      'Not flagged: callbacks that go through a limiter.',
      'Limiters: `p-limit` (`limit(() => …)` with `pLimit(n)` or `pLimit({ concurrency })`, `limitFunction`); `p-queue` (`queue.add`/`addAll` with ' +
        '`concurrency` or `intervalCap`); `p-map`/`p-all`/Bluebird with `concurrency`.',
      'Limiters: `async` `mapLimit`/`eachLimit`/`parallelLimit`/`queue`; Bottleneck (`schedule`/`wrap` with `maxConcurrent`, `minTime` or `reservoir`).',
      'Limiters: `async-sema` (`acquire`); `async-mutex` (`acquire`, `runExclusive`).',
      'Limiters: any `acquire`/`runExclusive`/`schedule`/`add`/`lock` call on an object named like a semaphore, mutex, lock, limiter, throttle, pool or queue.',
      'Limiters: a limiter kept on the instance (`this.limit(() => …)`).',
      'The table of limiters is `src/knowledge/limiters.ts`.',
      'Test files, scripts, migrations and browser code are skipped.',
    ],
    bad: ['export async function loadAll(ids: string[]) {\n  return Promise.all(ids.map((id) => fetch(`https://api.example.com/items/${id}`)));\n}\n'],
    good: [
      "import pMap from 'p-map';\nexport async function loadAll(ids: string[]) {\n  return pMap(ids, (id) => fetch(`https://api.example.com/items/${id}`), { concurrency: 8 });\n}\n",
      'export async function loadPair(a: string, b: string) {\n  return Promise.all([a, b].map((id) => fetch(`https://api.example.com/items/${id}`)));\n}\n',
    ],
    whenNotToUse: 'When the collection is small by construction in a way loopguard cannot see, suppress the line with a reason.',
  },
  create(ctx) {
    if (ctx.file.role === 'test' || ctx.file.role === 'migration' || ctx.file.role === 'script' || ctx.file.runsInBrowser) return {};
    const check = (path: NodePath<any>) => {
      const call = path.node;
      const ref = ctx.resolveCallTarget(path);
      const key = ref && (ref.kind === 'module' || ref.kind === 'global') ? refKey(ref) : null;
      if (key && PROMISE_AGGREGATES.has(key) && call.arguments[0]) {
        const fan = fanOutOf(path.child(call.arguments[0], 'arguments', 0));
        if (fan) reportFanOut(ctx, path, PROMISE_AGGREGATES.get(key)!, fan);
        return;
      }
      if (key && MAPPERS_WITH_CONCURRENCY.has(key)) {
        const m = MAPPERS_WITH_CONCURRENCY.get(key)!;
        const input = call.arguments[m.inputIndex];
        const opts = call.arguments[m.optionsIndex];
        if (!input || (opts && (opts.type !== 'ObjectExpression' || optionIsFinite(opts, m.option)))) return;
        const inputPath = path.child(input, 'arguments', m.inputIndex);
        if (collectionBound(inputPath).bounded) return;
        ctx.report(call.callee, 'unlimitedMapper', {
          mapper: m.label,
          source: describe(input),
          option: m.option,
          fix: `{ ${m.option}: 8 }`,
        });
        return;
      }
      if (key && UNLIMITED_ASYNC.has(key)) {
        const input = call.arguments[0];
        if (!input || collectionBound(path.child(input, 'arguments', 0)).bounded) return;
        const iteratee = call.arguments[1];
        if (!fanOutDanger(path, { source: path.child(input, 'arguments', 0), perItem: iteratee ? path.child(iteratee, 'arguments', 1) : path.child(input, 'arguments', 0) })) return;
        ctx.report(call.callee, 'unlimitedAsync', { mapper: key.replace('#', '.'), source: describe(input), fix: `${UNLIMITED_ASYNC.get(key)}(${describe(input)}, 8, …)` });
        return;
      }
      // coll.forEach(async …) and a statement `coll.map(async …);`: promises dropped.
      const callee = call.callee;
      if (callee.type !== 'MemberExpression' || callee.computed) return;
      const method = callee.property.name;
      const dropped = method === 'forEach' || (method === 'map' && path.parent?.type === 'ExpressionStatement');
      if (!dropped || !call.arguments[0]) return;
      const cbPath = path.child(call.arguments[0], 'arguments', 0);
      if (!isAsyncCallback(cbPath)) return;
      const sourcePath = path.child(callee, 'callee').child(callee.object, 'object');
      if (collectionBound(sourcePath).bounded || limiterIn(cbPath)?.limited) return;
      // items.forEach(async (x) => { x.label = format(x); }): nothing runs concurrently that could exhaust anything.
      if (!perItemIO(cbPath)) return;
      ctx.report(path.node, catchesAll(cbPath) ? 'droppedFanOutCaught' : 'droppedFanOut', { source: describe(callee.object), method, fix: pMapFix(ctx, sourcePath, cbPath) });
    };
    return { CallExpression: check, OptionalCallExpression: check };
  },
});

function reportFanOut(ctx: RuleContext<Ids>, aggPath: NodePath<any>, aggregate: string, fan: FanOut): void {
  if (!producesPromise(fan.perItem)) return;
  if (collectionBound(fan.source).bounded) return;
  const limit = limiterIn(fan.perItem);
  if (limit?.limited) return;
  const callee = aggPath.node.callee;
  if (limit && !limit.limited) {
    ctx.report(callee, 'unlimitedLimiter', { aggregate, source: fan.name ?? describe(fan.source.node), note: limit.note });
    return;
  }
  const danger = fanOutDanger(aggPath, fan);
  if (!danger) return;
  ctx.report(callee, 'fanOut', { aggregate, source: fan.name ?? describe(fan.source.node), fix: pMapFix(ctx, fan.source, fan.perItem), ...danger });
}

const ORIGIN_LABELS: Record<string, string> = { input: ' (request input)', listing: ' (a directory listing)' };

/**
 * Is this fan-out one that exhausts something? Work that takes a socket or a
 * process per item, whatever the collection; a file descriptor per item, over a
 * collection sized by the outside world (request input, a directory listing);
 * or, over request input, per-item work that does any I/O (a query, a service
 * call), unless it all runs in one transaction. Database calls over query
 * results, listings or ids the caller passes in queue in the driver's pool,
 * `stat`/`unlink` in the thread pool, and in-memory work exhausts nothing: not
 * reported.
 */
function fanOutDanger(aggPath: NodePath, fan: FanOut): { work: string; origin: string } | null {
  const trace: OriginTrace = {};
  const origin = collectionOrigin(fan.source, 0, trace);
  const from = origin === 'query' ? ` (${describeQueryOrigin(trace)})` : (ORIGIN_LABELS[origin] ?? '');
  const heavy = heavyWork(fan.perItem);
  // A socket or a process per item: whatever the collection.
  if (heavy && !isDescriptorWork(heavy)) return { work: `a \`${heavy}\` call`, origin: from };
  if (origin !== 'input' && origin !== 'listing') return null;
  // A file descriptor per item, for every file of a listing or every item of a request: EMFILE.
  if (heavy) return { work: `a \`${heavy}\` call`, origin: from };
  // Other work per listed file (`stat`, `unlink`, a query) queues in the thread pool or the connection pool.
  if (origin === 'listing') return null;
  if (runsInTransaction(aggPath, fan.perItem)) return null;
  const io = perItemIO(fan.perItem);
  return io ? { work: `a \`${io}\` call`, origin: from } : null;
}

/** The collection and per-item code behind an aggregate's argument, when they can be seen. */
function fanOutOf(argPath: NodePath<any>, depth = 0): FanOut | null {
  if (depth > 4) return null;
  let arg = argPath.node;
  while (arg.type === 'TSAsExpression' || arg.type === 'TSNonNullExpression' || arg.type === 'ParenthesizedExpression') {
    argPath = argPath.child(arg.expression, 'expression');
    arg = argPath.node;
  }
  if (arg.type === 'CallExpression' || arg.type === 'OptionalCallExpression') {
    const callee = arg.callee;
    if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && !callee.computed) {
      const m = callee.property.name;
      const calleePath = argPath.child(callee, 'callee');
      if ((m === 'map' || m === 'flatMap') && arg.arguments[0]) {
        return { source: calleePath.child(callee.object, 'object'), perItem: argPath.child(arg.arguments[0], 'arguments', 0) };
      }
      if (m === 'from' && callee.object.type === 'Identifier' && callee.object.name === 'Array' && arg.arguments[1]) {
        return { source: argPath.child(arg.arguments[0], 'arguments', 0), perItem: argPath.child(arg.arguments[1], 'arguments', 1) };
      }
    }
    return null;
  }
  if (arg.type === 'ArrayExpression') {
    for (const [i, el] of arg.elements.entries()) {
      if (el?.type === 'SpreadElement') {
        const fan = fanOutOf(argPath.child(el, 'elements', i).child(el.argument, 'argument'), depth + 1);
        if (fan) return fan;
      }
    }
    return null;
  }
  if (arg.type === 'Identifier') {
    const b = lookup(argPath, arg.name);
    if (!b || b.steps.length > 0 || !b.init) return null;
    const init = b.init as any;
    if (init.type === 'ArrayExpression' && init.elements.length === 0) return pushedInLoop(argPath, b);
    const fan = fanOutOf(b.scopePath.child(init, 'init'), depth + 1);
    // `const tasks = addons.filter(…).filter(…).map(…)`: name the collection as the code did.
    if (fan && !fan.name && isLongChain(describe(fan.source.node))) fan.name = arg.name;
    return fan;
  }
  return null;
}

/** `a.filter(…).filter(…)`, or a long text: the code's own variable reads better. */
function isLongChain(text: string): boolean {
  return (text.match(/\(/g) ?? []).length >= 2 || text.length > 40;
}

/** `const jobs = []; for (const x of coll) jobs.push(call(x));` — the loop's collection and the pushed call. */
function pushedInLoop(at: NodePath<any>, binding: any): FanOut | null {
  let fn: NodePath | null = at;
  while (fn && !isFunctionNode(fn.node) && fn.node.type !== 'Program') fn = fn.parentPath;
  if (!fn) return null;
  let found: FanOut | null = null;
  walkPaths(fn, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (n.type !== 'CallExpression' || n.callee.type !== 'MemberExpression' || n.callee.computed) return undefined;
    if (n.callee.property.name !== 'push' || n.callee.object.type !== 'Identifier' || n.callee.object.name !== binding.name) return undefined;
    if (lookup(p, binding.name) !== binding || !n.arguments[0]) return undefined;
    const loop = p.findAncestor((a) => isLoop(a.node) || isFunctionNode(a.node));
    if (!loop || isFunctionNode(loop.node)) return undefined;
    const source = loopCollection(loop);
    if (source) found = { source, perItem: p.child(n.arguments[0], 'arguments', 0) };
    return undefined;
  });
  return found;
}

/** What a loop walks over: `for (x of coll)` → coll; `for (i = 0; i < coll.length; …)` → coll; a constant bound → a literal. */
function loopCollection(loopPath: NodePath<any>): NodePath | null {
  const loop = loopPath.node;
  if (loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') return loopPath.child(loop.right, 'right');
  if (loop.type === 'ForStatement' && loop.test?.type === 'BinaryExpression' && ['<', '<='].includes(loop.test.operator)) {
    const right = loop.test.right;
    const testPath = loopPath.child(loop.test, 'test');
    if (right.type === 'MemberExpression' && !right.computed && right.property.name === 'length') return testPath.child(right, 'right').child(right.object, 'object');
    return null; // i < 10: bounded by a number, not a collection we track
  }
  return null; // while loops: not tracked
}

function isAsyncCallback(cbPath: NodePath<any>): boolean {
  const n = cbPath.node;
  if (isFunctionNode(n)) return !!(n as any).async;
  if (n.type === 'Identifier') {
    const b = lookup(cbPath, n.name);
    const decl: any = b?.declNode;
    const fn = decl?.type === 'VariableDeclarator' ? decl.init : decl;
    return !!fn && isFunctionNode(fn) && !!fn.async;
  }
  return false;
}

/** Does running the per-item code create a promise (an async callback, or a call)? */
function producesPromise(p: NodePath<any>): boolean {
  const n = p.node;
  if (isFunctionNode(n)) {
    const fn = n as any;
    if (fn.async) return true;
    if (fn.body.type !== 'BlockStatement') return isCallLike(fn.body);
    let returnsCall = false;
    walkPaths(p.child(fn.body, 'body'), (q) => {
      if (isFunctionNode(q.node)) return false;
      if (q.node.type === 'ReturnStatement' && (q.node as any).argument && isCallLike((q.node as any).argument)) returnsCall = true;
      return undefined;
    });
    return returnsCall;
  }
  if (n.type === 'Identifier' || n.type === 'MemberExpression') return true; // a function reference: ids.map(fetchUser)
  return isCallLike(n);
}

function isCallLike(n: any): boolean {
  while (n.type === 'TSAsExpression' || n.type === 'ParenthesizedExpression' || n.type === 'TSNonNullExpression') n = n.expression;
  return n.type === 'CallExpression' || n.type === 'OptionalCallExpression' || n.type === 'NewExpression' || n.type === 'AwaitExpression';
}

function pMapFix(ctx: RuleContext<Ids>, source: NodePath, perItem: NodePath): string {
  const src = describe(source.node);
  const cbText = ctx.source(perItem.node as Node).replace(/\s+/g, ' ');
  const cb = isFunctionNode(perItem.node) || perItem.node.type === 'Identifier' ? (cbText.length <= 50 ? cbText : 'async (item) => { … }') : `async (item) => ${cbText.length <= 40 ? cbText : '…'}`;
  return `await pMap(${src}, ${cb}, { concurrency: 8 })`;
}

/** A callback whose every await sits in a `try … catch`: its own errors are handled. */
function catchesAll(fnPath: NodePath<any>): boolean {
  const body = fnPath.node.body;
  if (body?.type !== 'BlockStatement') return false;
  const bodyPath = fnPath.child(body, 'body');
  let tries = 0;
  for (const [i, st] of (body.body as any[]).entries()) {
    if (st.type === 'TryStatement' && st.handler) {
      tries++;
      continue;
    }
    if (directAwaits(bodyPath.child(st, 'body', i)).length > 0) return false;
  }
  return tries > 0;
}
