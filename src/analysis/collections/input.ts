// Request input: paths into a request (`req.body.ids`), and parameters that hold
// it (`@Body() dto`, a tRPC resolver's `input`).
import { INPUT_DECORATORS, INPUT_ROOTS, INPUT_SEGMENTS, RESOLVER_METHODS } from '../../knowledge/limiters.js';
import { resolverField } from '../execution-context/graphql.js';
import { isCall, memberPropertyName, unwrapExpression } from '../resolve.js';
import type { Binding } from '../scope.js';
import { isMember, lastName } from './names.js';

/** `req.body.ids`, `ctx.request.body`, `event.Records`: a path into request input. */
export function isInputPath(segs: string[]): boolean {
  return INPUT_ROOTS.has(segs[0] ?? '') && segs.slice(1).some((s) => INPUT_SEGMENTS.has(s));
}

/**
 * A parameter that holds request input: `@Body() dto` (NestJS), a GraphQL resolver's `args`, or the `input`
 * of a tRPC procedure (`.input(schema).mutation(({ input }) => …)`, `opts.input`).
 */
export function isInputParam(b: Binding, firstProp: string | null): boolean {
  if (b.kind !== 'param') return false;
  const fn = b.declNode as any;
  const id = b.id as any;
  const param = (fn.params ?? []).find((p: any) => p.start <= id.start && id.end <= p.end);
  if (!param) return false;
  const decorators = param.decorators ?? (param.type === 'TSParameterProperty' ? param.parameter?.decorators : null) ?? [];
  for (const d of decorators) {
    const expr = unwrapExpression(d.expression);
    const name = lastName(isCall(expr) ? expr.callee : expr);
    if (name && INPUT_DECORATORS.has(name)) return true;
  }
  // A GraphQL field resolver's second parameter: the query's arguments (`users(parent, { ids })`).
  if (fn.params[1] === param && resolverField(b.scopePath)) return true;
  const step = b.steps[0];
  const inputProp = step && 'prop' in step ? step.prop : b.steps.length === 0 ? firstProp : null;
  if (inputProp !== 'input' || fn.params[0] !== param) return false;
  // The function is the resolver of a procedure chain that declares `.input(…)`.
  const fnPath = b.scopePath;
  const call = fnPath.parentPath?.node as any;
  if (!call || !isCall(call) || fnPath.key !== 'arguments' || !isMember(call.callee) || !RESOLVER_METHODS.has(memberPropertyName(call.callee) ?? '')) return false;
  for (let n = unwrapExpression(call.callee.object), i = 0; n && i < 16; i++) {
    if (isCall(n) && isMember(n.callee)) {
      if (memberPropertyName(n.callee) === 'input') return true;
      n = unwrapExpression(n.callee.object);
    } else if (isMember(n)) n = unwrapExpression(n.object);
    else return false;
  }
  return false;
}
