// The names a module exports a function under: ESM (`export function`, `export
// { f as g }`, `export default`) and CommonJS (`module.exports = …`, `exports.f = …`).
import type { NodePath } from '../../syntax/walk.js';
import { commonJsExportName } from '../resolve.js';
import { propertyKeyName, type Binding } from '../scope.js';
import { bindingOfFunction, outermostWrapper } from './names.js';
import type { FunctionNode } from './types.js';

/** Names under which the file exports this function ('default' for a default export). */
export function exportNamesOf(fnPath: NodePath, referencesOf: (binding: Binding) => NodePath[]): string[] {
  const names: string[] = [];
  const vp = outermostWrapper(fnPath);
  const parent = vp.parentPath;
  const fn = fnPath.node as FunctionNode;
  if (parent) {
    const pn = parent.node;
    if (pn.type === 'ExportNamedDeclaration' && 'id' in fn && fn.id) names.push(fn.id.name);
    if (pn.type === 'ExportDefaultDeclaration') names.push('default');
    if (pn.type === 'VariableDeclarator' && pn.id.type === 'Identifier' && parent.parentPath?.parentPath?.node.type === 'ExportNamedDeclaration') {
      names.push(pn.id.name);
    }
    if (pn.type === 'AssignmentExpression' && vp.key === 'right') {
      const n = commonJsExportName(pn.left, parent);
      if (n) names.push(n);
    }
    if (pn.type === 'ObjectProperty' || fn.type === 'ObjectMethod') {
      const prop = fn.type === 'ObjectMethod' ? fnPath : parent;
      const obj = prop.parentPath;
      const assign = obj?.parentPath;
      const key = propertyKeyName(prop.node);
      if (key && assign && assign.node.type === 'AssignmentExpression' && obj!.key === 'right' && commonJsExportName(assign.node.left, assign) === 'default') {
        names.push(key);
      }
    }
  }
  const binding = bindingOfFunction(fnPath);
  if (binding) {
    for (const ref of referencesOf(binding)) {
      const n = exportNameAt(ref);
      if (n) names.push(n);
    }
  }
  return names;
}

/** When the reference at `ref` exports the value: `export { x as y }`, `module.exports = { y: x }`… */
function exportNameAt(ref: NodePath): string | null {
  const parent = ref.parentPath;
  if (!parent) return null;
  const pn = parent.node;
  if (pn.type === 'ExportSpecifier' && ref.key === 'local') {
    return pn.exported.type === 'Identifier' ? pn.exported.name : pn.exported.value;
  }
  if (pn.type === 'ExportDefaultDeclaration') return 'default';
  if (pn.type === 'AssignmentExpression' && ref.key === 'right') return commonJsExportName(pn.left, parent);
  if (pn.type === 'ObjectProperty' && ref.key === 'value') {
    const obj = parent.parentPath;
    const assign = obj?.parentPath;
    const key = propertyKeyName(pn);
    if (key && assign?.node.type === 'AssignmentExpression' && obj!.key === 'right') {
      return commonJsExportName(assign.node.left, assign) === 'default' ? key : null;
    }
    if (key && assign?.node.type === 'ExportDefaultDeclaration') return key;
  }
  return null;
}
