// Knowledge table: names that tell how big a collection is and where it comes
// from (for the fan-out rule's analyses in src/analysis/collections/). Limiters,
// request input and the cost of per-item work are in limiters.ts.

/** An UPPER_CASE name: a constant of the program (`REGIONS`, `BATCH_SIZE`, `Config.MAX_ITEMS`). */
export const CONSTANT_NAME = /^[A-Z][A-Z0-9_]*$/;

/** Array methods whose result is no longer than the array they are called on. */
export const SAME_SIZE_METHODS: ReadonlySet<string> = new Set(['filter', 'map', 'sort', 'toSorted', 'reverse', 'toReversed', 'flat', 'fill', 'keys', 'values', 'entries']);

/** Parameters a batching helper hands a bounded part of a list: `async (chunk) => …`, `(batchIds) => …`, `(page) => …`. */
export const CHUNK_PARAM_NAME = /^(chunk|batch|page|slice|group|window|part)(s?|[A-Z_]\w*)$/;

/** Calls in a query chain that cap its rows: `.limit(50)`, `.take(n)`, `.first(10)`. */
export const LIMIT_CALLS: ReadonlySet<string> = new Set(['limit', 'take', 'first', 'top', 'paginate']);
/** Query options that cap its rows: `find({ limit: 50 })`, `{ take: n }`, `{ perPage }`. */
export const LIMIT_OPTIONS: ReadonlySet<string> = new Set([
  'limit', 'take', 'first', 'top', 'perPage', 'pageSize', 'per_page', 'page_size', 'max', 'maxResults', 'size',
]);

/** Ranged reads by score (`zrangebyscore`, `getSortedSetRangeByScore`): `(key, min, max, 'LIMIT', offset, count)` or `(key, start, count, min, max)`. */
export const BY_SCORE_RANGE = /byscore/i;

/** First words of calls that list a directory: `globFiles`, `readdirRecursive`, `scandirAsync`. */
export const LISTING_VERBS: ReadonlySet<string> = new Set(['glob', 'readdir', 'opendir', 'scandir']);

/** Names of a request object whose `json()` or `formData()` reads the body: `await req.json()`, `await c.req.json()`. */
export const REQUEST_OBJECT_NAMES: ReadonlySet<string> = new Set(['req', 'request', 'c', 'ctx', 'context']);

/** First words of calls that query a store: a result of theirs reads as "a query result". */
export const QUERY_WORDS: ReadonlySet<string> = new Set(['find', 'query', 'select', 'search', 'count', 'aggregate', 'scan', 'where', 'all']);
/** Receivers of data access: `db.users`, `prisma.order`, `this.repository`, `redis`. */
export const DATA_ACCESS_RECEIVER = /(^|\.)(db|database|prisma|knex|sql|repo|repository|model|store|collection|table|redis|mongo|em|entityManager|manager|dao|client)s?$/i;
/** Class names of data access: `UserModel`, `OrderRepository`, `SessionStore`. */
export const DATA_ACCESS_TYPE = /Model$|Repository$|Store$/;

/** Calls that run a callback inside a transaction: `sequelize.transaction(async (t) => …)`, `db.withTransaction(…)`. */
export const TRANSACTION_CALL = /transaction$/i;

/** Constructors of in-memory collections: `seen.get(x)` on one of them does no I/O. */
export const IN_MEMORY_COLLECTIONS: ReadonlySet<string> = new Set(['Map', 'Set', 'WeakMap', 'WeakSet']);
/** Methods of those collections. */
export const COLLECTION_METHODS: ReadonlySet<string> = new Set(['get', 'set', 'has', 'add', 'delete', 'clear']);

/** A run of white space in source text, folded to one space where code is quoted in a message. */
export const WHITESPACE_RUN = /\s+/g;
