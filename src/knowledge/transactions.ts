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
