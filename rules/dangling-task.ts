import {
  asyncListener,
  asyncRouteHandlers,
  handlesRejections,
  describe,
  droppedFanOut,
  isPromiseApi,
  pMapFix,
  rejectionPoints,
  unusedResult,
  type CallNode,
} from '../src/analysis/index.js';
import { callStep, defineRule, servingLabel, type CallSite, type GraphFunction, type Node, type NodePath, type SiteLocation } from '../src/engine/rule-api.js';
import { widestReach } from '../src/knowledge/impact.js';
import { SCRIPT_FOLDER_REASON } from '../src/knowledge/script-files.js';
import { EXPRESS_ASYNC_PATCHES } from '../src/knowledge/frameworks.js';
import { EXPRESS_PATCHED, GROUPED_CALLS, REJECTIONS_HANDLED } from '../src/knowledge/promises.js';

type Ids = 'danglingCall' | 'droppedByCallers' | 'droppedFanOut' | 'asyncListener' | 'expressAsyncHandler' | 'expressAsyncHandlerLogged';
type Exemption = keyof typeof EXEMPTIONS;

const EXEMPTIONS = {
  'script-folder': SCRIPT_FOLDER_REASON,
  'startup-callers': 'an async function whose every caller runs at startup (or in a script): what it drops fails while the process boots, not under a request',
  'forked-process': 'code that runs only in a forked child process or on a worker thread: a rejection there ends that child or worker, and its parent sees it exit',
  'sync-body': 'the async function called awaits nothing and returns no promise: its promise rejects only if its own synchronous code throws (a bug)',
  'void-marked': '`void f()`: the code says the promise runs on its own on purpose',
  'helper-catches': 'every await or returned promise of the async function called is caught (`try … catch`, `.catch`) or cannot reject (a timer)',
  'rejections-logged': 'the project handles `unhandledRejection` process-wide (a handler that logs): a dropped promise that fails ends nothing',
  'async-errors-patched': 'the project imports `express-async-errors` (or a router that handles promises): Express then passes rejections to its error handler',
  'browser-code': 'a module only browser code imports: there is no server process to crash (applied by the project phase)',
  'pure-callee': 'the async function called works only in memory (followed across files): its promise rejects only on a programming error',
  'development-only': 'code that runs only outside production (`if (process.env.NODE_ENV !== "production")`, after `if (IS_PRODUCTION) return`)',
  'errors-handled': 'an async listener or per-item callback whose every await sits in a `try` with a `catch`',
};

const EXPRESS_FIX =
  'Catch and pass the error on (`try { … } catch (err) { next(err) }`), wrap the handler (express-async-handler), import `express-async-errors` once, or move to Express 5';
const EXPRESS_HANG = 'Async {kind} in an Express 4 app: if `{first}`{more} rejects, Express 4 never answers the request (it hangs until the client gives up)';
const CRASH = 'if it rejects, nothing handles the rejection and Node (15 and later) ends the process';

export default defineRule<Ids, Exemption>({
  id: 'dangling-task',
  category: 'concurrency',
  severity: 'warn',
  description: 'Promises started on a serving path that nothing awaits and whose failure nothing handles',
  messages: {
    danglingCall: {
      message: '`{callee}(…)` returns a promise that nothing awaits: {crash}, and {where} goes on without it',
      help: 'Await it; if it should finish after the response, end the chain with `.catch((err) => log(err))`, or mark it `void` on purpose',
    },
    droppedFanOut: {
      message: '`{source}.{method}(async …)` starts one promise per item at once and drops them: nothing waits for them or handles their errors',
      help: 'Await them with bounded concurrency: `{fix}` (p-map)',
    },
    droppedByCallers: {
      message: '`{callee}()` returns a promise that {count} callers drop without awaiting it: {crash}',
      help: 'Catch inside `{callee}` so its promise never rejects (log the error there), or await it at each call',
    },
    expressAsyncHandler: { message: `${EXPRESS_HANG}, and nothing handles the rejection: Node ends the process`, help: EXPRESS_FIX, severity: 'error' },
    expressAsyncHandlerLogged: { message: `${EXPRESS_HANG}; the process-wide \`unhandledRejection\` handler only logs it`, help: EXPRESS_FIX, severity: 'error' },
    asyncListener: {
      message:
        'Async listener for `{event}`: EventEmitter ignores the promise it returns, so if `{first}`{more} rejects, nothing handles the rejection and Node ends the process',
      help: 'Catch inside the listener (`try { … } catch (err) { log(err) }`), or create the emitter with `captureRejections: true` and handle its `error` event',
    },
  },
  docs: {
    why:
      'A promise that nothing awaits and nothing `.catch`es is work the code started and then forgot: when it fails, the rejection is unhandled, and Node ' +
      '(since 15) ends the process, taking every request in flight with it; when it succeeds late, the request it belonged to has already answered. ' +
      'EventEmitter does the same with an async listener: it calls it and drops the promise.',
    details: [
      'A call whose result is not used at all to a function that returns a promise: a project `async` function (from its summary, across files, through ' +
        'imports, `this.method()` and injected services) or a promise API of Node or a package (`fetch`, `fs.promises`, axios…: `src/knowledge/promises.ts`).',
      'Not reported: `await`, `return`, an assignment, an argument, a `.then`/`.catch`/`.finally` chain, `void f()`, and the named exemptions below.',
      'One root cause, one finding: an async function that three or more serving calls drop is reported once, at the function, listing the calls.',
      '`coll.forEach(async …)` and a bare `coll.map(async …);`; an async listener (`emitter.on`, `process.on`, `socket.on`) or an async route handler ' +
        'in an Express 4 package (an error) awaiting outside a `try … catch`.',
      'Reported in serving code (handlers, async functions, listeners, jobs and timers, and the helpers they call), not at startup, in scripts or tests, or in browser code.',
    ],
    bad: [
      "import express from 'express';\nimport { appendFile } from 'node:fs/promises';\nconst app = express();\n" +
        "app.post('/login', async (req, res) => {\n  appendFile('/var/log/logins', `${req.body.user}\\n`);\n  res.sendStatus(204);\n});\n",
    ],
    good: [
      "import express from 'express';\nimport { appendFile } from 'node:fs/promises';\nconst app = express();\n" +
        "app.post('/login', async (req, res) => {\n  appendFile('/var/log/logins', `${req.body.user}\\n`).catch((err) => console.error('login log failed', err));\n" +
        '  res.sendStatus(204);\n});\n',
    ],
    whenNotToUse:
      'When a process-wide `unhandledRejection` handler logs and keeps running on purpose, the crash does not happen; the lost work and its lost errors still do.',
  },
  exemptions: EXEMPTIONS,
  create(ctx) {
    // Tests and scripts are not serving code (`isHot` says so for each place); browser code has no server to crash.
    if (ctx.file.runsInBrowser && ctx.exempt('browser-code', null)) return {};
    const firstOf = (p: NodePath[]) => ({
      first: ctx.source(p[0]!.node).split('\n')[0]!.trim().slice(0, 60),
      more: p.length > 1 ? ` (or ${p.length - 1} more await${p.length > 2 ? 's' : ''})` : '',
    });
    // Where it runs: the project phase drops what only startup or a forked child reaches (startup-callers, forked-process).
    // Awaits of calls only: a project function that catches inside (followed across files) does not reject.
    const followed = (points: NodePath[]) => {
      const calls = points.map((a) => (a.node as any).argument).filter((n) => n?.type === 'CallExpression');
      return calls.length === points.length ? { unlessFollowed: { calls, exemption: 'helper-catches' as const, finds: 'rejects' as const } } : {};
    };
    const crashes = (at: NodePath) => ({ ...CRASHES, context: ctx.context(at) });
    const check = (path: NodePath<CallNode>) => {
      const call = path.node;
      // emitter.on('event', async () => { await … }): EventEmitter drops the listener's promise (it runs when the event comes).
      const listener = asyncListener(path);
      if (listener) {
        const points = rejectionPoints(listener.fn);
        if (points.length === 0 && ctx.exempt('errors-handled', listener.fn.node)) return;
        if (!ctx.isHot(listener.body)) return;
        ctx.report(listener.fn.node, 'asyncListener', { event: listener.event, ...firstOf(points) }, { ...crashes(listener.body), ...followed(points) });
        return;
      }
      if (ctx.file.expressMajor === 4) expressHandlers(path);
      if (!ctx.isHot(path)) return;
      // coll.forEach(async …): one promise per item, dropped.
      const dropped = droppedFanOut(path);
      if (dropped) {
        // A callback that catches around every await (or awaits nothing) cannot reject (whether starting every item at once is too many
        // is `unbounded-fan-out`'s question).
        const cb = dropped.callback;
        const quiet = (cb.node as { body: { type: string } }).body.type === 'BlockStatement' && rejectionPoints(cb).length === 0;
        if (quiet && ctx.exempt('errors-handled', call)) return;
        const data = { source: describe(dropped.source.node), method: dropped.method, fix: pMapFix(dropped.source, dropped.callback, ctx.source) };
        ctx.report(call, 'droppedFanOut', data, crashes(path));
        return;
      }
      // A promise API of Node or a package, called as a statement of its own. (Project functions: the project phase.)
      const unused = unusedResult(path);
      if (!unused || !isPromiseApi(ctx.resolveCallTarget(path))) return;
      if (unused === 'void' && ctx.exempt('void-marked', call)) return;
      const where = ctx.context(path);
      ctx.report(call.callee, 'danglingCall', { callee: ctx.source(call.callee), crash: CRASH, where: servingLabel(where.description) }, { ...CRASHES, context: where });
    };
    /** `app.get('/x', async (req, res) => { await … })` in an Express 4 package: a rejection leaves the request hanging. */
    const expressHandlers = (path: NodePath<CallNode>) => {
      for (const { fn, body, kind } of asyncRouteHandlers(path)) {
        const awaits = rejectionPoints(fn);
        if (awaits.length === 0 || !ctx.isHot(body)) continue;
        const [patched, logged] = [EXPRESS_PATCHED, REJECTIONS_HANDLED];
        const facts = { unlessFact: { fact: patched, exemption: 'async-errors-patched' as const }, ifFact: { fact: logged, messageId: 'expressAsyncHandlerLogged' } };
        const extra = { cost: 'heavy' as const, context: ctx.context(body), ...facts, ...followed(awaits) };
        ctx.report(fn.node, 'expressAsyncHandler', { kind, ...firstOf(awaits) }, extra);
      }
    };
    const recordPatch = (source: string | null) => {
      if (source && EXPRESS_ASYNC_PATCHES.includes(source)) ctx.recordFact(EXPRESS_PATCHED);
    };
    return {
      CallExpression(path: NodePath<CallNode>) {
        const a = path.node.arguments[0];
        if (path.node.callee.type === 'Identifier' && path.node.callee.name === 'require' && a?.type === 'StringLiteral') recordPatch(a.value);
        // process.on('unhandledRejection', log): a dropped promise that fails is logged, the process goes on.
        if (handlesRejections(path, (p) => ctx.resolveCallTarget(p))) ctx.recordFact(REJECTIONS_HANDLED);
        check(path);
      },
      OptionalCallExpression: check,
      ImportDeclaration(path: NodePath<Extract<Node, { type: 'ImportDeclaration' }>>) {
        recordPatch(path.node.source.value);
      },
    };
  },
  // Calls to the project's async functions, resolved across files.
  link(ctx) {
    const logged = ctx.facts.has(REJECTIONS_HANDLED);
    // The calls that count, grouped by the one function they drop: a helper many callers drop is one finding at the
    // helper (where one fix, catching inside it, covers every caller), listing the calls.
    const groups = new Map<string, { callee: GraphFunction | null; calls: { caller: GraphFunction; site: CallSite; at: SiteLocation }[] }>();
    for (const { caller, site, callees } of ctx.graph.droppedPromises()) {
      const kind = caller.fn.context?.kind;
      if (kind !== 'hot' && !(kind === 'helper' && ctx.graph.reachKnown(caller.key))) continue;
      const at = { file: caller.file.file, line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn };
      const every = (test: (g: GraphFunction) => unknown) => callees.every(test);
      const why: [Exemption, unknown][] = [
        ['startup-callers', ctx.startupOnly.has(caller.key)],
        ['forked-process', ctx.forked.has(caller.file.abs)],
        ['void-marked', site.unused === 'void'],
        ['pure-callee', every((g) => ctx.graph.isPure(g.key))],
        ['helper-catches', every((g) => g.fn.settles)],
        ['sync-body', every((g) => g.fn.syncBody || g.fn.settles)],
        ['development-only', site.dev],
        ['rejections-logged', logged],
      ];
      if (why.some(([id, holds]) => holds && ctx.exempt(id, at))) continue;
      const id = callees.length === 1 ? callees[0]!.key : `${caller.key}\0${site.line}:${site.column}`;
      const group = groups.get(id) ?? { callee: callees.length === 1 ? callees[0]! : null, calls: [] };
      groups.set(id, group);
      group.calls.push({ caller, site, at });
    }
    for (const { callee, calls } of groups.values()) {
      if (callee && calls.length >= GROUPED_CALLS) {
        const open = calls.filter((c) => !ctx.suppressed(c.at));
        if (open.length === 0) continue;
        const at = { file: callee.file.file, line: callee.fn.line, column: callee.fn.column, endLine: callee.fn.line, endColumn: callee.fn.column + 1 };
        const paths = open.map((c) => [callStep(c.caller.file.file, c.site, servingLabel(describeCaller(c.caller)))]);
        const reach = widestReach(open.map((c) => ctx.graph.reachOf(c.caller.key)));
        ctx.report(at, 'droppedByCallers', { callee: callee.fn.name, count: String(open.length), crash: CRASH }, { paths, reach, cost: 'heavy' });
        continue;
      }
      for (const { caller, site, at } of calls) {
        const description = describeCaller(caller);
        const context = { kind: 'hot' as const, description, ...(caller.fn.context?.serves ? { serves: caller.fn.context.serves } : {}) };
        const data = { callee: site.text, crash: CRASH, where: servingLabel(description) };
        ctx.report(at, 'danglingCall', data, { context, reach: ctx.graph.reachOf(caller.key), cost: 'heavy' });
      }
    }
  },
});

/** A dropped promise's failure ends the process (heavy), unless the project handles rejections process-wide. */
const CRASHES = { cost: 'heavy' as const, unlessFact: { fact: REJECTIONS_HANDLED, exemption: 'rejections-logged' as const } };

const describeCaller = (caller: GraphFunction): string => caller.fn.context?.description ?? `inside \`${caller.fn.name}\``;
