import { INSTANCE_FACTORIES, SUPERAGENT_KEYS, TIMEOUT_CLIENTS, type TimeoutClient } from '../src/knowledge/http-clients.js';
import { refKey, resolveExpression, unwrapExpression, type Ref } from '../src/analysis/index.js';
import { defineRule, type NodePath } from '../src/engine/rule-api.js';
import { lookup } from '../src/analysis/index.js';
import { optionsCover, racedAgainstTimer, timeoutSetLater, type Coverage } from '../src/analysis/index.js';
import { walkPaths } from '../src/syntax/walk.js';

export default defineRule({
  id: 'missing-timeout',
  category: 'timeouts',
  severity: 'warn',
  description: 'Outbound calls (HTTP, sockets, child processes) with no timeout or abort signal',
  messages: {
    noTimeout: { message: '`{client}` call has no timeout: {why}', help: 'Pass {fix}' },
    instanceNoTimeout: { message: '`{client}(…)` creates an instance without a timeout: {why}', help: 'Pass {fix}' },
    chainNoTimeout: {
      message: '`superagent` request has no `.timeout(…)`: superagent waits forever by default',
      help: 'Add `.timeout({ response: 5_000, deadline: 30_000 })` to the chain',
    },
  },
  docs: {
    why:
      'A call with no deadline hangs for as long as the other side stalls: a worker, a request or a queue slot stays busy forever, and under load they ' +
        'pile up until the process runs out of sockets or memory. Most Node clients have no overall deadline by default: axios `timeout: 0`, got, ' +
        'superagent, `http.request`, `net.connect` and `child_process.exec` wait forever; `fetch` (undici) waits up to 300 s for headers and 300 s ' +
        'between body chunks.',
    details: [
      'Reported at the call, with the exact option for that client, in all contexts: startup included (a boot that hangs is an outage).',
      'Global `fetch`, `node-fetch`: flagged without a `signal` in the init (node-fetch v2 `timeout` counts). Fix: `{ signal: AbortSignal.timeout(10_000) }`.',
      "Node's fetch (undici) waits up to 300 s for headers and 300 s between body chunks, with no overall deadline.",
      '`undici` `request`, `fetch`: flagged without `signal`, `headersTimeout`/`bodyTimeout` or a `dispatcher`. Fix: `{ signal: ' +
        'AbortSignal.timeout(10_000) }`.',
      '`axios(...)`, `axios.get/post/put/patch/delete/head/options/…`, `axios.request`: flagged without `timeout` (or with `timeout: 0`), `signal` or ' +
        '`cancelToken`. Fix: `{ timeout: 10_000 }`.',
      'Not flagged: axios calls when `axios.defaults.timeout = …` is set in any analyzed file.',
      '`axios.create(...)`: flagged with no timeout in its config and no `<instance>.defaults.timeout = …`; reported once at `create`, calls through ' +
        'the instance are not. Fix: `{ timeout: 10_000 }`.',
      '`got`, `got.get/post/…`: flagged without `timeout`; `got.extend(...)` without a timeout is reported once, at the factory (unless ' +
        '`<instance>.defaults.timeout` is assigned). Fix: `{ timeout: { request: 10_000 } }`.',
      '`superagent` chains: flagged without `.timeout(...)` in the chain. Fix: `.timeout({ response: 5_000, deadline: 30_000 })`.',
      '`http`/`https` `request`, `get`: flagged without a `timeout` or `signal` option and without `req.setTimeout(...)`. Fix: `signal`, or `timeout` ' +
        'and destroy on `timeout`.',
      '`net.connect`/`createConnection`, `tls.connect`: flagged without a `timeout` option and without `socket.setTimeout(...)`. Fix: `{ timeout: ' +
        '10_000 }` and destroy on `timeout`.',
      '`child_process.exec`/`execFile` (also through `promisify`): flagged without `timeout` or `signal` (the default, 0, is none). Fix: `{ timeout: ' +
        '30_000 }`.',
      'An init or options object built elsewhere in the same function counts when it can be seen (including `init.signal = …` assignments).',
      "Options that cannot be seen (a parameter, a spread, a helper's result) are given the benefit of the doubt.",
      'Any `signal` counts (`AbortSignal.timeout`, `AbortSignal.any([...])`, a controller aborted by a timer).',
      'A call raced against a timer is covered: `Promise.race([call, sleep(ms)])`, `pTimeout(call, …)` (p-timeout), `withTimeout(call, ms)`.',
      'The table of clients is `src/knowledge/http-clients.ts`.',
      'Tests, command-line and build scripts, config files and browser code are skipped.',
    ],
    bad: ['export async function price(sku: string) {\n  const res = await fetch(`https://pricing.example.com/${sku}`);\n  return res.json();\n}\n'],
    good: ['export async function price(sku: string) {\n  const res = await fetch(`https://pricing.example.com/${sku}`, { signal: AbortSignal.timeout(5_000) });\n  return res.json();\n}\n'],
    whenNotToUse: 'For calls whose deadline is enforced in a way loopguard cannot see (a custom dispatcher or agent configured elsewhere), suppress the line with the reason.',
  },
  create(ctx) {
    // Tests, command-line and build scripts, config files: someone (or a CI job's own timeout) is watching and can
    // interrupt them. Browser code: Node's defaults do not apply.
    if (ctx.file.role === 'test' || ctx.file.role === 'script' || ctx.file.role === 'config' || ctx.file.runsInBrowser) return {};
    const check = (path: NodePath<any>) => {
      const call = path.node;
      const ref = ctx.resolveCallTarget(path);
      if (!ref) return;
      // Calls through a configured instance: the factory call is where the timeout belongs.
      if (ref.kind === 'call' && INSTANCE_FACTORIES.has(refKey(ref.callee))) return;
      const key = clientKey(ref, path);
      if (!key) return;
      if (INSTANCE_FACTORIES.has(key)) {
        const client = INSTANCE_FACTORIES.get(key)!;
        if (covered(path, client) !== 'no' || instanceDefaultsSet(path)) return;
        ctx.report(call.callee, 'instanceNoTimeout', { client: client.label, why: client.why, fix: client.fix }, { unlessFact: client.coveredByFact });
        return;
      }
      if (SUPERAGENT_KEYS.has(key)) {
        if (!chainCalls(path).includes('timeout') && !racedAgainstTimer(path)) ctx.report(call.callee, 'chainNoTimeout');
        return;
      }
      const client = TIMEOUT_CLIENTS.get(key);
      if (!client) return;
      // fetch(new URL('./font.ttf', import.meta.url)): a bundled asset, not a network call.
      if (key === 'global#fetch' && isBundledAsset(call.arguments[0])) return;
      if (covered(path, client) !== 'no') return;
      if (client.laterSetters && timeoutSetLater(path, client.laterSetters)) return;
      if (racedAgainstTimer(path)) return;
      ctx.report(call.callee, 'noTimeout', { client: client.label, why: client.why, fix: client.fix }, { unlessFact: client.coveredByFact });
    };
    return {
      CallExpression: check,
      OptionalCallExpression: check,
      // axios.defaults.timeout = 10_000 covers default-instance calls in every file.
      AssignmentExpression(path: NodePath<any>) {
        const left = path.node.left;
        if (left.type !== 'MemberExpression') return;
        const ref = ctx.resolve(left, path);
        if (ref?.kind === 'module' && ref.module === 'axios' && ref.path.join('.') === 'defaults.timeout') ctx.recordFact('axios.defaults.timeout');
      },
    };
  },
});

/** The client a call reaches, also through `const run = promisify(exec)`. */
function clientKey(ref: Ref, path: NodePath<any>): string | null {
  if (ref.kind === 'module' || ref.kind === 'global') return refKey(ref);
  const callee = unwrapExpression(path.node.callee);
  if (ref.kind === 'call' && !ref.isNew && refKey(ref.callee) === 'util#promisify' && callee.type === 'Identifier') {
    const b = lookup(path, callee.name);
    const init = b?.init && unwrapExpression(b.init as any);
    if (b && init?.type === 'CallExpression' && init.arguments[0]) return keyOf(resolveExpression(init.arguments[0], b.scopePath));
  }
  return null;
}

function keyOf(ref: Ref | null): string | null {
  return ref && (ref.kind === 'module' || ref.kind === 'global') ? refKey(ref) : null;
}

/** Does some options argument set a deadline? Unknown options count as covered. */
function covered(path: NodePath<any>, client: TimeoutClient): Coverage {
  const args = path.node.arguments as any[];
  const indexes = client.options === 'any' ? args.map((_, i) => i) : client.options;
  let verdict: Coverage = 'no';
  for (const i of indexes) {
    const arg = args[i];
    if (!arg) continue;
    if (arg.type === 'SpreadElement') return 'unknown';
    if (notOptions(arg)) continue;
    const c = optionsCover(path.child(arg, 'arguments', i), client.covers);
    if (c === 'yes') return 'yes';
    if (c === 'unknown') verdict = 'unknown';
  }
  // fetch(request) with a Request built elsewhere may carry its own signal.
  if (client.options !== 'any' && indexes.every((i) => !args[i]) && args[0]?.type === 'Identifier') {
    const b = lookup(path, args[0].name);
    const init = b?.init && unwrapExpression(b.init as any);
    if (init?.type === 'NewExpression') return 'unknown';
  }
  return verdict;
}

function isBundledAsset(arg: any): boolean {
  const a = arg && unwrapExpression(arg);
  return !!a && a.type === 'NewExpression' && a.callee.type === 'Identifier' && a.callee.name === 'URL' && a.arguments[1]?.type === 'MemberExpression' && a.arguments[1].object.type === 'MetaProperty';
}

/** Names that say an argument is a URL, a command, a port, a path or a callback, not an options object. */
const NOT_OPTIONS_NAME = /(url|uri|href|endpoint|link|address|host|hostname|port|path|cmd|command|file|script|bin|args|argv)$|^(cb|callback|done|next|fn|handler|listener|on[A-Z]\w*)$/i;

function notOptions(arg: any): boolean {
  const a = unwrapExpression(arg);
  switch (a.type) {
    case 'StringLiteral':
    case 'TemplateLiteral':
    case 'NumericLiteral':
    case 'ArrayExpression':
    case 'ArrowFunctionExpression':
    case 'FunctionExpression':
    case 'BinaryExpression':
      return true;
    case 'Identifier':
      return NOT_OPTIONS_NAME.test(a.name);
    case 'MemberExpression':
      return !a.computed && a.property.type === 'Identifier' && NOT_OPTIONS_NAME.test(a.property.name);
    case 'NewExpression':
      return a.callee.type === 'Identifier' && a.callee.name === 'URL';
    default:
      return false;
  }
}

/** `const api = axios.create({...}); api.defaults.timeout = 5000;` */
function instanceDefaultsSet(path: NodePath<any>): boolean {
  const decl = path.parentPath?.node as any;
  if (!decl || decl.type !== 'VariableDeclarator' || decl.id.type !== 'Identifier') return false;
  const b = lookup(path.parentPath!, decl.id.name);
  if (!b) return false;
  let found = false;
  walkPaths(b.scopePath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (n.type === 'AssignmentExpression' && n.left.type === 'MemberExpression' && !n.left.computed && n.left.property.name === 'timeout') {
      const o = n.left.object;
      if (o.type === 'MemberExpression' && !o.computed && o.property.name === 'defaults' && o.object.type === 'Identifier' && o.object.name === b.name) found = true;
    }
    return undefined;
  });
  return found;
}

/** Method names called along a chain starting at this call: `superagent.get(u).set(h).timeout(t)` → [set, timeout]. */
function chainCalls(path: NodePath<any>): string[] {
  const names: string[] = [];
  let p: NodePath = path;
  while (p.parentPath && p.parentPath.node.type === 'MemberExpression' && p.key === 'object') {
    const member = p.parentPath.node as any;
    if (!member.computed) names.push(member.property.name);
    const up = p.parentPath.parentPath;
    if (!up || (up.node.type !== 'CallExpression' && up.node.type !== 'OptionalCallExpression')) break;
    p = up;
  }
  return names;
}
