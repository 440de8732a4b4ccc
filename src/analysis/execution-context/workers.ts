// Worker threads: a module that runs on a worker (it uses `parentPort` or
// `workerData` and never checks `isMainThread`), the worker branch of
// `if (isMainThread) … else …`, and `workerpool.worker(…)` functions.
import type { Node } from '../../syntax/ast.js';
import type { NodePath } from '../../syntax/walk.js';
import { isCall, normalizeModule, refKey, resolveExpression, staticString, unwrapExpression, type Ref } from '../resolve.js';
import { propertyKeyName } from '../scope.js';
import type { ArgumentSignal, ExecutionContext, FrameSignal, NodeOf, OptionSignal } from './types.js';

const WORKER_THREAD = 'on a worker thread';

export function onWorkerThread(): ExecutionContext {
  return { kind: 'worker', description: WORKER_THREAD };
}

/** The file runs on a worker thread, or the function is in the worker branch of an `isMainThread` test. */
export const workerThread: FrameSignal = (fnPath, frames) => (frames.isWorkerFile() || insideWorkerBranch(fnPath) ? onWorkerThread() : null);

/** `workerpool.worker(fn)`. */
export const workerpoolWorker: ArgumentSignal = (site) => (!site.isNew && site.key === 'workerpool#worker' ? site.use('worker', WORKER_THREAD) : null);

/** `workerpool.worker({ resize(…) {…} })`. */
export const workerpoolOption: OptionSignal = (site) =>
  site.key === 'workerpool#worker' ? { effect: 'worker', description: WORKER_THREAD, callPath: site.callPath } : null;

/** A module that runs on a worker thread: it uses `parentPort`/`workerData` and never checks `isMainThread`. */
export function isWorkerModule(programPath: NodePath): boolean {
  let usesPort = false;
  let checksMain = false;
  for (const stmt of (programPath.node as NodeOf<'Program'>).body) {
    const names = workerThreadsNames(stmt);
    if (names.has('parentPort') || names.has('workerData')) usesPort = true;
    if (names.has('isMainThread')) checksMain = true;
    if (stmt.type === 'ExpressionStatement') {
      const e = unwrapExpression(stmt.expression);
      if (isCall(e)) {
        const ref = resolveExpression(e.callee, programPath);
        if (ref && ref.kind === 'module' && (refKey(ref) === 'workerpool#worker' || refKey(ref) === 'threads/worker#expose')) usesPort = true;
      }
    }
  }
  return usesPort && !checksMain;
}

/** Names a top-level statement takes from `worker_threads` (import or require). */
function workerThreadsNames(stmt: Node): Set<string> {
  const names = new Set<string>();
  if (stmt.type === 'ImportDeclaration' && normalizeModule(stmt.source.value) === 'worker_threads') {
    for (const s of stmt.specifiers) if (s.type === 'ImportSpecifier') names.add(s.imported.type === 'Identifier' ? s.imported.name : s.imported.value);
  }
  if (stmt.type === 'VariableDeclaration') {
    for (const d of stmt.declarations) {
      const init = d.init && unwrapExpression(d.init);
      const isReq =
        init &&
        isCall(init) &&
        init.callee.type === 'Identifier' &&
        init.callee.name === 'require' &&
        normalizeModule(staticString(init.arguments[0]) ?? '') === 'worker_threads';
      if (isReq && d.id.type === 'ObjectPattern') {
        for (const p of d.id.properties) {
          const k = p.type === 'ObjectProperty' ? propertyKeyName(p) : null;
          if (k) names.add(k);
        }
      }
    }
  }
  return names;
}

/** `if (isMainThread) {…} else {…}`: is `childKey` the branch that runs on a worker? */
export function workerBranch(ifPath: NodePath, childKey: string | null): boolean {
  if (childKey !== 'consequent' && childKey !== 'alternate') return false;
  let test = unwrapExpression((ifPath.node as NodeOf<'IfStatement'>).test);
  let negated = false;
  while (test.type === 'UnaryExpression' && test.operator === '!') {
    negated = !negated;
    test = unwrapExpression(test.argument);
  }
  const ref: Ref | null = resolveExpression(test, ifPath);
  if (!ref || ref.kind !== 'module' || refKey(ref) !== 'worker_threads#isMainThread') return false;
  return negated ? childKey === 'consequent' : childKey === 'alternate';
}

function insideWorkerBranch(path: NodePath): boolean {
  let child = path;
  for (let p = path.parentPath; p; child = p, p = p.parentPath) {
    if (p.node.type === 'IfStatement' && workerBranch(p, child.key)) return true;
  }
  return false;
}
