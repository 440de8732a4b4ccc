// Where code runs, by deployment: regions of a file that run only outside production. Inside the branch of a
// development test (`if (process.env.NODE_ENV !== 'production') { … }`, `if (isDev) { … }`), in the `else` of a
// production test, and after an early exit on production (`if (IS_PRODUCTION) return;` makes the rest of the block
// development-only).
import type { Node } from '../syntax/ast.js';
import { walkPaths, type NodePath } from '../syntax/walk.js';
import { DEVELOPMENT_FLAGS, DEVELOPMENT_VALUES, ENVIRONMENT_VARIABLES, PRODUCTION_FLAGS, PRODUCTION_VALUES } from '../knowledge/environments.js';
import { memberPropertyName, staticString, unwrapExpression } from './resolve.js';

type Deployment = 'production' | 'development';

/** Source ranges (`start`/`end` offsets) of the file's development-only code. */
export function developmentOnlyRanges(programPath: NodePath): { start: number; end: number }[] {
  const out: { start: number; end: number }[] = [];
  walkPaths(programPath, (p) => {
    const n = p.node as any;
    if (n.type !== 'IfStatement') return undefined;
    const when = deploymentTest(n.test);
    if (when === 'development') out.push({ start: n.consequent.start, end: n.consequent.end });
    if (when === 'production' && n.alternate) out.push({ start: n.alternate.start, end: n.alternate.end });
    // `if (IS_PRODUCTION) return;`: the rest of the enclosing block runs only outside production.
    const block = p.parentPath?.node as any;
    if (when === 'production' && !n.alternate && alwaysExits(n.consequent) && block && (block.type === 'BlockStatement' || block.type === 'Program')) {
      out.push({ start: n.end, end: block.type === 'Program' ? block.end : block.end - 1 });
    }
    return undefined;
  });
  return out;
}

/** Is `node` inside one of `ranges`? */
export function inRanges(node: Node, ranges: readonly { start: number; end: number }[]): boolean {
  return ranges.some((r) => r.start <= node.start! && node.end! <= r.end);
}

/** When does the test hold: only in production, only outside it, or either (null)? */
function deploymentTest(test: any): Deployment | null {
  const t = unwrapExpression(test);
  if (t.type === 'UnaryExpression' && t.operator === '!') return flip(deploymentTest(t.argument));
  // `IS_PRODUCTION || IS_CLOUD` holds in every production run; `isDev && verbose` only outside production.
  if (t.type === 'LogicalExpression' && (t.operator === '||' || t.operator === '&&')) {
    const sides = [deploymentTest(t.left), deploymentTest(t.right)];
    const [some, every] = t.operator === '||' ? ['production', 'development'] : ['development', 'production'];
    if (sides.includes(some as Deployment)) return some as Deployment;
    return sides.every((s) => s === every) ? (every as Deployment) : null;
  }
  const flag = t.type === 'Identifier' ? t.name : t.type === 'MemberExpression' ? memberPropertyName(t) : null;
  if (flag && PRODUCTION_FLAGS.has(flag)) return 'production';
  if (flag && DEVELOPMENT_FLAGS.has(flag)) return 'development';
  if (t.type !== 'BinaryExpression' || !['===', '==', '!==', '!='].includes(t.operator)) return null;
  const value = isEnvironmentRead(t.left) ? staticString(t.right) : isEnvironmentRead(t.right) ? staticString(t.left) : null;
  if (value === null) return null;
  const is: Deployment | null = PRODUCTION_VALUES.has(value) ? 'production' : DEVELOPMENT_VALUES.has(value) ? 'development' : null;
  // `NODE_ENV !== 'development'` includes staging: only `!== 'production'` says "outside production".
  if (t.operator === '===' || t.operator === '==') return is;
  return is === 'production' ? 'development' : null;
}

function flip(d: Deployment | null): Deployment | null {
  return d === 'production' ? 'development' : d === 'development' ? 'production' : null;
}

/** `process.env.NODE_ENV`, `process.env['APP_ENV']`, `env.NODE_ENV`, a bare `NODE_ENV` constant. */
function isEnvironmentRead(node: any): boolean {
  const n = unwrapExpression(node);
  if (n.type === 'Identifier') return ENVIRONMENT_VARIABLES.has(n.name);
  if (n.type !== 'MemberExpression') return false;
  const name = memberPropertyName(n);
  return name !== null && ENVIRONMENT_VARIABLES.has(name);
}

/** Does the statement always leave the block (`return`, `throw`, or a block ending in one)? */
function alwaysExits(stmt: any): boolean {
  if (stmt.type === 'ReturnStatement' || stmt.type === 'ThrowStatement') return true;
  if (stmt.type === 'BlockStatement' && stmt.body.length > 0) return alwaysExits(stmt.body[stmt.body.length - 1]);
  return false;
}

/** Per `if` statement: when its test holds. Per block: where its development-only tail starts (after `if (prod) return`). */
const tests = new WeakMap<Node, Deployment | null>();
const tails = new WeakMap<Node, number>();

/**
 * Does the code at `path` run only outside production? The same regions as developmentOnlyRanges, from the node's
 * ancestors (for one node at a time, without walking the file).
 */
export function isDevelopmentOnly(path: NodePath): boolean {
  for (let child = path, p = path.parentPath; p; child = p, p = p.parentPath) {
    const n = p.node as any;
    if (n.type === 'IfStatement' && child.key !== 'test') {
      let when = tests.get(n);
      if (when === undefined) tests.set(n, (when = deploymentTest(n.test)));
      if (when === 'development' && child.key === 'consequent') return true;
      if (when === 'production' && child.key === 'alternate') return true;
    } else if (n.type === 'BlockStatement' || n.type === 'Program') {
      let tail = tails.get(n);
      if (tail === undefined) tails.set(n, (tail = developmentTail(n)));
      if (child.node.start! >= tail) return true;
    }
  }
  return false;
}

/** Where a block's code after an early exit in production starts (Infinity when there is none). */
function developmentTail(block: any): number {
  for (const stmt of block.body) {
    if (stmt.type === 'IfStatement' && !stmt.alternate && alwaysExits(stmt.consequent) && deploymentTest(stmt.test) === 'production') return stmt.end;
  }
  return Infinity;
}
