// Knowledge table: concurrency limiters, and the aggregates that fan out.
// Keys are resolved references (see refKey in src/analysis/resolve.ts).
import { REQUEST_ROOT_NAMES } from './frameworks.js';
import { VALUE_METHODS } from './value-methods.js';
import { REMOTE_MODULES } from './latency.js';

/** Promise aggregates: every promise in the input is already running when they are called. */
export const PROMISE_AGGREGATES: ReadonlyMap<string, string> = new Map([
  ['global#Promise.all', 'Promise.all'],
  ['global#Promise.allSettled', 'Promise.allSettled'],
  ['global#Promise.any', 'Promise.any'],
  ['global#Promise.race', 'Promise.race'],
  ['bluebird#all', 'Promise.all'],
  ['bluebird#allSettled', 'Promise.allSettled'],
  ['bluebird#any', 'Promise.any'],
  ['bluebird#race', 'Promise.race'],
]);

/**
 * Mapping helpers that take a concurrency option, whose default is unlimited:
 * [resolved key, label, index of the options argument, option name].
 */
export const MAPPERS_WITH_CONCURRENCY: ReadonlyMap<string, { label: string; optionsIndex: number; option: string; inputIndex: number; mapperIndex?: number }> = new Map([
  ['p-map#', { label: 'p-map', optionsIndex: 2, option: 'concurrency', inputIndex: 0, mapperIndex: 1 }],
  ['p-map#pMap', { label: 'p-map', optionsIndex: 2, option: 'concurrency', inputIndex: 0, mapperIndex: 1 }],
  ['p-map#pMapIterable', { label: 'p-map', optionsIndex: 2, option: 'concurrency', inputIndex: 0, mapperIndex: 1 }],
  // p-all takes the tasks themselves (functions), no mapper.
  ['p-all#', { label: 'p-all', optionsIndex: 1, option: 'concurrency', inputIndex: 0 }],
  ['bluebird#map', { label: 'Bluebird map', optionsIndex: 2, option: 'concurrency', inputIndex: 0, mapperIndex: 1 }],
  ['bluebird#filter', { label: 'Bluebird filter', optionsIndex: 2, option: 'concurrency', inputIndex: 0, mapperIndex: 1 }],
]);

/** `async` (caolan) functions without a limit; their `*Limit` forms are bounded. */
export const UNLIMITED_ASYNC: ReadonlyMap<string, string> = new Map([
  ['async#map', 'async.mapLimit'],
  ['async#each', 'async.eachLimit'],
  ['async#forEach', 'async.eachLimit'],
  ['async#parallel', 'async.parallelLimit'],
  ['async#mapValues', 'async.mapValuesLimit'],
]);

/**
 * Factories of limiters: calling (or using) what they return limits concurrency.
 * `first-arg`: the limit is the first argument (or its `concurrency`); `option`:
 * any of `options` in the options object sets a limit (their defaults are unlimited).
 */
export const LIMITER_FACTORIES: ReadonlyMap<string, { label: string; concurrency: 'first-arg' | 'option'; options?: readonly string[] }> = new Map([
  ['p-limit#', { label: 'p-limit', concurrency: 'first-arg' }],
  ['p-limit#pLimit', { label: 'p-limit', concurrency: 'first-arg' }],
  ['p-limit#limitFunction', { label: 'p-limit', concurrency: 'option', options: ['concurrency'] }],
  ['new p-queue#()', { label: 'p-queue', concurrency: 'option', options: ['concurrency', 'intervalCap'] }],
  ['new p-queue#PQueue()', { label: 'p-queue', concurrency: 'option', options: ['concurrency', 'intervalCap'] }],
  ['new bottleneck#()', { label: 'Bottleneck', concurrency: 'option', options: ['maxConcurrent', 'minTime', 'reservoir'] }],
  ['new async-sema#Sema()', { label: 'async-sema', concurrency: 'first-arg' }],
  ['new async-mutex#Mutex()', { label: 'async-mutex', concurrency: 'first-arg' }],
  ['new async-mutex#Semaphore()', { label: 'async-mutex', concurrency: 'first-arg' }],
  ['async#queue', { label: 'async.queue', concurrency: 'first-arg' }],
]);

/** Methods of limiter objects that run (or gate) work: `queue.add(fn)`, `sem.acquire()`, `mutex.runExclusive(fn)`. */
export const LIMITER_METHODS: ReadonlySet<string> = new Set([
  'add',
  'addAll',
  'schedule',
  'wrap',
  'acquire',
  'runExclusive',
  'waitForUnlock',
  'lock',
  'push',
  'removeTokens',
  'consume',
]);

/** Receiver names that suggest a limiter when its construction cannot be seen: `sem`, `mutex`, `limiter`, `queue`. */
export const LIMITER_RECEIVER = /(sem(aphore)?|mutex|lock|limit(er)?|throttle|bottleneck|pool|queue)$/i;

/**
 * Collection names that usually hold a small, fixed set configured at startup
 * (plugins, providers, listeners…), not data: fanning out over them is bounded
 * by the program, not by its input.
 */
export const REGISTRY_NAMES = new RegExp(
  `^(${[
    'plugins?',
    'providers?',
    'handlers?',
    'listeners?',
    'callbacks?',
    'adapters?',
    'middlewares?',
    'services?',
    'modules?',
    'hooks?',
    'subscribers?',
    'transports?',
    'strategies',
    'strategy',
    'extensions?',
    'integrations?',
    'drivers?',
    'stores?',
    'caches?',
    'pools?',
    'loaders?',
    'initializers?',
    'migrators?',
    'reporters?',
    'exporters?',
    'sinks?',
    'backends?',
    'engines?',
    'regions?',
    'locales?',
    'languages?',
  ].join('|')})$`,
  'i',
);

/** Path segments that hold configuration: a list reached through them is sized by the configuration, not by input. */
export const CONFIG_SEGMENTS: ReadonlySet<string> = new Set(['config', 'configuration', 'options', 'opts', 'settings', 'conf', 'cfg', 'env', 'defaults']);

/**
 * Work that takes a scarce resource per item: sockets (HTTP clients, SDKs),
 * file descriptors, processes, the thread pool. Fanning out such work
 * without a limit exhausts them; database calls instead queue in the
 * driver's connection pool. Module names, or prefixes ending in `/`.
 */
export const HEAVY_WORK_MODULES: readonly string[] = [
  'fs',
  'fs/promises',
  'child_process',
  'execa',
  'net',
  'tls',
  'dns',
  'puppeteer',
  'playwright',
  'sharp',
  ...REMOTE_MODULES,
];

/**
 * File-system modules in HEAVY_WORK_MODULES, and their functions that hold a file
 * descriptor while they run (the scarce resource: EMFILE). The others (`stat`,
 * `access`, `unlink`, `rm`, `mkdir`…) only queue in the thread pool. fs-extra and
 * graceful-fs are not listed: they queue and retry on EMFILE by design.
 */
export const FS_MODULES: readonly string[] = ['fs', 'fs/promises'];
export const DESCRIPTOR_FS_CALLS: ReadonlySet<string> = new Set([
  'open',
  'readFile',
  'writeFile',
  'appendFile',
  'createReadStream',
  'createWriteStream',
  'copyFile',
  'cp',
  'opendir',
  'truncate',
]);

/** Where a collection's size comes from the outside world: request input, a directory listing. */
export const INPUT_ROOTS: ReadonlySet<string> = new Set([...REQUEST_ROOT_NAMES, 'event']);
export const INPUT_SEGMENTS: ReadonlySet<string> = new Set(['body', 'query', 'params', 'Records', 'file', 'files', 'payload']);
export const LISTING_CALLS = /^(readdir|readdirSync|opendir|opendirSync|glob|globby|fg|fastGlob|walk|walkDir|scandir|listFiles|listObjects|listObjectsV2|listDir)$/;

/**
 * Ranged reads whose positional arguments are `(start, stop)` or `(start, count)`:
 * `getSortedSetRange(key, 0, 49)`, `lrange(key, 0, 49)`, `zrevrange(key, 0, 9)`. A
 * constant window bounds the result (a negative stop means "to the end").
 */
export const RANGE_CALL = /range/i;

/**
 * Reads that fetch one record per key: `db.getObjects(keys)`, `getUsersFields(uids, …)`,
 * `findAll({ where: { id: ids } })`. Their result is as long as the key array. First words.
 */
export const MULTI_GET_VERBS: ReadonlySet<string> = new Set(['get', 'find', 'fetch', 'load', 'read', 'mget', 'hmget', 'select', 'lookup', 'retrieve']);
/** Multi-key reads whose result is not one record per key (unions, ranges, searches, subtrees). */
export const NOT_PER_KEY = /range|union|intersect|search|scan|children|descendants|tree|recursive|count|card|score/i;
/** Names of key arrays: `ids`, `uids`, `memberIds`, `keys`, `cacheKeys`. */
export const KEY_ARRAY_NAME = /(ids|keys)$/i;
/** Primary-key fields in a `where` clause: `where: { id: ids }` selects at most one row per id. */
export const PRIMARY_KEY_FIELDS: ReadonlySet<string> = new Set(['id', '_id', 'uuid', 'key']);

/** Parameter decorators that bind request input (NestJS, routing-controllers): `@Body() dto`. */
export const INPUT_DECORATORS: ReadonlySet<string> = new Set(['Body', 'Query', 'Param', 'Params', 'QueryParams', 'BodyParam', 'UploadedFiles']);
/** tRPC procedure resolvers: `.input(schema).mutation(({ input }) => …)`. */
export const RESOLVER_METHODS: ReadonlySet<string> = new Set(['query', 'mutation', 'subscription']);

/**
 * First words of calls that work in memory: formatting, parsing, translation from
 * a loaded catalog, pure transforms. Per-item work made only of these exhausts nothing.
 */
export const IN_MEMORY_VERBS: ReadonlySet<string> = new Set([
  'format',
  'parse',
  'stringify',
  'serialize',
  'deserialize',
  'sanitize',
  'escape',
  'unescape',
  'normalize',
  'transform',
  'translate',
  'localize',
  'to',
  'as',
  'pick',
  'omit',
  'clone',
  'compare',
  'sort',
  'slugify',
  'encode',
  'decode',
  'strip',
  'trim',
  'pluralize',
  'capitalize',
  'camelize',
  'humanize',
  'join',
  'split',
  'concat',
  'min',
  'max',
  'sum',
  'round',
  'floor',
  'ceil',
  'random',
  'uuid',
  'nanoid',
]);
/** Packages whose functions run in memory (paths, URLs, utilities, dates, validation). */
export const IN_MEMORY_MODULES: readonly string[] = [
  'path',
  'url',
  'util',
  'querystring',
  'string_decoder',
  'buffer',
  'assert',
  'events',
  'lodash',
  'lodash/',
  'lodash-es',
  'underscore',
  'ramda',
  'date-fns',
  'dayjs',
  'moment',
  'luxon',
  'validator',
  // In-process caches: `cache.get(key)` reads memory (the async stores, keyv and cache-manager, are not here).
  'node-cache',
  'lru-cache',
  'quick-lru',
  'memory-cache',
  'zod',
  'joi',
  'yup',
  'semver',
  'uuid',
  'nanoid',
  'slugify',
  'he',
  'xss',
  'sanitize-html',
  'dompurify',
  'marked',
  'mime',
  'mime-types',
  'qs',
  'deepmerge',
  // Digests computed in WebAssembly on this thread: CPU work that holds no socket (its slow password hashes are blocking-call's).
  'hash-wasm',
];
/** Built-in globals whose functions and constructors work in memory. */
export const IN_MEMORY_GLOBALS: ReadonlySet<string> = new Set([
  'Math',
  'JSON',
  'Object',
  'Array',
  'String',
  'Number',
  'Boolean',
  'Date',
  'Promise',
  'Symbol',
  'Reflect',
  'Intl',
  'BigInt',
  'Set',
  'Map',
  'WeakMap',
  'WeakSet',
  'RegExp',
  'Error',
  'TypeError',
  'URL',
  'URLSearchParams',
  'Buffer',
  'console',
  'parseInt',
  'parseFloat',
  'isNaN',
  'isFinite',
  'encodeURIComponent',
  'decodeURIComponent',
  'encodeURI',
  'decodeURI',
  'structuredClone',
  'setTimeout',
  'setImmediate',
  'queueMicrotask',
]);

/** Array methods a module may also export under the same name, with other arguments. */
export const ARRAY_CALLBACK_METHODS: ReadonlySet<string> = new Set([
  'filter',
  'map',
  'reduce',
  'some',
  'every',
  'forEach',
  'flatMap',
  'push',
  'unshift',
  'concat',
  'sort',
  'includes',
  'fill',
]);

/**
 * Array, string, number and date methods: in memory. (On an imported module, the array-callback
 * ones count only with a callback: a module's own `filter('read', ids)` may query.)
 */
export const IN_MEMORY_METHODS: ReadonlySet<string> = new Set([
  ...VALUE_METHODS,
  // plus date formatting, promise chaining and function binding
  'reduceRight',
  'toISOString',
  'toJSON',
  'getTime',
  'valueOf',
  'localeCompare',
  'normalize',
  'toLocaleString',
  'toLocaleDateString',
  'toDateString',
  'then',
  'catch',
  'finally',
  'bind',
  'call',
  'apply',
]);
