import { EDGE_WHY, INSTANCE_FACTORIES, SUPERAGENT_KEYS, TIMEOUT_CLIENTS, type TimeoutClient } from '../src/knowledge/http-clients.js';
import { hostInCode, isDetachedCall, isRelativeUrl, refKey } from '../src/analysis/index.js';
import { callStep, defineRule, type NodePath, type Node } from '../src/engine/rule-api.js';
import { racedAgainstTimer, timeoutSetLater } from '../src/analysis/index.js';
import { callCoverage, chainedMethodNames, instanceDefaultsSet, isBundledAsset, timeoutClientKey } from '../src/analysis/index.js';
import { SCRIPT_FOLDER_REASON } from '../src/knowledge/script-files.js';
import { widestReach } from '../src/knowledge/impact.js';

export default defineRule({
  id: 'missing-timeout',
  category: 'timeouts',
  severity: 'warn',
  description: 'Outbound calls (HTTP, sockets, child processes) with no timeout or abort signal',
  messages: {
    noTimeout: { message: '`{client}` call has no timeout: {why}', help: 'Pass {fix}' },
    instanceNoTimeout: { message: '`{client}(…)` creates an instance without a timeout: {why}', help: 'Pass {fix}' },
    forwardedNoTimeout: {
      message: '`{client}` in `{wrapper}()` takes its options from its callers and has no deadline of its own, and {callers}: {why}',
      help: 'Give `{wrapper}` a default deadline that callers can override: {fix}',
    },
    chainNoTimeout: {
      message: '`superagent` request has no `.timeout(…)`: superagent waits forever by default',
      help: 'Add `.timeout({ response: 5_000, deadline: 30_000 })` to the chain',
    },
  },
  docs: {
    why:
      'A call with no deadline hangs for as long as the other side stalls: a worker, a request or a queue slot stays busy forever, and under load they ' +
      'pile up until the process runs out of sockets or memory. Most Node clients have no overall deadline by default: axios `timeout: 0`, got, ' +
      'superagent, request, `http.request`, `net.connect` and `child_process.exec` wait forever; `fetch` (undici), and the AI SDK (`generateText`, ' +
      '`generateObject`…) through it, wait up to 300 s for headers and 300 s between body chunks.',
    details: [
      'Reported at the call, with the exact option for that client, in all contexts: startup included (a boot that hangs is an outage).',
      "A local HTTP wrapper that forwards its callers' options (`fetch(url, { ...init, headers })`) with no deadline of its own is followed across files: it is reported once, " +
        'at its outbound call, when callers leave the options out or pass a literal without a deadline, listing those callers (options that cannot be seen are given the benefit of the doubt).',
      'Global `fetch`, `node-fetch`: flagged without a `signal` in the init (node-fetch v2 `timeout` counts). Fix: `{ signal: AbortSignal.timeout(10_000) }`.',
      "Node's fetch (undici) waits up to 300 s for headers and 300 s between body chunks, with no overall deadline.",
      'Impact: a client that gives up by itself (`fetch`, undici) calling a host written in the code (a literal URL, a `const`, `new URL(path, BASE)`, ' +
        "a parameter's default) is low; a host from data (a user's webhook, a configured server) or a client that never gives up is medium on a request path.",
      "On an edge runtime (`export const runtime = 'edge'`, Next.js middleware) the platform's duration limit ends the wait: impact low on a request path.",
      '`undici` `request`, `fetch`: flagged without `signal`, `headersTimeout`/`bodyTimeout` or a `dispatcher`. Fix: `{ signal: ' + 'AbortSignal.timeout(10_000) }`.',
      '`axios(...)`, `axios.get/post/put/patch/delete/head/options/…`, `axios.request`: flagged without `timeout` (or with `timeout: 0`), `signal` or ' +
        '`cancelToken`. Fix: `{ timeout: 10_000 }`.',
      '`axios.create(...)`: flagged with no timeout in its config; reported once at `create`, calls through the instance are not. Fix: `{ timeout: 10_000 }`.',
      '`got`, `got.get/post/…`: flagged without `timeout`; `got.extend(...)` without a timeout is reported once, at the factory. Fix: `{ timeout: { request: 10_000 } }`.',
      '`superagent` chains: flagged without `.timeout(...)` in the chain. Fix: `.timeout({ response: 5_000, deadline: 30_000 })`.',
      '`http`/`https` `request`, `get`: flagged without a `timeout` or `signal` option. Fix: `signal`, or `timeout` and destroy on `timeout`.',
      '`net.connect`/`createConnection`, `tls.connect`: flagged without a `timeout` option. Fix: `{ timeout: 10_000 }` and destroy on `timeout`.',
      '`child_process.exec`/`execFile` (also through `promisify`): flagged without `timeout` or `signal` (the default, 0, is none). Fix: `{ timeout: ' + '30_000 }`.',
      'An init or options object built elsewhere in the same function counts when it can be seen (including `init.signal = …` assignments).',
      'Any `signal` counts (`AbortSignal.timeout`, `AbortSignal.any([...])`, a controller aborted by a timer).',
      'The table of clients is `src/knowledge/http-clients.ts`.',
    ],
    bad: ['export async function price(sku: string) {\n  const res = await fetch(`${process.env.PRICING_URL}/${sku}`);\n  return res.json();\n}\n'],
    good: [
      'export async function price(sku: string) {\n  const res = await fetch(`${process.env.PRICING_URL}/${sku}`, { signal: AbortSignal.timeout(5_000) });\n  return res.json();\n}\n',
    ],
    whenNotToUse:
      'For calls whose deadline is enforced in a way loopguard cannot see (a custom dispatcher or agent configured elsewhere), suppress the line with the reason.',
  },
  exemptions: {
    'script-folder': SCRIPT_FOLDER_REASON,
    'development-only':
      'code that runs only outside production: under `if (process.env.NODE_ENV !== "production")` or `if (isDev)`, or after `if (IS_PRODUCTION) return`',
    'script-file': "tests, command-line and build scripts and config files run where someone (or a CI job's own timeout) can interrupt them",
    'browser-code': "in a browser Node's client defaults do not apply",
    'unseen-options': "options that cannot be seen (a parameter, a spread, a helper's result, a prepared Request) get the benefit of the doubt",
    'project-defaults': '`axios.defaults.timeout = …` set in any analyzed file gives every call through the default axios instance a deadline',
    'instance-defaults': '`<instance>.defaults.timeout = …` after the factory call (`axios.create`, `got.extend`) gives every call through the instance a deadline',
    'timeout-set-later': '`req.setTimeout(ms)` on an `http`/`https` request or `socket.setTimeout(ms)` on a `net`/`tls` socket sets the deadline afterwards',
    'raced-against-timer': 'a call raced against a timer (`Promise.race([call, sleep(ms)])`, `pTimeout(call, …)` from p-timeout, `withTimeout(call, ms)`) is bounded',
    'bundled-asset': '`fetch(new URL("./font.ttf", import.meta.url))` loads a bundled asset, not a network resource',
    'relative-url': "`fetch('/api/items')`: Node's fetch rejects a relative URL, so the call runs in a browser",
  },
  create(ctx) {
    // Tests, command-line and build scripts, config files: someone (or a CI job's own timeout) is watching and can
    // interrupt them. Browser code: Node's defaults do not apply.
    if ((ctx.file.role === 'test' || ctx.file.role === 'script' || ctx.file.role === 'config') && ctx.exempt('script-file', null)) return {};
    if (ctx.file.runsInBrowser && ctx.exempt('browser-code', null)) return {};
    /** A deadline in the options; options that cannot be seen are given the benefit of the doubt. */
    const bounded = (path: NodePath<any>, client: TimeoutClient, node: Node): boolean => {
      const c = callCoverage(path, client);
      return c === 'yes' || (c === 'unknown' && ctx.exempt('unseen-options', node));
    };
    /** A project-wide default (`axios.defaults.timeout`) recorded in any file drops the finding in the project phase. */
    const projectDefaults = (client: TimeoutClient) =>
      client.coveredByFact ? { unlessFact: { fact: client.coveredByFact, exemption: 'project-defaults' as const } } : {};
    const raced = (path: NodePath<any>, node: Node) => racedAgainstTimer(path) && ctx.exempt('raced-against-timer', node);
    const check = (path: NodePath<Extract<Node, { type: 'CallExpression' | 'OptionalCallExpression' }>>) => {
      const call = path.node;
      const ref = ctx.resolveCallTarget(path);
      if (!ref) return;
      // Calls through a configured instance: the factory call is where the timeout belongs.
      if (ref.kind === 'call' && INSTANCE_FACTORIES.has(refKey(ref.callee))) return;
      const key = timeoutClientKey(ref, path);
      if (!key) return;
      if (INSTANCE_FACTORIES.has(key)) {
        const client = INSTANCE_FACTORIES.get(key)!;
        if (bounded(path, client, call) || (instanceDefaultsSet(path) && ctx.exempt('instance-defaults', call))) return;
        ctx.report(
          call.callee,
          'instanceNoTimeout',
          { client: client.label, why: client.why, fix: client.fix },
          { ...projectDefaults(client), runsIn: ctx.context(path) },
        );
        return;
      }
      if (SUPERAGENT_KEYS.has(key)) {
        if (!chainedMethodNames(path).includes('timeout') && !raced(path, call)) ctx.report(call.callee, 'chainNoTimeout', {}, { runsIn: ctx.context(path) });
        return;
      }
      const client = TIMEOUT_CLIENTS.get(key);
      if (!client) return;
      if (key === 'global#fetch' && isBundledAsset(call.arguments[0]) && ctx.exempt('bundled-asset', call)) return;
      if (key === 'global#fetch' && isRelativeUrl(call.arguments[0], path) && ctx.exempt('relative-url', call)) return;
      if (bounded(path, client, call)) return;
      if (client.laterSetters && timeoutSetLater(path, client.laterSetters) && ctx.exempt('timeout-set-later', call)) return;
      if (raced(path, call)) return;
      // Started and left to run (`fetch(url).catch(log);`): a hang holds a socket, but nobody waits on it.
      const where = ctx.context(path);
      const runsIn = isDetachedCall(path) ? { ...where, serves: 'background' as const } : where;
      // A client that gives up by itself, calling a host written in the code: a service the project chose, not any server.
      // On an edge runtime the platform's duration limit ends the wait, whatever the client.
      const edge = ctx.file.edgeRuntime;
      const cost = edge || (client.ceiling && hostInCode(call.arguments[client.ceiling.urlArg], path)) ? 'light' : 'io';
      ctx.report(call.callee, 'noTimeout', { client: client.label, why: edge ? EDGE_WHY : client.why, fix: client.fix }, { ...projectDefaults(client), runsIn, cost });
    };
    return {
      CallExpression: check,
      OptionalCallExpression: check,
      // axios.defaults.timeout = 10_000 covers default-instance calls in every file.
      AssignmentExpression(path: NodePath<Extract<Node, { type: 'AssignmentExpression' }>>) {
        const left = path.node.left;
        if (left.type !== 'MemberExpression') return;
        const ref = ctx.resolve(left, path);
        if (ref?.kind === 'module' && ref.module === 'axios' && ref.path.join('.') === 'defaults.timeout') ctx.recordFact('axios.defaults.timeout');
      },
    };
  },
  // A local HTTP wrapper that forwards its callers' options: one finding at its outbound call, naming the callers that set no deadline.
  link(ctx) {
    for (const { fn, calls } of ctx.graph.outboundWrappers()) {
      const o = fn.fn.outbound!;
      const client = TIMEOUT_CLIENTS.get(o.client)!;
      const open = calls.filter(({ caller, site }) => {
        const at = { file: caller.file.file, line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn };
        if (caller.fn.context?.kind === 'script' && ctx.exempt('script-file', at)) return false;
        if (ctx.scriptFolders.has(caller.file.abs) && ctx.exempt('script-folder', at)) return false;
        if (site.dev && ctx.exempt('development-only', at)) return false;
        return !ctx.suppressed(at);
      });
      const paths = open.filter((c, i) => open.findIndex((d) => d.caller.key === c.caller.key) === i);
      if (paths.length === 0) continue;
      const callers = paths.length === 1 ? `\`${paths[0]!.caller.fn.name}\` passes none` : `${paths.length} callers pass none`;
      const wrapper = fn.fn.name;
      // Called only from edge-runtime modules: the platform's duration limit ends the wait (light).
      const edge = paths.every(({ caller }) => caller.file.summary.edge);
      ctx.report(
        { file: fn.file.file, line: o.line, column: o.column, endLine: o.endLine, endColumn: o.endColumn },
        'forwardedNoTimeout',
        { client: client.label, wrapper, callers, why: edge ? EDGE_WHY : client.why, fix: client.fix },
        {
          paths: paths.map(({ caller, site, via }) => [
            callStep(caller.file.file, site, caller.fn.name),
            ...via.map((v) => ({ file: v.file.file, line: v.fn.line, column: v.fn.column, label: v.fn.name })),
            { ...callStep(fn.file.file, o, wrapper), line: fn.fn.line, column: fn.fn.column },
            callStep(fn.file.file, o, client.label),
          ]),
          key: `${wrapper}\0${client.label}`,
          reach: widestReach(paths.map(({ caller }) => ctx.graph.reachOf(caller.key))),
          ...(edge ? { cost: 'light' as const } : {}),
        },
      );
    }
  },
});
