// Does a callback run its work through a concurrency limiter, and does the limiter
// limit anything (`pLimit(Infinity)` does not)?
import { LIMITER_FACTORIES, LIMITER_METHODS, LIMITER_RECEIVER } from '../../knowledge/limiters.js';
import { isCall, memberPropertyName, refKey, resolveExpression, unwrapExpression } from '../resolve.js';
import { lookup, propertyKeyName, type Binding } from '../scope.js';
import { walkPaths, type NodePath } from '../../syntax/walk.js';
import { lastName } from './names.js';

export type LimitVerdict = { limited: true; by: string } | { limited: false; note: string } | null;

/**
 * Does the callback run its work through a concurrency limiter?
 * `(x) => limit(() => f(x))`, `(x) => queue.add(() => f(x))`,
 * `async (x) => { await sem.acquire(); … }`. `pLimit(Infinity)` and a `PQueue`
 * without `concurrency` limit nothing.
 */
export function limiterIn(callbackPath: NodePath): LimitVerdict {
  let verdict: LimitVerdict = null;
  const consider = (v: LimitVerdict) => {
    if (v && (!verdict || v.limited)) verdict = v;
  };
  walkPaths(callbackPath, (p) => {
    if (verdict?.limited) return false;
    const n = p.node as any;
    if (!isCall(n)) return undefined;
    const callee = unwrapExpression(n.callee);
    if (callee.type === 'Identifier') {
      // limit(() => …) where limit = pLimit(n)
      consider(fromBinding(lookup(p, callee.name)));
      return undefined;
    }
    if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return undefined;
    const method = memberPropertyName(callee);
    if (!method) return undefined;
    const recv = unwrapExpression(callee.object);
    const recvName = lastName(recv);
    if (LIMITER_METHODS.has(method)) {
      // queue.add(() => …), sem.acquire(), mutex.runExclusive(…)
      const made = recv.type === 'Identifier' ? fromBinding(lookup(p, recv.name)) : null;
      if (made) consider(made);
      else if (recvName && LIMITER_RECEIVER.test(recvName) && method !== 'push') consider({ limited: true, by: `\`${recvName}.${method}\`` });
    } else if (recv.type === 'ThisExpression' && LIMITER_RECEIVER.test(method)) {
      // this.limit(() => …): a limiter kept on the instance
      consider({ limited: true, by: `\`this.${method}\`` });
    }
    return undefined;
  });
  return verdict;
}

function fromBinding(b: Binding | null): LimitVerdict {
  if (!b) return null;
  const lc = limiterConcurrency(b);
  if (!lc) return null;
  return lc.finite ? { limited: true, by: lc.label } : { limited: false, note: `${lc.label} with unlimited concurrency` };
}

/**
 * For a limiter value (`const limit = pLimit(Infinity)`): find its construction
 * and tell whether its concurrency is finite.
 */
export function limiterConcurrency(binding: Binding): { label: string; finite: boolean } | null {
  const init = binding.init && unwrapExpression(binding.init as any);
  if (!init || (init.type !== 'CallExpression' && init.type !== 'NewExpression')) return null;
  const calleeRef = resolveExpression(init.callee, binding.scopePath);
  if (!calleeRef) return null;
  const key = init.type === 'NewExpression' ? `new ${refKey(calleeRef)}()` : refKey(calleeRef);
  const factory = LIMITER_FACTORIES.get(key);
  if (!factory) return null;
  const first = init.arguments[0] && unwrapExpression(init.arguments[0]);
  if (factory.concurrency === 'first-arg') {
    if (!first) return { label: factory.label, finite: factory.label !== 'p-limit' };
    if (first.type === 'ObjectExpression') return { label: factory.label, finite: optionIsFinite(first, 'concurrency') };
    return { label: factory.label, finite: !isInfinity(first) };
  }
  const optsArg = key.endsWith('#limitFunction') ? init.arguments[1] : init.arguments[0];
  const opts = optsArg && unwrapExpression(optsArg);
  if (!opts) return { label: factory.label, finite: false };
  // Options built elsewhere cannot be seen: assume they set a limit.
  if (opts.type !== 'ObjectExpression') return { label: factory.label, finite: true };
  return { label: factory.label, finite: (factory.options ?? ['concurrency']).some((o) => optionIsFinite(opts, o)) };
}

export function isInfinity(node: any): boolean {
  node = unwrapExpression(node);
  return (
    (node.type === 'Identifier' && node.name === 'Infinity') ||
    (node.type === 'MemberExpression' && memberPropertyName(node) === 'POSITIVE_INFINITY') ||
    (node.type === 'MemberExpression' && memberPropertyName(node) === 'MAX_SAFE_INTEGER')
  );
}

/** Does the object literal set `option` to something other than Infinity? (A spread may set it: assume yes.) */
export function optionIsFinite(obj: any, option: string): boolean {
  let finite = false;
  for (const p of obj.properties) {
    if (p.type === 'SpreadElement') finite = true;
    else if (p.type === 'ObjectProperty' && propertyKeyName(p) === option) finite = !isInfinity(p.value);
  }
  return finite;
}
