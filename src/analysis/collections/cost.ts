// What work repeated once per item of a collection costs, as a cost class (knowledge/impact.ts): sized by the outside
// world (request input, a directory listing, a query result) is heavy, since it grows with data nobody here controls;
// ids a caller passes in are judged as a fixed amount of I/O (the caller decides how many); a collection bounded by
// the program (a literal, a slice, a chunk…) or of no known origin (a field, a setting, a helper's return value) is
// light: such lists are small in practice (environments, configured recipients, the values of an enum).
import { LOWERED, type CostClass } from '../../knowledge/impact.js';
import type { Node } from '../../syntax/ast.js';
import type { NodePath } from '../../syntax/walk.js';
import { unwrapExpression } from '../resolve.js';
import { lookup, paramPosition } from '../scope.js';
import { collectionBound } from './bound.js';
import { collectionOrigin, type Origin } from './origin.js';

const OUTSIDE_SIZED: ReadonlySet<Origin> = new Set(['input', 'listing', 'query']);

export function perItemCost(collection: NodePath, order: Order = 'concurrent', pooled = false): CostClass {
  if (collectionBound(collection).bounded) return 'light';
  return costOfOrigin(collectionOrigin(collection), order, pooled);
}

export type Order = 'concurrent' | 'sequential';

/** The cost class per item of a collection of this origin, started all at once or one at a time, with work a pool bounds or not. */
export function costOfOrigin(origin: Origin, order: Order, pooled: boolean): CostClass {
  // All at once, work that queues in a pool (a query per item) is bounded by the pool: one class less.
  if (pooled && order === 'concurrent') return LOWERED[costOfOrigin(origin, order, false)];
  // One item at a time over a query's rows holds one connection, and the rows of one record's relations are few in
  // practice: the waiting adds up (io), it does not exhaust anything. All at once, each row takes a connection (heavy).
  if (origin === 'query' && order === 'sequential') return 'io';
  return OUTSIDE_SIZED.has(origin) ? 'heavy' : origin === 'param' ? 'io' : 'light';
}

/**
 * For a collection that is a parameter of its function (`for (const id of ids)` in `loadAll(ids)`): which one, so that
 * the project phase can size it by what the callers pass (`CallGraph.paramOrigin`). Null for anything else.
 */
export function paramCollection(collection: NodePath): { fn: Node; index: number } | null {
  const n = unwrapExpression(collection.node as any);
  if (n?.type !== 'Identifier' || collectionBound(collection).bounded) return null;
  const b = lookup(collection, n.name);
  if (!b || b.kind !== 'param' || b.steps.length > 0) return null;
  const index = paramPosition(b);
  return index >= 0 ? { fn: b.declNode, index } : null;
}

/**
 * The report's cost for work per item of `collection` (`ReportExtra.cost`), and when the collection is a parameter, the
 * parameter the project phase sizes by its callers instead (`ReportExtra.costFrom`).
 */
export function perItemSizing(collection: NodePath, order: Order = 'concurrent', pooled = false) {
  const param = paramCollection(collection);
  return { cost: perItemCost(collection, order, pooled), ...(param ? { costFrom: { ...param, order, pooled } } : {}) };
}
