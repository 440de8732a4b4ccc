// How a function is handed to other code (as an argument, as an option, through
// a wrapper or a reference to its name) and what that makes its context. Which
// calls mean what is the business of the signals listed in index.ts.
import type { Node } from '../../syntax/ast.js';
import type { NodePath } from '../../syntax/walk.js';
import { isCall, memberPropertyName, refKey, resolveExpression, unwrapExpression } from '../resolve.js';
import { propertyKeyName } from '../scope.js';
import { bindingOfFunction, calleeText, describeFunction, outermostWrapper } from './names.js';
import type { ArgumentSignal, ArgumentSite, CallNode, Effect, ExecutionContext, Frames, FunctionNode, NodeOf, OptionSignal, Serves, Use } from './types.js';

export interface CallSignals {
  /** Asked in order about a function passed as an argument; the first answer wins, else it inherits. */
  arguments: readonly ArgumentSignal[];
  /** Asked in order about a function given as an option; the first answer wins. */
  options: readonly OptionSignal[];
}

/** How the function is handed to other code: as a callback, a route handler, an option… */
export function useOf(fnPath: NodePath, frames: Frames, signals: CallSignals): Use | null {
  const direct = useAt(fnPath, signals);
  if (direct) return direct;
  const binding = bindingOfFunction(fnPath);
  if (!binding) return null;
  for (const ref of frames.referencesOf(binding)) {
    const use = useAt(ref, signals);
    // Passing a named function to an unknown call says nothing about where it runs.
    if (use && use.effect !== 'inherit') return use;
  }
  return null;
}

/** The context a use gives the function at `fnPath`. */
export function contextOfUse(use: Use, fnPath: NodePath, frames: Frames): ExecutionContext {
  const fn = fnPath.node as FunctionNode;
  switch (use.effect) {
    case 'hot':
      return { kind: 'hot', description: use.description, ...(use.serves ? { serves: use.serves } : {}) };
    case 'startup':
    case 'worker':
      return { kind: use.effect, description: use.description };
    case 'deferred': {
      const outer = frames.contextOf(use.callPath);
      if (outer.kind === 'startup' || outer.kind === 'script' || outer.kind === 'worker') return outer;
      return { kind: 'hot', description: use.description, ...(use.serves ? { serves: use.serves } : {}) };
    }
    case 'inherit': {
      const outer = frames.contextOf(use.callPath);
      if (!fn.async || outer.kind === 'startup' || outer.kind === 'script' || outer.kind === 'worker') return outer;
      // An async callback handed to other code runs on its own schedule: describe it, not its parent.
      if (outer.kind === 'hot' && use.synchronous) return outer;
      const described = { kind: 'hot' as const, description: `inside ${describeFunction(fnPath)} passed to \`${calleeText(use.callPath.node as CallNode)}\`` };
      // Hot only because the function it is written in is async: as weak as that (the project phase may find it startup-only).
      return outer.weakFrame !== undefined ? { ...described, weakFrame: `${fn.loc!.start.line}:${fn.loc!.start.column + 1}` } : described;
    }
  }
}

function isCallOrNew(node: Node): node is CallNode {
  return isCall(node) || node.type === 'NewExpression';
}

/** The use of a function value at `valuePath` (the function itself or a reference to it). */
function useAt(valuePath: NodePath, signals: CallSignals): Use | null {
  // Look through TS wrappers: `app.get('/', handler as RequestHandler)`.
  const vp = outermostWrapper(valuePath);
  const parent = vp.parentPath;
  if (!parent) return null;
  if (isCallOrNew(parent.node) && vp.key === 'arguments') {
    const use = argumentUse(parent, vp.index!, valuePath.node, signals.arguments);
    if (use.effect !== 'inherit') return use;
    // A wrapper: app.get('/x', asyncHandler((req, res) => …)).
    const outer = parent.parentPath;
    if (outer && isCallOrNew(outer.node) && parent.key === 'arguments') {
      const outerUse = argumentUse(outer, parent.index!, parent.node, signals.arguments);
      if (outerUse.effect === 'hot' || outerUse.effect === 'worker') return outerUse;
    }
    return use;
  }
  // An option: fastify.route({ url, handler }) or fastify.get('/x', { handler }).
  let propPath: NodePath | null = null;
  if (parent.node.type === 'ObjectProperty' && vp.key === 'value') propPath = parent;
  else if (vp.node.type === 'ObjectMethod') propPath = vp;
  if (propPath) {
    const objPath = propPath.parentPath;
    const callPath = objPath?.parentPath;
    const name = propertyKeyName(propPath.node);
    if (objPath && callPath && name && isCallOrNew(callPath.node) && objPath.key === 'arguments') {
      return optionUse(callPath, objPath.index!, objPath.node as NodeOf<'ObjectExpression'>, name, signals.options);
    }
  }
  return null;
}

/** The callee of a call as the signals see it: resolved, and split into receiver and method. */
function calleeOf(callPath: NodePath): { key: string | null; method: string | null; receiver: Node | null } {
  const callee = unwrapExpression((callPath.node as CallNode).callee);
  const ref = resolveExpression(callee, callPath);
  const key = ref ? refKey(ref) : null;
  if (callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') return { key, method: null, receiver: null };
  const method = memberPropertyName(callee);
  return { key, method, receiver: method ? callee.object : null };
}

function argumentUse(callPath: NodePath, index: number, value: Node, list: readonly ArgumentSignal[]): Use {
  const call = callPath.node as CallNode;
  const use = (effect: Effect, description: string, serves?: Serves): Use => ({ effect, description, callPath, ...(serves ? { serves } : {}) });
  const site: ArgumentSite = {
    callPath,
    call,
    index,
    value,
    isNew: call.type === 'NewExpression',
    ...calleeOf(callPath),
    use,
    synchronous: () => ({ ...use('inherit', ''), synchronous: true }),
  };
  for (const signal of list) {
    const found = signal(site);
    if (found) return found;
  }
  return use('inherit', '');
}

function optionUse(callPath: NodePath, argIndex: number, options: NodeOf<'ObjectExpression'>, prop: string, list: readonly OptionSignal[]): Use | null {
  const { key, method } = calleeOf(callPath);
  const site = { callPath, call: callPath.node as CallNode, argIndex, options, prop, key, method };
  for (const signal of list) {
    const found = signal(site);
    if (found) return found;
  }
  return null;
}
