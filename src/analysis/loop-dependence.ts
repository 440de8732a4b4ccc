// Does one iteration of a loop use what an earlier one produced? A data-flow
// fixpoint over the loop body's statements (for await-in-loop): results carried
// to the next iteration, state kept across iterations, results merged into an
// outer object, and cursors the loop advances itself.
import type { Node } from '../syntax/ast.js';
import { lookup } from './scope.js';
import { APPEND_METHODS } from '../knowledge/loops.js';
import { directAwaits, flowOf, intersects, isLoop, loopExits, mergedInto, rootVar, type Flow, type VarKey } from './dataflow.js';
import { isFunctionNode, walkPaths, type NodePath } from '../syntax/walk.js';

/**
 * Why the iterations depend on each other (ids of await-in-loop's exemptions):
 * - `pagination`: a value from one response decides whether the loop goes on (a cursor, a has-more flag, a work queue);
 * - `accumulator`: a value from one iteration's await feeds the next await (`prev = await f(prev)`, a cursor passed on);
 * - `shared-state`: a variable the body both writes and reads (a dedupe map, a `seen` set);
 * - `merged-results`: results merged into an object that outlives the loop, where later ones win;
 * - `offset-pagination`: a page number, offset or date window the loop advances and passes to the call.
 */
export type IterationDependence = 'pagination' | 'accumulator' | 'shared-state' | 'merged-results' | 'offset-pagination';

/**
 * Does one iteration use what an earlier one produced? A variable declared
 * outside the body and written from an awaited value (directly or through other
 * statements) that the next await, the loop condition or the update reads.
 */
export function iterationDependence(loopPath: NodePath<any>, bodyPath: NodePath<any>, calls: NodePath[]): IterationDependence | null {
  const loop = loopPath.node;
  const steps = simpleStatements(bodyPath);
  const flows = steps.map((s) => ({ flow: flowOf(s), awaits: directAwaits(s).length > 0 }));
  const control: Flow = { reads: new Set(), writes: new Set(), values: new Set(), mutates: new Set() };
  for (const key of ['test', 'update'] as const) {
    if (!loop[key]) continue;
    const f = flowOf(loopPath.child(loop[key], key));
    for (const r of f.reads) control.reads.add(r);
    for (const w of f.writes) control.writes.add(w);
  }
  const callFlows = calls.map((c) => flowOf(c));
  const bodyFlows = flows.map((f) => f.flow);

  // 1. Results carried over: written from an awaited value (directly or through
  //    other statements) into a variable that outlives the iteration and is read
  //    by the next await, the condition or the update (cursors, accumulators, queues).
  const tainted = new Set<VarKey>();
  for (const f of flows) if (f.awaits) for (const w of f.flow.writes) tainted.add(w);
  propagate(bodyFlows, tainted);
  const carried = new Set<VarKey>([...tainted].filter((k) => outlivesLoop(k, loop)));
  if (carried.size > 0) {
    if (intersects(control.reads, carried)) return 'pagination';
    const reach = new Set<VarKey>(carried);
    propagate(bodyFlows, reach);
    if (callFlows.some((f) => intersects(f.reads, reach))) return 'accumulator';
  }

  // 2. State kept across iterations in a variable (a dedupe map, a cache, a `seen` set):
  //    written by one statement of the body and read by another, up to the last statement that awaits. State read
  //    only after every await (`content = inline(content, await read(a))` folded in afterwards) decides nothing the
  //    awaits do: they could all run first.
  //    A list only appended to (`results.push(r)` in two branches) keeps nothing an iteration reads.
  const lastAwait = flows.reduce((last, f, j) => (f.awaits ? j : last), -1);
  for (let i = 0; i < bodyFlows.length; i++) {
    for (const w of bodyFlows[i]!.writes) {
      if (!outlivesLoop(w, loop) || isCounter(w, bodyPath, loopPath)) continue;
      if (bodyFlows.some((f, j) => j !== i && j <= lastAwait && f.reads.has(w) && !onlyAppends(steps[j]!, w)) || control.reads.has(w)) return 'shared-state';
    }
  }

  // 3. Results merged into an object that outlives the loop (`Object.assign(translations, await load(lang))`,
  //    `config = { ...config, ...(await read(file)) }`): later iterations override earlier ones, so the order decides
  //    which values win.
  for (let i = 0; i < steps.length; i++) {
    const merged = mergedInto(steps[i]!).filter((k) => outlivesLoop(k, loop));
    if (merged.length === 0) continue;
    if (flows[i]!.awaits || intersects(bodyFlows[i]!.reads, tainted)) return 'merged-results';
  }

  // 4. Cursors advanced by the loop itself: a page number, offset or date window
  //    that decides when to stop and is passed to the awaited call by value
  //    (`skip: i`, `from: currentFrom`), not merely used as an index (`items[i]`).
  const advanced = new Set<VarKey>([...control.writes]);
  for (const f of bodyFlows) for (const w of f.writes) advanced.add(w);
  const cursors = new Set<VarKey>([...advanced].filter((k) => control.reads.has(k) && (outlivesLoop(k, loop) || declaredInHead(k, loop))));
  if (cursors.size > 0) {
    propagate(bodyFlows, cursors, true);
    if (callFlows.some((f) => intersects(f.values, cursors))) return 'offset-pagination';
  }
  return null;
}

/** Is a variable declared outside `loop` (or `var`, or not a local at all), so it outlives each iteration? */
export function outlivesLoop(key: VarKey, loop: Node): boolean {
  if (typeof key === 'string') return true;
  if (key.kind === 'var') return true;
  for (let p: NodePath | null = key.scopePath; p; p = p.parentPath) if (p.node === loop) return false;
  return true;
}

function declaredInHead(key: VarKey, loop: any): boolean {
  return typeof key !== 'string' && loop.type === 'ForStatement' && loop.init && key.declNode && loop.init.declarations?.includes(key.declNode);
}

/** Add to `set` what is computed from it, to a fixpoint (by value only, when asked). */
export function propagate(flows: Flow[], set: Set<VarKey>, byValue = false): void {
  for (let changed = true; changed;) {
    changed = false;
    for (const f of flows) {
      if (!intersects(byValue ? f.values : f.reads, set)) continue;
      for (const w of f.writes) {
        if (!set.has(w)) {
          set.add(w);
          changed = true;
        }
      }
    }
  }
}

/** The leaf statements of a body (descending into blocks, branches, try and nested loops, not functions). */
function simpleStatements(bodyPath: NodePath<any>): NodePath[] {
  const out: NodePath[] = [];
  const stack: NodePath<any>[] = [bodyPath];
  while (stack.length > 0) {
    const p = stack.pop()!;
    const n = p.node;
    if (isFunctionNode(n)) continue;
    switch (n.type) {
      case 'BlockStatement':
        for (let i = n.body.length - 1; i >= 0; i--) stack.push(p.child(n.body[i], 'body', i));
        break;
      case 'IfStatement':
        if (n.alternate) stack.push(p.child(n.alternate, 'alternate'));
        stack.push(p.child(n.consequent, 'consequent'));
        out.push(p.child(n.test, 'test'));
        break;
      case 'TryStatement':
        if (n.finalizer) stack.push(p.child(n.finalizer, 'finalizer'));
        if (n.handler) stack.push(p.child(n.handler, 'handler').child(n.handler.body, 'body'));
        stack.push(p.child(n.block, 'block'));
        break;
      case 'LabeledStatement':
        stack.push(p.child(n.body, 'body'));
        break;
      case 'SwitchStatement':
        out.push(p.child(n.discriminant, 'discriminant'));
        n.cases.forEach((c: Node, i: number) => {
          const cp = p.child(c, 'cases', i);
          (c as any).consequent.forEach((s: Node, j: number) => stack.push(cp.child(s, 'consequent', j)));
        });
        break;
      default:
        if (isLoop(n)) {
          // A nested loop: its header and body are part of this iteration.
          for (const key of ['init', 'test', 'update', 'left', 'right'] as const) if (n[key]) out.push(p.child(n[key], key));
          stack.push(p.child(n.body, 'body'));
        } else out.push(p);
    }
  }
  return out;
}

/** A counter: only ever changed by `++`, `--`, `+= n` or `-= n` (an index, not state). */
function isCounter(key: VarKey, bodyPath: NodePath<any>, loopPath: NodePath<any>): boolean {
  if (typeof key === 'string') return false;
  let counter = true;
  for (const root of [bodyPath, loopPath.node.update ? loopPath.child(loopPath.node.update, 'update') : null]) {
    if (!root) continue;
    walkPaths(root, (p) => {
      const n = p.node as any;
      if (n.type === 'UpdateExpression' && n.argument.type === 'Identifier' && lookup(p, n.argument.name) === key) return undefined;
      if (n.type === 'AssignmentExpression' && n.left.type === 'Identifier' && lookup(p, n.left.name) === key) {
        if (!(n.operator === '+=' || n.operator === '-=')) counter = false;
      }
      if (n.type === 'CallExpression' && n.callee.type === 'MemberExpression' && n.callee.object.type === 'Identifier' && lookup(p, n.callee.object.name) === key) {
        counter = false;
      }
      if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression') {
        const r = rootVar(n.left, p);
        if (r === key) counter = false;
      }
      return undefined;
    });
  }
  return counter;
}

/**
 * Can the loop stop because of what an awaited call found (a retry that returns on the first success, a search that
 * stops at the first match)? Then the order is the point. An exit whose own expression awaits, or that a condition over
 * awaited values guards, depends on the results; a fail-fast exit does not: input validation (`if (!isValid(id)) return`),
 * a limit on the loop's own counter, or giving up when a call fails or finds nothing (`catch (e) { throw wrap(e) }`,
 * `if (!row) throw new NotFound(id)`: a throw fails the whole call, which is what `Promise.all` does). An unconditional exit outside a catch (the loop body runs once) counts as depending.
 */
export function exitsOnAwaitedResult(loopPath: NodePath, bodyPath: NodePath): boolean {
  const exits = loopExits(loopPath, bodyPath);
  if (exits.length === 0) return false;
  const leaves = simpleStatements(bodyPath);
  const flows = leaves.map((s) => flowOf(s));
  const awaited = new Set<VarKey>();
  leaves.forEach((s, i) => {
    if (directAwaits(s).length > 0) for (const w of flows[i]!.writes) awaited.add(w);
  });
  propagate(flows, awaited);
  const readsAwaited = (cond: NodePath) => directAwaits(cond).length > 0 || intersects(flowOf(cond).reads, awaited);
  return exits.some((exit) => {
    if (directAwaits(exit).length > 0) return true;
    // Throwing ends the whole call, whatever it tested (`if (!row) throw new NotFound(id)`): `Promise.all` fails the same way.
    if (exit.node.type === 'ThrowStatement') return false;
    let guarded = false;
    let inCatch = false;
    for (let child = exit, p = exit.parentPath; p && child !== bodyPath; child = p, p = p.parentPath) {
      const n = p.node as any;
      if (n.type === 'IfStatement' && child.key !== 'test') {
        guarded = true;
        if (readsAwaited(p.child(n.test, 'test'))) return true;
      } else if (n.type === 'SwitchCase' && p.parentPath) {
        guarded = true;
        const sw = p.parentPath.node as any;
        if (readsAwaited(p.parentPath.child(sw.discriminant, 'discriminant'))) return true;
        if (n.test && readsAwaited(p.child(n.test, 'test'))) return true;
      } else if (isLoop(n) && child.key === 'body') {
        guarded = true;
        for (const key of ['test', 'right'] as const) if (n[key] && readsAwaited(p.child(n[key], key))) return true;
      } else if (n.type === 'CatchClause') {
        inCatch = true;
      }
    }
    return !guarded && !inCatch;
  });
}

/**
 * Does every await of the body sit in a block that then leaves the loop (`if (match) { send(await read(f)); return; }`)?
 * At most one iteration waits, so there is nothing to overlap.
 */
export function awaitsThenExit(loopPath: NodePath, bodyPath: NodePath): boolean {
  const exits = new Set(loopExits(loopPath, bodyPath).map((e) => e.node));
  const awaits = directAwaits(bodyPath);
  if (exits.size === 0 || awaits.length === 0) return false;
  return awaits.every((a) => {
    for (let child = a, p = a.parentPath; p && child !== bodyPath; child = p, p = p.parentPath) {
      if (isLoop(p.node)) return false; // a loop inside the body may wait more than once
      if (p.node.type === 'BlockStatement' && child.key === 'body' && child.index !== null) {
        if ((p.node as any).body.slice(child.index + 1).some((s: any) => exits.has(s))) return true;
      }
    }
    return false;
  });
}

/** Does the statement use `key` only to append to it (`out.push(x)`, `ids.add(id)`), reading nothing it holds? */
function onlyAppends(stmt: NodePath, key: VarKey): boolean {
  if (typeof key === 'string') return false;
  let only = true;
  walkPaths(stmt, (p) => {
    const n = p.node as any;
    if (!only || n.type !== 'Identifier' || lookup(p, n.name) !== key) return undefined;
    if (p.key !== 'object') return void (only = false);
    const member = p.parentPath!.node as any;
    const call = p.parentPath!.parentPath?.node as any;
    const name = member.computed ? null : member.property?.name;
    if (!APPEND_METHODS.has(name) || call?.type !== 'CallExpression' || call.callee !== member) only = false;
    return undefined;
  });
  return only;
}
