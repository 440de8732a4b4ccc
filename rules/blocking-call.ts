import { blockingCost, busyWaitClock, constantValue, importedName, isLazyInit } from '../src/analysis/index.js';
import { widestReach } from '../src/knowledge/impact.js';
import { callStep, defineRule, servingLabel, type NodePath, type Node, type ExecutionContext } from '../src/engine/rule-api.js';
import { SCRIPT_FOLDER_REASON } from '../src/knowledge/script-files.js';

type Call = Extract<Node, { type: 'CallExpression' | 'OptionalCallExpression' }>;

/** The exemption for code that runs where it holds up no serving work (`helper`: reported at its hot callers). */
const OFF_PATH = { startup: 'startup', script: 'script-code', worker: 'worker-thread', helper: null } as const;

export default defineRule({
  id: 'blocking-call',
  category: 'blocking',
  severity: 'error',
  reachBy: 'runs', // a blocked loop freezes every request, whoever waits on the work: impact by how often it runs
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
      message: '`{callee}` in `{last}()` blocks the event loop {reach}',
      help: 'Make the chain async ({code} in `{last}`, awaited by its callers), or do this work once at startup',
    },
  },
  docs: {
    why:
      'Node runs all JavaScript on one thread. While a synchronous file read, child process, key derivation or compression runs, no other request, timer or callback can make progress: ' +
      'one slow call adds its full duration to every request in flight. The async forms run on the libuv thread pool or the OS and let the event loop keep serving.',
    details: [
      'Calls are matched by what they resolve to, never by name: imports, `require`, destructuring, renaming, namespaces, const aliases, `fn.call(...)` and function references.',
      "Recognised forms include `import { readFileSync as rfs } from 'node:fs'`, `const { execSync } = require('child_process')`, " +
        "`require('fs').statSync(...)`, `import * as cp from 'child_process'` and `paths.map(fs.readFileSync)`.",
      'A local function or parameter that merely shares a name is not flagged (a local `readFileSync` helper, `cacheSync.get()`).',
      'Catalog: every `*Sync` export of `fs`, `fs-extra` and `graceful-fs`.',
      'Catalog: `child_process` `execSync`, `execFileSync`, `spawnSync`.',
      'Catalog: `crypto` `pbkdf2Sync`, `scryptSync`, `randomFillSync`, `generateKeyPairSync`, `generateKeySync`, `generatePrimeSync`, ' +
        '`checkPrimeSync`, `hkdfSync`, and `randomBytes`/`randomFill` called without a callback.',
      'Catalog: every `zlib` `*Sync` (deflate, inflate, raw, gzip, gunzip, unzip, brotli, zstd).',
      'Catalog: `Atomics.wait`.',
      'Catalog: `bcrypt` / `bcryptjs` `hashSync`, `compareSync`, `genSaltSync`.',
      "Catalog: `sync-request`, `deasync`, `execa`'s sync forms, `glob` / `fast-glob` / `tinyglobby` / `globby` sync forms.",
      'Catalog: busy-wait loops spinning on `Date.now()`, `performance.now()`, `process.hrtime()` or `new Date()` with an empty or trivial body.',
      'Catalog: your own entries from the `blocking` config key.',
      'Reported only in hot code, where the process is serving work: async functions, request handlers and middleware, framework handlers, queue processors, ' +
        'listeners, timers and promise callbacks (the full list: docs/where-code-runs.md).',
      "A synchronous helper called from hot code blocks on its callers' behalf: it is reported once, at its blocking call (where the fix goes), " +
        'naming the serving paths that reach it, each with the shortest chain of calls from the serving code down to the blocking API.',
      'One root cause, one finding: a config loader reached from 50 handlers is one finding with 50 paths. A suppression comment at the blocking call silences it everywhere; ' +
        "one at a serving path's call drops that path.",
      'Through calls and across files: every function is summarised (its blocking calls, the functions it calls, whether it is async) and the summaries are linked across files.',
      'Linked: relative imports with extension and `index` probing, `.js` specifiers naming `.ts` sources, `tsconfig.json`/`jsconfig.json` `paths` and `baseUrl` (with `extends`).',
      'Linked: workspace packages by `name` and `exports`/`main` (build output mapped back to `src/`), ESM and CommonJS exports, re-exports, `export *`.',
      'Followed: calls through imports (named, default, namespace, `require`), `this.method()` and `this.#private()` in the same class, objects of functions and const aliases.',
      'Followed: methods called on an instance whose class the code names: `new Store().flush()`, `const store = new Store()`, a field set only to `new Store()`.',
      'Followed: a constructor parameter property typed with a class (`constructor(private readonly users: UsersService)`, as NestJS injects services).',
      'Dynamic dispatch (`handlers[kind]()`, a field that may hold one of several classes) is not guessed.',
      'A relative import of build output that is not analyzed (`bin.js` importing `./dist/cli.js`) is mapped to its source (`src/cli.ts`).',
      "A helper called both at startup and from a handler is reported with the handler's path only.",
      "An async function's own blocking calls are reported inside it, not again at its callers.",
      "An async callback written inline (`withSpan('x', async () => …)`) goes with the function it is written in.",
      'Paths run from the most waited on (middleware, code most handlers share) to background work; in text output they follow the message (the first three, then a count): ' +
        '`GET /page (src/routes.ts:9) → renderTemplate (src/lib/templates.ts:4) → fs.readFileSync (src/lib/fs-utils.ts:4)`.',
      'In JSON every path is in `paths` (the first also in `trace`); in SARIF, one `codeFlow` per path and the serving calls as `relatedLocations`.',
      'Pass the whole project (not only changed files) so the chain can be seen.',
    ],
    bad: [
      "import fs from 'node:fs';\nimport express from 'express';\nconst app = express();\napp.post('/upload', (req, res) => {\n" +
        '  const data = fs.readFileSync(req.body.path);\n  res.send(data);\n});\n',
      "const { execSync } = require('child_process');\nasync function deploy(ref) {\n  return execSync(`git checkout ${ref}`);\n}\nmodule.exports = { deploy };\n",
      "import { pbkdf2Sync } from 'crypto';\nexport async function hashPassword(pw: string, salt: string) {\n  return pbkdf2Sync(pw, salt, 100000, 64, 'sha512');\n}\n",
    ],
    good: [
      "import fs from 'node:fs';\nimport express from 'express';\nconst app = express();\napp.post('/upload', async (req, res) => {\n" +
        '  const data = await fs.promises.readFile(req.body.path);\n  res.send(data);\n});\n',
      "import fs from 'node:fs';\n// Read once at startup: fine.\nconst config = JSON.parse(fs.readFileSync('config.json', 'utf8'));\nexport default config;\n",
      "function readFileSync(p: string) {\n  return p;\n}\nexport async function handler() {\n  return readFileSync('not the fs one');\n}\n",
    ],
    whenNotToUse:
      'Blocking calls are fine in CLI tools and build scripts, which loopguard skips (`script-code`): declare other script locations with the `scripts` config key instead of turning the rule off.',
  },
  exemptions: {
    'script-folder': SCRIPT_FOLDER_REASON,
    'development-only':
      'code that runs only outside production: under `if (process.env.NODE_ENV !== "production")` or `if (isDev)`, or after `if (IS_PRODUCTION) return`',
    'browser-code': 'code that runs in a browser does not hold up a Node event loop (what counts: docs/where-code-runs.md#browser-code)',
    startup: 'code that runs once, before the process serves work: top level, boot functions, `listen` callbacks… (docs/where-code-runs.md#startup)',
    'script-code':
      'command-line and build code, config files, tests and migrations serve no concurrent work (docs/where-code-runs.md#scripts-tests-migrations-and-configuration)',
    'worker-thread': 'a worker thread is where blocking work belongs: `parentPort`/`workerData`, the `!isMainThread` branch, `workerpool` workers',
    'small-size':
      '`crypto.randomBytes(n)` with `n` up to 1024 bytes takes microseconds: `n` a constant (also one imported from another module of the project), ' +
      'or a parameter that every caller on the chain passes a small constant for (or leaves out, when its default is small: `function token(size = 32)`, ' +
      '`randomBytes(size ?? 32)`), also scaled (`randomBytes(length / 2)` with `length` 32)',
    'lazy-init':
      'one-time lazy initialisation (`if (!cache) cache = fs.readFileSync(…)`, `cache ??= …`, `if (cached) return cached`) blocks once, not per request; it counts through callbacks whose ' +
      "awaited result is the memoised value (`if (signer) return signer; signer = await pick(kind).with('hsm', async () => createSigner()).build()`), never through timers or listeners",
    'startup-callers':
      'an async function whose every caller in the project runs at startup, in a script, behind a lazy-initialisation guard or in a forked child process blocks only while the process boots; ' +
      'helpers reached only from there are not reported either',
    'forked-process':
      'code that runs only in a forked child process or on a worker thread (a `child_process.fork` target, a `new Worker(file)`, a piscina, tinypool or ' +
      'workerpool task file, named by its source or its build output, or a file imported only by such files) does not block the serving thread',
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
          // randomBytes(TOKEN_BYTES) with the size imported: whether it is small is decided where it is defined.
          const size = match.api.cheapUpTo === undefined ? null : importedName(call.arguments[0], path);
          const unlessConstant = size ? { ...size, atMost: match.api.cheapUpTo!, exemption: 'small-size' as const } : undefined;
          const data = { callee: match.display, alias, where: where.description, alternative: match.alternative };
          ctx.report(call.callee, 'syncCall', data, { context: where, cost: blockingCost(match, call, path), unlessConstant });
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
          ctx.report(arg, 'syncReference', { callee: match.display, where: where.description, alternative: match.alternative }, { context: where, cost: match.cost });
        }
      }
    };
    const checkLoop = (path: NodePath<Extract<Node, { type: 'WhileStatement' | 'DoWhileStatement' | 'ForStatement' }>>) => {
      const clock = busyWaitClock(path);
      const where = clock && serving(path, path.node);
      if (!clock || !where) return;
      ctx.report(clock.at, 'busyWait', { clock: clock.name, where: where.description }, { context: where, cost: 'heavy' });
    };
    return {
      CallExpression: checkCall,
      OptionalCallExpression: checkCall,
      WhileStatement: checkLoop,
      DoWhileStatement: checkLoop,
      ForStatement: checkLoop,
    };
  },
  // Blocking work reached through calls, across files: reported once, at the blocking call (where the fix goes), with every serving path to it.
  link(ctx) {
    for (const root of ctx.graph.blockingRoots()) {
      const open = root.calls.filter((hot) => {
        const { site } = hot;
        const at = { file: hot.caller.file.file, line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn };
        if (ctx.startupOnly.has(hot.caller.key) && ctx.exempt('startup-callers', at)) return false;
        if (ctx.forked.has(hot.caller.file.abs) && ctx.exempt('forked-process', at)) return false;
        if (ctx.scriptFolders.has(hot.caller.file.abs) && ctx.exempt('script-folder', at)) return false;
        if (hot.cheap && ctx.exempt('small-size', at)) return false;
        if (site.dev && ctx.exempt('development-only', at)) return false;
        return !ctx.suppressed(at);
      });
      // One path per serving function, however many times it calls in.
      const paths = open.filter((hot, i) => open.findIndex((h) => h.caller.key === hot.caller.key) === i);
      const first = paths[0];
      if (!first) continue;
      const where = first.caller.fn.context!;
      const through = (hot: typeof first) => `through \`${hot.site.text}()\` ${hot.caller.fn.context!.description}`;
      const reach = paths.length === 1 ? through(first) : `on ${paths.length} serving paths (the first ${through(first)})`;
      const { fn, site, chain } = root;
      const rootAt = { file: fn.file.file, line: site.line, column: site.column, endLine: site.endLine, endColumn: site.endColumn };
      if (site.dev && ctx.exempt('development-only', rootAt)) continue;
      ctx.report(
        rootAt,
        'blockingChain',
        { callee: site.api, last: fn.fn.name, reach, code: site.use },
        {
          context: { kind: where.kind, description: where.description },
          // Each path: the serving code's call, then the chain of helpers down to the blocking call.
          paths: paths.map((hot) => [callStep(hot.caller.file.file, hot.site, servingLabel(hot.caller.fn.context!.description)), ...hot.chain.steps]),
          key: `${fn.fn.name}\0${site.api}\0${chain.last}`,
          cost: site.cost,
          // The impact is that of the most exposed path (a request waits on any one of them), or every request's when many handlers share it.
          reach:
            ctx.graph.reachOf(fn.key, this.reachBy) === 'every-request' ? 'every-request' : widestReach(paths.map((h) => ctx.graph.reachOf(h.caller.key, this.reachBy))),
        },
      );
    }
  },
});

/** How the code spells a callee, without `.call`/`.apply` and whitespace: `fs.readFileSync`, `rfs`. */
function spelled(text: string): string {
  const suffix = ['.call', '.apply'].find((s) => text.endsWith(s));
  return [...(suffix ? text.slice(0, -suffix.length) : text)].filter((c) => c.trim() !== '').join('');
}
