// APIs whose calls return a promise, so a call nobody awaits or handles is a dangling task (`dangling-task`). Project
// functions are known from their summaries (`async`); these are the packages' and Node's own.

/**
 * Modules every function of which returns a promise (the module itself, called, too: `got(url)`), with a `node:`
 * prefix optional. `fs` counts through its `promises` namespace only (`fs.promises.writeFile`).
 */
export const PROMISE_MODULES: readonly string[] = [
  'fs/promises',
  'dns/promises',
  'stream/promises',
  'timers/promises',
  'readline/promises',
  'axios',
  'got',
  'node-fetch',
  'ky',
  'undici',
];

/** Namespaces of a module that hold only promise-returning functions: `fs.promises.*`, `dns.promises.*`. */
export const PROMISE_NAMESPACES: ReadonlyMap<string, string> = new Map([
  ['fs', 'promises'],
  ['dns', 'promises'],
]);

/** Globals that return a promise when called. */
export const PROMISE_GLOBALS: ReadonlySet<string> = new Set(['fetch']);

/** The fact a file records when it imports a patch that makes Express 4 pass rejections to its error handler. */
export const EXPRESS_PATCHED = 'express-async-errors';

/** The fact a file records when it handles `unhandledRejection` for the whole process. */
export const REJECTIONS_HANDLED = 'process.on(unhandledRejection)';

/**
 * Promises that settle without rejecting: timers of `timers/promises` (they reject only when aborted through a signal),
 * and `Promise.allSettled`. Awaiting one is no place a function's promise can reject from.
 */
export const SETTLING_CALLS: ReadonlyMap<string, readonly string[]> = new Map([
  ['timers/promises', ['setTimeout', 'setImmediate']],
  ['global', ['Promise.allSettled']],
]);

/** Calls of one async function dropped in this many places are reported once, at the function (one fix covers them). */
export const GROUPED_CALLS = 3;
