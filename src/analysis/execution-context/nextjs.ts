// Next.js file conventions: route handlers (`app/**/route.ts` exporting `GET`…),
// API routes (`pages/api/**`, default export), `getServerSideProps`, middleware.
import {
  NEXT_MIDDLEWARE_FILE,
  NEXT_PAGE_EXTENSION,
  NEXT_ROUTE_GROUP,
  NEXT_ROUTE_HANDLER_FILE,
  NEXT_ROUTE_METHODS,
  NEXT_ROUTER_FILE,
} from '../../knowledge/frameworks.js';
import type { ExportSignal, NextFileKind } from './types.js';

/** What the file is to Next.js, from the package-relative path. */
export function nextFileKind(packagePath: string): NextFileKind | null {
  const m = NEXT_ROUTER_FILE.exec(packagePath);
  if (!m) {
    return NEXT_MIDDLEWARE_FILE.test(packagePath) ? { kind: 'middleware', route: '' } : null;
  }
  const [, root, rest] = m;
  const segs = rest!.split('/');
  const file = segs.pop()!;
  const routeSegs = segs.filter((s) => !NEXT_ROUTE_GROUP.test(s) && !s.startsWith('@'));
  if (root === 'app') {
    if (!NEXT_ROUTE_HANDLER_FILE.test(file)) return null;
    return { kind: 'route', route: '/' + routeSegs.join('/') };
  }
  const stem = file.replace(NEXT_PAGE_EXTENSION, '');
  const route = '/' + [...routeSegs, stem === 'index' ? '' : stem].filter(Boolean).join('/');
  if (segs[0] === 'api') return { kind: 'api', route };
  return { kind: 'page', route };
}

/** An export Next.js calls per request, given the kind of file. */
export const nextExport: ExportSignal = (name, { next }) => {
  if (!next) return null;
  if (next.kind === 'route' && NEXT_ROUTE_METHODS.has(name)) {
    return { kind: 'hot', description: `inside the Next.js route handler \`${name} ${next.route}\``, serves: 'request' };
  }
  if (next.kind === 'api' && name === 'default') {
    return { kind: 'hot', description: `inside the Next.js API route \`${next.route}\``, serves: 'request' };
  }
  if (next.kind === 'page' && name === 'getServerSideProps') {
    return { kind: 'hot', description: 'inside `getServerSideProps`', serves: 'request' };
  }
  if (next.kind === 'middleware' && (name === 'middleware' || name === 'default')) {
    return { kind: 'hot', description: 'inside the Next.js middleware', serves: 'request' };
  }
  return null;
};
