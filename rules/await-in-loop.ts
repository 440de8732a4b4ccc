import { awaitedCall, directAwaits, iterationDependence, orderedLoopWork, perItemSizing, sequentialLoop, callWaits, type LoopNode } from '../src/analysis/index.js';
import { DECLARATION_KEYWORD, LOOP_NAMES, WHITESPACE_RUN } from '../src/knowledge/loops.js';
import { defineRule, type NodePath, type Node } from '../src/engine/rule-api.js';
import { SCRIPT_FOLDER_REASON } from '../src/knowledge/script-files.js';

export default defineRule({
  id: 'await-in-loop',
  category: 'concurrency',
  severity: 'warn',
  unreached: 'background', // time saved matters to whoever waits; where no handler, job or timer reaches, the project shows no one
  description: 'Awaits in loops whose iterations are independent, so they run one at a time for no reason',
  messages: {
    serialLoop: {
      message: '`await` in a `{loop}` loop{over} runs the iterations one at a time, though none depends on another',
      help: 'Run iterations with bounded concurrency: `{fix}` (p-map), or `Promise.all` over fixed-size chunks',
    },
    serialWrites: {
      message: '`await` in a `{loop}` loop{over} writes one item per round trip, though no write depends on another',
      help: 'Make it one batched write (`createMany`, `deleteMany`, `UPDATE … WHERE id IN (…)`, a bulk insert, a batch API); else bounded concurrency: `{fix}` (p-map)',
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
      'Impact follows from how the collection is sized and what each iteration waits on: a call to another service per item (an HTTP client, ' +
        'a hosted API, followed into helpers across files) raises it by a class over a lookup per item; local file reads, and writes (the fix is one ' +
        'batched write, and the message says so), lower it; the rows of a query, one at a time, are a fixed amount of waiting (io).',
      'The help suggests bounded concurrency (`p-map` with `concurrency`, or `Promise.all` over fixed-size chunks), never one unbounded `Promise.all` ' +
        'over the whole collection.',
      "An ESLint `no-await-in-loop` suppression on one of the loop's awaits is the team's judgement (`// eslint-disable-next-line no-await-in-loop`, " +
        'a bare `// eslint-disable-next-line`, or `eslint-disable-line`).',
      'A `/* eslint-disable no-await-in-loop */` block counts when it is inside the loop before the await, directly above the loop, or in the file ' +
        'header (until a matching `eslint-enable`).',
      'A block comment further up the file is not taken as a judgement of later loops.',
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
    'script-folder': SCRIPT_FOLDER_REASON,
    'development-only':
      'code that runs only outside production: under `if (process.env.NODE_ENV !== "production")` or `if (isDev)`, or after `if (IS_PRODUCTION) return`',
    'script-file': 'tests, migrations, seeds (`seed*.ts`, `seeds.js`) and CI scripts (`ci/`, `.github/`) run once, outside a server',
    'browser-code': 'code that runs in a browser does not hold up a Node event loop',
    'for-await': '`for await` consumes an async iterable one item at a time by design',
    'endless-loop': '`while (true)`, `for (;;)`: a consumer or a poller runs until something happens, one step at a time',
    'awaited-condition': 'an await in the condition or the update decides whether to go on',
    'early-exit':
      'an exit that depends on what an awaited call found (retry until a success, search until a match); fail-fast exits (input validation, a limit ' +
      "on the loop's own counter, giving up when a call fails, any `throw`) leave the iterations independent; and every await followed, in its block, by an exit " +
      '(`if (match) { send(await read(f)); return; }`): at most one iteration waits',
    'eslint-suppression': 'the team already judged the loop: an ESLint `no-await-in-loop` suppression on it',
    pacing: '`await sleep(ms)` or a `setTimeout` promise paces the loop on purpose',
    backpressure: 'stream backpressure (`await once(stream, "drain")`): the next write must wait',
    batched: 'each iteration already awaits a batch (`await Promise.all(chunk.map(…))`, p-map)',
    migration: 'migrations, data upgrades (`upgrade…`, `backfill…`) and seeds run in order',
    quota: 'each call uses up a quota or budget (`limiter.consume(key)`, `spend`, `redeem`): a rejection must stop the rest',
    'receiver-writes':
      'writes through a handle that orders them: a transaction (`await tx.insert(row)`, `trx("t").update(…)`), a session or lock, or a connection checked out of a ' +
      'pool (`const c = await pool.connect()`); through a pooled client (an ORM model, Prisma, knex, `pg.Pool`) writes are independent',
    pipeline: 'calling the loop variable or a function it carries (hooks, middlewares, steps) in order is the contract',
    'caller-callback': 'a callback handed in by the caller: its ordering contract cannot be known',
    'shared-session': 'one request, transaction or session passed to every call: directly, as an option (`{ transaction }`), spread from a context, or through a closure',
    'same-record':
      'a write whose record the same outer id names each time (`{ id: tid }`, the first argument; not a reference such as `{ pageId, path: link.path }`), ' +
      'or one that takes nothing from the item (`if (op.remove) await removeMember(org, member)`), updates one record in turn',
    'shared-object':
      'one container, document or manager from outside the loop is handed to every call, or a document is built through its methods (`await pdfDoc.embedPage(…)`); ' +
      'not when the callee is a local function that only reads it (`shouldNotify(document, user)`)',
    'callee-mutates-outer': 'a local callee changes an outer object (`merge(translations, file)`): each call builds on the last',
    memo: 'a local callee fills a memo it also checks (`if (!memo.has(k)) memo.set(k, await load(k))`): later iterations reuse earlier results',
    sink: 'results fed straight into a sink from outside the loop (`zip.addBuffer(await read(f))`), one item in memory at a time',
    'no-io-callee':
      'awaits that settle at once, followed into the project (this file or another): functions that work in memory (their callees too) or return ' +
      'a memoised value, and methods on untyped values (`await item.toJSON()`) whose every definition in the project does no I/O',
    registry: 'iterating a registry of hooks, plugins or middlewares the program fixes, in order',
    chunked: 'the loop iterates chunks (`chunk(ids, 50)`, `batches`): each iteration is already a batch',
    pagination: 'a value from one response decides whether the loop goes on (a cursor, a has-more flag, a work queue)',
    accumulator: 'a value from one iteration feeds the next await (`prev = await f(prev)`, a cursor passed on)',
    'shared-state':
      'a variable the body both writes and reads, up to its last await (a dedupe map, a `seen` set), carries state across iterations; state folded in only after the awaits does not',
    'merged-results': 'results merged into an outer object (`Object.assign(config, await load(f))`): later ones win',
    'offset-pagination': 'a page number, offset or date window the loop advances and passes to the call',
    startup: 'the loop runs once, at startup (module top level, loaders): the order is usually the point',
  },
  create(ctx) {
    if ((ctx.file.role === 'test' || ctx.file.role === 'migration' || ctx.file.role === 'script') && ctx.exempt('script-file', null)) return {};
    if (ctx.file.runsInBrowser && ctx.exempt('browser-code', null)) return {};
    const reported = new Set<Node>();
    const check = (loopPath: NodePath<LoopNode>) => {
      const loop = loopPath.node;
      if (loop.type === 'ForOfStatement' && loop.await && ctx.exempt('for-await', loop)) return;
      const bodyPath = loopPath.child(loop.body, 'body');
      const awaits = directAwaits(bodyPath).filter((a) => a.node.type === 'AwaitExpression');
      // An inner loop already reported its awaits; report this one only for awaits of its own.
      const unreported = awaits.filter((a) => !reported.has(a.node));
      if (unreported.length === 0) return;
      // Run-forever loops (consumers, pollers), awaits in the condition and exits on what a call found are sequential by design.
      const sequential = sequentialLoop(loopPath, bodyPath);
      if (sequential && ctx.exempt(sequential, loop)) return;
      const calls = awaits.map((a) => awaitedCall(a)).filter((c): c is NodePath => c !== null);
      if (calls.length === 0) return; // awaiting promises that were already started
      // The team already judged the loop: an ESLint `no-await-in-loop` suppression on it. It holds for enclosing loops too.
      if (unreported.some((a) => ctx.eslintSuppressed('no-await-in-loop', a.node, loop)) && ctx.exempt('eslint-suppression', loop)) {
        for (const a of awaits) reported.add(a.node);
        return;
      }
      // Exemptions that come from the calls themselves also hold for enclosing loops: mark the awaits handled.
      const ordered = orderedLoopWork(loopPath, awaits, calls);
      if (ordered && ctx.exempt(ordered, loop)) {
        for (const a of awaits) reported.add(a.node);
        return;
      }
      const dependence = iterationDependence(loopPath, bodyPath, calls);
      if (dependence && ctx.exempt(dependence, loop)) return;
      // Runs once, at startup (a loader, a boot sequence): the order is usually the point, and the cost is paid once.
      if (ctx.context(loopPath).kind === 'startup' && ctx.exempt('startup', loop)) return;
      for (const a of awaits) reported.add(a.node);
      const first = unreported[0]!;
      const over = loop.type === 'ForOfStatement' || loop.type === 'ForInStatement' ? ` over \`${short(ctx.source(loop.right))}\`` : '';
      // for…in walks the object's keys: pMap over `Object.keys(obj)`.
      const keyed = loop.type === 'ForOfStatement' || loop.type === 'ForInStatement';
      const item = keyed ? ctx.source(loop.left).replace(DECLARATION_KEYWORD, '') : 'item';
      const coll = loop.type === 'ForOfStatement' ? short(ctx.source(loop.right)) : keyed ? `Object.keys(${short(ctx.source(loop.right))})` : 'items';
      const waits = calls.map((c) => ({ node: c.node, waits: callWaits(c) }));
      const writes = waits.every((w) => w.waits === 'write');
      ctx.report(
        first.node,
        writes ? 'serialWrites' : 'serialLoop',
        {
          loop: LOOP_NAMES[loop.type]!,
          over,
          fix: `await pMap(${coll}, async (${short(item, 30)}) => { … }, { concurrency: 8 })`,
        },
        {
          ...(loop.type === 'ForOfStatement' ? perItemSizing(loopPath.child(loop.right, 'right'), 'sequential') : { cost: 'io' as const }),
          // Writes the project shows are calls to another service (a storage backend's delete): no batched write fits.
          latency: { calls: waits, policy: 'per-item', ...(writes ? { ifSlow: 'serialLoop' } : {}) },
          unlessPure: { calls: calls.map((c) => c.node), exemption: 'no-io-callee', minIO: 1 },
          runsIn: ctx.context(loopPath),
        },
      );
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

function short(text: string, max = 40): string {
  const one = text.replace(WHITESPACE_RUN, ' ');
  return one.length <= max ? one : `${one.slice(0, max - 1)}…`;
}
