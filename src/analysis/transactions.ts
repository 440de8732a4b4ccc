// Transaction callbacks: `db.transaction(async (tx) => …)`, `prisma.$transaction(async (tx) => …)`,
// `sequelize.transaction(async (t) => …)`, `knex.transaction(async (trx) => …)`.
// Work that goes through `tx` is ordered by the transaction.
import type { VarKey } from './dataflow.js';
import { memberPropertyName, unwrapExpression, isCall } from './resolve.js';
import { lookup } from './scope.js';
import { isFunctionNode, type NodePath } from '../syntax/walk.js';
import { TRANSACTION_CALL } from '../knowledge/transactions.js';

/** When `path` is inside a function passed to a `…transaction(...)` call: that function's first parameter. */
export function transactionParam(path: NodePath): VarKey | null {
  for (let p: NodePath | null = path; p; p = p.parentPath) {
    if (!isFunctionNode(p.node)) continue;
    const call = p.parentPath;
    if (!call || !isCall(call.node) || p.key !== 'arguments') continue;
    const callee = unwrapExpression((call.node as any).callee);
    const name = callee.type === 'Identifier' ? callee.name : callee.type === 'MemberExpression' ? memberPropertyName(callee) : null;
    if (!name || !TRANSACTION_CALL.test(name)) continue;
    const param = (p.node as any).params?.[0];
    if (param?.type !== 'Identifier') return null;
    return lookup(p, param.name);
  }
  return null;
}
