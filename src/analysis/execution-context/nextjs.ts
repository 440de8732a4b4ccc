// Next.js file conventions: route handlers (`app/**/route.ts` exporting `GET`…),
// API routes (`pages/api/**`, default export), `getServerSideProps`, middleware.
import {
  EDGE_RUNTIME,
  NEXT_MIDDLEWARE_FILE,
  NEXT_PAGE_EXTENSION,
  NEXT_ROUTE_GROUP,
  NEXT_ROUTE_HANDLER_FILE,
  NEXT_ROUTE_METHODS,
  NEXT_ROUTER_FILE,
  NEXT_STATIC_SEGMENT,
} from '../../knowledge/frameworks.js';
import type { Node } from '../../syntax/ast.js';
import type { ExportSignal, NextFileKind, NodeOf } from './types.js';
import { unwrapExpression } from '../resolve.js';
import { routeServes } from './routes.js';

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
  // A route a platform cron calls (vercel.json `crons`): a scheduled job, nobody waits on it.
  if (next.schedule && (next.kind === 'route' ? NEXT_ROUTE_METHODS.has(name) : next.kind === 'api' && name === 'default')) {
    return { kind: 'hot', description: `inside the Next.js route \`${next.route}\`, a scheduled job (cron \`${next.schedule}\`)`, serves: 'background' };
  }
  if (next.kind === 'route' && NEXT_ROUTE_METHODS.has(name)) {
    return { kind: 'hot', description: `inside the Next.js route handler \`${name} ${next.route}\``, serves: routeServes(next.route) };
  }
  if (next.kind === 'api' && name === 'default') {
    return { kind: 'hot', description: `inside the Next.js API route \`${next.route}\``, serves: routeServes(next.route) };
  }
  if (next.kind === 'page' && name === 'getServerSideProps') {
    return { kind: 'hot', description: 'inside `getServerSideProps`', serves: 'request' };
  }
  if (next.kind === 'middleware' && (name === 'middleware' || name === 'default')) {
    return { kind: 'hot', description: 'inside the Next.js middleware', serves: 'every-request' };
  }
  return null;
};

/** A file of a Next.js router folder (`app/`, `pages/`, under `src/` or not): a page, layout, route or one of their modules. */
export function inNextRouter(packagePath: string): boolean {
  return NEXT_ROUTER_FILE.test(packagePath);
}

/**
 * Is this Next.js page, layout or route module statically rendered? `build`: only at build time (`export const
 * dynamic = 'force-static'`, or `generateStaticParams` with `dynamicParams = false`, and no `revalidate`);
 * `regenerated`: also in the background after a request (`export const revalidate = 3600`, `getStaticProps`).
 * Either way no request waits on its code.
 */
export function staticSegment(program: Node): 'build' | 'regenerated' | null {
  const S = NEXT_STATIC_SEGMENT;
  const consts = new Map<string, Node | null>();
  const functions = new Set<string>();
  for (const stmt of (program as NodeOf<'Program'>).body) {
    if (stmt.type !== 'ExportNamedDeclaration' || !stmt.declaration) continue;
    const d = stmt.declaration;
    if (d.type === 'FunctionDeclaration' && d.id) functions.add(d.id.name);
    if (d.type !== 'VariableDeclaration') continue;
    for (const v of d.declarations) {
      if (v.id.type !== 'Identifier') continue;
      if (v.init && (v.init.type === 'ArrowFunctionExpression' || v.init.type === 'FunctionExpression')) functions.add(v.id.name);
      else consts.set(v.id.name, v.init ?? null);
    }
  }
  const value = (name: string) => {
    const n = consts.get(name);
    return n && (n.type === 'StringLiteral' || n.type === 'NumericLiteral' || n.type === 'BooleanLiteral') ? n.value : undefined;
  };
  const revalidate = value(S.revalidate);
  if ((typeof revalidate === 'number' && revalidate > 0) || functions.has(S.staticProps)) return 'regenerated';
  if (consts.has(S.revalidate)) return null; // revalidate = 0, or a value not written out: rendered on demand
  return value(S.dynamic) === S.forceStatic || (functions.has(S.staticParams) && value(S.dynamicParams) === false) ? 'build' : null;
}

/**
 * Does the module run on an edge runtime: `export const runtime = 'edge'`, `export const config = { runtime: 'edge' }`,
 * or Next.js middleware that does not ask for Node (`runtime: 'nodejs'`)? There the platform's duration limit ends a
 * call that hangs.
 */
export function edgeRuntime(program: Node, packagePath: string): boolean {
  let declared: string | null = null;
  for (const stmt of (program as NodeOf<'Program'>).body) {
    if (stmt.type !== 'ExportNamedDeclaration' || stmt.declaration?.type !== 'VariableDeclaration') continue;
    for (const v of stmt.declaration.declarations) {
      if (v.id.type !== 'Identifier' || !v.init) continue;
      const init = unwrapExpression(v.init);
      if (v.id.name === EDGE_RUNTIME.runtimeExport && init.type === 'StringLiteral') declared = init.value;
      if (v.id.name === EDGE_RUNTIME.configExport && init.type === 'ObjectExpression') {
        for (const p of init.properties) {
          if (p.type !== 'ObjectProperty' || p.computed || p.value.type !== 'StringLiteral') continue;
          const key = p.key.type === 'Identifier' ? p.key.name : p.key.type === 'StringLiteral' ? p.key.value : null;
          if (key === EDGE_RUNTIME.runtimeExport) declared = p.value.value;
        }
      }
    }
  }
  if (declared !== null) return (EDGE_RUNTIME.edge as readonly string[]).includes(declared);
  return NEXT_MIDDLEWARE_FILE.test(packagePath);
}
