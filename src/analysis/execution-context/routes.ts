// Route paths as registrations write them: `'/users/:id'`, `/^\/api/`, `['/a', '/b']`, `router.route('/books')`.
import type { Node } from '../../syntax/ast.js';
import { HTTP_METHODS, ROUTE_PATH_STARTS } from '../../knowledge/frameworks.js';
import { RARE_ROUTE_WORDS, type Reach } from '../../knowledge/impact.js';
import { words } from '../../knowledge/call-verbs.js';
import { isCall, memberPropertyName, staticString, unwrapExpression } from '../resolve.js';

/** Does the argument look like a route path (so the call registers a route, whatever the receiver)? */
export function isPathLike(node: Node | null | undefined): boolean {
  if (!node) return false;
  if (node.type === 'RegExpLiteral') return true;
  if (node.type === 'ArrayExpression') return node.elements.length > 0 && node.elements.every(isPathLike);
  const s = staticString(node) ?? (node.type === 'TemplateLiteral' ? node.quasis[0]!.value.cooked! : null);
  return s !== null && ROUTE_PATH_STARTS.has(s.charAt(0));
}

/** The route path as the source writes it; `…` for what is not static. */
export function pathText(node: Node | null | undefined): string {
  if (!node) return '';
  const s = staticString(node);
  if (s !== null) return s;
  if (node.type === 'RegExpLiteral') return `/${node.pattern}/`;
  if (node.type === 'TemplateLiteral') return node.quasis.map((q) => q.value.cooked).join('${…}');
  if (node.type === 'Identifier') return node.name;
  if (node.type === 'MemberExpression') {
    const obj = pathText(node.object);
    const prop = memberPropertyName(node);
    return obj && prop ? `${obj}.${prop}` : '…';
  }
  return '…';
}

/** `router.route('/books').get(handler)`: the route path, or null when not such a chain. */
export function routeChainPath(receiver: Node): string | null {
  let r = unwrapExpression(receiver);
  for (let i = 0; i < 16 && r && isCall(r); i++) {
    const c = unwrapExpression(r.callee);
    if (c.type !== 'MemberExpression' && c.type !== 'OptionalMemberExpression') return null;
    const m = memberPropertyName(c);
    if (m === 'route' && isPathLike(r.arguments[0])) return pathText(r.arguments[0]);
    if (!m || !HTTP_METHODS.has(m)) return null;
    r = unwrapExpression(c.object);
  }
  return null;
}

/** `'/users/'` → `'users'`: a route segment without its leading and trailing slashes. */
export function trimSlashes(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && s[start] === '/') start++;
  while (end > start && s[end - 1] === '/') end--;
  return s.slice(start, end);
}

/** Whom a route handler serves: `rare` for the admin, setup or install area (RARE_ROUTE_WORDS in its path), else `request`. */
export function routeServes(route: string): Reach {
  return route.split('/').some((segment) => words(segment).some((w) => RARE_ROUTE_WORDS.has(w))) ? 'rare' : 'request';
}
