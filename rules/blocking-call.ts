import { busyWaitClock } from '../src/analysis/index.js';
import { constantValue } from '../src/analysis/index.js';
import { isLazyInit } from '../src/analysis/index.js';
import { defineRule, type NodePath, type Node, type ExecutionContext } from '../src/engine/rule-api.js';

type Call = Extract<Node, { type: 'CallExpression' | 'OptionalCallExpression' }>;

/** The exemption for code that runs where it holds up no serving work (`helper`: reported at its hot callers). */
const OFF_PATH = { startup: 'startup', script: 'script-code', worker: 'worker-thread', helper: null } as const;

export default defineRule({
  id: 'blocking-call',
  category: 'blocking',
  severity: 'error',
  description: 'Synchronous APIs and busy-waits that stall the event loop where it is serving work',
  messages: {
    syncCall: { message: '`{callee}`{alias} blocks the event loop {where}', help: 'Use {alternative}' },
    syncReference: {
      message: '`{callee}` is passed as a callback and blocks the event loop {where}',
      help: 'Pass an async function instead; use {alternative}',
    },
    busyWait: {
      message: 'Busy-wait loop spinning on `{clock}` blocks the event loop {where}',
      help: "Wait without spinning: `await setTimeout(ms)` from 'node:timers/promises'",
    },
    blockingChain: {
      message: '`{callee}()` blocks the event loop {where}',
      help: 'Make the chain async ({code} in `{last}`, awaited by its callers), or do this work once at startup',
    },
  },
  docs: {
    why:
      'Node runs all JavaScript on one thread. While a synchronous file read, child process, key derivation or compression runs, no other request, timer or callback can make progress: one slow call adds its full duration to every request in flight. The async forms run on the libuv thread pool or the OS and let the event loop keep serving.',
    details:
      'Calls are matched by what they resolve to (imports, `require`, destructuring, renaming, namespaces, const aliases, `fn.call`, function references such as `paths.map(fs.readFileSync)`), never by name: a local `readFileSync` helper or `cacheSync.get()` is not flagged. A call is reported only where it runs while the process serves work: async functions; Express/Router, Koa, Fastify, Hono, hapi, Restify and `http.createServer` handlers and middleware; NestJS controller, `@Cron`/`@Interval`, interceptor and message handlers; Next.js route handlers, API routes and `getServerSideProps`; Lambda `handler` exports; BullMQ and Bull processors; event listeners (`.on`), timers, `process.nextTick` and promise callbacks. It is not reported at module top level or in functions only called from there (startup), in CLI/build scripts, config files, tests and migrations (by path or shebang; add your own with the `scripts` config key), or on worker threads. A synchronous helper is not reported inside itself: a call to it from hot code is reported at that call, with the chain of calls down to the blocking API, across files (ESM and CommonJS imports, re-exports, tsconfig paths, workspace packages, `this.method()`, methods on instances of classes the code names, objects of functions, const aliases); helpers reached only from startup, scripts or forked child processes are not reported, and neither are async functions whose every caller runs there. One-time lazy initialisation (`if (!cache) cache = fs.readFileSync(…)`, `cache ??= …`, `if (cached) return cached`, also through a callback whose awaited result is the memoised value) runs once and is not reported.',
    bad: [
      "import fs from 'node:fs';\nimport express from 'express';\nconst app = express();\napp.post('/upload', (req, res) => {\n  const data = fs.readFileSync(req.body.path);\n  res.send(data);\n});\n",
      "const { execSync } = require('child_process');\nasync function deploy(ref) {\n  return execSync(`git checkout ${ref}`);\n}\nmodule.exports = { deploy };\n",
      "import { pbkdf2Sync } from 'crypto';\nexport async function hashPassword(pw: string, salt: string) {\n  return pbkdf2Sync(pw, salt, 100000, 64, 'sha512');\n}\n",
    ],
    good: [
      "import fs from 'node:fs';\nimport express from 'express';\nconst app = express();\napp.post('/upload', async (req, res) => {\n  const data = await fs.promises.readFile(req.body.path);\n  res.send(data);\n});\n",
      "import fs from 'node:fs';\n// Read once at startup: fine.\nconst config = JSON.parse(fs.readFileSync('config.json', 'utf8'));\nexport default config;\n",
      "function readFileSync(p: string) {\n  return p;\n}\nexport async function handler() {\n  return readFileSync('not the fs one');\n}\n",
    ],
    whenNotToUse:
      'In CLI tools and build scripts blocking calls are fine; loopguard already skips `bin/`, `scripts/`, `tools/`, config files, tests and files with a shebang. Declare other script locations with the `scripts` config key rather than turning the rule off.',
  },
  exemptions: {
    'browser-code': 'code that runs in a browser does not hold up a Node event loop',
    startup: 'module top level and functions only called from there run once, before the process serves work',
    'script-code': 'command-line and build scripts, config files, tests and migrations serve no concurrent work',
    'worker-thread': 'a worker thread is where blocking work belongs: the main event loop keeps serving',
    'small-size': 'a constant size up to the API\'s threshold (`crypto.randomBytes(32)`, up to 1 KB) takes microseconds',
    'lazy-init': 'one-time lazy initialisation (`if (!cache) cache = fs.readFileSync(…)`) blocks once, not per request',
    'startup-callers': 'an async function whose every caller runs at startup blocks only while the process boots',
    'forked-process': 'code that runs only in a forked child process does not block the serving process',
  },
  create(ctx) {
    if (ctx.file.runsInBrowser && ctx.exempt('browser-code', null)) return {};
    /** Where `path` runs, unless that is off the serving path (then the exemption applied to `node`, or null for a helper). */
    const serving = (path: NodePath, node: Node): ExecutionContext | null => {
      const where = ctx.context(path);
      if (where.kind === 'hot') return where;
      const id = OFF_PATH[where.kind];
      return id !== null && !ctx.exempt(id, node) ? where : null;
    };
    const checkCall = (path: NodePath<Call>) => {
      const call = path.node;
      const target = ctx.resolveCallTarget(path);
      if (target) {
        const found = ctx.knowledge.blocking.classify(target, call, (n) => constantValue(n, path));
        const match = found && !(found.small && ctx.exempt('small-size', call)) ? found : null;
        const where = match && serving(path, call);
        if (match && where && !(isLazyInit(path) && ctx.exempt('lazy-init', call))) {
          // Name the local alias when the code does not spell the API: `rfs(...)` for fs.readFileSync.
          const written = spelled(ctx.source(call.callee));
          const last = match.display.split('.').pop()!;
          const alias = !written.endsWith(last) && written.length < 60 ? ` (called as \`${written}\`)` : '';
          ctx.report(call.callee, 'syncCall', { callee: match.display, alias, where: where.description, alternative: match.alternative }, { context: where });
        }
      }
      // Function references handed to other code: paths.map(fs.readFileSync).
      for (const arg of call.arguments as Node[]) {
        if (arg.type !== 'Identifier' && arg.type !== 'MemberExpression') continue;
        const ref = ctx.resolve(arg, path);
        if (!ref || ref.kind === 'binding') continue;
        const match = ctx.knowledge.blocking.match(ref, null);
        const where = match && serving(path, arg);
        if (match && where && !(isLazyInit(path) && ctx.exempt('lazy-init', arg))) {
          ctx.report(arg, 'syncReference', { callee: match.display, where: where.description, alternative: match.alternative }, { context: where });
        }
      }
    };
    const checkLoop = (path: NodePath<Extract<Node, { type: 'WhileStatement' | 'DoWhileStatement' | 'ForStatement' }>>) => {
      const clock = busyWaitClock(path);
      const where = clock && serving(path, path.node);
      if (!clock || !where) return;
      ctx.report(clock.at, 'busyWait', { clock: clock.name, where: where.description }, { context: where });
    };
    return {
      CallExpression: checkCall,
      OptionalCallExpression: checkCall,
      WhileStatement: checkLoop,
      DoWhileStatement: checkLoop,
      ForStatement: checkLoop,
    };
  },
  // Blocking work reached through calls, across files: reported once, at the hot call site.
  link(ctx) {
    for (const hot of ctx.graph.hotCallsToBlocking()) {
      const { site, chain } = hot;
      const at = { file: hot.caller.file.file, line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn };
      if (ctx.startupOnly.has(hot.caller.key) && ctx.exempt('startup-callers', at)) continue;
      if (ctx.forked.has(hot.caller.file.abs) && ctx.exempt('forked-process', at)) continue;
      const where = hot.caller.fn.context!;
      ctx.report(
        at,
        'blockingChain',
        { callee: site.text, where: where.description, code: chain.use, last: chain.last },
        { context: { kind: where.kind, description: where.description }, trace: chain.steps, key: `${hot.caller.fn.name}\0${site.text}` },
      );
    }
  },
});

/** How the code spells a callee, without `.call`/`.apply` and whitespace: `fs.readFileSync`, `rfs`. */
function spelled(text: string): string {
  const suffix = ['.call', '.apply'].find((s) => text.endsWith(s));
  return [...(suffix ? text.slice(0, -suffix.length) : text)].filter((c) => c.trim() !== '').join('');
}
