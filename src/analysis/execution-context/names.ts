// How a function reads in a description, and the names it is known by.
import type { Node } from '../../syntax/ast.js';
import type { NodePath } from '../../syntax/walk.js';
import { memberPropertyName, unwrapExpression } from '../resolve.js';
import { lookup, propertyKeyName, type Binding } from '../scope.js';
import type { CallNode, FunctionNode, NodeOf } from './types.js';

/** TypeScript wrappers and parentheses, which do not change the value. */
export function isTransparent(node: Node): boolean {
  switch (node.type) {
    case 'TSAsExpression':
    case 'TSSatisfiesExpression':
    case 'TSNonNullExpression':
    case 'TSTypeAssertion':
    case 'ParenthesizedExpression':
      return true;
    default:
      return false;
  }
}

/** `path`, or its outermost ancestor that only wraps it in TypeScript or parentheses. */
export function outermostWrapper(path: NodePath): NodePath {
  let vp = path;
  while (vp.parentPath && isTransparent(vp.parentPath.node)) vp = vp.parentPath;
  return vp;
}

/** The binding a function is declared as: `function f`, `const f = () => …`. */
export function bindingOfFunction(fnPath: NodePath): Binding | null {
  const fn = fnPath.node;
  if (fn.type === 'FunctionDeclaration' && fn.id && fnPath.parentPath) {
    const b = lookup(fnPath.parentPath, fn.id.name);
    return b && b.declNode === fn ? b : null;
  }
  const vp = outermostWrapper(fnPath);
  const parent = vp.parentPath;
  if (parent && parent.node.type === 'VariableDeclarator' && vp.key === 'init') {
    const id = parent.node.id;
    if (id.type !== 'Identifier') return null;
    const b = lookup(parent, id.name);
    return b && b.declNode === parent.node ? b : null;
  }
  return null;
}

/** A readable name: "async function `saveAvatar`", "method `UserService.save`", "an arrow function". */
export function describeFunction(fnPath: NodePath): string {
  const fn = fnPath.node as FunctionNode;
  const name = functionName(fnPath);
  const asyncWord = fn.async ? 'async ' : '';
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod' || fn.type === 'ObjectMethod') {
    return name ? `${asyncWord}method \`${name}\`` : `an ${asyncWord}method`;
  }
  if (name) return `${asyncWord}function \`${name}\``;
  if (fn.type === 'ArrowFunctionExpression') return fn.async ? 'an async arrow function' : 'an arrow function';
  return fn.async ? 'an async function' : 'a function';
}

export function functionName(fnPath: NodePath): string | null {
  const fn = fnPath.node as FunctionNode;
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod') {
    const cls = fnPath.parentPath?.parentPath?.node as NodeOf<'ClassDeclaration' | 'ClassExpression'> | undefined;
    const key = fn.key.type === 'PrivateName' ? `#${fn.key.id.name}` : propertyKeyName(fn);
    if (fn.kind === 'constructor') return cls?.id ? `${cls.id.name} constructor` : 'constructor';
    return cls?.id ? `${cls.id.name}.${key ?? '[computed]'}` : key;
  }
  if (fn.type === 'ObjectMethod') return propertyKeyName(fn);
  if ('id' in fn && fn.id) return fn.id.name;
  const parent = outermostWrapper(fnPath).parentPath?.node;
  if (!parent) return null;
  if (parent.type === 'VariableDeclarator' && parent.id.type === 'Identifier') return parent.id.name;
  if (parent.type === 'ObjectProperty' || parent.type === 'ClassProperty') return propertyKeyName(parent);
  if (parent.type === 'AssignmentExpression' && (parent.left.type === 'MemberExpression' || parent.left.type === 'Identifier')) {
    return parent.left.type === 'Identifier' ? parent.left.name : memberPropertyName(parent.left);
  }
  return null;
}

/** The function's own name, without its class: `startApp` for `ParseServer.startApp`. */
export function bareName(fnPath: NodePath): string | null {
  const fn = fnPath.node as FunctionNode;
  if (fn.type === 'ClassMethod' || fn.type === 'ClassPrivateMethod' || fn.type === 'ObjectMethod') {
    return fn.kind === 'constructor' ? null : propertyKeyName(fn);
  }
  return functionName(fnPath);
}

/** `` ` `handleUpload` ` `` after a noun, or nothing for an anonymous function. */
export function nameSuffix(fnPath: NodePath): string {
  const name = functionName(fnPath);
  return name ? ` \`${name}\`` : '';
}

/** Short source-like text of a call's callee: `startProxyServer`, `queue.add`. */
export function calleeText(call: CallNode): string {
  const parts: string[] = [];
  let c = unwrapExpression(call.callee);
  for (let i = 0; i < 8 && c; i++) {
    if (c.type === 'Identifier') {
      parts.unshift(c.name);
      break;
    }
    if (c.type === 'ThisExpression') {
      parts.unshift('this');
      break;
    }
    if (c.type === 'CallExpression' || c.type === 'OptionalCallExpression') {
      // createHandler(schema)(fn): the factory's name.
      parts.unshift(`${calleeText(c)}(…)`);
      break;
    }
    if (c.type !== 'MemberExpression' && c.type !== 'OptionalMemberExpression') {
      parts.unshift('…');
      break;
    }
    parts.unshift(memberPropertyName(c) ?? '[…]');
    c = unwrapExpression(c.object);
  }
  return parts.join('.');
}

const VOWELS: ReadonlySet<string> = new Set(['a', 'e', 'i', 'o', 'u']);

export function article(word: string): string {
  return VOWELS.has(word.charAt(0).toLowerCase()) ? 'an' : 'a';
}

/** A parameter's name: `req`, `req = {}`, `private readonly req`. */
export function paramName(p: Node | null | undefined): string | null {
  if (!p) return null;
  if (p.type === 'Identifier') return p.name;
  if (p.type === 'AssignmentPattern') return paramName(p.left);
  if (p.type === 'TSParameterProperty') return paramName(p.parameter);
  return null;
}

/** The type a parameter is annotated with: `Request` for `req: Request` or `req: express.Request`. */
export function paramTypeName(p: Node | null | undefined): string | null {
  const ann = p && 'typeAnnotation' in p && p.typeAnnotation && 'typeAnnotation' in p.typeAnnotation ? p.typeAnnotation.typeAnnotation : null;
  if (!ann || ann.type !== 'TSTypeReference') return null;
  const t = ann.typeName;
  return t.type === 'Identifier' ? t.name : t.type === 'TSQualifiedName' ? t.right.name : null;
}
