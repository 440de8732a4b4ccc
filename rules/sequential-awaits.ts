import { awaitStep, betweenOf, dependence, independentLayers, isCheapAggregate, isCheapLocalCallee, methodReceivers, otherAwaitedCalls } from '../src/analysis/index.js';
import { promiseAllFix, quoteCall, resultUnused, runBarrier, callWaits, transactionParam, type AwaitStep, type Between, type CallShape } from '../src/analysis/index.js';
import { ACQUISITION_NAMES } from '../src/knowledge/call-verbs.js';
import { defineRule, type NodePath, type Node } from '../src/engine/rule-api.js';
import { SCRIPT_FOLDER_REASON } from '../src/knowledge/script-files.js';

type Of<T extends Node['type']> = Extract<Node, { type: T }>;

/** Statements allowed between two awaits of one run: beyond this the suggestion stops being local. */
const MAX_BETWEEN = 4;
/** Awaits weighed together: dependent ones no longer end a run, so a long function is taken in windows (linear in its size). */
const MAX_WINDOW = 16;

/** Calls whose kind orders them on purpose, by the exemption that names it (`cheap`: nothing to overlap). */
const KIND_EXEMPTION = {
  write: 'side-effect',
  migration: 'side-effect',
  sleep: 'pacing',
  barrier: 'barrier-call',
  aggregate: 'aggregate',
  cheap: 'cheap-call',
  read: null,
} as const satisfies Record<CallShape['kind'], string | null>;

export default defineRule({
  id: 'sequential-awaits',
  category: 'concurrency',
  severity: 'warn',
  unreached: 'background', // time saved matters to whoever waits; where no handler, job or timer reaches, the project shows no one
  description: 'Independent awaits in a row that could run concurrently',
  messages: {
    pair: {
      message: '`{later}` does not depend on `{earlier}` (line {line}) but waits for it to finish',
      help: 'Start both at once: `{fix}`',
    },
    run: {
      message: '{count} independent awaits run one after another (lines {lines})',
      help: 'Start them at once: `{fix}`',
    },
  },
  docs: {
    why:
      'Each `await` suspends the function until its promise settles. Two awaits in a row that do not depend on each other add their latencies: a ' +
      'request that loads a user (40 ms) and then, independently, their orders (60 ms) takes 100 ms instead of 60. Starting both and awaiting them ' +
      'together with `Promise.all` cuts the wait to the slower of the two.',
    details: [
      'A step is `await f()`, or its value assigned as is, cast, by a property or with a fixed fallback (`(await f()).data ?? []`, kept in the fix as `.then(…)`).',
      'Reported at the second await of a run of two or more awaits in the same block, naming the earlier line, with a `Promise.all` destructuring fix for the pair or run. ' +
        'A run is every await of a stretch that can start at the top, even with dependent ones between them; the dependent ones form the next run.',
      'Independence is decided by data flow: the later awaited call reads nothing the earlier statements wrote (names declared or assigned from the ' +
        'earlier result, destructured names, values computed from them in between).',
      'Nor anything the earlier call could have changed: its receiver object, and objects passed to a call that is not a plain read. A read ' +
        'through a member of a client (`db.users.find(id)`, `prisma.user.findUnique(…)`) changes neither the client nor its other members.',
      'Impact follows from what starting them together saves, all but the slowest: two calls to other services (HTTP clients, hosted APIs, ' +
        'followed into helpers across files) or two aggregating queries save a slow call, three round trips save two (medium on a request path); ' +
        'two lookups save one round trip (low).',
      'When the function also waits for a slow call outside the run (a hosted model, an aggregating query), the saving is small beside it: a class less.',
      'For `this.method()`, a method of the same class, that is the `this.<field>` state the method assigns or goes through: `this.getUsers()` reading ' +
        'through `this.store` does not hold back `this.groups.list()`.',
      'All of `this` counts as changed when the method cannot be seen.',
      'Not reported: data dependencies, direct or through statements in between.',
      'Messages quote calls briefly: arguments as `(…)`, a long member chain as `db.….findForUser(…)`, an inline async function as `(async () => ' +
        '…)()`, and other long text cut where a token ends.',
      'Every context outside tests and migrations is checked, startup included (slow boots are real).',
    ],
    bad: [
      'export async function profile(db: any, billing: any, id: string) {\n  const user = await db.users.find(id);\n  const orders = await billing.ordersFor(id);\n  return { user, orders };\n}\n',
    ],
    good: [
      'export async function profile(db: any, billing: any, id: string) {\n  const [user, orders] = await Promise.all([db.users.find(id), billing.ordersFor(id)]);\n  return { user, orders };\n}\n',
      'export async function profile(db: any, id: string) {\n  const user = await db.users.find(id);\n  const orders = await db.orders.forUser(user.accountId);\n  return { user, orders };\n}\n',
    ],
    whenNotToUse:
      'When the second call must not start if the first fails and it has no side-effect name loopguard recognises, silence the line with `// loopguard-ignore-next-line sequential-awaits -- <why>`.',
  },
  exemptions: {
    'script-folder': SCRIPT_FOLDER_REASON,
    'development-only':
      'code that runs only outside production: under `if (process.env.NODE_ENV !== "production")` or `if (isDev)`, or after `if (IS_PRODUCTION) return`',
    'script-file': 'test and migration files run once, in order, outside a server',
    'browser-code': 'code that runs in a browser is not what the rule is about',
    'side-effect':
      'calls with side effects or guards, by name (`create`, `save`, `delete`, `send`, `commit`, `connect`, `consume`, `ensure…`, `validate…`, `getOrCreate…`, migrations, upgrades, backfills ' +
      'and seeds; the full list is in `src/knowledge/call-verbs.ts`) or by SQL text (`INSERT …`, `UPDATE`, `BEGIN`…, also inside `.then` callbacks): run concurrently, they behave differently ' +
      'when the first fails (write-then-read, delete-then-create, begin/commit/rollback)',
    pacing: '`sleep`, `delay` and `setTimeout` promises are there to make later work wait',
    'barrier-call': '`next()` in middleware and `once(emitter, …)` are points the code waits at on purpose',
    aggregate: '`Promise.all` and other aggregates already run their parts concurrently',
    'result-unused':
      'an await whose result is discarded (`await f(x);`) or declared and never read (`const _project = await projects.get(id); // validates it exists`, or a name never used) runs for its ' +
      'effect or its throw: an existence guard',
    'transaction-callback': 'statements inside a `transaction(async (tx) => …)` callback that use `tx` share one connection',
    'guard-between':
      "a check of the earlier result between the two (`authorize(user, 'read', doc)`, `assertOwner(doc)`, `validate…(result)`) must pass before the later call starts",
    'same-receiver':
      'calls on the same receiver or receiver object (`tx.insert` then `tx.update`, `client.query` twice, `lock.acquire` then work, `doc.loadInfo()` then `doc.sheets`) share one connection, ' +
      'lock or page',
    'same-argument': 'the same object handed to a read and then to a call that may change it (two reads of one context bag order nothing)',
    'same-session':
      'calls given one request, transaction or session (`req`, `tx`, `session`…), also inside an options object or spread from a context (`{ ...ctx, limit }`), are ordered through it',
    'cheap-call': 'request accessors (Next.js `headers()`/`cookies()`/`draftMode()`), `await import()` and predicates such as `isActive` have nothing to overlap',
    'local-no-io': 'awaits of local functions that do no I/O (also `Module.fn = …` members of a CommonJS module) have nothing to overlap',
    'imported-no-io':
      'awaits of functions in other files of the project that do no I/O (`async getConfig() { return config }`, a pure transformer, their callees too; ' +
      'a method on an untyped value when every project definition of it is so) or return a memoised value (`if (client) return client; …`) are not round trips: ' +
      'the call is followed into its file; a run left with fewer than two awaits that may do I/O is not reported',
    'ready-values': 'aggregates over values that are already there (`promiseParallel({ a: syncFn(), b: syncFn() })`) have nothing to overlap',
    'client-acquisition':
      'a client being acquired (`const payload = await getPayload()`, or a result whose methods the function awaits: `await conn.query(…)`) is set-up, not work to overlap',
    'control-flow-between': 'a branch, loop, `try` or early exit between two awaits (for example `if (!user) throw …` on the first result) makes the second conditional',
    'other-await': 'an await of a value that is not a call (a promise already started) or a chain of awaits between two awaits ends the run',
    'far-apart':
      'more than 4 statements between an await and the previous one of the run (awaits with nothing to overlap count as statements): moving them into one `Promise.all` is no longer a local fix',
  },
  create(ctx) {
    if ((ctx.file.role === 'test' || ctx.file.role === 'migration') && ctx.exempt('script-file', null)) return {};
    if (ctx.file.runsInBrowser && ctx.exempt('browser-code', null)) return {};
    const source = (node: Node) => ctx.source(node);
    /** An await with nothing to overlap: a request accessor, a cached import, a predicate, a client being acquired. */
    const nothingToOverlap = (step: AwaitStep, isReceiver: (name: string) => boolean): boolean => {
      const at = step.await.node;
      return (
        (step.call.kind === 'cheap' && ctx.exempt('cheap-call', at)) ||
        (isCheapLocalCallee(step.call.path) && ctx.exempt('local-no-io', at)) ||
        (isCheapAggregate(step.call.path) && ctx.exempt('ready-values', at)) ||
        (step.target !== null && ACQUISITION_NAMES.test(step.target) && ctx.exempt('client-acquisition', at)) ||
        (step.targetName !== null && isReceiver(step.targetName) && ctx.exempt('client-acquisition', at))
      );
    };
    /** A step that ends the run without starting one: later work waits for it on purpose. */
    const ordered = (step: AwaitStep, tx: ReturnType<typeof transactionParam>): boolean => {
      const at = step.await.node;
      const kind = KIND_EXEMPTION[step.call.kind];
      // A discarded result (`await f(x);`, or a name never used: `const _project = await get(id)`) is there
      // for its effect or its throw.
      return (
        (kind !== null && ctx.exempt(kind, at)) ||
        (step.declKind === 'expr' && ctx.exempt('result-unused', at)) ||
        (!!tx && step.reads.has(tx) && ctx.exempt('transaction-callback', at)) ||
        (resultUnused(step) && ctx.exempt('result-unused', at))
      );
    };
    const check = (blockPath: NodePath, key: string, statements: readonly Node[]) => {
      if (statements.length < 2) return;
      const tx = transactionParam(blockPath);
      let receivers: Set<string> | null = null;
      const isReceiver = (name: string) => (receivers ??= methodReceivers(blockPath)).has(name);
      let run: AwaitStep[] = [];
      // Plain statements after the first await of the window, and where each member's followers start.
      let between: Between[] = [];
      let starts: number[] = [];
      // The window's awaits that can start together, wave by wave.
      const finish = () => {
        const dependsOn = (k: number, j: number) =>
          dependence(run[k]!, run[j]!, between, starts[k], starts[j]).some((why) => why === 'data' || ctx.exempt(why, run[j]!.await.node));
        if (run.length >= 2) for (const wave of independentLayers(run.length, dependsOn)) if (wave.length >= 2) report(wave.map((j) => run[j]!));
        run = [];
        between = [];
        starts = [];
      };
      statements.forEach((stmt, i) => {
        const stmtPath = blockPath.child(stmt, key, i);
        const step = awaitStep(stmtPath, source);
        if (step && nothingToOverlap(step, isReceiver)) {
          if (run.length > 0) between.push(betweenOf(stmtPath));
          return;
        }
        if (step) {
          if (ordered(step, tx)) {
            finish();
            return;
          }
          const gap = run.length > 0 ? between.length - starts[starts.length - 1]! : 0;
          if ((gap > MAX_BETWEEN && ctx.exempt('far-apart', step.await.node)) || run.length >= MAX_WINDOW) finish();
          run.push(step);
          starts.push(between.length);
          return;
        }
        if (run.length === 0) return;
        // A barrier ends the run; as the block's last statement it separates nothing.
        const barrier = runBarrier(stmtPath);
        if (barrier !== null && (i === statements.length - 1 || ctx.exempt(barrier === 'other-await' ? 'other-await' : 'control-flow-between', stmt))) {
          finish();
          return;
        }
        // A plain statement between awaits: remember what it reads and writes, for taint.
        between.push(betweenOf(stmtPath));
      });
      finish();
    };

    const report = (run: AwaitStep[]) => {
      const [first, second] = [run[0]!, run[1]!];
      const fix = promiseAllFix(run, source);
      // Its impact: what starting them together saves, all but the slowest.
      const inRun = new Set(run.map((s) => s.call.node));
      const besides = otherAwaitedCalls(second.await).filter((c) => !inRun.has(c.node));
      const latency = {
        calls: run.map((s) => ({ node: s.call.node, waits: callWaits(s.call.path) })),
        policy: 'overlap' as const,
        besides: besides.map((c) => ({ node: c.node, waits: callWaits(c) })),
      };
      const where = { runsIn: ctx.context(second.await), unlessPure: { calls: run.map((s) => s.call.node), exemption: 'imported-no-io' as const }, latency };
      const line = String(first.await.node.loc!.start.line);
      if (run.length === 2) {
        ctx.report(second.await.node, 'pair', { later: quoteCall(second.call.node, source), earlier: quoteCall(first.call.node, source), line, fix }, where);
      } else {
        ctx.report(second.await.node, 'run', { count: String(run.length), lines: run.map((s) => s.await.node.loc!.start.line).join(', '), fix }, where);
      }
    };

    return {
      BlockStatement: (p: NodePath<Of<'BlockStatement'>>) => check(p, 'body', p.node.body),
      Program: (p: NodePath<Of<'Program'>>) => check(p, 'body', p.node.body),
      StaticBlock: (p: NodePath<Of<'StaticBlock'>>) => check(p, 'body', p.node.body),
      SwitchCase: (p: NodePath<Of<'SwitchCase'>>) => check(p, 'consequent', p.node.consequent),
    };
  },
});
