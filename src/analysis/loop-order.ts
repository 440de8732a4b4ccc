// Loops whose awaits are ordered on purpose (for await-in-loop): by the loop's
// shape (it runs until something happens, or can leave early) or by what the
// awaited calls do (pacing, backpressure, writes through one receiver,
// pipelines, shared transactions and state, batches).
import { isCall, memberPropertyName, unwrapExpression } from './resolve.js';
import { transactionParam } from './transactions.js';
import { CONNECTION_CHECKOUT_METHODS, ORDERING_HANDLE_NAMES } from '../knowledge/transactions.js';
import { lookup, propertyKeyName } from './scope.js';
import { directAwaits, flowOf, intersects, rootVar, type VarKey } from './dataflow.js';
import { awaitsThenExit, exitsOnAwaitedResult, propagate } from './loop-dependence.js';
import { calleeMutatesArgument, callShape, capturedState, localCalleePath, sharedStateArgs } from './call-shape.js';
import { outlivesLoop } from './loop-dependence.js';
import { DB_HANDLE_NAMES, firstWord, PREDICATE_WORDS, QUOTA_VERBS, READ_VERBS, WRITE_VERBS, words } from '../knowledge/call-verbs.js';
import { REGISTRY_NAMES } from '../knowledge/limiters.js';
import { BUILT_DOCUMENT_NAME, CONTAINER_CONSTRUCTORS, ID_NAME, RECORD_KEYS, NON_HANDLER_METHOD, SHARED_OBJECT_NAME, SINK_NAME } from '../knowledge/loops.js';
import { CHUNK_COLLECTION_WORDS, CHUNK_WORDS } from '../knowledge/collections.js';
import type { Node } from '../syntax/ast.js';
import type { NodePath } from '../syntax/walk.js';

/** A loop statement: `for`, `for…in`, `for…of`, `while`, `do…while`. */
export type LoopNode = Extract<Node, { type: 'ForStatement' | 'ForInStatement' | 'ForOfStatement' | 'WhileStatement' | 'DoWhileStatement' }>;

/**
 * Why a loop is sequential by its shape (ids of await-in-loop's exemptions):
 * - `endless-loop`: no condition, or a constant true one (`while (true)`, `for (;;)`): a consumer or a poller;
 * - `awaited-condition`: an await in the condition or the update decides whether to go on;
 * - `early-exit`: a `break`, `return` or `throw` can leave the loop (retry, first success, search).
 */
export type SequentialLoop = 'endless-loop' | 'awaited-condition' | 'early-exit';

/** Is the loop sequential by design, whatever its awaits do? */
export function sequentialLoop(loopPath: NodePath<LoopNode>, bodyPath: NodePath): SequentialLoop | null {
  const loop = loopPath.node;
  if (loop.type !== 'ForOfStatement' && loop.type !== 'ForInStatement') {
    const test = loop.test;
    if (!test || (test.type === 'BooleanLiteral' && test.value) || (test.type === 'NumericLiteral' && test.value !== 0)) return 'endless-loop';
    if (directAwaits(loopPath.child(test, 'test')).length > 0) return 'awaited-condition';
    const update = loop.type === 'ForStatement' ? loop.update : null;
    if (update && directAwaits(loopPath.child(update, 'update')).length > 0) return 'awaited-condition';
  }
  return exitsOnAwaitedResult(loopPath, bodyPath) || awaitsThenExit(loopPath, bodyPath) ? 'early-exit' : null;
}

/**
 * Why a loop's awaited work is ordered on purpose (ids of await-in-loop's exemptions). These come from
 * the calls, so they hold for loops around this one too.
 */
export type OrderedWork =
  | 'pacing'
  | 'backpressure'
  | 'batched'
  | 'migration'
  | 'quota'
  | 'receiver-writes'
  | 'pipeline'
  | 'caller-callback'
  | 'shared-session'
  | 'same-record'
  | 'shared-object'
  | 'callee-mutates-outer'
  | 'memo'
  | 'sink'
  | 'registry'
  | 'chunked';

/** Are the awaited `calls` (of `awaits`, directly in the loop's body) ordered on purpose, and why? */
export function orderedLoopWork(loopPath: NodePath<LoopNode>, awaits: NodePath[], calls: NodePath[]): OrderedWork | null {
  const loopVars = loopVariables(loopPath);
  for (const c of calls) {
    const reason = orderedCall(c, loopPath, loopVars);
    if (reason) return reason;
  }
  if (awaits.some((a) => feedsSink(a, loopPath))) return 'sink';
  const loop = loopPath.node;
  if (loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') {
    if (isRegistry(loop.right)) return 'registry';
    if (isChunked(loop.right)) return 'chunked';
  }
  return null;
}

function orderedCall(c: NodePath, loopPath: NodePath<any>, loopVars: Set<VarKey>): OrderedWork | null {
  const shape = callShape(c);
  if (shape.kind === 'sleep') return 'pacing';
  if (shape.kind === 'barrier') return 'backpressure';
  if (shape.kind === 'aggregate') return 'batched';
  if (shape.kind === 'migration') return 'migration';
  if (shape.kind === 'write' && (shape.resourceRoot !== null || throughDbHandle(c))) {
    // `limiter.consume(key)`: each call uses up quota, so a rejection must stop the rest.
    if (shape.name !== null && words(shape.name).some((w) => QUOTA_VERBS.has(w))) return 'quota';
    // Writes through a transaction, a session or a checked-out connection run in order on it; through a pooled client they need not.
    if (throughOrderingHandle(c)) return 'receiver-writes';
  }
  // A pipeline: calling each hook/middleware/plugin in order is the contract.
  if (callsLoopVariable(c, loopVars)) return 'pipeline';
  // Calling a function the item carries (`hook.value(data)`, `step.handler(ctx)`, `message.active(data)`): a pipeline too.
  if (callsLoopVariableField(c, loopVars)) return 'pipeline';
  // A callback handed in by the caller: what it does (and in which order it must run) cannot be known.
  if (callsParameter(c)) return 'caller-callback';
  // One request, transaction or session threaded through every call.
  if (sharedStateArgs(c).size > 0) return 'shared-session';
  // Writes to one record each time (`associate({ id: tid, … })`), or writes that take nothing from the item.
  if (shape.kind !== 'read' && (writesSameKey(c, loopPath) || writesWithoutItem(c, loopPath, loopVars))) return 'same-record';
  // One object handed to every iteration (a manager, a context, a document, a cache): they share it.
  if (passesSharedObject(c, loopPath)) return 'shared-object';
  // An object from outside the loop given to a local function that changes it (`merge(translations, file)`
  // doing `Object.assign(translations, …)`): each call builds on the last.
  if (mutatesOuterArgument(c, loopPath)) return 'callee-mutates-outer';
  // A local function that works inside the request's transaction or context through its closure
  // (`duplicate(child)` calling `create(ctx, …)`), or that fills a memo it also consults: iterations share it.
  const captured = capturedState(c);
  if ([...captured.shared].some((k) => outlivesLoop(k, loopPath.node))) return 'shared-session';
  if ([...captured.memo].some((k) => outlivesLoop(k, loopPath.node))) return 'memo';
  return null;
}

/** `loadInto(translations, file)` where the local `loadInto` changes its first argument and `translations` outlives the loop. */
function mutatesOuterArgument(callPath: NodePath, loopPath: NodePath<any>): boolean {
  const args: any[] = (callPath.node as any).arguments ?? [];
  return args.some((a, i) => {
    if (a.type !== 'Identifier') return false;
    const b = lookup(callPath, a.name);
    return !!b && b.kind !== 'import' && outlivesLoop(b, loopPath.node) && calleeMutatesArgument(callPath, i);
  });
}

/**
 * `await item.handler(x)`: a function stored on the loop variable, named like a
 * value rather than a method (`value`, `fn`, `handler`, `active`), not
 * `item.getPrice()` or `queue.count()`.
 */
function callsLoopVariableField(callPath: NodePath, loopVars: Set<VarKey>): boolean {
  const callee = (callPath.node as any).callee;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  if (callee.computed || callee.property.type !== 'Identifier') return false;
  const k = rootVar(callee.object, callPath);
  if (k === null || !loopVars.has(k)) return false;
  const name = callee.property.name as string;
  const ws = words(name);
  const first = firstWord(name);
  return !READ_VERBS.has(first) && !PREDICATE_WORDS.has(first) && !ws.some((w) => WRITE_VERBS.has(w)) && !NON_HANDLER_METHOD.test(name);
}

/** `sequelize.query('DROP …')`, `prisma.$transaction(…)`: a write through the app's imported database handle. */
/**
 * Is the call made through a handle that orders calls: a transaction (`tx.insert(row)`, `trx('t').update(…)`, the
 * parameter of a `transaction(async (t) => …)` callback), a session or lock, or a connection checked out of a pool
 * (`const client = await pool.connect()`)? Found by the innermost receiver's name or binding.
 */
function throughOrderingHandle(callPath: NodePath): boolean {
  let n = unwrapExpression((callPath.node as any).callee);
  let name: string | null = null;
  while (n && (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression' || n.type === 'CallExpression')) {
    if (n.type !== 'CallExpression' && n.object.type === 'ThisExpression') name = memberPropertyName(n);
    n = unwrapExpression(n.type === 'CallExpression' ? n.callee : n.object);
  }
  if (n?.type === 'Identifier') name = n.name;
  if (name === null) return false;
  if (ORDERING_HANDLE_NAMES.has(name)) return true;
  const b = n?.type === 'Identifier' ? lookup(callPath, n.name) : null;
  if (!b) return false;
  if (transactionParam(callPath) === b) return true;
  // const client = await pool.connect()
  let init = b.init ? unwrapExpression(b.init as any) : null;
  if (init?.type === 'AwaitExpression') init = unwrapExpression(init.argument);
  const callee = init && isCall(init) ? unwrapExpression(init.callee) : null;
  const method = callee ? (callee.type === 'Identifier' ? callee.name : memberPropertyName(callee)) : null;
  return method !== null && CONNECTION_CHECKOUT_METHODS.has(method);
}

function throughDbHandle(callPath: NodePath): boolean {
  let n = (callPath.node as any).callee;
  while (n && (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression' || n.type === 'CallExpression'))
    n = n.type === 'CallExpression' ? n.callee : n.object;
  if (!n || n.type !== 'Identifier' || !DB_HANDLE_NAMES.test(n.name)) return false;
  const b = lookup(callPath, n.name);
  return b === null || b.kind === 'import' || (b.kind === 'const' && (b.init as any)?.type === 'CallExpression');
}

/** `for (const group of chunk(queue, 50))`, `for (const batch of batches)`: each iteration is already a batch. */
function isChunked(node: any): boolean {
  if (node.type === 'CallExpression' || node.type === 'OptionalCallExpression') {
    const c = node.callee;
    const name = c.type === 'Identifier' ? c.name : c.type === 'MemberExpression' && !c.computed ? c.property.name : null;
    // chunk(list, n), _.chunk, chunkArray, splitIntoChunks, toBatches
    return typeof name === 'string' && words(name).some((w) => CHUNK_WORDS.has(w));
  }
  const name = node.type === 'Identifier' ? node.name : node.type === 'MemberExpression' && !node.computed ? node.property.name : null;
  if (typeof name !== 'string') return false;
  const ws = words(name);
  return CHUNK_COLLECTION_WORDS.has(ws[ws.length - 1] ?? '');
}

/**
 * `zip.addBuffer(await read(file), name)`, `hash.update(await load(part))`: the result goes
 * straight into a sink from outside the loop, in order, one item in memory at a time.
 */
function feedsSink(awaitPath: NodePath, loopPath: NodePath<any>): boolean {
  let p: NodePath = awaitPath;
  while (
    p.parentPath &&
    (p.parentPath.node.type === 'TSAsExpression' || p.parentPath.node.type === 'TSNonNullExpression' || p.parentPath.node.type === 'ParenthesizedExpression')
  )
    p = p.parentPath;
  const call = p.parentPath?.node as any;
  if (!call || (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') || p.key !== 'arguments') return false;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  let obj = callee.object;
  while (obj.type === 'MemberExpression' && !obj.computed && !SINK_NAME.test(obj.property.name ?? '')) obj = obj.object;
  const name = obj.type === 'Identifier' ? obj.name : obj.type === 'MemberExpression' && !obj.computed ? obj.property.name : null;
  if (!name || !SINK_NAME.test(name)) return false;
  const k = rootVar(obj, p);
  return k !== null && outlivesLoop(k, loopPath.node);
}

function callsParameter(callPath: NodePath): boolean {
  const callee = (callPath.node as any).callee;
  if (callee.type !== 'Identifier') return false;
  const b = lookup(callPath, callee.name);
  return !!b && b.kind === 'param';
}

/** The variables a loop declares for each iteration: `for (const [k, v] of …)` → k, v. */
function loopVariables(loopPath: NodePath<any>): Set<VarKey> {
  const out = new Set<VarKey>();
  const loop = loopPath.node;
  if ((loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') && loop.left.type === 'VariableDeclaration') {
    for (const w of flowOf(loopPath.child(loop.left, 'left')).writes) out.add(w);
  }
  return out;
}

/** `await hook(data)` or `await hook.run(data)` where `hook` is the loop variable. */
function callsLoopVariable(callPath: NodePath, loopVars: Set<VarKey>): boolean {
  const callee = (callPath.node as any).callee;
  if (callee.type !== 'Identifier') return false;
  const k = rootVar(callee, callPath);
  return k !== null && loopVars.has(k);
}

/** `for (const hook of config.hooks.beforeChange)`: a registry the program fixes, run in order. */
function isRegistry(node: any): boolean {
  // `plugins`, `this.providers`, and a list kept in one (`config.hooks.beforeChange`).
  for (let n = unwrapExpression(node); n; n = n.type === 'MemberExpression' ? unwrapExpression(n.object) : null) {
    const name = n.type === 'MemberExpression' && !n.computed ? n.property.name : n.type === 'Identifier' ? n.name : null;
    if (name && REGISTRY_NAMES.test(name)) return true;
  }
  return false;
}

/**
 * A write whose arguments and receiver take nothing from the item (`for (const op of ops) if (op.remove) await
 * removeMember(org, member)`): each iteration writes the same thing in turn; it is not work per item.
 */
function writesWithoutItem(callPath: NodePath, loopPath: NodePath<any>, loopVars: Set<VarKey>): boolean {
  if (loopVars.size === 0) return false;
  const body = loopPath.node.body;
  const statements: Node[] = body.type === 'BlockStatement' ? body.body : [body];
  const derived = new Set(loopVars);
  propagate(
    statements.map((s, i) => flowOf(body.type === 'BlockStatement' ? loopPath.child(body, 'body').child(s, 'body', i) : loopPath.child(s, 'body'))),
    derived,
  );
  return !intersects(flowOf(callPath).reads, derived);
}

/**
 * A write given the same id every iteration (an id from outside the loop) where it names the written record
 * (RECORD_KEYS, or the first argument): one record, updated in turn.
 */
function writesSameKey(callPath: NodePath, loopPath: NodePath<any>): boolean {
  let same = false;
  const visit = (node: any, names: boolean) => {
    if (same || !node) return;
    if (names && node.type === 'Identifier' && ID_NAME.test(node.name)) {
      const k = rootVar(node, callPath);
      if (k && outlivesLoop(k, loopPath.node)) same = true;
    } else if (names && node.type === 'MemberExpression' && !node.computed && ID_NAME.test(node.property.name ?? '')) {
      const k = rootVar(node, callPath);
      if (k && outlivesLoop(k, loopPath.node)) same = true;
    } else if (node.type === 'ObjectExpression') {
      for (const p of node.properties) if (p.type === 'ObjectProperty') visit(p.value, RECORD_KEYS.has(propertyKeyName(p) ?? ''));
    }
  };
  ((callPath.node as any).arguments ?? []).forEach((a: any, i: number) => visit(a, i === 0));
  return same;
}

/**
 * A context or container from outside the loop handed to every call, directly
 * or as an option (`walk(v, cache, ancestors)`, `update(row, { manager })`,
 * `draw(pdfDoc, page)`): the iterations share and change it. Plain data values
 * passed along (`report`, `account`) do not count.
 */
function passesSharedObject(callPath: NodePath, loopPath: NodePath<any>): boolean {
  const shared = (name: string): boolean => {
    const b = lookup(callPath, name);
    if (!b || !outlivesLoop(b, loopPath.node) || b.kind === 'import') return false;
    const init = b.init as any;
    const container =
      init &&
      (init.type === 'ArrayExpression' ||
        init.type === 'ObjectExpression' ||
        (init.type === 'NewExpression' && init.callee.type === 'Identifier' && CONTAINER_CONSTRUCTORS.has(init.callee.name)));
    return container || SHARED_OBJECT_NAME.test(name);
  };
  // A document built across iterations through its own methods: `await pdfDoc.embedPage(page)`.
  const callee = unwrapExpression((callPath.node as any).callee);
  if (callee.type === 'MemberExpression' && callee.object.type === 'Identifier' && BUILT_DOCUMENT_NAME.test(callee.object.name) && shared(callee.object.name)) {
    return true;
  }
  // A local function that only reads what it is handed (`shouldNotify(document, user)` looking up `document.id`) shares
  // nothing between the calls: a handle that orders work (a session, a connection) still does.
  const readOnly = (index: number, name: string) =>
    !words(name).some((w) => ORDERING_HANDLE_NAMES.has(w)) && localCalleePath(callPath) !== null && !calleeMutatesArgument(callPath, index);
  for (const [i, a] of ((callPath.node as any).arguments ?? []).entries()) {
    if (a.type === 'Identifier' && shared(a.name) && !readOnly(i, a.name)) return true;
    if (a.type === 'ObjectExpression') {
      for (const p of a.properties) if (p.type === 'ObjectProperty' && p.value.type === 'Identifier' && shared(p.value.name)) return true;
    }
  }
  return false;
}
