// What the code fixes: small numeric expressions (literals, arithmetic, Math.ceil/floor/round/min/max, const bindings
// to such values), file paths the program ships with, and URL hosts written in the code.
import { lookup } from './scope.js';
import { memberPropertyName, resolveExpression, unwrapExpression } from './resolve.js';
import type { NodePath } from '../syntax/walk.js';
import { URL_WITH_HOST } from '../knowledge/http-clients.js';

export function constantValue(node: any, scope: NodePath, depth = 0): number | null {
  if (depth > 8 || !node) return null;
  const n = unwrapExpression(node);
  switch (n.type) {
    case 'NumericLiteral':
      return n.value;
    case 'UnaryExpression': {
      const v = constantValue(n.argument, scope, depth + 1);
      return v === null ? null : n.operator === '-' ? -v : n.operator === '+' ? v : null;
    }
    case 'BinaryExpression': {
      const a = constantValue(n.left, scope, depth + 1);
      const b = constantValue(n.right, scope, depth + 1);
      if (a === null || b === null) return null;
      switch (n.operator) {
        case '+':
          return a + b;
        case '-':
          return a - b;
        case '*':
          return a * b;
        case '/':
          return b === 0 ? null : a / b;
        case '**':
          return a ** b;
        default:
          return null;
      }
    }
    case 'CallExpression': {
      const c = unwrapExpression(n.callee);
      if (c.type !== 'MemberExpression' || c.object.type !== 'Identifier' || c.object.name !== 'Math') return null;
      const fn = memberPropertyName(c);
      const args = n.arguments.map((a: any) => constantValue(a, scope, depth + 1));
      if (args.some((a: number | null) => a === null)) return null;
      switch (fn) {
        case 'ceil':
          return Math.ceil(args[0]);
        case 'floor':
          return Math.floor(args[0]);
        case 'round':
          return Math.round(args[0]);
        case 'min':
          return Math.min(...args);
        case 'max':
          return Math.max(...args);
        default:
          return null;
      }
    }
    case 'Identifier': {
      const b = lookup(scope, n.name);
      if (!b || b.kind !== 'const' || !b.init || b.steps.length > 0) return null;
      return constantValue(b.init, b.scopePath, depth + 1);
    }
    default:
      return null;
  }
}

/** Parts of a path that are fixed when the program ships: the module's own folder and the process's working directory. */
const FIXED_PATH_ROOTS: ReadonlySet<string> = new Set(['__dirname', '__filename']);

/**
 * Is the path a file the program ships with, fixed in the code: `'templates/mail.html'`, a template literal without
 * interpolation, `path.join(__dirname, '../package.json')`, `new URL('./x.json', import.meta.url)`, `process.cwd()`-based,
 * or a `const` holding one? A read of such a file has a size the project controls, unlike a path from a request.
 */
export function isConstantPath(node: any, scope: NodePath, depth = 0): boolean {
  if (depth > 6 || !node) return false;
  const n = unwrapExpression(node);
  switch (n.type) {
    case 'StringLiteral':
      return true;
    case 'TemplateLiteral':
      return n.expressions.every((e: any) => isConstantPath(e, scope, depth + 1));
    case 'BinaryExpression':
      return n.operator === '+' && isConstantPath(n.left, scope, depth + 1) && isConstantPath(n.right, scope, depth + 1);
    case 'MemberExpression':
      // import.meta.dirname, import.meta.url
      return n.object.type === 'MetaProperty';
    case 'Identifier': {
      if (FIXED_PATH_ROOTS.has(n.name)) return true;
      const b = lookup(scope, n.name);
      return !!b && b.kind === 'const' && !!b.init && b.steps.length === 0 && isConstantPath(b.init, b.scopePath, depth + 1);
    }
    case 'CallExpression': {
      const callee = unwrapExpression(n.callee);
      // process.cwd(), path.join(…)/path.resolve(…) of fixed parts
      if (callee.type !== 'MemberExpression') return false;
      const method = memberPropertyName(callee);
      if (method === 'cwd') return callee.object.type === 'Identifier' && callee.object.name === 'process';
      const ref = method === 'join' || method === 'resolve' ? resolveExpression(callee, scope) : null;
      return ref?.kind === 'module' && ref.module === 'path' && n.arguments.length > 0 && n.arguments.every((a: any) => isConstantPath(a, scope, depth + 1));
    }
    case 'NewExpression':
      // new URL('./data.json', import.meta.url)
      return n.callee.type === 'Identifier' && n.callee.name === 'URL' && n.arguments.every((a: any) => isConstantPath(a, scope, depth + 1));
    default:
      return false;
  }
}

/** The text a string value starts with, as far as the code fixes it, and whether that is the whole value. */
interface Leading {
  text: string;
  whole: boolean;
}

function leadingText(node: any, scope: NodePath, depth: number): Leading | null {
  if (depth > 6 || !node) return null;
  const n = unwrapExpression(node);
  switch (n.type) {
    case 'StringLiteral':
      return { text: n.value, whole: true };
    case 'TemplateLiteral': {
      let text = '';
      for (let i = 0; i < n.quasis.length; i++) {
        text += n.quasis[i].value.cooked ?? '';
        if (i === n.expressions.length) return { text, whole: true };
        const part = leadingText(n.expressions[i], scope, depth + 1);
        if (!part) return { text, whole: false };
        text += part.text;
        if (!part.whole) return { text, whole: false };
      }
      return { text, whole: true };
    }
    case 'BinaryExpression': {
      if (n.operator !== '+') return null;
      const left = leadingText(n.left, scope, depth + 1);
      if (!left || !left.whole) return left;
      const right = leadingText(n.right, scope, depth + 1);
      return right ? { text: left.text + right.text, whole: right.whole } : { text: left.text, whole: false };
    }
    case 'Identifier': {
      const b = lookup(scope, n.name);
      if (b?.kind === 'param') {
        // baseUrl = 'https://api.example.com': callers that leave it out get the default.
        const def = (b.declNode as any).params?.find((p: any) => p.type === 'AssignmentPattern' && p.left === b.id);
        return def ? leadingText(def.right, b.scopePath, depth + 1) : null;
      }
      return b && b.kind === 'const' && b.init && b.steps.length === 0 ? leadingText(b.init, b.scopePath, depth + 1) : null;
    }
    case 'ConditionalExpression': {
      // region === 'eu' ? 'https://api.eu.example.com' : 'https://api.example.com': both hosts are written here.
      const a = leadingText(n.consequent, scope, depth + 1);
      const b = leadingText(n.alternate, scope, depth + 1);
      return a && b && URL_WITH_HOST.test(a.text) && URL_WITH_HOST.test(b.text) ? { text: a.text, whole: false } : null;
    }
    case 'MemberExpression': {
      // API.base where `const API = { base: 'https://…' }`; url.href, url.toString() of a URL built here.
      const name = memberPropertyName(n);
      if (name === 'href') return leadingText(n.object, scope, depth + 1);
      const obj = unwrapExpression(n.object);
      if (obj.type !== 'Identifier' || !name) return null;
      const b = lookup(scope, obj.name);
      const init = b && b.kind === 'const' && b.steps.length === 0 && b.init ? unwrapExpression(b.init) : null;
      const prop = init?.type === 'ObjectExpression' ? init.properties.find((p: any) => p.type === 'ObjectProperty' && !p.computed && propName(p.key) === name) : null;
      return prop ? leadingText(prop.value, b!.scopePath, depth + 1) : null;
    }
    case 'CallExpression': {
      const callee = unwrapExpression(n.callee);
      return callee.type === 'MemberExpression' && memberPropertyName(callee) === 'toString' ? leadingText(callee.object, scope, depth + 1) : null;
    }
    case 'NewExpression': {
      // new URL(path, base): an absolute first argument wins, else the base decides the host.
      if (n.callee.type !== 'Identifier' || n.callee.name !== 'URL') return null;
      const first = leadingText(n.arguments[0], scope, depth + 1);
      if (first && URL_WITH_HOST.test(first.text)) return first;
      const base = leadingText(n.arguments[1], scope, depth + 1);
      return base ? { text: base.text, whole: false } : null;
    }
    default:
      return null;
  }
}

function propName(key: any): string | null {
  return key.type === 'Identifier' ? key.name : key.type === 'StringLiteral' ? key.value : null;
}

/**
 * Is the value a URL whose host is written in the code: `'https://api.example.com/v1/x'`, `` `https://api.telegram.org/bot${token}` ``,
 * `BASE + path` or `new URL(path, BASE)` with `const BASE = 'https://…'`? Such a call goes to a service the project
 * chose; a host from a parameter, a setting or a record (a user's webhook) may be any server.
 */
export function hostInCode(node: any, scope: NodePath): boolean {
  const lead = leadingText(node, scope, 0);
  return !!lead && URL_WITH_HOST.test(lead.text);
}

/**
 * Is the value a relative URL (`'/api/items'`, `` `/api/surveys/${id}` ``, `'./data.json'`)? Node's fetch rejects one
 * (it has no page to resolve it against): a call with it runs in a browser.
 */
export function isRelativeUrl(node: any, scope: NodePath): boolean {
  const lead = leadingText(node, scope, 0);
  return !!lead && (lead.text.startsWith('/') || lead.text.startsWith('./') || lead.text.startsWith('../'));
}

/**
 * A value imported from another module by name (`import { TOKEN_BYTES } from './limits'`, `require('./limits').SIZE`):
 * the module and the exported name, for the project phase to look up (`CallGraph.constantOf`), or null.
 */
export function importedName(node: any, scope: NodePath): { module: string; name: string } | null {
  if (!node) return null;
  const n = unwrapExpression(node);
  if (n.type !== 'Identifier' && n.type !== 'MemberExpression') return null;
  const ref = resolveExpression(n, scope);
  return ref?.kind === 'module' && ref.path.length === 1 ? { module: ref.module, name: ref.path[0]! } : null;
}

/** Exported numeric constants of a module: `export const SIZE = 32`, `export { SIZE }`, `exports.SIZE = 16 * 2`. */
export function exportedConstants(programPath: NodePath): Record<string, number> {
  const out: Record<string, number> = {};
  const put = (name: string, init: any, at: NodePath) => {
    const v = init ? constantValue(init, at) : null;
    if (v !== null && Number.isFinite(v)) out[name] = v;
  };
  for (const stmt of (programPath.node as any).body ?? []) {
    if (stmt.type === 'ExportNamedDeclaration' && stmt.declaration?.type === 'VariableDeclaration' && stmt.declaration.kind === 'const') {
      for (const d of stmt.declaration.declarations) if (d.id.type === 'Identifier') put(d.id.name, d.init, programPath);
    } else if (stmt.type === 'ExportNamedDeclaration' && !stmt.source) {
      for (const s of stmt.specifiers ?? []) {
        if (s.type === 'ExportSpecifier' && s.local.type === 'Identifier') put(s.exported.name ?? s.exported.value, s.local, programPath);
      }
    } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression' && stmt.expression.operator === '=') {
      // exports.SIZE = 32, module.exports.SIZE = 32
      const left = stmt.expression.left;
      const name = left.type === 'MemberExpression' && !left.computed ? memberPropertyName(left) : null;
      const obj = left.type === 'MemberExpression' ? left.object : null;
      const isExports =
        (obj?.type === 'Identifier' && obj.name === 'exports') ||
        (obj?.type === 'MemberExpression' && obj.object.type === 'Identifier' && obj.object.name === 'module' && memberPropertyName(obj) === 'exports');
      if (name && isExports) put(name, stmt.expression.right, programPath);
    }
  }
  return out;
}
