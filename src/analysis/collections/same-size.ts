// Collections exactly as long as another: the results of an earlier fan-out, and
// reads of one record per key.
import { firstWord } from '../../knowledge/call-verbs.js';
import { KEY_ARRAY_NAME, MULTI_GET_VERBS, NOT_PER_KEY, PRIMARY_KEY_FIELDS } from '../../knowledge/limiters.js';
import { isCall, memberPropertyName, refKey, resolveExpression, unwrapExpression } from '../resolve.js';
import { propertyKeyName } from '../scope.js';
import type { NodePath } from '../../syntax/walk.js';
import { isMember, lastName } from './names.js';
import { isPromiseAll } from './values.js';

/**
 * A collection exactly as long as another: `Promise.all(x.map(f))` (as `x.map(f)`),
 * `Array.fromAsync(it)`, and reads of one record per key, `db.getObjects(keys)`,
 * `getUsersFields(uids, …)`, `findAll({ where: { id: ids } })` (as the keys).
 */
export function sameSizeAs(callPath: NodePath): NodePath | null {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call)) return null;
  if (isPromiseAll(call, callPath) && call.arguments[0]) return callPath.child(call.arguments[0], 'arguments', 0);
  const ref = resolveExpression(call.callee, callPath);
  if (ref && refKey(ref) === 'global#Array.fromAsync' && call.arguments[0]) return callPath.child(call.arguments[0], 'arguments', 0);
  return multiGetKeys(callPath);
}

function isKeyArray(node: any): boolean {
  const n = unwrapExpression(node);
  if (isCall(n)) return isMember(n.callee) && ['map', 'filter', 'slice', 'concat'].includes(memberPropertyName(n.callee) ?? '');
  if (n.type === 'ArrayExpression') return n.elements.length > 0 && n.elements.every((e: any) => e?.type === 'SpreadElement');
  const name = lastName(n);
  return !!name && KEY_ARRAY_NAME.test(name);
}

/** The key array of a read that returns one record per key, or null. */
function multiGetKeys(callPath: NodePath): NodePath | null {
  const call = unwrapExpression(callPath.node as any);
  if (!isCall(call)) return null;
  const name = lastName(call.callee);
  if (!name || !MULTI_GET_VERBS.has(firstWord(name)) || NOT_PER_KEY.test(name)) return null;
  for (const [i, a] of call.arguments.entries()) {
    const arg = unwrapExpression(a);
    if (arg.type === 'ObjectExpression') {
      // findAll({ where: { id: ids } }), findMany({ where: { id: { in: ids } } }), find({ _id: { $in: ids } })
      const whereProp = arg.properties.find((p: any) => p.type === 'ObjectProperty' && propertyKeyName(p) === 'where');
      const where = whereProp ? unwrapExpression(whereProp.value) : arg;
      if (where.type !== 'ObjectExpression') continue;
      for (const p of where.properties) {
        if (p.type !== 'ObjectProperty' || !PRIMARY_KEY_FIELDS.has(propertyKeyName(p) ?? '')) continue;
        const value = unwrapExpression(p.value);
        if (value.type === 'ObjectExpression') {
          const inProp = value.properties.find(
            (q: any) =>
              q.type === 'ObjectProperty' && (['in', '$in'].includes(propertyKeyName(q) ?? '') || (q.computed && isMember(q.key) && memberPropertyName(q.key) === 'in')),
          );
          if (inProp) return callPath.child(inProp.value, 'arguments', i);
        } else if (whereProp && isKeyArray(value)) {
          return callPath.child(p.value, 'arguments', i);
        }
      }
    } else if (i === 0 && isKeyArray(arg)) {
      return callPath.child(a, 'arguments', 0);
    }
  }
  return null;
}
