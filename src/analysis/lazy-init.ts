// One-time lazy initialisation: code that runs only the first time, guarded
// by a variable that outlives the call and is set by the guarded code.
//   if (!template) template = fs.readFileSync(…)
//   cache ??= JSON.parse(fs.readFileSync(…))
//   if (cached) return cached; cached = fs.readFileSync(…)
import { rootVar, type VarKey } from './dataflow.js';
import { unwrapExpression } from './resolve.js';
import { isFunctionNode, walkPaths, type NodePath } from '../syntax/walk.js';

/** The variable an "is it initialised yet?" test looks at: `!x`, `x == null`, `x === undefined`, `!this.x`, `!cache.has(k)`. */
function guardedVar(test: any, at: NodePath, negated: boolean): VarKey | null {
  const t = unwrapExpression(test);
  if (t.type === 'UnaryExpression' && t.operator === '!') return guardedVar(t.argument, at, !negated);
  if (t.type === 'BinaryExpression' && ['==', '===', '!=', '!=='].includes(t.operator)) {
    const other =
      t.right.type === 'NullLiteral' || (t.right.type === 'Identifier' && t.right.name === 'undefined') ? t.left : t.left.type === 'NullLiteral' ? t.right : null;
    if (!other) return null;
    const eq = t.operator === '==' || t.operator === '===';
    return eq !== negated ? rootVar(other, at) : null;
  }
  if (t.type === 'CallExpression' && t.callee.type === 'MemberExpression' && !t.callee.computed && t.callee.property.name === 'has') {
    return negated ? rootVar(t.callee.object, at) : null;
  }
  if (t.type === 'Identifier' || t.type === 'MemberExpression') return negated ? rootVar(t, at) : null;
  return null;
}

/** Does the subtree assign (or fill) `v`? */
function assigns(path: NodePath, v: VarKey): boolean {
  let found = false;
  walkPaths(path, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (n.type === 'AssignmentExpression' && rootVar(n.left, p) === v) found = true;
    if (
      n.type === 'CallExpression' &&
      n.callee.type === 'MemberExpression' &&
      !n.callee.computed &&
      n.callee.property.name === 'set' &&
      rootVar(n.callee.object, p) === v
    )
      found = true;
    return undefined;
  });
  return found;
}

/** Variables that live longer than one call of the function: module level, `this` state, closures. */
function outlivesCall(v: VarKey, fn: NodePath): boolean {
  if (typeof v === 'string') return v.startsWith('this');
  for (let p: NodePath | null = v.scopePath; p; p = p.parentPath) if (p === fn || p.node === fn.node) return false;
  return true;
}

/**
 * Is `path` only reached the first time around, by a lazy-initialisation guard?
 * Inline callbacks whose result feeds the guarded assignment count too:
 * `signer = await pick(kind).with('hsm', async () => await createSigner()).run()`
 * after `if (signer) return signer`. Callbacks that can run again later (timers,
 * listeners) do not: their result never feeds an awaited value or a promise.
 */
export function isLazyInit(path: NodePath): boolean {
  let child = path;
  let viaCallback = false;
  let assigned: VarKey | null = null;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    const n = p.node as any;
    if (isFunctionNode(n)) {
      if (earlyReturnGuard(path, p, viaCallback ? assigned : undefined)) return true;
      if (isInlineCallback(p)) {
        viaCallback = true;
        continue;
      }
      return false;
    }
    if (n.type === 'AssignmentExpression' && child.key === 'right') {
      if (viaCallback && !feedsValue(n.right)) return false;
      const v = rootVar(n.left, p);
      // x ??= …, x ||= …
      if ((n.operator === '??=' || n.operator === '||=') && v && outlivesCall(v, enclosingFunction(p) ?? p)) return true;
      if (n.operator === '=' && v) assigned = v;
    }
    // if (!x) { x = … }
    if (n.type === 'IfStatement' && child.key === 'consequent') {
      const v = guardedVar(n.test, p, false);
      const fn = enclosingFunction(p);
      if (v && fn && outlivesCall(v, fn) && (viaCallback ? assigned === v : assigns(child, v))) return true;
    }
  }
  return false;
}

/** A function written inline as an argument: `.with('x', async () => …)`, `new Promise((resolve) => …)`. */
function isInlineCallback(fn: NodePath): boolean {
  const parent = fn.parentPath?.node as any;
  return !!parent && (parent.type === 'CallExpression' || parent.type === 'OptionalCallExpression' || parent.type === 'NewExpression') && fn.key === 'arguments';
}

/** The assigned value is computed once from the callback: an awaited result, or a promise. */
function feedsValue(right: any): boolean {
  const r = unwrapExpression(right);
  if (r.type === 'AwaitExpression') return true;
  return r.type === 'NewExpression' && r.callee.type === 'Identifier' && r.callee.name === 'Promise';
}

function enclosingFunction(path: NodePath): NodePath | null {
  return path.findAncestor((p) => isFunctionNode(p.node));
}

/** `if (cached) return cached; … cached = <here>` at the top of the function. */
function earlyReturnGuard(path: NodePath, fn: NodePath, only?: VarKey | null): boolean {
  if (only === null) return false;
  const body = (fn.node as any).body;
  if (body?.type !== 'BlockStatement') return false;
  const line = path.node.loc?.start.line ?? 0;
  const bodyPath = fn.child(body, 'body');
  for (const [i, stmt] of body.body.entries()) {
    if ((stmt.loc?.start.line ?? 0) >= line) break;
    if (stmt.type !== 'IfStatement') continue;
    const cons = stmt.consequent.type === 'BlockStatement' && stmt.consequent.body.length === 1 ? stmt.consequent.body[0] : stmt.consequent;
    if (cons.type !== 'ReturnStatement') continue;
    const sp = bodyPath.child(stmt, 'body', i);
    const v = guardedVar(stmt.test, sp, true);
    if (v && (only === undefined || v === only) && outlivesCall(v, fn) && assigns(bodyPath, v)) return true;
  }
  return false;
}

/**
 * Does the function return a memoised value: every call and await in it runs only the first time, behind a
 * lazy-initialisation guard (`if (client) return client; client = await connect(); return client;`)? After the
 * first call, awaiting it is not a round trip.
 */
export function returnsMemoised(fnPath: NodePath): boolean {
  const body = (fnPath.node as any).body;
  if (body?.type !== 'BlockStatement') return false;
  // Cheap first: a memoising body has a guard at its top (`if (x) return x`, `if (!x) …`, `x ??= …`); most functions have none.
  const fills = (e: any) => e?.type === 'AssignmentExpression' && (e.operator === '??=' || e.operator === '||=');
  const guarded = body.body.some(
    (st: any) => st.type === 'IfStatement' || (st.type === 'ExpressionStatement' && fills(st.expression)) || (st.type === 'ReturnStatement' && fills(st.argument)),
  );
  if (!guarded) return false;
  let work = 0;
  let eager = false;
  walkPaths(fnPath.child(body, 'body'), (p) => {
    if (eager) return false;
    const t = p.node.type;
    if (t === 'CallExpression' || t === 'OptionalCallExpression' || t === 'NewExpression' || t === 'AwaitExpression') {
      work++;
      if (!isLazyInit(p)) eager = true;
    }
    return undefined;
  });
  return work > 0 && !eager;
}
