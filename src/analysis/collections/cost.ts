// What work repeated once per item of a collection costs, as a cost class (knowledge/impact.ts): sized by the outside
// world (request input, a directory listing, a query result) is heavy, since it grows with data nobody here controls;
// ids a caller passes in are judged as a fixed amount of I/O (the caller decides how many); a collection bounded by
// the program (a literal, a slice, a chunk…) or of no known origin (a field, a setting, a helper's return value) is
// light: such lists are small in practice (environments, configured recipients, the values of an enum).
import { LOWERED, type CostClass } from '../../knowledge/impact.js';
import type { NodePath } from '../../syntax/walk.js';
import { collectionBound } from './bound.js';
import { collectionOrigin, type Origin } from './origin.js';

const OUTSIDE_SIZED: ReadonlySet<Origin> = new Set(['input', 'listing', 'query']);

export function perItemCost(collection: NodePath, order: 'concurrent' | 'sequential' = 'concurrent', pooled = false): CostClass {
  if (collectionBound(collection).bounded) return 'light';
  // All at once, work that queues in a pool (a query per item) is bounded by the pool: one class less.
  if (pooled && order === 'concurrent') return LOWERED[perItemCost(collection, order)];
  const origin = collectionOrigin(collection);
  // One item at a time over a query's rows holds one connection, and the rows of one record's relations are few in
  // practice: the waiting adds up (io), it does not exhaust anything. All at once, each row takes a connection (heavy).
  if (origin === 'query' && order === 'sequential') return 'io';
  return OUTSIDE_SIZED.has(origin) ? 'heavy' : origin === 'param' ? 'io' : 'light';
}
