// Knowledge table: where Node code runs while the process serves work.
// Used by src/analysis/execution-context/ (one module per framework); documented in ARCHITECTURE.md and in
// `loopguard explain blocking-call`.

/** Route-registration methods of Express, Router, Koa-router, Fastify, Hono, Restify, Polka. */
export const HTTP_METHODS: ReadonlySet<string> = new Set(['get', 'post', 'put', 'patch', 'delete', 'del', 'options', 'head', 'all', 'search']);

/**
 * Values that are an HTTP app/router/server instance, as resolved reference keys
 * (see refKey in src/resolve.ts). Methods called on them register handlers.
 */
export const APP_FACTORIES: ReadonlyMap<string, string> = new Map([
  ['express#()', 'Express'],
  ['express#Router()', 'Express'],
  ['new express#Router()', 'Express'],
  ['express#express()', 'Express'],
  ['new koa#()', 'Koa'],
  ['new koa#Koa()', 'Koa'],
  ['new @koa/router#()', 'Koa'],
  ['new @koa/router#Router()', 'Koa'],
  ['new koa-router#()', 'Koa'],
  ['@koa/router#()', 'Koa'],
  ['koa-router#()', 'Koa'],
  ['fastify#()', 'Fastify'],
  ['fastify#fastify()', 'Fastify'],
  ['fastify#Fastify()', 'Fastify'],
  ['new hono#Hono()', 'Hono'],
  ['new hono/tiny#Hono()', 'Hono'],
  ['new hono/quick#Hono()', 'Hono'],
  ['new @hono/zod-openapi#OpenAPIHono()', 'Hono'],
  ['restify#createServer()', 'Restify'],
  ['polka#()', 'Polka'],
  ['new @hapi/hapi#Server()', 'hapi'],
  ['@hapi/hapi#server()', 'hapi'],
  ['@hapi/hapi#Server()', 'hapi'],
]);

/** TypeScript types of a parameter that is an app or router (`function routes(app: Express)`), and their framework. */
export const APP_TYPE_NAMES: ReadonlyMap<string, string> = new Map([
  ['FastifyInstance', 'Fastify'],
  ['Express', 'Express'],
  ['Router', 'Express'],
  ['Application', 'Express'],
  ['Hono', 'Hono'],
]);

/** `http.createServer(handler)` and friends: the callback is the request handler. */
export const SERVER_FACTORIES: ReadonlySet<string> = new Set(['http#createServer', 'https#createServer', 'http2#createServer', 'http2#createSecureServer']);

/** Timers: [resolved key, label, repeats]. A one-shot timer set at startup is still startup. */
export const TIMERS: ReadonlyMap<string, { label: string; repeats: boolean }> = new Map([
  ['global#setInterval', { label: 'setInterval', repeats: true }],
  ['timers#setInterval', { label: 'setInterval', repeats: true }],
  ['global#setTimeout', { label: 'setTimeout', repeats: false }],
  ['timers#setTimeout', { label: 'setTimeout', repeats: false }],
  ['global#setImmediate', { label: 'setImmediate', repeats: false }],
  ['timers#setImmediate', { label: 'setImmediate', repeats: false }],
  ['global#queueMicrotask', { label: 'queueMicrotask', repeats: false }],
  ['global#process.nextTick', { label: 'process.nextTick', repeats: false }],
  ['process#nextTick', { label: 'process.nextTick', repeats: false }],
]);

export const PROMISE_CALLBACK_METHODS: ReadonlySet<string> = new Set(['then', 'catch', 'finally']);

export const EVENT_METHODS: ReadonlySet<string> = new Set(['on', 'once', 'addListener', 'prependListener', 'prependOnceListener', 'addEventListener']);

/**
 * Events that fire at boot or shutdown, not while serving work. (SIGHUP and
 * SIGUSR1/2 usually trigger a reload while traffic flows: they are not here.)
 */
export const LIFECYCLE_EVENTS: ReadonlySet<string> = new Set([
  'exit',
  'beforeExit',
  'SIGINT',
  'SIGTERM',
  'SIGQUIT',
  'SIGBREAK',
  'uncaughtException',
  'unhandledRejection',
  'listening',
]);

/** Fastify hooks that run per request (others, such as onReady and onClose, run at boot or shutdown). */
export const FASTIFY_REQUEST_HOOKS: ReadonlySet<string> = new Set([
  'onRequest',
  'preParsing',
  'preValidation',
  'preHandler',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
  'onTimeout',
  'onRequestAbort',
]);

/** Route option keys whose function values run per request (Fastify `route({...})`, hapi `route({...})`). */
export const ROUTE_OPTION_HANDLERS: ReadonlySet<string> = new Set([
  'handler',
  'preHandler',
  'onRequest',
  'preValidation',
  'preParsing',
  'preSerialization',
  'onSend',
  'onResponse',
  'onError',
  'errorHandler',
]);

/** Callbacks these call synchronously, before returning: they run in their caller's context. */
export const SYNC_CALLBACK_METHODS: ReadonlySet<string> = new Set([
  'map',
  'forEach',
  'filter',
  'reduce',
  'reduceRight',
  'some',
  'every',
  'find',
  'findIndex',
  'findLast',
  'findLastIndex',
  'flatMap',
  'sort',
  'toSorted',
]);

/** Queue workers: a processor function passed to these runs per job. */
export const QUEUE_WORKERS: ReadonlyMap<string, { label: string; processorIndex: number }> = new Map([
  ['new bullmq#Worker()', { label: 'BullMQ processor', processorIndex: 1 }],
  ['new bullmq-pro#WorkerPro()', { label: 'BullMQ processor', processorIndex: 1 }],
]);

/** `queue.process(fn)` receivers (Bull, Bee-Queue). */
export const PROCESS_QUEUES: ReadonlySet<string> = new Set(['new bull#()', 'bull#()', 'new bee-queue#()', 'new bull#Queue()']);

/**
 * Job schedulers whose instance registers a handler by name, by module: `agenda.define('name', handler)`,
 * `boss.work('queue', handler)`. The handler is the last argument and runs per job, as background work.
 */
export const JOB_DEFINERS: ReadonlyMap<string, { method: string; label: string }> = new Map([
  ['agenda', { method: 'define', label: 'Agenda job' }],
  ['@hokify/agenda', { method: 'define', label: 'Agenda job' }],
  ['pg-boss', { method: 'work', label: 'pg-boss worker' }],
]);

/** NestJS method decorators, by module, that make a method run per request, message or schedule. */
export interface NestDecorator {
  kind: 'route' | 'job' | 'handler';
  label: string;
  /** Does a caller wait on each run (a request, an RPC, a resolver) or not (an event, a job)? */
  serves: 'request' | 'background';
}

export const NEST_METHOD_DECORATORS: ReadonlyMap<string, NestDecorator> = new Map<string, NestDecorator>([
  ...['Get', 'Post', 'Put', 'Delete', 'Patch', 'Options', 'Head', 'All', 'Search'].map((d): [string, NestDecorator] => [
    `@nestjs/common#${d}`,
    { kind: 'route', label: d.toUpperCase(), serves: 'request' },
  ]),
  ...['Cron', 'Interval', 'Timeout'].map((d): [string, NestDecorator] => [`@nestjs/schedule#${d}`, { kind: 'job', label: `@${d}`, serves: 'background' }]),
  ['@nestjs/event-emitter#OnEvent', { kind: 'handler', label: '@OnEvent handler', serves: 'background' }],
  ['@nestjs/microservices#MessagePattern', { kind: 'handler', label: '@MessagePattern handler', serves: 'request' }],
  ['@nestjs/microservices#EventPattern', { kind: 'handler', label: '@EventPattern handler', serves: 'background' }],
  ['@nestjs/websockets#SubscribeMessage', { kind: 'handler', label: '@SubscribeMessage handler', serves: 'request' }],
  ['@nestjs/bull#Process', { kind: 'handler', label: 'Bull processor', serves: 'background' }],
  ...['Query', 'Mutation', 'Subscription', 'ResolveField', 'ResolveProperty'].map((d): [string, NestDecorator] => [
    `@nestjs/graphql#${d}`,
    { kind: 'handler', label: `GraphQL @${d} resolver`, serves: 'request' },
  ]),
]);

/**
 * NestJS interfaces whose method runs per request (`implements NestInterceptor` → `intercept`, on every request), or
 * per client connection (`implements OnGatewayConnection` → `handleConnection`, a WebSocket client waits on it).
 */
export const NEST_INTERFACE_METHODS: ReadonlyMap<string, { method: string; serves: 'every-request' | 'request' }> = new Map([
  ['NestInterceptor', { method: 'intercept', serves: 'every-request' }],
  ['CanActivate', { method: 'canActivate', serves: 'every-request' }],
  ['NestMiddleware', { method: 'use', serves: 'every-request' }],
  ['PipeTransform', { method: 'transform', serves: 'every-request' }],
  ['ExceptionFilter', { method: 'catch', serves: 'every-request' }],
  ['OnGatewayConnection', { method: 'handleConnection', serves: 'request' }],
]);

/** NestJS class decorators whose class's `process`/`execute`/`handle` method runs per job or message. */
export const NEST_CLASS_DECORATORS: ReadonlyMap<string, { methods: readonly string[]; label: string; serves?: 'background' }> = new Map<
  string,
  { methods: readonly string[]; label: string; serves?: 'background' }
>([
  ['@nestjs/bullmq#Processor', { methods: ['process'], label: 'BullMQ processor', serves: 'background' }],
  // Commands and queries run for whoever sent them: their callers decide.
  ['@nestjs/cqrs#CommandHandler', { methods: ['execute'], label: 'CQRS command handler' }],
  ['@nestjs/cqrs#QueryHandler', { methods: ['execute'], label: 'CQRS query handler' }],
  ['@nestjs/cqrs#EventsHandler', { methods: ['handle'], label: 'CQRS event handler', serves: 'background' }],
]);

/**
 * The root operation types of a GraphQL schema: an object literal holding one of them as an object of functions is a
 * resolver map (Apollo Server, GraphQL Yoga, graphql-tools, Mercurius), and its field resolvers run per query.
 */
export const GRAPHQL_ROOT_TYPES: ReadonlySet<string> = new Set(['Query', 'Mutation', 'Subscription']);

/**
 * Express before 5 does not handle a rejected promise from an async handler: the request hangs and the rejection is
 * unhandled. These packages patch it (imported once, anywhere in the project) or wrap handlers to pass errors to `next`.
 */
export const EXPRESS_ASYNC_PATCHES: readonly string[] = ['express-async-errors', '@root/async-errors', 'express-promise-router'];

/** Process events whose handler keeps a failure from ending the process: `process.on('unhandledRejection', log)`. */
export const REJECTION_EVENTS: ReadonlySet<string> = new Set(['unhandledRejection']);

export const NEXT_ROUTE_METHODS: ReadonlySet<string> = new Set(['GET', 'POST', 'PUT', 'PATCH', 'DELETE', 'HEAD', 'OPTIONS']);

/** Parameter names that mark a request handler or middleware: (req, res), (req, res, next), (ctx, next)… */
export const REQUEST_PARAM_NAMES: ReadonlySet<string> = new Set(['req', 'request']);
export const RESPONSE_PARAM_NAMES: ReadonlySet<string> = new Set(['res', 'response', 'reply']);
/** First parameter names of Express error middleware, `(err, req, res, next)`. */
export const ERROR_PARAM_NAMES: ReadonlySet<string> = new Set(['err', 'error', 'e']);
/** First parameter names of Koa and Hono middleware, `(ctx, next)`, `(c, next)`: the context that carries the request. */
export const CONTEXT_PARAM_NAMES: ReadonlySet<string> = new Set(['ctx', 'context', 'c']);

/**
 * The names handler code reaches the request through (`req.body`, `ctx.request.body`,
 * `c.req.json()`): the request parameters and the context parameters, one table.
 */
export const REQUEST_ROOT_NAMES: ReadonlySet<string> = new Set([...REQUEST_PARAM_NAMES, ...CONTEXT_PARAM_NAMES]);

/** TypeScript parameter types that mark a request handler. */
export const REQUEST_TYPE_NAMES: ReadonlySet<string> = new Set([
  'Request',
  'FastifyRequest',
  'NextApiRequest',
  'NextRequest',
  'IncomingMessage',
  'APIGatewayProxyEvent',
  'APIGatewayProxyEventV2',
]);

/** First parameter names that mark a Fastify plugin, `async function (fastify, opts)`, which runs at registration. */
export const PLUGIN_PARAM_NAMES: ReadonlySet<string> = new Set(['fastify', 'instance']);
export const PLUGIN_TYPE_NAMES: ReadonlySet<string> = new Set(['FastifyInstance', 'FastifyPluginAsync', 'FastifyPluginCallback']);

/**
 * Function and method names that by convention run once at boot or shutdown:
 * `main`, `bootstrap`, `startApp`, NestJS lifecycle hooks… (exact names only,
 * so `startUpload` or `initPayment` are not caught).
 */
export const STARTUP_FUNCTION_NAMES: ReadonlySet<string> = new Set([
  'main',
  'bootstrap',
  'boot',
  'start',
  'startApp',
  'startServer',
  'launch',
  'init',
  'initialize',
  'initialise',
  'setup',
  'onModuleInit',
  'onApplicationBootstrap',
  'onModuleDestroy',
  'beforeApplicationShutdown',
  'onApplicationShutdown',
]);

/** Function names that end like this run at startup too: `usersLoader`, `expressLoader` (the "loaders" pattern). */
export const STARTUP_FUNCTION_SUFFIX = /Loader$/;

/** Startup functions by name: one of STARTUP_FUNCTION_NAMES, or a loader by STARTUP_FUNCTION_SUFFIX. */
export function isStartupFunctionName(name: string): boolean {
  return STARTUP_FUNCTION_NAMES.has(name) || STARTUP_FUNCTION_SUFFIX.test(name);
}

/** Receivers named like a job queue (`emailQueue.process(fn)`) when their construction cannot be seen: the processor runs per job. */
export const QUEUE_RECEIVER_NAME = /queue$/i;

/** First characters of a route path given to a router method: `'/users'`, `'*'`, `'(.*)'` (a regular expression route counts too). */
export const ROUTE_PATH_STARTS: ReadonlySet<string> = new Set(['/', '*', '(']);

/**
 * Next.js file conventions, on the package-relative path: files under `app/` or
 * `pages/` (optionally under `src/`), with the router folder and the rest captured.
 */
export const NEXT_ROUTER_FILE = /^(?:src\/)?(app|pages)\/(.*)$/;
/** `middleware.ts` at the package root (or under `src/`): it runs per request. */
export const NEXT_MIDDLEWARE_FILE = /^(?:src\/)?middleware\.[cm]?[jt]s$/;
/** `app/` route handlers: `route.ts`. (Pages and layouts under `app/` are React components.) */
export const NEXT_ROUTE_HANDLER_FILE = /^route\.[cm]?[jt]sx?$/;
/** Route groups, `(marketing)/`: folders that do not appear in the URL. (Parallel routes, `@slot/`, neither.) */
export const NEXT_ROUTE_GROUP = /^\(.*\)$/;
/** The extension of a page file under `pages/`, cut to get its route segment: `users.tsx` → `users`. */
export const NEXT_PAGE_EXTENSION = /\.[cm]?[jt]sx?$/;

/**
 * Exports that make a module a server entry, whoever imports it: Remix/React Router `loader`/`action`, Next.js data
 * functions and metadata, route handlers (`export async function GET`), middleware. A file with one runs on the server
 * even when client code imports it (a Remix route module is also its page component).
 */
export const SERVER_ENTRY_EXPORTS: ReadonlySet<string> = new Set([
  'loader',
  'action',
  'getServerSideProps',
  'getStaticProps',
  'getStaticPaths',
  'generateMetadata',
  'generateStaticParams',
  'GET',
  'POST',
  'PUT',
  'PATCH',
  'DELETE',
  'HEAD',
  'OPTIONS',
  'middleware',
]);

/**
 * Route segment config that runs a module on an edge runtime: `export const runtime = 'edge'` (Next.js app router,
 * SvelteKit, Vercel functions), `export const config = { runtime: 'edge' }` (the pages router, middleware). Next.js
 * middleware runs there unless it says `runtime: 'nodejs'` (Next 16's `proxy.ts` runs on Node). The platform ends a
 * function that has not started its response within its limit, so nothing there waits forever.
 */
export const EDGE_RUNTIME = { runtimeExport: 'runtime', configExport: 'config', edge: ['edge', 'experimental-edge'] } as const;

/** The directive that makes a module's exports server functions (Next.js/React Server Actions) that client code calls over HTTP. */
export const SERVER_DIRECTIVE = 'use server';

/**
 * Next.js route segment exports that make a page, layout or route handler static: rendered at build time and, with
 * `revalidate`, regenerated in the background. No request waits on the rendering. `generateStaticParams` makes a
 * segment static only together with `dynamicParams = false` (other params would render on demand).
 */
export const NEXT_STATIC_SEGMENT = {
  /** `export const dynamic = 'force-static'` */
  dynamic: 'dynamic',
  forceStatic: 'force-static',
  /** `export const revalidate = 3600` (a positive number) */
  revalidate: 'revalidate',
  staticParams: 'generateStaticParams',
  dynamicParams: 'dynamicParams',
  /** The pages router: a page whose data comes from `getStaticProps` renders at build time or on revalidation. */
  staticProps: 'getStaticProps',
} as const;

/**
 * Calls and constructors that run a file in another process or on another thread (`fork('./send.js')`, `new
 * Worker(file)`, `new Piscina({ filename })`): where the file's path is, an argument or an option of it. Code that only
 * such files reach does not run on the serving thread. `new ` marks a constructor.
 */
export const OFF_THREAD_ENTRIES: ReadonlyMap<string, { arg: number; option?: string }> = new Map([
  ['child_process#fork', { arg: 0 }],
  ['new worker_threads#Worker', { arg: 0 }],
  ['new piscina#', { arg: 0, option: 'filename' }],
  ['new piscina#Piscina', { arg: 0, option: 'filename' }],
  ['new tinypool#', { arg: 0, option: 'filename' }],
  ['new tinypool#Tinypool', { arg: 0, option: 'filename' }],
  ['workerpool#pool', { arg: 0 }],
]);
