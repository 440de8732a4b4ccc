// Knowledge table: names that tell how big a collection is and where it comes
// from (for the fan-out rule's analyses in src/analysis/collections/). Limiters,
// request input and the cost of per-item work are in limiters.ts.
import { REQUEST_ROOT_NAMES } from './frameworks.js';

/** An UPPER_CASE name: a constant of the program (`REGIONS`, `BATCH_SIZE`, `Config.MAX_ITEMS`). */
export const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Array methods whose result is no longer than the array they are called on. */
export const SAME_SIZE_METHODS: ReadonlySet<string> = new Set([
  'filter',
  'map',
  'sort',
  'toSorted',
  'reverse',
  'toReversed',
  'flat',
  'fill',
  'keys',
  'values',
  'entries',
]);

// Chunks and batches, one concept matched four ways: a helper's whole name (CHUNK_FUNCTIONS), the words of a
// callee name (CHUNK_WORDS), the last word of a collection (CHUNK_COLLECTION_WORDS) and a callback parameter
// (CHUNK_PARAM_NAME). They differ on purpose: `batch(…)` is a chunking helper, but a loop over `batch` is one item.
/** Array chunking helpers: each chunk they yield is bounded by their size argument. */
export const CHUNK_FUNCTIONS = /^(chunk|chunks|chunked|batch|batches|batched|toChunks|splitEvery|partition|inChunks|inBatches)$/i;
/** Words of a helper that splits a list into chunks (`chunk(list, n)`, `splitIntoChunks`, `toBatches`): each item it yields is a batch. */
export const CHUNK_WORDS: ReadonlySet<string> = new Set(['chunk', 'chunks', 'chunked', 'batches', 'batched']);

/** Last words of a collection of chunks (`chunks`, `userBatches`): each item is a batch. */
export const CHUNK_COLLECTION_WORDS: ReadonlySet<string> = new Set(['chunks', 'batches']);
/** Parameters a batching helper hands a bounded part of a list: `async (chunk) => …`, `(batchIds) => …`, `(page) => …`. */
export const CHUNK_PARAM_NAME = /^(chunk|batch|page|slice|group|window|part)(s?|[A-Z_]\w*)$/;

/** Calls in a query chain that cap its rows: `.limit(50)`, `.take(n)`, `.first(10)`. */
export const LIMIT_CALLS: ReadonlySet<string> = new Set(['limit', 'take', 'first', 'top', 'paginate']);
/** Query options that cap its rows: `find({ limit: 50 })`, `{ take: n }`, `{ perPage }`. */
export const LIMIT_OPTIONS: ReadonlySet<string> = new Set(['limit', 'take', 'first', 'top', 'perPage', 'pageSize', 'per_page', 'page_size', 'max', 'maxResults', 'size']);

/** Ranged reads by score (`zrangebyscore`, `getSortedSetRangeByScore`): `(key, min, max, 'LIMIT', offset, count)` or `(key, start, count, min, max)`. */
export const BY_SCORE_RANGE = /byscore/i;

/** First words of calls that list a directory: `globFiles`, `readdirRecursive`, `scandirAsync`. */
export const LISTING_VERBS: ReadonlySet<string> = new Set(['glob', 'readdir', 'opendir', 'scandir']);

/** Names of a request object whose `json()` or `formData()` reads the body: `await req.json()`, `await c.req.json()`. */
export const REQUEST_OBJECT_NAMES: ReadonlySet<string> = REQUEST_ROOT_NAMES;

/**
 * Methods of a request object that return what the client sent: the body (`await req.json()`, `formData`, Hono's
 * `parseBody`), and Hono's validated input and query (`c.req.valid('json')`, `c.req.query()`, `c.req.queries()`).
 */
export const REQUEST_INPUT_METHODS: ReadonlySet<string> = new Set(['json', 'formData', 'parseBody', 'valid', 'query', 'queries']);

/** First words of calls that query a store: a result of theirs reads as "a query result". */
export const QUERY_WORDS: ReadonlySet<string> = new Set(['find', 'query', 'select', 'search', 'count', 'aggregate', 'scan', 'where', 'all']);
/** Receivers of data access: `db.users`, `prisma.order`, `this.repository`, `redis`. */
export const DATA_ACCESS_RECEIVER =
  /(^|\.)(db|database|prisma|knex|sql|repo|repository|model|store|collection|table|redis|mongo|em|entityManager|manager|dao|client)s?$/i;
/** Class names of data access: `UserModel`, `OrderRepository`, `SessionStore`. */
export const DATA_ACCESS_TYPE = /Model$|Repository$|Store$/;

/** Constructors of in-memory collections: `seen.get(x)` on one of them does no I/O. */
export const IN_MEMORY_COLLECTIONS: ReadonlySet<string> = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);
/** Methods of those collections. */
export const COLLECTION_METHODS: ReadonlySet<string> = new Set(['get', 'set', 'has', 'add', 'delete', 'clear']);

/** A run of white space in source text, folded to one space where code is quoted in a message. */
export const WHITESPACE_RUN = /\s+/g;
