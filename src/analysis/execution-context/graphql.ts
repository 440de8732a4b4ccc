// GraphQL resolver maps (Apollo Server, GraphQL Yoga, graphql-tools, Mercurius):
//   { Query: { users: async () => … }, Mutation: { … }, User: { posts(user) { … } } }
// Every field resolver of such a map runs while a client waits on its query.
import { GRAPHQL_ROOT_TYPES } from '../../knowledge/frameworks.js';
import type { NodePath } from '../../syntax/walk.js';
import { propertyKeyName } from '../scope.js';
import { isTransparent, outermostWrapper } from './names.js';
import type { FrameSignal } from './types.js';

/**
 * A field resolver: a function that is a field of a type's object in a resolver map: the map is an object literal with a root operation
 * type (`Query`, `Mutation`, `Subscription`) holding an object literal. A type's object beside a root one (`User`,
 * `SystemQuery`) holds field resolvers too: they run once per parent object of a query's result.
 */
export const graphqlResolver: FrameSignal = (fnPath) => {
  const found = resolverField(fnPath);
  return found ? { kind: 'hot', description: `inside the GraphQL resolver \`${found.type}.${found.field}\``, serves: 'request' } : null;
};

/** The type and field a function resolves in a resolver map, or null when it is not a field resolver. */
export function resolverField(fnPath: NodePath): { type: string; field: string } | null {
  const fn = fnPath.node;
  const value = outermostWrapper(fnPath);
  const prop = fn.type === 'ObjectMethod' ? fnPath : value.parentPath;
  if (!prop || (prop.node.type !== 'ObjectMethod' && (prop.node.type !== 'ObjectProperty' || prop.node.value !== value.node))) return null;
  const field = propertyKeyName(prop.node);
  const typeProp = prop.parentPath && outerProperty(prop.parentPath);
  const map = typeProp?.parentPath;
  if (!field || !typeProp || !map || map.node.type !== 'ObjectExpression') return null;
  const type = propertyKeyName(typeProp.node);
  return type && isResolverMap(map.node) ? { type, field } : null;
}

/** The property whose value is this object literal (through TypeScript wrappers), or null. */
function outerProperty(objectPath: NodePath): NodePath | null {
  let vp = objectPath;
  while (vp.parentPath && isTransparent(vp.parentPath.node)) vp = vp.parentPath;
  const parent = vp.parentPath;
  return parent && parent.node.type === 'ObjectProperty' && vp.key === 'value' ? parent : null;
}

/** An object literal with a root operation type whose value is an object literal of fields. */
function isResolverMap(map: any): boolean {
  return map.properties.some((p: any) => {
    if (p.type !== 'ObjectProperty' || !GRAPHQL_ROOT_TYPES.has(propertyKeyName(p) ?? '')) return false;
    let v = p.value;
    while (isTransparent(v)) v = v.expression;
    return v.type === 'ObjectExpression';
  });
}
