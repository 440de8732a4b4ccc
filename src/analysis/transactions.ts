// Transaction callbacks: `db.transaction(async (tx) => …)`, `prisma.$transaction(async (tx) => …)`,
// `sequelize.transaction(async (t) => …)`, `knex.transaction(async (trx) => …)`.
// Work that goes through `tx` is ordered by the transaction.
import type { VarKey } from './dataflow.js';
import { memberPropertyName, unwrapExpression, isCall } from './resolve.js';
import { lookup } from './scope.js';
import { isFunctionNode, type NodePath } from '../syntax/walk.js';
import { CONNECTION_CHECKOUT_METHODS, TRANSACTION_CALL, TRANSACTION_WRAPPER_CALL } from '../knowledge/transactions.js';

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

/**
 * Does this call take a pooled connection for a stretch of work: it runs a callback in a transaction
 * (`knex.transaction(async (trx) => …)`, `prisma.$transaction(async (tx) => …)`) or checks a connection out
 * (`await pool.connect()`)? Many of these at once hold the pool until they finish.
 */
export function holdsConnection(callPath: NodePath): boolean {
  const n = callPath.node as any;
  if (!isCall(n)) return false;
  const callee = unwrapExpression(n.callee);
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  const name = memberPropertyName(callee);
  if (!name) return false;
  if (CONNECTION_CHECKOUT_METHODS.has(name)) return n.arguments.length === 0;
  return TRANSACTION_WRAPPER_CALL.test(name) && n.arguments.some((a: any) => isFunctionNode(unwrapExpression(a)));
}
