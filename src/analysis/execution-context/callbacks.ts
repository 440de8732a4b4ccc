// Callbacks the runtime calls later: timers, event listeners, promise
// reactions; and the ones called before the call returns (`map`, `new Promise`).
import { EVENT_METHODS, LIFECYCLE_EVENTS, PROMISE_CALLBACK_METHODS, SYNC_CALLBACK_METHODS, TIMERS } from '../../knowledge/frameworks.js';
import { staticString } from '../resolve.js';
import { article } from './names.js';
import type { ArgumentSignal } from './types.js';

/** `setInterval(fn)` runs while serving; `setTimeout(fn)` runs where the code that set it runs. */
export const timerCallback: ArgumentSignal = (site) => {
  if (!site.key || site.isNew) return null;
  const timer = TIMERS.get(site.key);
  return timer && site.index === 0 ? site.use(timer.repeats ? 'hot' : 'deferred', `inside a ${timer.label} callback`, 'background') : null;
};

/** `Array.from(xs, fn)` calls `fn` before it returns. */
export const arrayFromCallback: ArgumentSignal = (site) => (!site.isNew && site.key === 'global#Array.from' ? site.synchronous() : null);

/** `new Promise(executor)` calls the executor before it returns. */
export const promiseExecutor: ArgumentSignal = (site) => (site.isNew && site.key === 'global#Promise' ? site.synchronous() : null);

/** `p.then(fn)`, `p.catch(fn)`, `p.finally(fn)`: runs where the code that made the promise runs. */
export const promiseCallback: ArgumentSignal = (site) => {
  if (!site.method || !PROMISE_CALLBACK_METHODS.has(site.method) || site.index > 1) return null;
  return site.use('deferred', `inside a promise \`.${site.method}\` callback`);
};

/** `emitter.on('message', fn)`: a listener runs while serving, except for lifecycle events. */
export const eventListener: ArgumentSignal = (site) => {
  if (!site.method || !EVENT_METHODS.has(site.method) || site.index < 1) return null;
  const event = staticString(site.call.arguments[0]);
  if (event && LIFECYCLE_EVENTS.has(event)) return site.use('startup', `inside a \`${event}\` handler (startup or shutdown)`);
  if (event === 'request') return site.use('hot', 'inside the HTTP `request` handler', 'request');
  return site.use('hot', event ? `inside ${article(event)} \`${event}\` event listener` : 'inside an event listener');
};

/** `xs.map(fn)`, `xs.forEach(fn)`…: runs where the call runs. */
export const synchronousCallback: ArgumentSignal = (site) => (site.method && SYNC_CALLBACK_METHODS.has(site.method) ? site.synchronous() : null);
