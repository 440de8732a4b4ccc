// Code that runs outside serving: whole script files (by path or shebang), bundler
// plugin hooks (build time), and functions that exit the process (command-line code).
import { BUNDLER_HOOKS, SCRIPT_PROCESS_CALLS } from '../../knowledge/script-files.js';
import { isFunctionNode, walkPaths, type NodePath } from '../../syntax/walk.js';
import { isCall } from '../resolve.js';
import { lookup, propertyKeyName } from '../scope.js';
import { describeFunction } from './names.js';
import type { ExecutionContext, FileFacts, FrameSignal } from './types.js';

/** The context of everything in a script file, or null when the file is not one. */
export function scriptContext(facts: FileFacts): ExecutionContext | null {
  return facts.script ? { kind: 'script', description: `in ${facts.script.reason}` } : null;
}

export const scriptFile: FrameSignal = (_fnPath, frames) => scriptContext(frames.facts);

/** `{ name: 'my-plugin', resolveId(id) {…} }`: a bundler plugin hook runs at build time. */
export const bundlerHook: FrameSignal = (fnPath) => {
  const hook = bundlerHookName(fnPath);
  return hook ? { kind: 'script', description: `inside the bundler plugin hook \`${hook}\` (build time)` } : null;
};

/** A function whose own body calls `process.exit()` or `process.chdir()`. */
export const processExit: FrameSignal = (fnPath) =>
  exitsProcess(fnPath)
    ? { kind: 'script', description: `inside ${describeFunction(fnPath)}, which exits the process or changes its directory (command-line code)` }
    : null;

/** The hook name when the function is a bundler plugin hook. */
function bundlerHookName(fnPath: NodePath): string | null {
  const fn = fnPath.node;
  const prop = fn.type === 'ObjectMethod' ? fnPath : fnPath.parent?.type === 'ObjectProperty' && fnPath.key === 'value' ? fnPath.parentPath : null;
  if (!prop) return null;
  const key = propertyKeyName(prop.node);
  if (!key || !BUNDLER_HOOKS.has(key)) return null;
  const obj = prop.parentPath?.node;
  if (obj?.type !== 'ObjectExpression') return null;
  const hasName = obj.properties.some((p) => p.type === 'ObjectProperty' && propertyKeyName(p) === 'name');
  return hasName ? key : null;
}

/** Does the function's own body call `process.exit(…)`? Request handlers do not; CLI commands do. */
function exitsProcess(fnPath: NodePath): boolean {
  let found = false;
  walkPaths(fnPath, (p) => {
    if (found) return false;
    if (p !== fnPath && isFunctionNode(p.node)) return false;
    const n = p.node;
    // process.exit(), or process.chdir(): a server never changes its working directory while serving.
    const c = n.type === 'CallExpression' || n.type === 'OptionalCallExpression' ? n.callee : null;
    if (
      c?.type === 'MemberExpression' &&
      !c.computed &&
      c.property.type === 'Identifier' &&
      SCRIPT_PROCESS_CALLS.has(c.property.name) &&
      c.object.type === 'Identifier' &&
      c.object.name === 'process'
    ) {
      found = lookup(p, 'process') === null;
    }
    return undefined;
  });
  return found;
}
