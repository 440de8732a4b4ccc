import { catchesAll, collectionBound, collectionOrigin, describe, describeQueryOrigin, droppedFanOut, fanOutOf } from '../src/analysis/index.js';
import { heavyWork, isDescriptorWork, limiterIn, optionIsFinite, perItemIO, producesPromise, refKey, runsInTransaction } from '../src/analysis/index.js';
import { projectCalls, perItemSizing, pMapFix, readsByName, type BoundReason, type CallNode, type FanOut, type OriginTrace } from '../src/analysis/index.js';
import { MAPPERS_WITH_CONCURRENCY, PROMISE_AGGREGATES, UNLIMITED_ASYNC } from '../src/knowledge/limiters.js';
import { defineRule, type NodePath, type Node, type ReportExtra, type RuleContext } from '../src/engine/rule-api.js';
import { SCRIPT_FOLDER_REASON } from '../src/knowledge/script-files.js';

type Ids = 'fanOut' | 'fanOutEach' | 'droppedFanOutCaught' | 'unlimitedMapper' | 'unlimitedAsync' | 'unlimitedLimiter';
type Place = 'script-file' | 'script-folder' | 'browser-code' | 'development-only';
type Exemption = BoundReason | Place | 'limiter' | 'in-memory-work' | 'pooled-work' | 'descriptor-work' | 'transaction';
type Ctx = RuleContext<Ids, Exemption>;
const FAN_OUT = '`{aggregate}` starts {work} for every item of `{source}`{origin} at once, with no limit on how many run together';
const BOUNDED = 'Bound the concurrency: `{fix}` (p-map), or `Promise.all` over fixed-size batches';
export default defineRule<Ids, Exemption>({
  id: 'unbounded-fan-out',
  category: 'concurrency',
  severity: 'warn',
  description: 'Promise.all (and friends) over a collection of unknown size with no concurrency limit',
  messages: {
    fanOut: { message: FAN_OUT, help: `{batch}${BOUNDED}` },
    fanOutEach: { message: FAN_OUT.replace('at once', 'at once, and each item waits on another service'), help: BOUNDED }, // so no one query replaces them
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
      'A directory listing (`readdir`, `opendir`, `glob`, also through a helper of the file that returns one) counts as outside-world sized for ' +
        'descriptors only: a query or a `stat` per listed file queues in a pool.',
      'A collection that merely came from an awaited call (a database or service result), or ids the caller passes in, is not reported for database or ' +
        "service work per item: those calls queue in the driver's connection pool.",
      'Derived lists keep their origin and bound: `ids.filter(…)`, `[...new Set(ids)]`, `await Promise.all(ids.map(f))`, reads of one record per key ' +
        '(`db.getObjects(keys)`, `findAll({ where: { id: ids } })`, `{ id: { in: ids } }`); a `let` is judged by the values that reach the use.',
      'The message names the origin: `(request input)`, `(a directory listing)`, `(a query result)` for visible data access, else the call (``(the ' +
        'result of `loadEntries(…)`)``).',
      'The promises can come from `coll.map(async …)` or `coll.map((x) => call(x))` passed directly, spread into an array, or through a variable ' +
        '(`const jobs = coll.map(...)`, named as the code names it when the collection is a long chain).',
      'The promises can also come from `jobs.push(call())` in a loop over `coll`, with no limiter. Also flagged: `coll.forEach(async …)` and a bare ' +
        '`coll.map(async …);` statement whose callback catches its own errors and does I/O: every item still starts at once (one whose callback may ' +
        'reject is a dangling task, reported by `dangling-task`).',
      'Also flagged, judged like `Promise.all` by what each item takes: p-map, p-all and Bluebird `map`/`filter` without a finite `concurrency`, and ' +
        '`async.map`/`each`/`forEach`/`parallel`/`mapValues` (their default is unlimited).',
      '`pLimit(Infinity)` and a `new PQueue()` without `concurrency` (they limit nothing) are reported on size alone.',
      'Limiters: `p-limit` (`limit(() => …)` with `pLimit(n)` or `pLimit({ concurrency })`, `limitFunction`); `p-queue` (`queue.add`/`addAll` with ' +
        '`concurrency` or `intervalCap`); `p-map`/`p-all`/Bluebird with `concurrency`.',
      'Limiters: `async` `mapLimit`/`eachLimit`/`parallelLimit`/`queue`; Bottleneck (`schedule`/`wrap` with `maxConcurrent`, `minTime` or `reservoir`).',
      'Limiters: `async-sema` (`acquire`); `async-mutex` (`acquire`, `runExclusive`); a limiter kept on the instance (`this.limit(() => …)`).',
      'Limiters: any `acquire`/`runExclusive`/`schedule`/`add`/`lock` call on an object named like a semaphore, mutex, lock, limiter, throttle, pool or ' +
        'queue. The table of limiters is `src/knowledge/limiters.ts`.',
    ],
    bad: ['export async function loadAll(ids: string[]) {\n  return Promise.all(ids.map((id) => fetch(`https://api.example.com/items/${id}`)));\n}\n'],
    good: [
      "import pMap from 'p-map';\nexport async function loadAll(ids: string[]) {\n  return pMap(ids, (id) => fetch(`https://api.example.com/items/${id}`), { concurrency: 8 });\n}\n",
      'export async function loadPair(a: string, b: string) {\n  return Promise.all([a, b].map((id) => fetch(`https://api.example.com/items/${id}`)));\n}\n',
    ],
    whenNotToUse: 'When the collection is small by construction in a way loopguard cannot see, suppress the line with a reason.',
  },
  exemptions: {
    'script-folder': SCRIPT_FOLDER_REASON,
    'development-only':
      'code that runs only outside production: under `if (process.env.NODE_ENV !== "production")` or `if (isDev)`, or after `if (IS_PRODUCTION) return`',
    literal: 'array and object literals (or `Array.of`): the size is written in the code',
    'fixed-slice': '`slice(0, N)`, `slice(-N)`, `slice(i, i + n)`, `splice(0, N)`, pages `slice((page - 1) * perPage, page * perPage)`',
    'fixed-length': '`Array.from({ length: N })`, `Array(N)`, `Math.min(N, …)`, also through `.fill()`, `.map()`, `.keys()`',
    'ranged-read': 'ranged reads with a constant window (`lrange(key, 0, 49)`, `zrangebyscore(…, "LIMIT", 0, 50)`); a stop of `-1` reads to the end',
    'limited-query': 'query results with a `limit`/`take`/`first` (an option or a chained call)',
    'constant-table': '`Object.keys/values/entries` of a literal or constant object; a constant array (a literal `const`, `UPPER_CASE`)',
    chunk: 'loop variables over `chunk(…)` or `batches`, and chunks handed to the callback of a batching helper (`async (chunk) => …`)',
    'allow-list': 'a list filtered against a fixed list (`sets.filter((s) => ALLOWED.includes(s))`) holds at most its values',
    'length-guard': 'the code rejects the collection above a limit before the fan-out (`if (ids.length > max) throw …`, `assertThat(ids.length <= max, …)`)',
    'bounded-helper': 'a helper of the file that only returns bounded lists',
    'bounded-field': 'a class field the class only assigns bounded lists to and never pushes to (`#files = []`)',
    registry: 'registries the program fixes, by name (`plugins`, `providers`, `handlers`, `listeners`, `adapters`, `middlewares`, `services`…)',
    configuration: 'lists reached through configuration (`config.*`, `options.*`, `settings.*`), not sized by input',
    limiter: 'the per-item work goes through a concurrency limiter (p-limit, p-queue, a semaphore…)',
    'in-memory-work': 'per-item work that runs in memory (built-ins, array and string methods, formatting, parsing, helpers and injected services that do no I/O)',
    'pooled-work': 'per-item work with no socket, process or descriptor (followed into helpers and services) queues in a pool, unless each item is request input',
    'descriptor-work': 'a file descriptor per item runs out only over a collection the outside world sizes (request input, a listing)',
    transaction: 'request-input fan-out that runs in one transaction (a `…transaction(async (tx) => …)` callback, or calls given `tx` or `{ transaction }`)',
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
      const [input, opts] = m ? [call.arguments[m.inputIndex], call.arguments[m.optionsIndex]] : [];
      if (m && (!input || (opts && (opts.type !== 'ObjectExpression' || optionIsFinite(opts, m.option))))) return;
      const data = m && input ? { mapper: m.label, source: describe(input), option: m.option, fix: `{ ${m.option}: 8 }` } : null;
      if (m && data) return reportMapper(ctx, path, 'unlimitedMapper', [m.inputIndex, m.mapperIndex], data);
      const asyncFix = key ? UNLIMITED_ASYNC.get(key) : undefined;
      if (asyncFix) {
        const source = call.arguments[0] ? describe(call.arguments[0]) : null;
        if (source) reportMapper(ctx, path, 'unlimitedAsync', [0, 1], { mapper: key!.replace('#', '.'), source, fix: `${asyncFix}(${source}, 8, …)` });
        return;
      }
      // coll.forEach(async …) and a statement `coll.map(async …);`: promises dropped. One that may reject is a dangling
      // task (`dangling-task` reports it); one that catches its own errors still starts every item at once.
      const dropped = droppedFanOut(path);
      if (!dropped || !catchesAll(dropped.callback)) return;
      const { source, callback, method } = dropped;
      if (isBounded(ctx, source, call) || (limiterIn(callback)?.limited && ctx.exempt('limiter', call))) return;
      if (!perItemIO(callback) && ctx.exempt('in-memory-work', call)) return;
      ctx.report(call, 'droppedFanOutCaught', { source: describe(source.node), method, fix: pMapFix(source, callback, ctx.source) }, impactOf(ctx, path, source));
    };
    return { CallExpression: check, OptionalCallExpression: check };
  },
});

/** What the fan-out costs (how its collection is sized; one class less for work a pool bounds, a query per item) and where it runs. */
const impactOf = (ctx: Ctx, at: NodePath, collection: NodePath, pooled = false) => ({ ...perItemSizing(collection, 'concurrent', pooled), runsIn: ctx.context(at) });

/** A mapper with no limit (p-map, Bluebird, `async.map`): judged like `Promise.all` by what each item's work takes. */
function reportMapper(ctx: Ctx, path: NodePath<CallNode>, id: 'unlimitedMapper' | 'unlimitedAsync', [input, mapper]: [number, number?], data: Record<string, string>) {
  const [call, source] = [path.node, path.child(path.node.arguments[input]!, 'arguments', input)];
  if (isBounded(ctx, source, call)) return;
  const perItem = mapper === undefined ? source : path.child(call.arguments[mapper]!, 'arguments', mapper); // p-all: the tasks themselves
  const danger = fanOutDanger(ctx, path, { source, perItem });
  if (danger) ctx.report(call.callee, id, data, { ...impactOf(ctx, path, source, danger.pooled), ...danger.followed });
}

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
    ctx.report(call.callee, 'unlimitedLimiter', { aggregate, source, note: limit.note }, impactOf(ctx, aggPath, fan.source));
    return;
  }
  const danger = fanOutDanger(ctx, aggPath, fan);
  if (!danger) return;
  const { followed, pooled, ...data } = danger;
  const calls = projectCalls(fan.perItem).map((node) => ({ node, waits: 'trip' as const }));
  const latency = { calls, policy: 'pooled' as const, ifSlow: 'fanOutEach' as const };
  const extra = { ...impactOf(ctx, aggPath, fan.source, pooled), ...followed, ...(pooled ? { latency } : {}) };
  ctx.report(call.callee, 'fanOut', { aggregate, source, fix: pMapFix(fan.source, fan.perItem, ctx.source), ...data }, extra);
}
// Reads by key over input or a query result are one batched query before they are a concurrency problem.
const BATCH_ADVICE = 'Read them in one query (`WHERE id IN (…)`, `$in`, `findMany`) and cap how many the input may hold; if each needs its own call: ';
/**
 * Does this fan-out exhaust something? A socket or process per item, whatever the collection; a file descriptor per item
 * over a collection the outside world sizes; any I/O per item of request input, unless it runs in one transaction.
 */
type Danger = { work: string; origin: string; batch: string; pooled?: boolean; followed?: Pick<ReportExtra<Exemption>, 'unlessFollowed' | 'unlessPure'> };
function fanOutDanger(ctx: Ctx, aggPath: NodePath, fan: FanOut): Danger | null {
  const [at, trace]: [Node, OriginTrace] = [aggPath.node, {}];
  const origin = collectionOrigin(fan.source, 0, trace);
  const from = origin === 'query' ? ` (${describeQueryOrigin(trace)})` : origin === 'input' ? ' (request input)' : origin === 'listing' ? ' (a directory listing)' : '';
  // Batching is advice for pooled reads by key (a query per id), never for a socket, a process or a descriptor per item.
  const batch = (label: string | null, pooled: boolean) => (pooled && label && origin !== 'unknown' && origin !== 'listing' && readsByName(label) ? BATCH_ADVICE : '');
  const work = (label: string | null, pooled = false) => ({ work: label ? `a \`${label}\` call` : 'work', origin: from, batch: batch(label, pooled) });
  const heavy = heavyWork(fan.perItem);
  if (heavy && !isDescriptorWork(heavy)) return work(heavy); // a socket or a process per item: whatever the collection
  // A file descriptor per item, for every file of a listing or every item of a request: EMFILE.
  if (heavy) return origin === 'input' || origin === 'listing' || !ctx.exempt('descriptor-work', at) ? work(heavy) : null;
  // Calls into the project (another file's helper, an injected service's method) are followed: one that takes a socket or
  // holds a connection for a transaction takes it per item, past the pool; over request input, any I/O counts.
  const [io, followed] = [perItemIO(fan.perItem), projectCalls(fan.perItem)];
  if (!io && followed.length === 0 && ctx.exempt('in-memory-work', at)) return null;
  // Other work (`stat`, `unlink`, a query) queues in the thread or connection pool, unless every item is request input.
  if (origin !== 'input' && followed.length === 0 && ctx.exempt('pooled-work', at)) return null;
  if (runsInTransaction(aggPath, fan.perItem) && ctx.exempt('transaction', at)) return null;
  if (followed.length === 0 || (origin === 'input' && io && !followed.some((c) => describe(c.callee) === io))) return { ...work(io, true), pooled: true };
  const [calls, exemption] = [followed, origin === 'input' ? ('in-memory-work' as const) : ('pooled-work' as const)];
  const scarce = { unlessFollowed: { calls, exemption, finds: 'scarce' as const } };
  const followedWork = origin !== 'input' ? scarce : io ? { unlessPure: { calls, exemption, minIO: 1 } } : { unlessFollowed: { calls, exemption, finds: 'io' as const } };
  return { ...work(describe(followed[0].callee), true), pooled: true, followed: followedWork }; // named for the helper followed
}
