// Node's own servers: `http.createServer(handler)`, `server.listen(port, fn)`,
// and `export default { fetch(request) {…} }` (Hono on Bun/Workers, Deno-style servers).
import { SERVER_FACTORIES } from '../../knowledge/frameworks.js';
import { propertyKeyName } from '../scope.js';
import type { ArgumentSignal, FrameSignal } from './types.js';

/** `http.createServer(fn)`: the request handler. */
export const serverRequestHandler: ArgumentSignal = (site) => {
  if (!site.key || site.isNew || !SERVER_FACTORIES.has(site.key)) return null;
  return site.use('hot', `inside the \`${site.key.replace('#', '.')}\` request handler`, 'request');
};

/** `server.listen(port, fn)`: runs once the server is up. */
export const listenCallback: ArgumentSignal = (site) => (site.method === 'listen' ? site.use('startup', 'inside the server `listen` callback (startup)') : null);

/** `export default { fetch(request) {…} }`. */
export const exportedFetch: FrameSignal = (fnPath) => {
  const fn = fnPath.node;
  if (fn.type !== 'ObjectMethod' && fnPath.parent?.type !== 'ObjectProperty') return null;
  const prop = fn.type === 'ObjectMethod' ? fnPath : fnPath.parentPath!;
  if (propertyKeyName(prop.node) === 'fetch' && prop.parentPath?.parentPath?.node.type === 'ExportDefaultDeclaration') {
    return { kind: 'hot', description: 'inside the exported `fetch` handler', serves: 'request' };
  }
  return null;
};
