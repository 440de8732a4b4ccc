// NestJS: methods that serve work by decorator (`@Get()`, `@Cron()`,
// `@MessagePattern()`…), by interface (`implements NestMiddleware` → `use`), or
// by class decorator (`@Processor()` → `process`). Routes join the `@Controller` prefix.
import type { Node } from '../../syntax/ast.js';
import type { NodePath } from '../../syntax/walk.js';
import { NEST_CLASS_DECORATORS, NEST_INTERFACE_METHODS, NEST_METHOD_DECORATORS } from '../../knowledge/frameworks.js';
import { isCall, refKey, resolveExpression, staticString, unwrapExpression } from '../resolve.js';
import { propertyKeyName } from '../scope.js';
import { routeServes, trimSlashes } from './routes.js';
import type { FrameSignal, NodeOf } from './types.js';

type ClassNode = NodeOf<'ClassDeclaration' | 'ClassExpression'>;

/** A method of a NestJS controller, gateway, processor, middleware… that serves work. */
export const nestHandler: FrameSignal = (methodPath) => {
  const method = methodPath.node;
  if (method.type !== 'ClassMethod' && method.type !== 'ClassPrivateMethod') return null;
  const classPath = methodPath.parentPath?.parentPath;
  const cls = classPath?.node;
  if (!classPath || !cls || (cls.type !== 'ClassDeclaration' && cls.type !== 'ClassExpression')) return null;
  const methodName = propertyKeyName(method);
  const qualified = `${cls.id?.name ?? 'class'}.${methodName ?? 'method'}`;
  for (const dec of method.decorators ?? []) {
    const { key, args } = decoratorKey(dec, methodPath);
    const info = key ? NEST_METHOD_DECORATORS.get(key) : undefined;
    if (!info) continue;
    if (info.kind === 'route') {
      const prefix = controllerPrefix(cls, classPath);
      const sub = staticString(args[0]) ?? '';
      const route = '/' + [prefix, sub].map(trimSlashes).filter(Boolean).join('/');
      return { kind: 'hot', description: `inside the route handler \`${info.label} ${route}\` (${qualified})`, serves: routeServes(route) };
    }
    if (info.kind === 'job') return { kind: 'hot', description: `inside the ${info.label} job \`${qualified}\``, serves: info.serves };
    return { kind: 'hot', description: `inside the ${info.label} \`${qualified}\``, serves: info.serves };
  }
  for (const impl of cls.implements ?? []) {
    const name = 'expression' in impl && impl.expression.type === 'Identifier' ? impl.expression.name : null;
    const known = name ? NEST_INTERFACE_METHODS.get(name) : undefined;
    if (known && known.method === methodName) return { kind: 'hot', description: `inside the ${name} method \`${qualified}\``, serves: known.serves };
  }
  for (const dec of cls.decorators ?? []) {
    const { key } = decoratorKey(dec, classPath);
    const info = key ? NEST_CLASS_DECORATORS.get(key) : undefined;
    if (info && methodName && info.methods.includes(methodName)) {
      return { kind: 'hot', description: `inside the ${info.label} \`${qualified}\``, ...(info.serves ? { serves: info.serves } : {}) };
    }
  }
  return null;
};

/** The resolved decorator (`@nestjs/common#Get`) and its arguments. */
function decoratorKey(dec: NodeOf<'Decorator'>, scope: NodePath): { key: string | null; args: Node[] } {
  const expr = unwrapExpression(dec.expression);
  const target = isCall(expr) ? expr.callee : expr;
  const ref = resolveExpression(target, scope);
  return { key: ref && ref.kind === 'module' ? refKey(ref) : null, args: isCall(expr) ? expr.arguments : [] };
}

/** `@Controller('users')` or `@Controller({ path: 'users' })`: the route prefix of the class. */
function controllerPrefix(cls: ClassNode, classPath: NodePath): string {
  for (const dec of cls.decorators ?? []) {
    const { key, args } = decoratorKey(dec, classPath);
    if (key !== '@nestjs/common#Controller') continue;
    const a = args[0];
    if (!a) return '';
    const s = staticString(a);
    if (s !== null) return s;
    if (a.type === 'ObjectExpression') {
      const p = a.properties.find((x) => x.type === 'ObjectProperty' && propertyKeyName(x) === 'path');
      return p && p.type === 'ObjectProperty' ? (staticString(p.value) ?? '') : '';
    }
  }
  return '';
}
