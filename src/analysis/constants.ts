// Constant folding for small numeric expressions: literals, arithmetic,
// Math.ceil/floor/round/min/max, and const bindings to such values.
import { lookup } from './scope.js';
import { memberPropertyName, unwrapExpression } from './resolve.js';
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
