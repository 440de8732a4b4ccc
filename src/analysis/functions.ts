// Which function a reference names: a local binding, a member of a local object
// of functions, or a method of the enclosing class. Per file; the project phase
// follows the same references across files.
import { resolveExpression, unwrapExpression, type Ref } from './resolve.js';
import { lookup, propertyKeyName, type Binding } from './scope.js';
import type { Node } from '../syntax/ast.js';
import { isFunctionNode, type NodePath } from '../syntax/walk.js';

/** The method `name` of the class enclosing `path` (methods and arrow-function fields). */
export function classMethod(path: NodePath, name: string): Node | null {
  const cls = path.findAncestor((p) => p.node.type === 'ClassBody');
  if (!cls) return null;
  for (const m of (cls.node as any).body) {
    const key = m.key?.type === 'PrivateName' ? `#${m.key.id.name}` : propertyKeyName(m);
    if (key !== name) continue;
    if (m.type === 'ClassMethod' || m.type === 'ClassPrivateMethod') return m;
    if ((m.type === 'ClassProperty' || m.type === 'ClassPrivateProperty') && m.value && isFunctionNode(unwrapExpression(m.value))) return unwrapExpression(m.value);
  }
  return null;
}

/** The function a local binding (or a member of a local object of functions) refers to. */
export function functionOfRef(ref: Ref, depth = 0): Node | null {
  if (ref.kind !== 'binding' || depth > 8) return null;
  // Store.read() where class Store { static read() {…} } (or const Store = class {…}).
  const cls = classOfBinding(ref.binding);
  if (cls) return ref.path.length === 1 ? staticMethod(cls, ref.path[0]!) : null;
  let node = functionOfBinding(ref.binding, depth);
  if (!node) return null;
  for (const prop of ref.path) {
    // helpers.load() where const helpers = { load, save() {…} }
    const obj = unwrapExpression(node as any);
    if (obj.type !== 'ObjectExpression') return null;
    const p = obj.properties.find((x: any) => (x.type === 'ObjectProperty' || x.type === 'ObjectMethod') && propertyKeyName(x) === prop);
    if (!p) return null;
    if (p.type === 'ObjectMethod') return p;
    const v = unwrapExpression(p.value);
    if (isFunctionNode(v)) node = v;
    else if (v.type === 'Identifier') {
      const b = lookup(ref.binding.scopePath, v.name);
      node = b ? functionOfBinding(b, depth + 1) : null;
      if (!node) return null;
    } else return null;
  }
  const n = unwrapExpression(node as any);
  return isFunctionNode(n) ? n : null;
}

export function functionOfBinding(b: Binding, depth: number): Node | null {
  if (b.kind === 'function') return b.declNode;
  if ((b.kind === 'const' || b.kind === 'let' || b.kind === 'var') && b.init && b.steps.length === 0) {
    const init = unwrapExpression(b.init as any);
    if (isFunctionNode(init) || init.type === 'ObjectExpression') return init;
    if (init.type === 'Identifier' || init.type === 'MemberExpression') {
      const r = resolveExpression(init, b.scopePath);
      if (r && r.kind === 'binding') return functionOfRef(r, depth + 1);
    }
  }
  return null;
}

/** The class a binding names: `class Store {}`, `const Store = class {}`. */
function classOfBinding(b: Binding): Node | null {
  if (b.kind === 'class') return b.declNode;
  const init = b.kind === 'const' && b.init && b.steps.length === 0 ? unwrapExpression(b.init as any) : null;
  return init && init.type === 'ClassExpression' ? init : null;
}

/** A static method of a class by name (`static read() {…}`, `static read = () => …`). */
function staticMethod(cls: Node, name: string): Node | null {
  for (const m of (cls as any).body?.body ?? []) {
    if (!m.static || propertyKeyName(m) !== name) continue;
    if (m.type === 'ClassMethod' && m.kind === 'method') return m;
    if (m.type === 'ClassProperty' && m.value && isFunctionNode(unwrapExpression(m.value))) return unwrapExpression(m.value);
  }
  return null;
}
