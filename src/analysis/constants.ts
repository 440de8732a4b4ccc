// Constant folding for small numeric expressions: literals, arithmetic,
// Math.ceil/floor/round/min/max, and const bindings to such values.
import { lookup } from './scope.js';
import { memberPropertyName, resolveExpression, unwrapExpression } from './resolve.js';
import type { NodePath } from '../syntax/walk.js';

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
