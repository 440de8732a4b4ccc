// Does a fan-out run on one database connection (a transaction)?
import { TRANSACTION_HANDLE_NAMES, TRANSACTION_WRAPPER_CALL } from '../../knowledge/transactions.js';
import { isCall, unwrapExpression } from '../resolve.js';
import { lookup, propertyKeyName } from '../scope.js';
import { isFunctionNode, walkPaths, type NodePath } from '../../syntax/walk.js';
import { lastName, memberName } from './names.js';

/**
 * Does the fan-out run on one database connection: inside a transaction
 * callback (`sequelize.transaction(async (t) => …)`), or with per-item calls
 * that pass a transaction (`{ transaction }`, `tx`, a context object built with one)?
 */
export function runsInTransaction(aggPath: NodePath, perItemPath: NodePath): boolean {
  for (let p: NodePath | null = aggPath; p; p = p.parentPath) {
    if (!isFunctionNode(p.node) || p.key !== 'arguments') continue;
    const call = p.parentPath?.node as any;
    const name = call && isCall(call) ? lastName(call.callee) : null;
    if (name && TRANSACTION_WRAPPER_CALL.test(name)) return true;
  }
  let found = false;
  walkPaths(perItemPath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (isCall(n) && n.arguments.some((a: any) => carriesTransaction(a, p, 0))) found = true;
    return undefined;
  });
  return found;
}

function carriesTransaction(node: any, at: NodePath, depth: number): boolean {
  const n = unwrapExpression(node);
  if (!n || depth > 3) return false;
  switch (n.type) {
    case 'Identifier': {
      if (TRANSACTION_HANDLE_NAMES.has(n.name)) return true;
      const b = lookup(at, n.name);
      return !!b && b.kind === 'const' && !!b.init && b.steps.length === 0 && carriesTransaction(b.init, b.scopePath, depth + 1);
    }
    case 'MemberExpression':
    case 'OptionalMemberExpression':
      return TRANSACTION_HANDLE_NAMES.has(memberName(n) ?? '');
    case 'ObjectExpression':
      return n.properties.some(
        (p: any) => p.type === 'ObjectProperty' && (TRANSACTION_HANDLE_NAMES.has(propertyKeyName(p) ?? '') || carriesTransaction(p.value, at, depth + 1)),
      );
    case 'CallExpression':
    case 'OptionalCallExpression':
      // createContext({ user, transaction })
      return n.arguments.some((a: any) => carriesTransaction(a, at, depth + 1));
    default:
      return false;
  }
}
