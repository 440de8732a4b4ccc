import { awaitedCall, calleeMutatesArgument, callShape, capturedState, isCheapLocalCallee, sharedStateArgs } from '../src/analysis/index.js';
import { DB_HANDLE_NAMES, firstWord, PREDICATE_WORDS, READ_VERBS, WRITE_VERBS, words } from '../src/knowledge/call-verbs.js';
import { REGISTRY_NAMES } from '../src/knowledge/limiters.js';
import { lookup } from '../src/analysis/index.js';
import { canExitLoop, directAwaits, flowOf, intersects, isLoop, mergedInto, rootVar, type Flow, type VarKey } from '../src/analysis/index.js';
import { defineRule, type NodePath, type Node } from '../src/engine/rule-api.js';
import { isFunctionNode, walkPaths } from '../src/syntax/walk.js';

const LOOP_NAMES: Record<string, string> = {
  ForStatement: 'for',
  ForInStatement: 'for…in',
  ForOfStatement: 'for…of',
  WhileStatement: 'while',
  DoWhileStatement: 'do…while',
};

export default defineRule({
  id: 'await-in-loop',
  category: 'concurrency',
  severity: 'warn',
  description: 'Awaits in loops whose iterations are independent, so they run one at a time for no reason',
  messages: {
    serialLoop: {
      message: '`await` in a `{loop}` loop{over} runs the iterations one at a time, though none depends on another',
      help: 'Run iterations with bounded concurrency: `{fix}` (p-map), or `Promise.all` over fixed-size chunks',
    },
  },
  docs: {
    why:
      'A loop that awaits each item takes the sum of all the latencies: 200 items × 50 ms is 10 seconds. When the iterations do not depend on each ' +
        'other they can overlap. Use a bounded concurrency (p-map with `concurrency`, or `Promise.all` over fixed-size chunks) rather than one unbounded ' +
        '`Promise.all` over the whole collection, which can open thousands of sockets at once.',
    details: [
      'Reported at the first `await` directly inside a `for`, `for…of`, `for…in`, `while` or `do…while` body when the iterations are independent; ' +
        'awaits in nested functions belong to those functions.',
      'The help suggests bounded concurrency (`p-map` with `concurrency`, or `Promise.all` over fixed-size chunks), never one unbounded `Promise.all` ' +
        'over the whole collection.',
      'Not reported: `for await`.',
      'Not reported: pagination and cursors, where a value from one response feeds the next request or the loop condition (`cursor = res.next`, ' +
        '`hasMore = res.more`).',
      'Not reported: loops that advance a page number, offset or date window passed to the call (`skip: i` with `i += PAGE_SIZE`), and loops whose ' +
        'size is offset, page or date-window pagination.',
      'Not reported: accumulators that feed the next await (`prev = await f(prev)`), and queues that grow from responses (crawlers).',
      'Not reported: retry, backoff and polling loops: `while (true)`/`for (;;)`, an await in the loop condition, or any `break`, `return` or uncaught ' +
        '`throw` that can leave the loop (first success, search).',
      'Not reported: intentional pacing (`await sleep(ms)`, a `setTimeout` promise).',
      "Not reported: stream backpressure (`await once(stream, 'drain')`, `await writer.write(...)`).",
      'Not reported: results fed straight into a sink from outside the loop (`zip.addBuffer(await read(file), name)`): one item in memory at a time.',
      "Not reported: ordered writes through one receiver: `await tx.insert(row)`, `client.query('INSERT …')`, `client.query('UPDATE …')`, `redis.set`, " +
        "a builder chain such as `db('t').update(…).where(…)`.",
      "Not reported: writes through the app's imported database handle (`sequelize.query('DROP …')`) or a request method (`this.request(url, 'POST', " +
        "body)`, `api.request(url, 'POST', body)`).",
      'Not reported: writes to one record (a write given the same outer id each time).',
      'Not reported: migrations, data upgrades (`upgrade…`, `backfill…`) and seeds (by name or folder).',
      'Not reported: quota and budget calls (`limiter.consume(key)`, `spend`, `redeem`…): a rejection must stop the ones after it.',
      'Not reported: pipelines, calling the loop variable or a function it carries (`for (const hook of hooks) await hook(data)`, `await ' +
        'step.handler(input)`), or iterating a registry of hooks, plugins or middlewares.',
      'Not reported: one request, transaction or session shared by every iteration, passed to the call directly or as an option (`{ transaction }`, `{ ' +
        'transaction: ctx.transaction }`, an options object holding one).',
      'Not reported: a shared request, transaction or session spread from a context (`{ ...ctx }`), or used through the closure of a local function ' +
        'the loop calls (`copy(child)` writing with `ctx.transaction`).',
      'Not reported: state shared across iterations: a variable the body both writes and reads (a dedupe map, a `seen` set).',
      'Not reported: a memo that a local callee checks and fills (`if (!memo.has(k)) memo.set(k, await load(k))`), or a shared container passed to each call.',
      'Not reported: an outer object a local callee changes (`merge(translations, file)` doing `Object.assign(translations, …)`).',
      'Not reported: results merged into an outer object (`Object.assign(config, await load(file))`, `config = { ...config, ...part }`), where later ' +
        'iterations override earlier ones.',
      'Not reported: loops that already batch (`await Promise.all(chunk.map(...))`, p-map, iterating `chunk(ids, 50)` or `batches`) or await promises ' +
        'started earlier.',
      'Not reported: awaits of local functions that do no I/O (`await computeTotal(lines)`): nothing to overlap.',
      'Not reported: loops that run once at startup (module top level, `loaders/`, functions only called from there).',
      "Not reported: loops the team already judged, under an ESLint `no-await-in-loop` suppression on one of the loop's awaits (`// " +
        'eslint-disable-next-line no-await-in-loop`, a bare `// eslint-disable-next-line`, or `eslint-disable-line`).',
      'A `/* eslint-disable no-await-in-loop */` block counts when it is inside the loop before the await, directly above the loop, or in the file ' +
        'header (until a matching `eslint-enable`).',
      'A block comment further up the file is not taken as a judgement of later loops.',
      'Test files, migration folders, seed scripts (`seed*.ts`, `seed-data.ts`, `seeds.js`) and CI scripts (`ci/`, `.github/`) are skipped.',
    ],
    bad: [
      'export async function loadAll(api: { get(id: string): Promise<unknown> }, ids: string[]) {\n' +
        '  const out = [];\n' +
        '  for (const id of ids) {\n' +
        '    out.push(await api.get(id));\n' +
        '  }\n' +
        '  return out;\n' +
        '}\n',
    ],
    good: [
      "import pMap from 'p-map';\nexport async function loadAll(api: { get(id: string): Promise<unknown> }, ids: string[]) {\n  return pMap(ids, (id) => api.get(id), { concurrency: 8 });\n}\n",
      'export async function allPages(api: { page(c?: string): Promise<{ items: unknown[]; next?: string }> }) {\n' +
        '  const items = [];\n' +
        '  let cursor: string | undefined;\n' +
        '  do {\n' +
        '    const res = await api.page(cursor);\n' +
        '    items.push(...res.items);\n' +
        '    cursor = res.next;\n' +
        '  } while (cursor);\n' +
        '  return items;\n' +
        '}\n',
    ],
    whenNotToUse:
      'When the order matters for a reason loopguard cannot see (a rate limit, an external sequence), keep the loop and add `// ' +
        'loopguard-ignore-next-line await-in-loop -- <why>` (an existing `// eslint-disable-next-line no-await-in-loop` on the await is honoured as the ' +
        'same judgement).',
  },
  exemptions: {
    'script-file': 'tests, migrations, seeds and scripts run once, outside a server: their order is often the point',
    'browser-code': 'code that runs in a browser does not hold up a Node event loop',
    'for-await': '`for await` consumes an async iterable one item at a time by design',
  },
  create(ctx) {
    if ((ctx.file.role === 'test' || ctx.file.role === 'migration' || ctx.file.role === 'script') && ctx.exempt('script-file', null)) return {};
    if (ctx.file.runsInBrowser && ctx.exempt('browser-code', null)) return {};
    const reported = new Set<Node>();
    let eslint: EslintDirectives | null = null;
    const check = (loopPath: NodePath<any>) => {
      const loop = loopPath.node;
      if (loop.type === 'ForOfStatement' && loop.await && ctx.exempt('for-await', loop)) return;
      const bodyPath = loopPath.child(loop.body, 'body');
      const awaits = directAwaits(bodyPath).filter((a) => a.node.type === 'AwaitExpression');
      // An inner loop already reported its awaits; report this one only for awaits of its own.
      const unreported = awaits.filter((a) => !reported.has(a.node));
      if (unreported.length === 0) return;
      // Run-forever loops (consumers, pollers) and awaits in the condition are sequential by design.
      if (loop.type !== 'ForOfStatement' && loop.type !== 'ForInStatement') {
        const test = loop.test;
        if (!test || (test.type === 'BooleanLiteral' && test.value) || (test.type === 'NumericLiteral' && test.value !== 0)) return;
        if (directAwaits(loopPath.child(test, 'test')).length > 0) return;
        if (loop.update && directAwaits(loopPath.child(loop.update, 'update')).length > 0) return;
      }
      if (canExitLoop(loopPath, bodyPath)) return;
      const calls = awaits.map((a) => awaitedCall(a)).filter((c): c is NodePath => c !== null);
      if (calls.length === 0) return; // awaiting promises that were already started
      // The team already judged the loop: an ESLint `no-await-in-loop` suppression on it. It holds for enclosing loops too.
      eslint ??= eslintDirectives(ctx.source(programOf(loopPath).node));
      if (unreported.some((a) => eslint!.allows(a.node.loc!.start.line, loop))) {
        for (const a of awaits) reported.add(a.node);
        return;
      }
      // Exemptions that come from the calls themselves also hold for enclosing loops: mark the awaits handled.
      const overCollection = loop.type === 'ForOfStatement' || loop.type === 'ForInStatement';
      if (
        callsAreOrdered(calls, loopPath) ||
        awaits.some((a) => feedsSink(a, loopPath)) ||
        // Nothing to overlap: local functions that do no I/O (`await computeTotal(links)`).
        calls.every((c) => isCheapLocalCallee(c)) ||
        (overCollection && (isRegistry(loop.right) || isChunked(loop.right)))
      ) {
        for (const a of awaits) reported.add(a.node);
        return;
      }
      if (iterationsDepend(loopPath, bodyPath, calls)) return;
      // Runs once, at startup (a loader, a boot sequence): the order is usually the point, and the cost is paid once.
      if (ctx.context(loopPath).kind === 'startup') return;
      for (const a of awaits) reported.add(a.node);
      const first = unreported[0]!;
      const over = loop.type === 'ForOfStatement' || loop.type === 'ForInStatement' ? ` over \`${short(ctx.source(loop.right))}\`` : '';
      const item = loop.type === 'ForOfStatement' ? ctx.source(loop.left).replace(/^(const|let|var)\s+/, '') : 'item';
      const coll = loop.type === 'ForOfStatement' ? short(ctx.source(loop.right)) : 'items';
      ctx.report(first.node, 'serialLoop', {
        loop: LOOP_NAMES[loop.type]!,
        over,
        fix: `await pMap(${coll}, async (${short(item, 30)}) => { … }, { concurrency: 8 })`,
      });
    };
    return {
      'ForStatement:exit': check,
      'ForInStatement:exit': check,
      'ForOfStatement:exit': check,
      'WhileStatement:exit': check,
      'DoWhileStatement:exit': check,
    };
  },
});

/**
 * Does one iteration use what an earlier one produced? A variable declared
 * outside the body and written from an awaited value (directly or through other
 * statements) that the next await, the loop condition or the update reads.
 */
function iterationsDepend(loopPath: NodePath<any>, bodyPath: NodePath<any>, calls: NodePath[]): boolean {
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
  const carried = new Set<VarKey>([...tainted].filter((k) => outlives(k, loop)));
  if (carried.size > 0) {
    if (intersects(control.reads, carried)) return true;
    const reach = new Set<VarKey>(carried);
    propagate(bodyFlows, reach);
    if (callFlows.some((f) => intersects(f.reads, reach))) return true;
  }

  // 2. State kept across iterations in a variable (a dedupe map, a cache, a `seen` set):
  //    written by one statement of the body and read by another.
  for (let i = 0; i < bodyFlows.length; i++) {
    for (const w of bodyFlows[i]!.writes) {
      if (!outlives(w, loop) || isCounter(w, bodyPath, loopPath)) continue;
      if (bodyFlows.some((f, j) => j !== i && f.reads.has(w)) || control.reads.has(w)) return true;
    }
  }

  // 3. Results merged into an object that outlives the loop (`Object.assign(translations, await load(lang))`,
  //    `config = { ...config, ...(await read(file)) }`): later iterations override earlier ones, so the order decides
  //    which values win.
  for (let i = 0; i < steps.length; i++) {
    const merged = mergedInto(steps[i]!).filter((k) => outlives(k, loop));
    if (merged.length === 0) continue;
    if (flows[i]!.awaits || intersects(bodyFlows[i]!.reads, tainted)) return true;
  }

  // 4. Cursors advanced by the loop itself: a page number, offset or date window
  //    that decides when to stop and is passed to the awaited call by value
  //    (`skip: i`, `from: currentFrom`), not merely used as an index (`items[i]`).
  const advanced = new Set<VarKey>([...control.writes]);
  for (const f of bodyFlows) for (const w of f.writes) advanced.add(w);
  const cursors = new Set<VarKey>([...advanced].filter((k) => control.reads.has(k) && (outlives(k, loop) || declaredInHead(k, loop))));
  if (cursors.size > 0) {
    propagate(bodyFlows, cursors, true);
    if (callFlows.some((f) => intersects(f.values, cursors))) return true;
  }
  return false;
}

function declaredInHead(key: VarKey, loop: any): boolean {
  return typeof key !== 'string' && loop.type === 'ForStatement' && loop.init && key.declNode && loop.init.declarations?.includes(key.declNode);
}

/** Add to `set` what is computed from it, to a fixpoint (by value only, when asked). */
function propagate(flows: Flow[], set: Set<VarKey>, byValue = false): void {
  for (let changed = true; changed; ) {
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

/** Declared outside the loop (or `var`, or not a local at all). */
function outlives(key: VarKey, loop: Node): boolean {
  if (typeof key === 'string') return true;
  if (key.kind === 'var') return true;
  for (let p: NodePath | null = key.scopePath; p; p = p.parentPath) if (p.node === loop) return false;
  return true;
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

function short(text: string, max = 40): string {
  const one = text.replace(/\s+/g, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}

/** Are these awaited calls ordered on purpose, whatever the loop does? */
function callsAreOrdered(calls: NodePath[], loopPath: NodePath<any>): boolean {
  const loopVars = loopVariables(loopPath);
  for (const c of calls) {
    const shape = callShape(c);
    if (shape.kind === 'sleep' || shape.kind === 'barrier' || shape.kind === 'aggregate' || shape.kind === 'migration') return true;
    if (shape.kind === 'write' && (shape.resourceRoot !== null || throughDbHandle(c))) return true;
    // A pipeline: calling each hook/middleware/plugin in order is the contract.
    if (callsLoopVariable(c, loopVars)) return true;
    // Calling a function the item carries (`hook.value(data)`, `step.handler(ctx)`, `message.active(data)`): a pipeline too.
    if (callsLoopVariableField(c, loopVars)) return true;
    // A callback handed in by the caller: what it does (and in which order it must run) cannot be known.
    if (callsParameter(c)) return true;
    // One request, transaction or session threaded through every call.
    if (sharedStateArgs(c).size > 0) return true;
    // Writes to one record each time (`associate({ id: tid, … })`).
    if (shape.kind !== 'read' && writesSameKey(c, loopPath)) return true;
    // One object handed to every iteration (a manager, a context, a document, a cache): they share it.
    if (passesSharedObject(c, loopPath)) return true;
    // An object from outside the loop given to a local function that changes it (`merge(translations, file)`
    // doing `Object.assign(translations, …)`): each call builds on the last.
    if (mutatesOuterArgument(c, loopPath)) return true;
    // A local function that works inside the request's transaction or context through its closure
    // (`duplicate(child)` calling `create(ctx, …)`), or that fills a memo it also consults: iterations share it.
    const captured = capturedState(c);
    if ([...captured.shared, ...captured.memo].some((k) => outlives(k, loopPath.node))) return true;
  }
  return false;
}

/** `loadInto(translations, file)` where the local `loadInto` changes its first argument and `translations` outlives the loop. */
function mutatesOuterArgument(callPath: NodePath, loopPath: NodePath<any>): boolean {
  const args: any[] = (callPath.node as any).arguments ?? [];
  return args.some((a, i) => {
    if (a.type !== 'Identifier') return false;
    const b = lookup(callPath, a.name);
    return !!b && b.kind !== 'import' && outlives(b, loopPath.node) && calleeMutatesArgument(callPath, i);
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
  return !READ_VERBS.has(first) && !PREDICATE_WORDS.has(first) && !ws.some((w) => WRITE_VERBS.has(w)) && !/^(to|as|then|catch|finally|call|apply|bind)/.test(name);
}

/** `sequelize.query('DROP …')`, `prisma.$transaction(…)`: a write through the app's imported database handle. */
function throughDbHandle(callPath: NodePath): boolean {
  let n = (callPath.node as any).callee;
  while (n && (n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression' || n.type === 'CallExpression')) n = n.type === 'CallExpression' ? n.callee : n.object;
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
    return typeof name === 'string' && words(name).some((w) => /^(chunk|chunks|chunked|batches|batched)$/.test(w));
  }
  const name = node.type === 'Identifier' ? node.name : node.type === 'MemberExpression' && !node.computed ? node.property.name : null;
  if (typeof name !== 'string') return false;
  const ws = words(name);
  return /^(chunks|batches)$/.test(ws[ws.length - 1] ?? '');
}

/** Objects that take results in order and hold them (an archive, a writer, a hash): feeding one is sequential on purpose. */
const SINK_NAME = /(?:^|[a-z_])(?:zip|Zip|archive|Archive|tar|Tar|writer|Writer|stream|Stream|sink|Sink|encoder|Encoder|hash|Hash|hasher|workbook|Workbook|sheet|Sheet|pdf|Pdf|PDF|canvas|Canvas|socket|Socket|zipFile|bundle|Bundle)$/;

/**
 * `zip.addBuffer(await read(file), name)`, `hash.update(await load(part))`: the result goes
 * straight into a sink from outside the loop, in order, one item in memory at a time.
 */
function feedsSink(awaitPath: NodePath, loopPath: NodePath<any>): boolean {
  let p: NodePath = awaitPath;
  while (p.parentPath && (p.parentPath.node.type === 'TSAsExpression' || p.parentPath.node.type === 'TSNonNullExpression' || p.parentPath.node.type === 'ParenthesizedExpression')) p = p.parentPath;
  const call = p.parentPath?.node as any;
  if (!call || (call.type !== 'CallExpression' && call.type !== 'OptionalCallExpression') || p.key !== 'arguments') return false;
  const callee = call.callee;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return false;
  let obj = callee.object;
  while (obj.type === 'MemberExpression' && !obj.computed && !SINK_NAME.test(obj.property.name ?? '')) obj = obj.object;
  const name = obj.type === 'Identifier' ? obj.name : obj.type === 'MemberExpression' && !obj.computed ? obj.property.name : null;
  if (!name || !SINK_NAME.test(name)) return false;
  const k = rootVar(obj, p);
  return k !== null && outlives(k, loopPath.node);
}

function programOf(path: NodePath): NodePath {
  let p = path;
  while (p.parentPath) p = p.parentPath;
  return p;
}

interface EslintDirectives {
  /** Is ESLint's `no-await-in-loop` switched off for the await on `line` of `loop` by a comment aimed at it? */
  allows(line: number, loop: Node): boolean;
}

const ESLINT_DIRECTIVE = /^\s*eslint-(disable-next-line|disable-line|disable|enable)(?=\s|$)([^]*)$/;

/**
 * ESLint suppressions of `no-await-in-loop` (or of every rule): `// eslint-disable-next-line`
 * above the await, `// eslint-disable-line` on it, or a `/* eslint-disable … *\/` block comment
 * inside the loop before the await, right above the loop, or at the top of the file (until a
 * matching `eslint-enable`). A block comment further up the file is not a judgement of this loop.
 */
function eslintDirectives(text: string): EslintDirectives {
  const lineStarts = [0];
  for (let i = 0; i < text.length; i++) if (text.charCodeAt(i) === 10) lineStarts.push(i + 1);
  const lineOf = (offset: number) => {
    let lo = 0;
    let hi = lineStarts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (lineStarts[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
  const lines = new Set<number>();
  const blocks: { kind: 'disable' | 'enable'; line: number; endLine: number; offset: number }[] = [];
  // Line comments are matched from the directive itself, so a `//` inside a string earlier on the line
  // (`'http://…'`) cannot swallow it.
  const comment = /\/\/[ \t]*eslint-[^\n]*|\/\*[^]*?\*\//g;
  for (let m = comment.exec(text); m; m = comment.exec(text)) {
    const raw = m[0];
    const isBlock = raw.startsWith('/*');
    const body = isBlock ? raw.slice(2, -2) : raw.slice(2);
    const d = ESLINT_DIRECTIVE.exec(body.replace(/^\s*\*?/, ''));
    if (!d) continue;
    const rules = d[2]!.split(/\s--\s|\s--$/)[0]!.split(/[\s,]+/).filter(Boolean);
    if (rules.length > 0 && !rules.some((r) => /(^|\/)no-await-in-loop$/.test(r))) continue;
    const line = lineOf(m.index);
    const endLine = lineOf(m.index + raw.length - 1);
    if (d[1] === 'disable-next-line') lines.add(endLine + 1);
    else if (d[1] === 'disable-line') lines.add(line);
    else if (isBlock) blocks.push({ kind: d[1] === 'disable' ? 'disable' : 'enable', line, endLine, offset: m.index });
  }
  // Comments before the first line of code are the file's header.
  const headerEnd = codeStart(text);
  return {
    allows(line, loop) {
      if (lines.has(line)) return true;
      const loopStart = loop.start!;
      const loopLine = loop.loc!.start.line;
      let on = false;
      for (const b of blocks) {
        if (b.line > line) break;
        if (b.kind === 'enable') {
          on = false;
          continue;
        }
        const inLoop = b.offset >= loopStart && b.line <= line;
        const aboveLoop = b.endLine < loopLine && onlyCommentsBetween(text, lineStarts, b.endLine, loopLine);
        const header = b.offset < headerEnd;
        if (inLoop || aboveLoop || header) on = true;
      }
      return on;
    },
  };
}

/** Offset of the first character of code (not comment, not whitespace, not a shebang). */
function codeStart(text: string): number {
  const re = /\s+|\/\/[^\n]*|\/\*[^]*?\*\/|^#![^\n]*/y;
  let i = 0;
  for (;;) {
    re.lastIndex = i;
    const m = re.exec(text);
    if (!m || m[0].length === 0) return i;
    i += m[0].length;
  }
}

/** Are the lines strictly between `from` and `to` (1-based) blank or comments? */
function onlyCommentsBetween(text: string, lineStarts: number[], from: number, to: number): boolean {
  for (let l = from + 1; l < to; l++) {
    const t = text.slice(lineStarts[l - 1]!, lineStarts[l] ?? text.length).trim();
    if (t !== '' && !t.startsWith('//') && !t.startsWith('/*') && !t.startsWith('*')) return false;
  }
  return true;
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
  const n = node.type === 'MemberExpression' && !node.computed ? node.property.name : node.type === 'Identifier' ? node.name : null;
  return !!n && REGISTRY_NAMES.test(n);
}

const ID_NAME = /^(id|[a-z]*Id|[a-z]*ID|key|uid|tid|pid|cid|slug)$/;

/** A write given the same id every iteration (an id from outside the loop): one record, updated in turn. */
function writesSameKey(callPath: NodePath, loopPath: NodePath<any>): boolean {
  let same = false;
  const visit = (node: any) => {
    if (same || !node) return;
    if (node.type === 'Identifier' && ID_NAME.test(node.name)) {
      const k = rootVar(node, callPath);
      if (k && outlives(k, loopPath.node)) same = true;
    } else if (node.type === 'MemberExpression' && !node.computed && ID_NAME.test(node.property.name ?? '')) {
      const k = rootVar(node, callPath);
      if (k && outlives(k, loopPath.node)) same = true;
    } else if (node.type === 'ObjectExpression') {
      for (const p of node.properties) if (p.type === 'ObjectProperty') visit(p.value);
    }
  };
  for (const a of (callPath.node as any).arguments ?? []) visit(a);
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
    if (!b || !outlives(b, loopPath.node) || b.kind === 'import') return false;
    const init = b.init as any;
    const container =
      init &&
      (init.type === 'ArrayExpression' ||
        init.type === 'ObjectExpression' ||
        (init.type === 'NewExpression' && init.callee.type === 'Identifier' && /^(Map|Set|WeakMap|WeakSet|Array)$/.test(init.callee.name)));
    return container || CONTEXT_NAME.test(name);
  };
  for (const a of (callPath.node as any).arguments ?? []) {
    if (a.type === 'Identifier' && shared(a.name)) return true;
    if (a.type === 'ObjectExpression') {
      for (const p of a.properties) if (p.type === 'ObjectProperty' && p.value.type === 'Identifier' && shared(p.value.name)) return true;
    }
  }
  return false;
}

/** Names of objects that hold state across calls: contexts, managers, documents, caches, writers… */
const CONTEXT_NAME = /(?:^|[a-z])(?:manager|Manager|context|Context|ctx|doc|Doc|document|Document|pdf|Pdf|cache|Cache|ancestors|seen|visited|state|State|session|Session|connection|Connection|conn|client|Client|em|repo|Repo|repository|Repository|store|Store|builder|Builder|writer|Writer|stream|Stream|zip|archive|workbook|sheet|canvas|browser|acc|accumulator|registry|Registry|graph|Graph|tree|Tree|map|Map|set|Set|index|Index)$/;

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
