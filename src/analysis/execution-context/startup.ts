// Startup code reached from a function's own shape: an IIFE, a function called
// only from startup code, a `main`/`bootstrap` by name, a module in a loaders folder.
import { isStartupFunctionName } from '../../knowledge/frameworks.js';
import type { NodePath } from '../../syntax/walk.js';
import { isCall } from '../resolve.js';
import { bareName, bindingOfFunction, describeFunction, outermostWrapper } from './names.js';
import type { FrameSignal, Frames } from './types.js';

/** An IIFE runs where it is called. */
export const iife: FrameSignal = (fnPath, frames) =>
  fnPath.key === 'callee' && fnPath.parentPath && isCall(fnPath.parentPath.node) ? frames.contextOf(fnPath.parentPath) : null;

export const startupOnly: FrameSignal = (fnPath, frames) =>
  isStartupOnly(fnPath, frames) ? { kind: 'startup', description: `inside ${describeFunction(fnPath)}, which runs only at startup` } : null;

/** `main`, `bootstrap`, `startServer`…: the name says it runs at startup. */
export const startupName: FrameSignal = (fnPath) => {
  const bare = bareName(fnPath);
  return bare && isStartupFunctionName(bare) ? { kind: 'startup', description: `inside ${describeFunction(fnPath)}, which by its name runs at startup` } : null;
};

/** A module under `loaders/`, `bootstrap/`, `startup/`. */
export const startupDir: FrameSignal = (fnPath, { startupDir: dir }) =>
  dir ? { kind: 'startup', description: `inside ${describeFunction(fnPath)}, in ${dir}/ (runs at startup)` } : null;

/** A named function not exported and called only from startup or script code. */
function isStartupOnly(fnPath: NodePath, frames: Frames): boolean {
  const binding = bindingOfFunction(fnPath);
  if (!binding) return false;
  if (frames.exportNamesOf(fnPath).length > 0) return false;
  const refs = frames.referencesOf(binding);
  if (refs.length === 0) return false;
  for (const ref of refs) {
    const vp = outermostWrapper(ref);
    const parent = vp.parentPath;
    if (!parent || !isCall(parent.node) || vp.key !== 'callee') return false;
    const ctx = frames.contextOf(parent);
    if (ctx.kind !== 'startup' && ctx.kind !== 'script') return false;
  }
  return true;
}
