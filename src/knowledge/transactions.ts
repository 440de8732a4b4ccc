// Knowledge table: database transactions. Work inside a transaction callback,
// or given a transaction's handle, runs on one connection and in order:
// `db.transaction(async (tx) => …)`, `prisma.$transaction(async (tx) => …)`,
// `sequelize.transaction(async (t) => …)`, `knex.transaction(async (trx) => …)`.

/**
 * Callee names whose function argument runs inside a transaction: any name that
 * contains "transaction" (`transaction`, `$transaction`, `runInTransaction`,
 * `withTransaction`, `transactionAsync`). The callback's first parameter is the handle.
 */
export const TRANSACTION_CALL = /transaction/i;

/**
 * The stricter form the fan-out rule uses for an enclosing callback: names that end in "transaction"
 * (`sequelize.transaction(async (t) => …)`, `db.withTransaction(…)`), not `transactionAsync` or `transactionLog`,
 * because there the whole fan-out is exempted on this name alone (no handle passed to the calls).
 */
export const TRANSACTION_WRAPPER_CALL = /transaction$/i;

/** Names of a transaction handle (or of an object that carries one): work through it runs on one connection. */
export const TRANSACTION_HANDLE_NAMES: ReadonlySet<string> = new Set(['tx', 'trx', 'transaction', 'dbTransaction', 'queryRunner', 'entityManager']);

/**
 * Handles that order the calls made through them, besides a transaction: a session, a lock, a unit of work. A pooled
 * client (an ORM model, `prisma`, `knex`, `pg.Pool`, an HTTP client) orders nothing: two writes through it may run at once.
 */
export const ORDERING_HANDLE_NAMES: ReadonlySet<string> = new Set([...TRANSACTION_HANDLE_NAMES, 'session', 'em', 'lock', 'mutex', 'conn', 'connection']);

/** Methods that check a connection out of a pool (`const client = await pool.connect()`): calls through it run on that one connection, in order. */
export const CONNECTION_CHECKOUT_METHODS: ReadonlySet<string> = new Set(['connect', 'acquire', 'getConnection', 'reserve']);
