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

/** Names of a transaction handle (or of an object that carries one): work through it runs on one connection. */
export const TRANSACTION_HANDLE_NAMES: ReadonlySet<string> = new Set(['tx', 'trx', 'transaction', 'dbTransaction', 'queryRunner', 'entityManager']);
