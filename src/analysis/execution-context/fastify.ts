// Fastify: plugins run once, at registration (`fastify.register(plugin)`, or any
// `async function (fastify, opts)`); request hooks run per request; routes take
// their handler as an option (`fastify.route({ url, handler })`).
import type { Node } from '../../syntax/ast.js';
import { FASTIFY_REQUEST_HOOKS, HTTP_METHODS, PLUGIN_PARAM_NAMES, PLUGIN_TYPE_NAMES, ROUTE_OPTION_HANDLERS } from '../../knowledge/frameworks.js';
import { staticString } from '../resolve.js';
import { propertyKeyName } from '../scope.js';
import { appKind } from './express.js';
import { paramName, paramTypeName } from './names.js';
import { pathText, routeServes } from './routes.js';
import { isFunctionLike, type ArgumentSignal, type FrameSignal, type OptionSignal } from './types.js';

const PLUGIN = 'inside a Fastify plugin (runs at registration)';

/** `fastify.register(plugin)`, or `.register(fn)` with a plugin-shaped function. */
export const pluginRegistration: ArgumentSignal = (site) => {
  if (site.method !== 'register') return null;
  return appKind(site.receiver!, site.callPath) === 'Fastify' || isPluginShaped(site.value) ? site.use('startup', PLUGIN) : null;
};

/** `fastify.addHook('onRequest', fn)` runs per request; `onReady`, `onClose`… at startup or shutdown. */
export const fastifyHook: ArgumentSignal = (site) => {
  if (site.method !== 'addHook') return null;
  const hook = staticString(site.call.arguments[0]);
  if (hook && FASTIFY_REQUEST_HOOKS.has(hook)) return site.use('hot', `inside the Fastify \`${hook}\` hook`, 'every-request');
  if (hook) return site.use('startup', `inside the Fastify \`${hook}\` hook (startup or shutdown)`);
  return null;
};

/** `fastify.route({ method, url, handler })`, `fastify.get('/x', { preHandler })`. */
export const routeOption: OptionSignal = (site) => {
  if (!ROUTE_OPTION_HANDLERS.has(site.prop)) return null;
  const method = site.method;
  if (!method) return null;
  const optValue = (name: string): Node | null => {
    const p = site.options.properties.find((x) => x.type === 'ObjectProperty' && propertyKeyName(x) === name);
    return p && p.type === 'ObjectProperty' ? p.value : null;
  };
  let label: string | null = null;
  if (method === 'route') {
    const m = optValue('method');
    const verb = staticString(m) ?? (m?.type === 'ArrayExpression' ? m.elements.map(staticString).filter(Boolean).join('|') : null);
    const url = optValue('url') ?? optValue('path');
    label = `${(verb ?? 'route').toUpperCase()} ${url ? pathText(url) : ''}`.trim();
  } else if (HTTP_METHODS.has(method) && site.argIndex >= 1) {
    label = `${method.toUpperCase()} ${pathText(site.call.arguments[0])}`;
  }
  if (label === null) return null;
  const what = site.prop === 'handler' ? 'route handler' : `\`${site.prop}\` hook of the route`;
  return { effect: 'hot', description: `inside the ${what} \`${label}\``, callPath: site.callPath, serves: routeServes(label) };
};

/** A plugin-shaped function, wherever it is passed: `async function (fastify, opts)`. */
export const fastifyPlugin: FrameSignal = (fnPath) => (isPluginShaped(fnPath.node) ? { kind: 'startup', description: PLUGIN } : null);

function isPluginShaped(fn: Node): boolean {
  if (!isFunctionLike(fn)) return false;
  const first = fn.params?.[0];
  const name = paramName(first);
  const type = paramTypeName(first);
  return (!!name && PLUGIN_PARAM_NAMES.has(name)) || (!!type && PLUGIN_TYPE_NAMES.has(type));
}
