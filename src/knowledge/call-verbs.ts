// Knowledge table: what a call probably does, from its name. Used by the await
// rules to keep intentionally ordered work (writes, pacing, locks, middleware
// chains) out of their findings. Names are split on camelCase/snake_case and
// the first word is looked up: `createUser` → create, `find_one` → find.
import { REQUEST_PARAM_NAMES } from './frameworks.js';
import { TRANSACTION_HANDLE_NAMES } from './transactions.js';
import { MAPPERS_WITH_CONCURRENCY, PROMISE_AGGREGATES, UNLIMITED_ASYNC } from './limiters.js';
import { VALUE_METHODS } from './value-methods.js';

/**
 * Of WRITE_VERBS, those that hand a message to someone else (mail, a queue, a webhook, an event bus) rather than change
 * a record of a store: one per item is a round trip to that service, and the fix is a batch API or concurrency, not a
 * batched write (`createMany`).
 */
export const MESSAGE_VERBS: ReadonlySet<string> = new Set(['send', 'publish', 'emit', 'dispatch', 'enqueue', 'notify', 'deliver', 'broadcast', 'post']);

/** First words of calls with side effects: running them concurrently would change what happens, or in which order. */
export const WRITE_VERBS: ReadonlySet<string> = new Set([
  'create',
  'insert',
  'update',
  'upsert',
  'save',
  'store',
  'persist',
  'put',
  'post',
  'patch',
  'delete',
  'del',
  'remove',
  'destroy',
  'drop',
  'truncate',
  'purge',
  'clear',
  'reset',
  'flush',
  'erase',
  'set',
  'write',
  'append',
  'send',
  'publish',
  'emit',
  'dispatch',
  'enqueue',
  'push',
  'add',
  'pop',
  'shift',
  'commit',
  'rollback',
  'begin',
  'start',
  'stop',
  'close',
  'open',
  'connect',
  'disconnect',
  'end',
  'quit',
  'lock',
  'unlock',
  'acquire',
  'release',
  'mkdir',
  'rm',
  'rmdir',
  'rename',
  'copy',
  'move',
  'mv',
  'unlink',
  'relate',
  'unrelate',
  'attach',
  'detach',
  'associate',
  'dissociate',
  'link',
  'symlink',
  'chmod',
  'chown',
  'increment',
  'decrement',
  'incr',
  'decr',
  'exec',
  'execute',
  'run',
  'spawn',
  'fork',
  'register',
  'unregister',
  'subscribe',
  'unsubscribe',
  'login',
  'logout',
  'signin',
  'signout',
  'signup',
  'pay',
  'charge',
  'refund',
  'transfer',
  'migrate',
  'seed',
  'init',
  'initialize',
  'initialise',
  'setup',
  'install',
  'uninstall',
  'upload',
  'apply',
  'approve',
  'reject',
  'cancel',
  'notify',
  'mark',
  'assign',
  'invite',
  'archive',
  'restore',
  'import',
  'sync',
  'deploy',
  'provision',
  'reserve',
  'claim',
  'confirm',
  'accept',
  'revoke',
  'grant',
  'ban',
  'expire',
  'invalidate',
  'evict',
  'touch',
  'ack',
  'nack',
  'listen',
  'bind',
  'mount',
  'unmount',
  'attach',
  'detach',
  'kill',
  'restart',
  'reload',
  'process',
  'handle',
  'trigger',
  'fire',
  'schedule',
  'retry',
  'track',
  'log',
  'record',
  'broadcast',
  'reply',
  'respond',
  'click',
  'fill',
  'press',
  'goto',
  'navigate',
  'drag',
  'submit',
  'build',
  'compile',
  'generate',
  'ensure',
  'enforce',
  'perform',
  'modify',
  'edit',
  'change',
  'alter',
  'replace',
  'toggle',
  'enable',
  'disable',
  'activate',
  'deactivate',
  'block',
  'unblock',
  'follow',
  'unfollow',
  'like',
  'unlike',
  'vote',
  'clean',
  'cleanup',
  'prune',
  'compact',
  'rotate',
  'lease',
  'renew',
  'refresh',
  'invoke',
  'call',
  'associate',
  'dissociate',
  'tag',
  'untag',
  'merge',
  'rename',
  // quotas, budgets and balances: each call uses up something, so a failure must stop the ones after it
  'consume',
  'spend',
  'deduct',
  'debit',
  'redeem',
  'withdraw',
  'allocate',
  'penalize',
  'penalise',
  'reward',
  'transaction',
  'lpush',
  'rpush',
  'lpop',
  'rpop',
  'hset',
  'hdel',
  'sadd',
  'srem',
  'zadd',
  'zrem',
  'expireat',
  'setex',
  // noun forms that name the same effects: performInitialization, startRegistration…
  'initialization',
  'creation',
  'deletion',
  'insertion',
  'registration',
  'migration',
  'installation',
  'connection',
  'subscription',
  'cleanup',
  // guards: they throw to stop what follows, so what follows must wait for them
  'validate',
  'validation',
  'verify',
  'verification',
  'assert',
  'authorize',
  'authorization',
  'authenticate',
  'authentication',
  'guard',
  'require',
  'check',
  'ensure',
]);

/** Words of calls that use up a quota, budget or balance (`limiter.consume(key)`, `spend`): a rejection must stop the calls after it. */
export const QUOTA_VERBS: ReadonlySet<string> = new Set(['consume', 'spend', 'deduct', 'debit', 'redeem', 'withdraw', 'allocate', 'penalize', 'penalise', 'reward']);

/** First words of guards: calls that throw to stop what follows (`validateX(user)`, `assertOwner(doc)`, `invariant(x)`). */
export const GUARD_VERBS: ReadonlySet<string> = new Set([
  'validate',
  'verify',
  'assert',
  'authorize',
  'authenticate',
  'guard',
  'require',
  'check',
  'ensure',
  'enforce',
  'invariant',
  'throw',
  'deny',
  'forbid',
  'expect',
  'must',
]);

/** First words of calls that only read: they do not change the objects passed to them. */
export const READ_VERBS: ReadonlySet<string> = new Set([
  'get',
  'find',
  'fetch',
  'load',
  'list',
  'read',
  'query',
  'search',
  'lookup',
  'count',
  'select',
  'retrieve',
  'resolve',
  'compute',
  'calculate',
  'has',
  'is',
  'exists',
  'download',
  'describe',
  'scan',
  'head',
  'stat',
  'match',
  'parse',
  'format',
  'to',
  'as',
  'collect',
  'aggregate',
  'group',
  'filter',
  'map',
  'sum',
  'avg',
  'min',
  'max',
]);

/** Calls that wait on purpose: pacing, backoff, polling intervals. */
export const SLEEP_NAMES: ReadonlySet<string> = new Set(['sleep', 'delay', 'wait', 'pause', 'timeout', 'setTimeout', 'setImmediate', 'backoff', 'waitFor', 'nap']);

/** Calls whose completion the next step must observe: middleware chains, stream backpressure. */
export const BARRIER_NAMES: ReadonlySet<string> = new Set(['next', 'once', 'drain', 'waitForEvent', 'onIdle', 'onEmpty']);

/**
 * Resolved callees that already run things concurrently (or limit concurrency): awaiting them in sequence is batching.
 * The promise aggregates and unlimited mappers of limiters.ts, and the bounded forms that are not fan-out.
 */
export const AGGREGATE_CALLEES: ReadonlySet<string> = new Set([
  ...PROMISE_AGGREGATES.keys(),
  ...MAPPERS_WITH_CONCURRENCY.keys(),
  ...UNLIMITED_ASYNC.keys(),
  'async#mapLimit',
  'async#eachLimit',
  'async#parallelLimit',
  'p-props#',
  'p-limit#',
  'bluebird#props',
  'events#once',
]);

/** SQL statements that change data, for `client.query('INSERT …')` style calls. */
export const SQL_WRITE =
  /^\s*(insert|update|delete|upsert|merge|replace|create|drop|alter|truncate|begin|start|commit|rollback|savepoint|set|lock|grant|revoke|copy|call|do|vacuum|refresh)\b/i;

/** Callee names that suggest database migrations, data upgrades, backfills or seeding: ordered on purpose. */
export const MIGRATION_NAME = /migrat|seed|^upgrade|^backfill/i;

/** `getOrCreateUser` → ['get', 'or', 'create', 'user'], `find_one` → ['find', 'one'], `$transaction` → ['transaction']. */
export function words(name: string): string[] {
  return (name.replace(/^[$_]+/, '').match(/[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+/g) ?? [name]).map((w) => w.toLowerCase());
}

export function firstWord(name: string): string {
  return words(name)[0] ?? name.toLowerCase();
}

/** Awaits with nothing to overlap: request accessors, dynamic imports (module cache), predicates. */
export const CHEAP_CALLEES: ReadonlySet<string> = new Set([
  'next/headers#headers',
  'next/headers#cookies',
  'next/headers#draftMode',
  'next/server#connection',
  'next-intl/server#getTranslations',
  'next-intl/server#getLocale',
  'next-intl/server#getMessages',
  'next-intl/server#getNow',
  'next-intl/server#getTimeZone',
  'next-intl/server#getFormatter',
]);

/** Built-in methods and functions that never do I/O: a local function that calls only these has nothing to await. */
export const SYNC_BUILTINS: ReadonlySet<string> = new Set([
  ...VALUE_METHODS,
  // plus Map/Set access, JSON, Object/Array/Number statics, Math
  'find',
  'findIndex',
  'keys',
  'values',
  'entries',
  'assign',
  'parse',
  'stringify',
  'get',
  'has',
  'set',
  'add',
  'delete',
  'String',
  'Number',
  'Boolean',
  'isArray',
  'from',
  'of',
  'parseInt',
  'parseFloat',
  'encodeURIComponent',
  'decodeURIComponent',
  'exec',
  'resolve',
  'freeze',
  'isInteger',
  'isNaN',
  'max',
  'min',
  'floor',
  'ceil',
  'round',
  'abs',
]);
/** First words of predicates (`isActive`, `hasAccess`, `canEdit`): usually cached or in-memory checks, or guards. */
export const PREDICATE_WORDS: ReadonlySet<string> = new Set(['is', 'has', 'can', 'should', 'must', 'needs', 'allows']);
/**
 * Names of what orders the calls it is given: transaction handles, sessions, a dedicated connection (`client` from
 * `pool.connect()`), an entity manager. A request or context object (`req`, `ctx`, `context`) is a bag of services, not
 * one of these: calls given it are ordered only through what it carries (`ctx.transaction`, `{ transaction: req.tx }`).
 */
export const SHARED_STATE_NAMES: ReadonlySet<string> = new Set([...TRANSACTION_HANDLE_NAMES, 'session', 't', 'em', 'client']);

/** Request and context objects: they order the calls they are given only when the code shows they carry a transaction. */
export const CONTEXT_CARRIER_NAMES: ReadonlySet<string> = new Set([...REQUEST_PARAM_NAMES, 'ctx', 'context']);

/**
 * Members that show a request or context object carries a transaction: read or set in the code (`req.transactionID`,
 * `ctx.transaction = await db.begin()`). Not `session` (express-session's `req.session` is a user session, not a
 * database one) nor `t` (often a translate function); a declared type that names a `session` member does count.
 */
export const CARRIED_TRANSACTION_MEMBERS: ReadonlySet<string> = new Set([...TRANSACTION_HANDLE_NAMES, 'transactionID', 'transactionId', 'em']);
/** Results named like a client or connection: acquired once, then used. */
export const ACQUISITION_NAMES = /^(payload|client|connection|conn|db|database|pool|redis|prisma|browser|page|sdk|api|instance|app|server|channel|producer|consumer)$/i;
/** Query-builder steps that make the whole chain a write: `db('t').update({…}).where(…)`, `insertInto('t').values(…)`. */
export const BUILDER_WRITE_STEPS: ReadonlySet<string> = new Set([
  'insert',
  'update',
  'delete',
  'del',
  'upsert',
  'increment',
  'decrement',
  'truncate',
  'insertInto',
  'updateTable',
  'deleteFrom',
  'replaceInto',
  'merge',
  'onConflict',
  'onDuplicateKeyUpdate',
  'relate',
  'unrelate',
]);
/** HTTP methods given positionally (`request(url, 'POST', body)`) that change something on the server. */
export const HTTP_WRITE_METHOD = /^(POST|PUT|PATCH|DELETE)$/;
/** Names of imported database handles: writes through one are writes through one connection pool, in order. */
export const DB_HANDLE_NAMES =
  /^(sequelize|knex|db|database|pool|redis|prisma|mongoose|sql|pg|mysql|dataSource|connection|conn|em|entityManager|queryRunner|kysely|drizzle)$/i;
/** HTTP methods that only read, given as a `method` option in any case (`fetch(url, { method: 'post' })`): any other method writes. */
export const HTTP_READ_METHODS: ReadonlySet<string> = new Set(['get', 'head', 'options']);
/** Methods of a memo (a Map, a Set, an array) that consult it, and that fill it: `memo.has(k)`, `memo.set(k, v)`. */
export const MEMO_READ_METHODS: ReadonlySet<string> = new Set(['has', 'get', 'includes']);
export const MEMO_WRITE_METHODS: ReadonlySet<string> = new Set(['set', 'add', 'push']);
/**
 * Names of aggregates when their callee cannot be resolved to AGGREGATE_CALLEES: `Promise.all`, `promiseAll`,
 * `allSettled`, `props`, a local `parallel`/`series` helper, `fetchInParallel`.
 */
export const AGGREGATE_NAME = /^(?:promise)?(?:all|allSettled|props|parallel|series)$|Parallel$|^parallel/i;
