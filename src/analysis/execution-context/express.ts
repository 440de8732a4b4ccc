// Express, Koa, Hono, Restify, Polka: route registration (`app.get('/x', fn)`,
// `router.route('/x').post(fn)`), middleware (`app.use(fn)`), and the shapes of
// their handlers: `(req, res)`, `(req, res, next)`, `(err, req, res, next)`, `(ctx, next)`.
import type { Node } from '../../syntax/ast.js';
import type { NodePath } from '../../syntax/walk.js';
import {
  APP_FACTORIES,
  APP_TYPE_NAMES,
  CONTEXT_PARAM_NAMES,
  ERROR_PARAM_NAMES,
  HTTP_METHODS,
  REQUEST_PARAM_NAMES,
  REQUEST_TYPE_NAMES,
  RESPONSE_PARAM_NAMES,
} from '../../knowledge/frameworks.js';
import { refKey, resolveExpression } from '../resolve.js';
import type { Binding } from '../scope.js';
import { nameSuffix, paramName, paramTypeName } from './names.js';
import { isPathLike, pathText, routeChainPath, routeServes } from './routes.js';
import { isFunctionLike, type ArgumentSignal, type FrameSignal, type FunctionNode } from './types.js';

/** 'Express' | 'Fastify' | … when `receiver` is an app or router instance. */
export function appKind(receiver: Node, scope: NodePath): string | null {
  const ref = resolveExpression(receiver, scope);
  if (!ref) return null;
  if (ref.kind === 'call') return APP_FACTORIES.get(refKey(ref)) ?? null;
  if (ref.kind === 'binding' && ref.binding.kind === 'param') return paramFrameworkType(ref.binding);
  return null;
}

/** A parameter typed as an app: `(app: Express) => …`. */
function paramFrameworkType(binding: Binding): string | null {
  const t = paramTypeName(binding.id.type === 'Identifier' ? binding.id : null);
  return t ? (APP_TYPE_NAMES.get(t) ?? null) : null;
}

/** `app.get('/x', fn)`, `router.route('/x').post(fn)`: a route handler. */
export const routeHandler: ArgumentSignal = (site) => {
  if (!site.method || !HTTP_METHODS.has(site.method)) return null;
  const chained = routeChainPath(site.receiver!);
  if (chained !== null) return site.use('hot', `inside the route handler \`${site.method.toUpperCase()} ${chained}\``, routeServes(chained));
  const args = site.call.arguments;
  if (site.index >= 1 && (appKind(site.receiver!, site.callPath) || isPathLike(args[0]))) {
    return site.use('hot', `inside the route handler \`${site.method.toUpperCase()} ${pathText(args[0])}\``, routeServes(pathText(args[0])));
  }
  return null;
};

/** `app.use(fn)`, `app.use('/api', fn)`: middleware of an app, or a function shaped like middleware. */
export const middleware: ArgumentSignal = (site) => {
  if (site.method !== 'use') return null;
  const app = appKind(site.receiver!, site.callPath);
  if (!app && !looksLikeMiddleware(site.value)) return null;
  const args = site.call.arguments;
  const mount = site.index >= 1 && isPathLike(args[0]) ? ` \`${pathText(args[0])}\`` : '';
  return site.use('hot', `inside the ${app ? `${app} ` : ''}middleware${mount}`, 'every-request');
};

/** A function shaped like a request handler, wherever it is passed: `(req, res) => …`. */
export const requestHandler: FrameSignal = (fnPath) =>
  isRequestHandlerShaped(fnPath.node as FunctionNode)
    ? {
        kind: 'hot',
        description: `inside the request handler${nameSuffix(fnPath)}`,
        serves: 'request',
        byShape: `${fnPath.node.loc!.start.line}:${fnPath.node.loc!.start.column + 1}`,
      }
    : null;

/**
 * A function handed to a wrapper nobody knows (`export const h = withAuth(async (req) => …)`, `api(schema)(async (req, res) => …)`)
 * is a request handler when it is shaped like one, or async with a first parameter named as a request: the wrapper keeps it for later.
 */
export function isWrappedRequestHandler(fn: FunctionNode): boolean {
  return (!!fn.async && REQUEST_PARAM_NAMES.has(paramName(fn.params?.[0]) ?? '')) || isRequestHandlerShaped(fn);
}

/** (req, res), (req, res, next), (err, req, res, next), or a first parameter typed as a request. */
function isRequestHandlerShaped(fn: FunctionNode): boolean {
  const ps = fn.params ?? [];
  const offset = ps.length === 4 && ERROR_PARAM_NAMES.has(paramName(ps[0]) ?? '') ? 1 : 0;
  const a = paramName(ps[offset]);
  const b = paramName(ps[offset + 1]);
  if (a && b && REQUEST_PARAM_NAMES.has(a) && RESPONSE_PARAM_NAMES.has(b)) return true;
  const t = paramTypeName(ps[0]);
  return !!t && REQUEST_TYPE_NAMES.has(t);
}

function looksLikeMiddleware(fn: Node): boolean {
  if (!isFunctionLike(fn)) return false;
  if (isRequestHandlerShaped(fn)) return true;
  const ps = fn.params ?? [];
  const names = ps.map(paramName);
  return ps.length === 2 && CONTEXT_PARAM_NAMES.has(names[0] ?? '') && names[1] === 'next';
}
