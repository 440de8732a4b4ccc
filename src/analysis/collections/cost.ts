// What work repeated once per item of a collection costs, as a cost class (knowledge/impact.ts): bounded by the
// program (a literal, a slice, a chunk…) is light; sized by the outside world (request input, a directory listing,
// a query result) is heavy, since it grows with data nobody here controls; anything else (a parameter, unknown) is
// judged as a fixed amount of I/O.
import type { CostClass } from '../../knowledge/impact.js';
import type { NodePath } from '../../syntax/walk.js';
import { collectionBound } from './bound.js';
import { collectionOrigin, type Origin } from './origin.js';

const OUTSIDE_SIZED: ReadonlySet<Origin> = new Set(['input', 'listing', 'query']);

export function perItemCost(collection: NodePath): CostClass {
  if (collectionBound(collection).bounded) return 'light';
  return OUTSIDE_SIZED.has(collectionOrigin(collection)) ? 'heavy' : 'io';
}
