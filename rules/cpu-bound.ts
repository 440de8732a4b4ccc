import {
  branchingRecursion,
  collectionBound,
  describe,
  describeQueryOrigin,
  heavyCall,
  inputValue,
  iterationOf,
  loopYields,
  parameterOf,
  perItemCpuWork,
  quadraticScan,
  regexCall,
  sizedData,
  superLinear,
  type CallNode,
  type Iteration,
  type Sized,
} from '../src/analysis/index.js';
import { defineRule, type Node, type NodePath } from '../src/engine/rule-api.js';
import { WHITESPACE_RUN } from '../src/knowledge/collections.js';
import { SCRIPT_FOLDER_REASON } from '../src/knowledge/script-files.js';

type Ids = 'catastrophicRegex' | 'heavyCall' | 'exponential' | 'quadratic' | 'unyieldingLoop';
type Exemption = 'bounded-collection' | 'yields' | 'request-body-limit' | 'script-folder';

const THREAD = 'it runs on the event loop thread, and every other request waits until it ends';
const WORKER = 'move it to a worker pool (piscina) or a worker thread';

export default defineRule<Ids, Exemption>({
  id: 'cpu-bound',
  category: 'blocking',
  severity: 'warn',
  description:
    'CPU-heavy synchronous work on request-sized data where the process serves requests: backtracking regexes, parsers, exponential or quadratic work, loops that never yield',
  messages: {
    catastrophicRegex: {
      message:
        '`{regex}` backtracks {growth} in the length of `{subject}` ({origin}) {where}: a crafted string holds the event loop for seconds, ' +
        'freezing every other request ({part} can match the same text in more than one way)',
      help: 'Rewrite `{part}` so each character can match only one way (or use a linear engine such as re2), and cap the input length before matching',
    },
    heavyCall: {
      message: '`{call}(…)` {what} synchronously over `{data}` ({origin}) {where}: {thread}, for as long as the data is big',
      help: 'Cap the size you accept, and {worker} (or use a streaming parser) so requests go on while it runs',
    },
    exponential: {
      message:
        '`{call}` recurses twice per step (`{fn}` calls itself with the parameter minus a constant): its time doubles with each unit of `{arg}` (request input) {where}',
      help: 'Compute it iteratively or memoise it, and bound the input; if it must stay, {worker}',
    },
    quadratic: {
      message: '`{inner}` scans `{collection}` once per item of it ({origin}) {where}: the work grows with the square of its size, and {thread}',
      help: 'Index it once before the loop (`new Map(…)` or `new Set(…)`) so each lookup is constant time, and bound the collection',
    },
    unyieldingLoop: {
      message: 'This loop over `{collection}` ({origin}) does {work} for every item and never awaits {where}: it holds the event loop thread for the whole collection',
      help: '{Worker}, or yield every few hundred items (`if (i % 500 === 0) await setImmediate()` from `node:timers/promises`), and bound the collection',
    },
  },
  options: {
    heavyCalls: {
      type: 'string[]',
      default: [],
      description:
        'More synchronous APIs that are heavy over big data, as `module#export` (`my-parser#parseSync`, `lib#Class().method` for an instance method); the data is the first argument',
    },
  },
  docs: {
    why:
      'JavaScript runs on one thread: a handler that computes instead of waiting freezes every other request just as `readFileSync` does (putting `async` in front of a ' +
      'function does not make it non-blocking). The danger grows with the data: a parser over an upload, a scan of a list inside a loop over the same list, a recursion ' +
      'that branches, or a regular expression that backtracks, given input a client controls, holds the thread for seconds.',
    details: [
      'A regex literal (or a `const` bound to one) that backtracks super-linearly (judged by scslre, which names the ambiguous part), run over request input with ' +
        '`test`/`exec`/`match`/`matchAll`/`replace`/`replaceAll`/`split`/`search`.',
      'A synchronous parser or renderer (CSV, spreadsheets, YAML, XML, Markdown, HTML; the table is `src/knowledge/cpu-work.ts`, extended with the `heavyCalls` option) ' +
        'over request input, an upload, a query result or a row of one, or a listing; `JSON.parse`/`JSON.stringify` over an upload only.',
      'A function that calls itself twice with its parameter minus a constant (`fib(n - 1) + fib(n - 2)`), called with request input.',
      'Inside a loop over a collection the client sizes (request input), a scan of the same collection (`find`, `includes`, `indexOf`, `filter`, an inner loop): quadratic.',
      'A synchronous loop over a collection of unknown size (request input, a query or API result, a listing) whose body does CPU work per item ' +
        '(a heavy call, hashing) and never awaits.',
      'Not reported: constant or bounded data (a limit, a slice, a length check), loops that await or yield, code that is not serving requests ' +
        '(startup, scripts, tests, browser code, worker threads and forked children: moving work there is the fix).',
    ],
    bad: [
      "import express from 'express';\nimport { parse } from 'csv-parse/sync';\nconst app = express();\n" +
        "app.post('/import', express.text({ limit: '50mb' }), (req, res) => {\n  const rows = parse(req.body);\n  res.json({ count: rows.length });\n});\n",
      "import express from 'express';\nconst app = express();\napp.post('/signup', (req, res) => {\n" +
        '  const ok = ' +
        '/^([a-zA-Z0-9]+\\s?)*$/.test(req.body.name);\n  res.json({ ok });\n});\n',
    ],
    good: [
      "import express from 'express';\nimport { parse } from 'csv-parse';\nconst app = express();\n" +
        "app.post('/import', (req, res) => {\n  let count = 0;\n  req.pipe(parse()).on('data', () => count++).on('end', () => res.json({ count }));\n});\n",
      "import express from 'express';\nconst app = express();\napp.post('/signup', (req, res) => {\n" +
        '  const name = String(req.body.name).slice(0, 100);\n  const ok = ' +
        '/^[a-zA-Z0-9]+(?: [a-zA-Z0-9]+)*$/.test(name);\n  res.json({ ok });\n});\n',
    ],
    whenNotToUse:
      'When the input is length-limited before it reaches the work in a way loopguard cannot see (a schema with a small `maxLength`, a proxy limit), suppress it with the limit as the reason.',
  },
  exemptions: {
    'script-folder': SCRIPT_FOLDER_REASON,
    'bounded-collection': 'the program bounds the collection (a query limit, a constant slice, a length check), so the work per request is bounded too',
    yields: 'the loop awaits in its body (`await setImmediate()` every N items, or awaited I/O): other requests run between items',
    'request-body-limit':
      '`JSON.parse`/`JSON.stringify` over request input that is not an upload: the body parser already parsed it under its size limit (100 kB by default)',
  },
  create(ctx) {
    const extra = (ctx.options.heavyCalls as string[] | undefined) ?? [];
    const where = (path: NodePath) => ctx.context(path).description;
    const text = (node: Node) => ctx.source(node).replace(WHITESPACE_RUN, ' ').slice(0, 60);
    /** `XLSX.read`, `new XMLParser().parse`: the callee as written (short), for a message. */
    const callText = (call: Node) => {
      const callee = (call as CallNode).callee;
      return `${call.type === 'NewExpression' ? 'new ' : ''}${describe(callee).includes('…') ? text(callee) : describe(callee)}`;
    };
    /** Request input where the work runs, or a helper's parameter its callers fill with request input (`ifParamFrom`, across files). */
    const fromInput = (data: NodePath, hot: boolean) => {
      if (hot && inputValue(data)) return { origin: ORIGIN.input, extra: {} };
      const param = parameterOf(data);
      return param ? { origin: `${ORIGIN.input} its callers pass`, extra: { ifParamFrom: { ...param, origins: ['input'] as const } } } : null;
    };
    const regex = (path: NodePath<CallNode>, hot: boolean) => {
      const found = regexCall(path);
      const input = found ? fromInput(found.subject, hot) : null;
      const backtracks = input ? superLinear(found!.regex.pattern, found!.regex.flags) : null;
      if (!input || !backtracks) return;
      const growth = backtracks.exponential ? 'exponentially' : 'polynomially';
      const data = { regex: found!.regex.text, subject: text(found!.subject.node), growth, origin: input.origin, part: `\`${backtracks.part}\``, where: where(path) };
      ctx.report(path.node, 'catastrophicRegex', data, { runsIn: ctx.context(path), cost: 'heavy', ...input.extra });
    };
    const heavy = (path: NodePath, hot: boolean) => {
      const found = heavyCall(path, extra);
      if (!found) return;
      const trace = {};
      const sized = hot ? sizedData(found.data, trace) : null;
      const param = sized || found.json ? null : fromInput(found.data, false);
      if (!sized && !param) return;
      if (found.json && sized !== 'upload') {
        if (sized === 'input' && ctx.exempt('request-body-limit', path.node)) return;
        // JSON of a query result is one record or an export: whether it is bounded is not judged here.
        if (sized !== 'input') return;
      }
      const origin = sized === 'query' ? describeQueryOrigin(trace) : sized ? ORIGIN[sized] : param!.origin;
      const data = { call: callText(path.node), what: found.what, data: text(found.data.node), origin, where: where(path), thread: THREAD, worker: WORKER };
      ctx.report(path.node, 'heavyCall', data, { runsIn: ctx.context(path), cost: 'heavy', ...(param?.extra ?? {}) });
    };
    const recursion = (path: NodePath<CallNode>) => {
      const fn = branchingRecursion(path);
      const arg = fn ? path.node.arguments.findIndex((_, i) => inputValue(path.child(path.node.arguments[i]!, 'arguments', i))) : -1;
      if (arg < 0) return;
      const data = { call: text(path.node), fn: describe(path.node.callee), arg: text(path.node.arguments[arg]!), where: where(path), worker: WORKER };
      ctx.report(path.node, 'exponential', data, { runsIn: ctx.context(path), cost: 'heavy' });
    };
    const loop = (path: NodePath, it: Iteration) => {
      const trace = {};
      const origin = sizedData(it.collection, trace);
      if (!origin) return;
      // A scan per item is quadratic in a collection the client sizes (request input); a query's rows are the program's own data.
      const inner = origin === 'input' || origin === 'upload' ? quadraticScan(it) : null;
      const work = inner ? null : perItemCpuWork(it, extra);
      if (!inner && !work) return;
      if (collectionBound(it.collection).bounded && ctx.exempt('bounded-collection', path.node)) return;
      const from = origin === 'query' ? describeQueryOrigin(trace) : ORIGIN[origin];
      const base = { collection: describe(it.collection.node), origin: from, where: where(path) };
      if (inner) {
        const scan = inner.node as any;
        const label = scan.type === 'ForOfStatement' ? `for (… of ${text(scan.right)})` : `${text(scan.callee)}(…)`;
        ctx.report(path.node, 'quadratic', { ...base, inner: label, thread: THREAD }, { runsIn: ctx.context(path), cost: 'heavy' });
        return;
      }
      if (loopYields(it) && ctx.exempt('yields', path.node)) return;
      const data = { ...base, work: work!.label, Worker: 'Move the work to a worker pool (piscina) or a worker thread' };
      ctx.report(path.node, 'unyieldingLoop', data, { runsIn: ctx.context(path), cost: 'heavy' });
    };
    const call = (path: NodePath<CallNode>) => {
      const hot = ctx.isHot(path);
      regex(path, hot);
      heavy(path, hot);
      if (!hot) return;
      recursion(path);
      const it = iterationOf(path);
      if (it) loop(path, it);
    };
    return {
      CallExpression: call,
      OptionalCallExpression: call,
      NewExpression(path: NodePath) {
        heavy(path, ctx.isHot(path));
      },
      ForOfStatement(path: NodePath) {
        const it = iterationOf(path);
        if (it && ctx.isHot(path)) loop(path, it);
      },
    };
  },
});

const ORIGIN: Record<Sized, string> = { input: 'request input', upload: 'an upload', query: 'a query or API result', listing: 'a directory listing' };
