import { catchesAll, collectionBound, collectionOrigin, describe, describeQueryOrigin, droppedFanOut, fanOutOf } from '../src/analysis/index.js';
import { heavyWork, isCallbackLike, isDescriptorWork, limiterIn, optionIsFinite, perItemIO, producesPromise, refKey, runsInTransaction } from '../src/analysis/index.js';
import type { BoundReason, CallNode, FanOut, OriginTrace } from '../src/analysis/index.js';
import { WHITESPACE_RUN } from '../src/knowledge/collections.js';
import { MAPPERS_WITH_CONCURRENCY, PROMISE_AGGREGATES, UNLIMITED_ASYNC } from '../src/knowledge/limiters.js';
import { defineRule, type NodePath, type Node, type RuleContext } from '../src/engine/rule-api.js';

type Ids = 'fanOut' | 'droppedFanOut' | 'droppedFanOutCaught' | 'unlimitedMapper' | 'unlimitedAsync' | 'unlimitedLimiter';
type Exemption = BoundReason | 'script-file' | 'browser-code' | 'limiter' | 'in-memory-work' | 'pooled-work' | 'descriptor-work' | 'transaction';
type Ctx = RuleContext<Ids, Exemption>;

export default defineRule<Ids, Exemption>({
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
      '`await Promise.all(ids.map((id) => fetch(url(id))))` starts one request per id at the same moment. With 10,000 ids from a request body or a directory listing that is 10,000 sockets or file descriptors (EMFILE), a flooded thread pool, or a downstream service overwhelmed. Peers recommend exactly this pattern as the fix for awaiting in a loop; the fix that scales is bounded concurrency.',
    details:
      'Flags `Promise.all`, `allSettled`, `any` and `race` when the promises come from a collection whose size the code does not bound and the fan-out exhausts something: the per-item work takes a socket or a process (`fetch`, axios, got, undici, http, net, `child_process`, execa, cloud SDKs, nodemailer…), whatever the collection; or it holds a file descriptor (`fs` `open`/`readFile`/`writeFile`/`appendFile`/`copyFile`/`cp`/streams; not `stat`, `unlink` or `rm`, which queue in the thread pool, nor fs-extra and graceful-fs, which queue on EMFILE) over a collection sized by the outside world (request input, a directory listing); or the collection is request input (`req.body.ids`, a tRPC `input`, a `@Body()` parameter) and the per-item work does any I/O, outside a transaction. A collection that merely came from an awaited call (a database or service result), or ids the caller passes in, is not reported for database or service work per item: those calls queue in the driver\u2019s connection pool. In-memory work per item (built-ins, formatting, parsing, translation, pure helpers) is never reported. Derived lists keep their origin and bound: `ids.filter(…)`, `await Promise.all(ids.map(f))`, reads of one record per key (`db.getObjects(keys)`, `findAll({ where: { id: ids } })`), and a `let` is judged by the values that reach the use. Promises come through `.map(...)` (passed directly, spread, or through a variable) or through `jobs.push(call())` in a loop, with no limiter; also `coll.forEach(async …)` and an unused `coll.map(async …)`, whose promises are dropped (when the callback does any I/O); and p-map, p-all, Bluebird `map`, and `async.map`/`each`/`parallel` without a finite concurrency (their default is Infinity). Bounded, so not flagged: array literals; `slice(0, N)`, `slice(i, i + n)` and page windows `slice((page - 1) * perPage, page * perPage)`; ranged reads with a constant window (`getSortedSetRange(key, 0, 49)`, `lrange(key, 0, 49)`; a stop of -1 is unbounded); loop variables over `chunk(...)`/`batches`; `Object.keys/values/entries` of a literal or constant object; `Array.from({ length: N })`, `Array(Math.min(n, N)).fill()`; lists filtered against a fixed list; collections whose length is rejected above a limit (`if (ids.length > max) throw …`); query results with a `limit`/`take`/`first` (option or chained call); results of helpers that only return bounded lists; class fields only ever assigned bounded lists; chunks handed to the callback of a batching helper (`async (chunk) => …`); object literals; registries the program fixes (`plugins`, `providers`, `listeners`, `adapters`…); and callbacks that go through a limiter: p-limit (`limit(() => …)`), p-queue `add`, Bottleneck `schedule`, async-sema/async-mutex (`acquire`, `runExclusive`), or a semaphore, mutex or queue object by name. `pLimit(Infinity)` and a `PQueue` without `concurrency` limit nothing and are flagged. Test files, scripts, migrations and browser code are skipped.',
    bad: [
      "export async function loadAll(ids: string[]) {\n  return Promise.all(ids.map((id) => fetch(`https://api.example.com/items/${id}`)));\n}\n",
    ],
    good: [
      "import pMap from 'p-map';\nexport async function loadAll(ids: string[]) {\n  return pMap(ids, (id) => fetch(`https://api.example.com/items/${id}`), { concurrency: 8 });\n}\n",
      "export async function loadPair(a: string, b: string) {\n  return Promise.all([a, b].map((id) => fetch(`https://api.example.com/items/${id}`)));\n}\n",
    ],
    whenNotToUse: 'When the collection is small by construction in a way loopguard cannot see, suppress the line with a reason.',
  },
  exemptions: {
    literal: 'an array or object literal (or `Array.of`) has the size written in the code',
    'fixed-slice': 'a slice or page of constant size (`slice(0, 50)`, `slice(i, i + n)`, a page window)',
    'fixed-length': 'an array of constant length (`Array.from({ length: 8 })`, `new Array(N)`)',
    'ranged-read': 'a ranged read with a constant window (`lrange(key, 0, 49)`)',
    'limited-query': 'query results with a `limit`/`take`/`first`',
    'constant-table': 'a constant of the program (`REGIONS`, `Object.keys` of a literal object)',
    chunk: 'a chunk of a batching helper or of a loop over `chunk(…)`/`batches`',
    'allow-list': 'a list filtered against a fixed list holds at most its values',
    'length-guard': 'the code rejects the collection above a length before the fan-out',
    'bounded-helper': 'a helper of the file that only returns bounded lists',
    'bounded-field': 'a class field only ever assigned bounded lists',
    registry: 'a registry the program fixes (`plugins`, `providers`, `adapters`…)',
    configuration: 'a list sized by configuration (`options.fields`), not by input',
    limiter: 'the per-item work goes through a concurrency limiter (p-limit, p-queue, a semaphore…)',
    'in-memory-work': 'per-item work that does no I/O exhausts nothing',
    'pooled-work': 'per-item work that holds no socket, process or descriptor queues in a pool, unless each item is request input',
    'descriptor-work': 'a file descriptor per item runs out only over a collection the outside world sizes (request input, a listing)',
    transaction: 'per-item work over request input that runs in one transaction, on one connection',
    'script-file': 'tests, scripts and migrations run once, outside a server',
    'browser-code': 'code that runs in a browser does not fan out from a Node server',
  },
  create(ctx) {
    if ((ctx.file.role === 'test' || ctx.file.role === 'migration' || ctx.file.role === 'script') && ctx.exempt('script-file', null)) return {};
    if (ctx.file.runsInBrowser && ctx.exempt('browser-code', null)) return {};
    const check = (path: NodePath<CallNode>) => {
      const call = path.node;
      const ref = ctx.resolveCallTarget(path);
      const key = ref && (ref.kind === 'module' || ref.kind === 'global') ? refKey(ref) : null;
      if (key && PROMISE_AGGREGATES.has(key) && call.arguments[0]) {
        const fan = fanOutOf(path.child(call.arguments[0], 'arguments', 0));
        if (fan) reportFanOut(ctx, path, PROMISE_AGGREGATES.get(key)!, fan);
        return;
      }
      const m = key ? MAPPERS_WITH_CONCURRENCY.get(key) : undefined;
      if (m) {
        const input = call.arguments[m.inputIndex];
        const opts = call.arguments[m.optionsIndex];
        if (!input || (opts && (opts.type !== 'ObjectExpression' || optionIsFinite(opts, m.option)))) return;
        if (isBounded(ctx, path.child(input, 'arguments', m.inputIndex), call)) return;
        ctx.report(call.callee, 'unlimitedMapper', { mapper: m.label, source: describe(input), option: m.option, fix: `{ ${m.option}: 8 }` });
        return;
      }
      if (key && UNLIMITED_ASYNC.has(key)) {
        const input = call.arguments[0];
        if (!input || isBounded(ctx, path.child(input, 'arguments', 0), call)) return;
        const iteratee = call.arguments[1];
        const source = path.child(input, 'arguments', 0);
        if (!fanOutDanger(ctx, path, { source, perItem: iteratee ? path.child(iteratee, 'arguments', 1) : source })) return;
        ctx.report(call.callee, 'unlimitedAsync', { mapper: key.replace('#', '.'), source: describe(input), fix: `${UNLIMITED_ASYNC.get(key)}(${describe(input)}, 8, …)` });
        return;
      }
      // coll.forEach(async …) and a statement `coll.map(async …);`: promises dropped.
      const dropped = droppedFanOut(path);
      if (!dropped) return;
      const { source, callback, method } = dropped;
      if (isBounded(ctx, source, call) || (limiterIn(callback)?.limited && ctx.exempt('limiter', call))) return;
      // items.forEach(async (x) => { x.label = format(x); }): nothing runs concurrently that could exhaust anything.
      if (!perItemIO(callback) && ctx.exempt('in-memory-work', call)) return;
      const id = catchesAll(callback) ? 'droppedFanOutCaught' : 'droppedFanOut';
      ctx.report(call, id, { source: describe(source.node), method, fix: pMapFix(ctx, source, callback) });
    };
    return { CallExpression: check, OptionalCallExpression: check };
  },
});

/** Is the collection bounded by the program? Applies the exemption named for why. */
function isBounded(ctx: Ctx, collection: NodePath, at: Node): boolean {
  const bound = collectionBound(collection);
  return bound.bounded && ctx.exempt(bound.reason, at);
}

function reportFanOut(ctx: Ctx, aggPath: NodePath<CallNode>, aggregate: string, fan: FanOut): void {
  if (!producesPromise(fan.perItem)) return;
  const call = aggPath.node;
  if (isBounded(ctx, fan.source, call)) return;
  const limit = limiterIn(fan.perItem);
  if (limit?.limited && ctx.exempt('limiter', call)) return;
  const source = fan.name ?? describe(fan.source.node);
  if (limit && !limit.limited) {
    ctx.report(call.callee, 'unlimitedLimiter', { aggregate, source, note: limit.note });
    return;
  }
  const danger = fanOutDanger(ctx, aggPath, fan);
  if (!danger) return;
  ctx.report(call.callee, 'fanOut', { aggregate, source, fix: pMapFix(ctx, fan.source, fan.perItem), ...danger });
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
function fanOutDanger(ctx: Ctx, aggPath: NodePath, fan: FanOut): { work: string; origin: string } | null {
  const at = aggPath.node;
  const trace: OriginTrace = {};
  const origin = collectionOrigin(fan.source, 0, trace);
  const from = origin === 'query' ? ` (${describeQueryOrigin(trace)})` : (ORIGIN_LABELS[origin] ?? '');
  const work = (label: string | null) => ({ work: label ? `a \`${label}\` call` : 'work', origin: from });
  const heavy = heavyWork(fan.perItem);
  // A socket or a process per item: whatever the collection.
  if (heavy && !isDescriptorWork(heavy)) return work(heavy);
  // A file descriptor per item, for every file of a listing or every item of a request: EMFILE.
  if (heavy) return origin === 'input' || origin === 'listing' || !ctx.exempt('descriptor-work', at) ? work(heavy) : null;
  const io = perItemIO(fan.perItem);
  if (!io && ctx.exempt('in-memory-work', at)) return null;
  // Other work (`stat`, `unlink`, a query) queues in the thread pool or the connection pool, unless every item is request input.
  if (origin !== 'input' && ctx.exempt('pooled-work', at)) return null;
  if (runsInTransaction(aggPath, fan.perItem) && ctx.exempt('transaction', at)) return null;
  return work(io);
}

function pMapFix(ctx: Ctx, source: NodePath, perItem: NodePath): string {
  const src = describe(source.node);
  const cbText = ctx.source(perItem.node as Node).replace(WHITESPACE_RUN, ' ');
  const cb = isCallbackLike(perItem.node) ? (cbText.length <= 50 ? cbText : 'async (item) => { … }') : `async (item) => ${cbText.length <= 40 ? cbText : '…'}`;
  return `await pMap(${src}, ${cb}, { concurrency: 8 })`;
}
