// Which awaits in a row could have started together: the steps of a run of
// awaits in one block, what each reads and writes, and why a later await has
// to wait for an earlier one (for sequential-awaits).
import { firstWord, GUARD_VERBS } from '../knowledge/call-verbs.js';
import type { Node } from '../syntax/ast.js';
import { isFunctionNode, someNode, walkPaths, type NodePath } from '../syntax/walk.js';
import { awaitedCall, callShape, sharedStateArgs, thisStateTouchedBy, type CallShape } from './call-shape.js';
import { directAwaits, flowOf, hasJump, intersects, isReferenceIdentifier, mutableArguments, type VarKey } from './dataflow.js';
import { lookup } from './scope.js';
import { TYPE_WRAPPERS } from './resolve.js';

/** One statement of a run: an awaited call, alone or assigned (`const user = await db.find(id)`). */
export interface AwaitStep {
  stmt: NodePath;
  await: NodePath;
  call: CallShape;
  /** `const user`, `[a, b]`… for the Promise.all fix; null for a bare `await f()`. */
  target: string | null;
  /** The target when it is one plain name (`user`), else null. */
  targetName: string | null;
  declKind: 'const' | 'let' | 'var' | 'assign' | 'expr';
  /**
   * What the statement does with the awaited value before it lands in the target, as code on `r` (`r.data`,
   * `r ?? []`), for the Promise.all fix (`f().then((r) => r.data)`); type assertions do nothing at run time.
   */
  project?: string;
  /** Awaited only when a condition holds (`x = user ? await load(user.id) : null`): the condition and the other value, as code. */
  when?: { test: string; otherwise: string };
  reads: Set<VarKey>;
  writes: Set<VarKey>;
}

/** A plain statement between the awaits of a run. */
export interface Between {
  reads: Set<VarKey>;
  writes: Set<VarKey>;
  /** A check that throws to stop what follows (`validateOwner(doc, user)`). */
  guard?: boolean;
}

/**
 * Why a later await waits for an earlier one: `data` (it reads what the earlier
 * one wrote or could change: the pattern's own condition), or an ordering the
 * code shows (a guard between them, one receiver, one object or one
 * request/transaction/session given to both).
 */
export type Dependence = 'data' | 'guard-between' | 'same-receiver' | 'same-argument' | 'same-session';

/** The awaited call of a statement (`await f()`, `const x = await f()`, `x = await f()`), or null. */
export function awaitStep(stmtPath: NodePath, source: (node: Node) => string): AwaitStep | null {
  const stmt = stmtPath.node;
  let awaitPath: NodePath | null = null;
  let targetNode: Node | null = null;
  let declKind: AwaitStep['declKind'] = 'expr';
  let projected: Projected | null = null;
  if (stmt.type === 'VariableDeclaration' && stmt.declarations.length === 1) {
    const d = stmt.declarations[0];
    projected = d.init ? projectedAwait(stmtPath.child(d, 'declarations', 0).child(d.init, 'init'), source) : null;
    if (projected) {
      awaitPath = projected.await;
      targetNode = d.id;
      declKind = stmt.kind === 'const' ? 'const' : stmt.kind === 'let' ? 'let' : 'var';
    }
  } else if (stmt.type === 'ExpressionStatement') {
    const e = stmt.expression;
    const ePath = stmtPath.child(e, 'expression');
    if (e.type === 'AwaitExpression') awaitPath = ePath;
    else if (e.type === 'AssignmentExpression' && e.operator === '=' && e.left.type !== 'MemberExpression') {
      projected = projectedAwait(ePath.child(e.right, 'right'), source);
      if (projected) {
        awaitPath = projected.await;
        targetNode = e.left;
        declKind = 'assign';
      }
    }
  }
  if (!awaitPath) return null;
  const callPath = awaitedCall(awaitPath);
  if (!callPath) return null;
  // Nested awaits in the arguments (or the condition) make this a chain, not one step.
  if (directAwaits(callPath).length > 0 || (projected?.test && directAwaits(projected.test).length > 0)) return null;
  const target = targetNode ? source(targetNode) : null;
  const targetName = target !== null && target.length > 0 && [...target].every(isWordChar) ? target : null;
  const step: AwaitStep = {
    stmt: stmtPath,
    await: awaitPath,
    call: callShape(callPath),
    target,
    targetName,
    declKind,
    reads: projected?.test ? new Set([...flowOf(callPath).reads, ...flowOf(projected.test).reads]) : flowOf(callPath).reads,
    writes: flowOf(stmtPath).writes,
  };
  if (projected?.code) step.project = projected.code;
  if (projected?.test) {
    const test = source(projected.test.node);
    const plain = [...test].every((c) => isWordChar(c) || c === '.');
    step.when = { test: projected.negate ? (plain ? `!${test}` : `!(${test})`) : test, otherwise: projected.otherwise! };
  }
  return step;
}

interface Projected {
  await: NodePath;
  /** What is done with the value, as code on `r`; null when nothing is (a bare await, a type assertion). */
  code: string | null;
  /** The condition the await runs under (`cond ? await f() : null`), negated when the await is the other branch. */
  test?: NodePath;
  negate?: boolean;
  otherwise?: string;
}

/**
 * The await an assigned value comes from, when what is done with it reads nothing else: `await f()`, `(await f()) as T`,
 * `(await f()).data`, `(await f())[0]`, `(await f()) ?? []`, `(await f()) || undefined` (a literal or an empty
 * literal as the fallback), and, outermost, one branch of a condition whose other branch is such a literal
 * (`user ? await load(user.id) : null`). Anything else (a call on the result, a fallback that computes) is not one step.
 */
function projectedAwait(valuePath: NodePath, source: (node: Node) => string): Projected | null {
  let path = valuePath;
  let code = 'r';
  const parts: ((inner: string) => string)[] = [];
  let guard: Pick<Projected, 'test' | 'negate' | 'otherwise'> = {};
  for (let depth = 0; depth < 8; depth++) {
    const n = path.node as any;
    if (n.type === 'AwaitExpression') {
      for (let i = parts.length - 1; i >= 0; i--) code = parts[i]!(code);
      return { await: path, code: code === 'r' ? null : code, ...guard };
    }
    if (n.type === 'ConditionalExpression' && depth === 0) {
      const [yes, no] = [unwrap(n.consequent), unwrap(n.alternate)];
      const awaited = (x: any) => someNode(x, (y: any) => y.type === 'AwaitExpression');
      if (awaited(yes) && isFixedValue(no)) {
        guard = { test: path.child(n.test, 'test'), negate: false, otherwise: source(n.alternate) };
        path = path.child(n.consequent, 'consequent');
      } else if (awaited(no) && isFixedValue(yes)) {
        guard = { test: path.child(n.test, 'test'), negate: true, otherwise: source(n.consequent) };
        path = path.child(n.alternate, 'alternate');
      } else return null;
    } else if (TYPE_WRAPPERS.has(n.type)) path = path.child(n.expression, 'expression');
    else if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && isPlainProperty(n)) {
      const prop = n.computed ? `[${source(n.property)}]` : `${n.optional ? '?.' : '.'}${source(n.property)}`;
      parts.push((inner) => `${inner}${prop}`);
      path = path.child(n.object, 'object');
    } else if (n.type === 'LogicalExpression' && (n.operator === '??' || n.operator === '||') && isFixedValue(n.right)) {
      const right = source(n.right);
      parts.push((inner) => `${inner} ${n.operator} ${right}`);
      path = path.child(n.left, 'left');
    } else return null;
  }
  return null;
}

/** `.data`, `?.items`, `[0]`, `['key']`: a property the code names. */
function isPlainProperty(n: any): boolean {
  if (!n.computed) return n.property.type === 'Identifier';
  return n.property.type === 'NumericLiteral' || n.property.type === 'StringLiteral';
}

/** A fallback that computes nothing: a literal, `undefined`, `[]`, `{}`. */
function isFixedValue(n: any): boolean {
  if (['StringLiteral', 'NumericLiteral', 'BooleanLiteral', 'NullLiteral'].includes(n.type)) return true;
  if (n.type === 'Identifier') return n.name === 'undefined';
  if (n.type === 'ArrayExpression') return n.elements.length === 0;
  return n.type === 'ObjectExpression' && n.properties.length === 0;
}

/** A plain statement between awaits: what it reads and writes, and whether it only runs a guard. */
export function betweenOf(stmtPath: NodePath): Between {
  return { ...flowOf(stmtPath), guard: isGuard(stmtPath.node) };
}

/**
 * Why `later` could not have started before `earlier` finished, in the order
 * they are checked (empty: independent). `between[from…to)` are the plain statements after `earlier`, before `later`.
 */
export function dependence(earlier: AwaitStep, later: AwaitStep, between: readonly Between[], from = 0, to = between.length): Dependence[] {
  const out: Dependence[] = [];
  const tainted = new Set<VarKey>(earlier.writes);
  // A method call may change its receiver (`await doc.loadInfo()` fills `doc.sheets`)…
  if (earlier.call.resourceRoot === 'this') {
    // …though a method of this class shows what it touches: `this.getUsers()` reading through `this.store`
    // leaves `this.groups` alone.
    const touched = thisStateTouchedBy(earlier.call.path);
    if (touched === null) tainted.add('this');
    else for (const k of touched) tainted.add(k);
  } else if (earlier.call.resourceRoot !== null && !(earlier.call.readOnly && isMemberReceiver(earlier.call.receiver))) {
    // A read through a member of a client (`db.users.find(id)`, `prisma.user.findUnique(…)`) changes neither the
    // client nor its other members: `db.orders.find(id)` after it is independent (two queries on a pooled client).
    // Called on the object itself (`doc.loadInfo()`), or not a read (`page.mouse.click()`), it may change it.
    tainted.add(earlier.call.resourceRoot);
  }
  // …and a call that is not a plain read may change the objects passed to it.
  if (!earlier.call.readOnly) for (const v of mutableArguments(earlier.call.path)) tainted.add(v);
  for (let i = from; i < to; i++) {
    const b = between[i]!;
    if (!intersects(b.reads, tainted)) continue;
    // A check of the earlier result (`validateOwner(field, project)`): what follows must not start before it passes.
    if (b.guard && !out.includes('guard-between')) out.push('guard-between');
    for (const w of b.writes) tainted.add(w);
  }
  if (intersects(later.reads, tainted)) out.push('data');
  // Same receiver object: one connection, transaction, lock, page…
  if (earlier.call.resourceRoot !== null && earlier.call.receiver === later.call.receiver) out.push('same-receiver');
  if (later.call.resourceRoot !== null && tainted.has(later.call.resourceRoot)) out.push('data');
  // The same object handed to both (a `data` both validate and trim), or one request/transaction/session.
  // The same object handed to a read and then to a call that may change it (an earlier call that may change it taints it
  // above). Two reads of one object (a context bag: `getUser(context, id)`, `getPlan(context)`) order nothing.
  const shared = earlier.call.readOnly && !later.call.readOnly;
  if (shared && intersects(new Set(mutableArguments(earlier.call.path)), new Set(mutableArguments(later.call.path)))) out.push('same-argument');
  if (intersects(sharedStateArgs(earlier.call.path), sharedStateArgs(later.call.path))) out.push('same-session');
  return out;
}

/** `db.users`, `prisma.user`: a receiver reached through a member of a value (not `this`, not the value itself). */
function isMemberReceiver(receiver: string | null): boolean {
  return receiver !== null && receiver.includes('.') && !receiver.startsWith('this');
}

/** `validateX(a);`, `this.assertOwner(doc);`, `invariant(x, '…');`: a statement that only runs a guard. */
function isGuard(stmt: any): boolean {
  if (stmt.type !== 'ExpressionStatement') return false;
  const e = unwrap(stmt.expression);
  if (e.type !== 'CallExpression' && e.type !== 'OptionalCallExpression') return false;
  const c = unwrap(e.callee);
  const name = c.type === 'Identifier' ? c.name : (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') && !c.computed ? c.property.name : null;
  return typeof name === 'string' && GUARD_VERBS.has(firstWord(name));
}

/**
 * Does the statement end a run of awaits: `control-flow` (a branch, loop, try, label or jump),
 * `other-await` (an await in any other shape: of a promise already started, or a chain); null if not.
 */
export function runBarrier(stmtPath: NodePath): 'control-flow' | 'other-await' | null {
  const t = stmtPath.node.type;
  if (t !== 'ExpressionStatement' && t !== 'VariableDeclaration' && t !== 'EmptyStatement' && t !== 'FunctionDeclaration' && t !== 'ClassDeclaration') {
    return 'control-flow';
  }
  if (directAwaits(stmtPath).length > 0) return 'other-await';
  return hasJump(stmtPath) ? 'control-flow' : null;
}

/**
 * Identifiers whose methods the block awaits: `payload` in `await payload.find(…)`, `db` in
 * `await db.collection('x').find().toArray()`. A value whose calls are waited on is a client; one whose methods only
 * reshape it (`roles.map(…)`, `rows.filter(…)`) is data.
 */
export function methodReceivers(blockPath: NodePath): Set<string> {
  const out = new Set<string>();
  walkPaths(blockPath, (p) => {
    const n = p.node as any;
    if ((n.type === 'CallExpression' || n.type === 'OptionalCallExpression') && n.callee.type === 'MemberExpression' && n.callee.object.type === 'Identifier') {
      if (awaitedChain(p)) out.add(n.callee.object.name);
    }
    return undefined;
  });
  return out;
}

/** Is this call awaited, directly or at the end of a chain of calls on its result (`await a.b().c()`)? */
function awaitedChain(callPath: NodePath): boolean {
  let p: NodePath = callPath;
  for (;;) {
    const parent = p.parentPath;
    if (!parent) return false;
    const t = parent.node.type;
    if (t === 'AwaitExpression') return true;
    const chained =
      ((t === 'MemberExpression' || t === 'OptionalMemberExpression') && p.key === 'object') ||
      ((t === 'CallExpression' || t === 'OptionalCallExpression') && p.key === 'callee') ||
      t === 'TSNonNullExpression' ||
      t === 'ParenthesizedExpression';
    if (!chained) return false;
    p = parent;
  }
}

/**
 * A declared result nobody reads: `const _project = await getProject(id)` (a
 * `_` name says so), or a name with no reference in its scope. The call is a
 * guard (it throws when the project does not exist), not a value to wait for.
 */
export function resultUnused(step: AwaitStep): boolean {
  if (step.declKind !== 'const' && step.declKind !== 'let' && step.declKind !== 'var') return false;
  const decl = step.stmt.node as any;
  const id = decl.declarations[0].id;
  const names: string[] = [];
  const collect = (n: any) => {
    if (!n) return;
    if (n.type === 'Identifier') names.push(n.name);
    else if (n.type === 'ObjectPattern') for (const p of n.properties) collect(p.type === 'RestElement' ? p.argument : p.value);
    else if (n.type === 'ArrayPattern') for (const e of n.elements) collect(e?.type === 'RestElement' ? e.argument : e);
    else if (n.type === 'AssignmentPattern') collect(n.left);
  };
  collect(id);
  if (names.length === 0) return false;
  if (names.every((n) => n.startsWith('_'))) return true;
  const bindings = names.map((n) => lookup(step.stmt, n)).filter((b) => b !== null);
  if (bindings.length !== names.length) return false;
  const scope = bindings[0]!.scopePath;
  let used = false;
  walkPaths(scope, (p) => {
    if (used) return false;
    const n = p.node as any;
    if (n.type !== 'Identifier' || n === id || !names.includes(n.name) || !isReferenceIdentifier(p)) return undefined;
    const b = lookup(p, n.name);
    if (b && bindings.includes(b) && b.id !== n) used = true;
    return undefined;
  });
  return !used;
}

/**
 * The awaits of a window that can start together, wave by wave: the first wave depends on no other await of the window,
 * each later one only on awaits of the waves before it (indices in source order; `dependsOn(earlier, later)`). Awaits
 * that could all start at the top are one wave even when dependent ones sit between them in the source. An await that
 * nothing after it needs may wait with any wave from its own on: it joins the largest (the one the advice is about).
 */
export function independentLayers(count: number, dependsOn: (earlier: number, later: number) => boolean): number[][] {
  const level: number[] = [];
  const needed: boolean[] = new Array(count).fill(false);
  for (let j = 0; j < count; j++) {
    let l = 0;
    for (let k = 0; k < j; k++) {
      if (!dependsOn(k, j)) continue;
      needed[k] = true;
      l = Math.max(l, level[k]! + 1);
    }
    level.push(l);
  }
  const sizes: number[] = [];
  for (let j = 0; j < count; j++) if (needed[j] || level[j]! > 0) sizes[level[j]!] = (sizes[level[j]!] ?? 0) + 1;
  for (let j = 0; j < count; j++) {
    if (needed[j]) continue;
    let best = level[j]!;
    for (let l = best + 1; l < sizes.length; l++) if ((sizes[l] ?? 0) > (sizes[best] ?? 0)) best = l;
    level[j] = best;
  }
  const layers: number[][] = [];
  for (let j = 0; j < count; j++) (layers[level[j]!] ??= []).push(j);
  return layers.filter((l) => l !== undefined);
}

/** The `Promise.all` that starts a run's calls at once, keeping the names they were assigned to. */
export function promiseAllFix(run: readonly AwaitStep[], source: (node: Node) => string): string {
  const calls = run
    .map((s) => {
      const call = `${quoteCall(s.call.node, source, 40)}${s.project ? `.then((r) => ${s.project})` : ''}`;
      return s.when ? `${short(s.when.test, 30)} ? ${call} : ${s.when.otherwise}` : call;
    })
    .join(', ');
  const kinds = new Set(run.filter((s) => s.target !== null).map((s) => s.declKind));
  if (kinds.size === 0) return `await Promise.all([${calls}]);`;
  if (kinds.size > 1) return `const [...] = await Promise.all([${calls}]);`;
  const kind = [...kinds][0]!;
  let targets = run.map((s) => s.target ?? '').join(', ');
  while (targets.endsWith(', ')) targets = targets.slice(0, -2);
  return `${kind === 'assign' ? '' : `${kind} `}[${targets}] = await Promise.all([${calls}]);`;
}

/** A call quoted for a message: an inline function as `(async () => …)()`, long text cut at a token boundary. */
export function quoteCall(node: Node, source: (node: Node) => string, max = 60): string {
  const callee = (node as any).callee;
  const fn = callee && unwrap(callee);
  if (fn && isFunctionNode(fn)) {
    const head = `${fn.async ? 'async ' : ''}${fn.type === 'ArrowFunctionExpression' ? '() =>' : 'function ()'}`;
    return `(${head} …)(${(node as any).arguments.length > 0 ? '…' : ''})`;
  }
  return short(source(node), max);
}

function short(text: string, max: number): string {
  const one = collapseWhitespace(text);
  if (one.length <= max) return one;
  const paren = one.indexOf('(');
  if (paren > 0 && paren < max) return `${one.slice(0, paren)}(…)`;
  // A long member chain: keep where it starts and the method it calls (`db.….findForUser(…)`).
  const callee = paren > 0 ? one.slice(0, paren) : '';
  const parts = callee.length > 0 && [...callee].every((c) => isWordChar(c) || c === '.' || c === '?') ? callee.split('.') : [];
  if (parts.length > 2) {
    const kept = `${parts[0]}.….${parts[parts.length - 1]}(…)`;
    if (kept.length <= max) return kept;
  }
  // Otherwise cut where a token ends, not inside a name.
  let cut = max - 1;
  while (cut > 0 && isWordChar(one[cut - 1]!) && isWordChar(one[cut]!)) cut--;
  if (cut < max / 3) cut = max - 1;
  return `${one.slice(0, cut).trimEnd()}…`;
}

/** Each run of whitespace as one space. */
function collapseWhitespace(text: string): string {
  let out = '';
  let inSpace = false;
  for (const c of text) {
    const space = c.trim() === '';
    if (space && !inSpace) out += ' ';
    else if (!space) out += c;
    inSpace = space;
  }
  return out;
}

/** A character of an ASCII identifier: letter, digit, `_` or `$`. */
function isWordChar(c: string): boolean {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c === '_' || c === '$';
}

function unwrap(node: any): any {
  while (node && (node.type === 'ParenthesizedExpression' || node.type === 'TSAsExpression' || node.type === 'TSNonNullExpression')) node = node.expression;
  return node;
}

/** The calls the function an await is in also awaits (the await's own included; nested functions are theirs). */
export function otherAwaitedCalls(awaitPath: NodePath): NodePath[] {
  const fn = awaitPath.findAncestor((p) => isFunctionNode(p.node));
  const body = fn ? fn.child((fn.node as any).body, 'body') : null;
  if (!body) return [];
  return directAwaits(body)
    .filter((a) => a.node.type === 'AwaitExpression')
    .map((a) => awaitedCall(a))
    .filter((c): c is NodePath => c !== null);
}
