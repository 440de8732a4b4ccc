// Binding resolution: what an expression really refers to, as a symbolic
// reference such as `fs#readFileSync` (module + member path), `global#Atomics.wait`,
// `express#()` (the result of calling express's default export) or a local binding.
//
// Handles ESM default/named/namespace imports (with or without `node:`),
// `require` with destructuring and renaming, `require('fs').readFileSync`,
// `createRequire`, dynamic `await import('fs')`, TS `import fs = require('fs')`,
// const aliases, `.bind`, and TypeScript wrappers (`as`, `!`, `satisfies`).
// A local function, parameter or variable that merely shares a name resolves to
// that local binding, never to the API.
import type { Node } from '../syntax/ast.js';
import { DYNAMIC_SEGMENT } from '../knowledge/modules.js';
import { lookup, type Binding } from './scope.js';
import type { NodePath } from '../syntax/walk.js';

export type Ref =
  | { kind: 'module'; module: string; path: readonly string[] }
  | { kind: 'global'; path: readonly string[] }
  | { kind: 'call'; callee: Ref; isNew: boolean; path: readonly string[] }
  | { kind: 'binding'; binding: Binding; path: readonly string[] };

const MAX_DEPTH = 24;

/** Wrappers that change nothing at run time: `x as T`, `x satisfies T`, `x!`, `<T>x`, `f<T>`, parentheses. */
export const TYPE_WRAPPERS: ReadonlySet<string> = new Set([
  'TSAsExpression',
  'TSSatisfiesExpression',
  'TSNonNullExpression',
  'TSTypeAssertion',
  'TSInstantiationExpression',
  'ParenthesizedExpression',
]);

/** Normalise a module specifier: `node:fs` and `fs` are the same module. */
export function normalizeModule(spec: string): string {
  return spec.startsWith('node:') ? spec.slice(5) : spec;
}

export function unwrapExpression(node: any): any {
  for (let i = 0; i < 64 && node; i++) {
    if (TYPE_WRAPPERS.has(node.type)) {
      node = node.expression;
      continue;
    }
    switch (node.type) {
      case 'SequenceExpression':
        node = node.expressions[node.expressions.length - 1];
        continue;
      default:
        return node;
    }
  }
  return node;
}

/** The static name of a member expression's property, or null. */
export function memberPropertyName(member: any): string | null {
  const p = member.property;
  if (!member.computed) return p.type === 'Identifier' ? p.name : null;
  if (p.type === 'StringLiteral') return p.value;
  if (p.type === 'TemplateLiteral' && p.expressions.length === 0) return p.quasis[0].value.cooked ?? null;
  return null;
}

function isMember(node: any): boolean {
  return node.type === 'MemberExpression' || node.type === 'OptionalMemberExpression';
}

export function isCall(node: any): boolean {
  return node.type === 'CallExpression' || node.type === 'OptionalCallExpression';
}

/**
 * What `require(…)` or `import(…)` names: a static specifier, or a relative template (`../jobs/${name}`) as a pattern
 * with DYNAMIC_SEGMENT for each expression (`../jobs/*`), which the project phase expands to the analyzed files it can
 * name (a plugin folder, a job runner).
 */
export function moduleSpecifier(node: any): string | null {
  const fixed = staticString(node);
  if (fixed !== null || node?.type !== 'TemplateLiteral') return fixed;
  const parts: string[] = node.quasis.map((q: any) => q.value.cooked ?? '');
  if (!parts[0]!.startsWith('./') && !parts[0]!.startsWith('../')) return null;
  // A `*` written in the text would read as a dynamic part.
  if (parts.some((q) => q.includes(DYNAMIC_SEGMENT))) return null;
  return parts.join(DYNAMIC_SEGMENT);
}

/** A string literal or an expression-free template literal. */
export function staticString(node: any): string | null {
  if (!node) return null;
  if (node.type === 'StringLiteral') return node.value;
  if (node.type === 'TemplateLiteral' && node.expressions.length === 0) return node.quasis[0].value.cooked ?? null;
  return null;
}

function withPath(ref: Ref, extra: readonly string[]): Ref | null {
  if (extra.length === 0) return ref;
  let path = extra;
  // `require('x').default` and `import x from 'x'` are the same thing for CommonJS modules.
  if (ref.kind === 'module' && ref.path.length === 0 && path[0] === 'default') path = path.slice(1);
  if (ref.kind === 'global' && ref.path.length === 1 && (ref.path[0] === 'globalThis' || ref.path[0] === 'global')) {
    return path.length > 0 ? { kind: 'global', path } : ref;
  }
  return { ...ref, path: [...ref.path, ...path] } as Ref;
}

// Several rules and the summary builder resolve the same callee: remember the answer per node.
// (The scope chain of a node is fixed, so the answer depends on the node alone.)
const memo = new WeakMap<Node, Ref | null>();

/**
 * Resolve `node`, whose identifiers are in the scope of `scopePath`
 * (usually the path of `node` itself or of an ancestor).
 */
export function resolveExpression(node: Node, scopePath: NodePath, depth = 0): Ref | null {
  if (depth === 0) {
    const known = memo.get(node);
    if (known !== undefined) return known;
    const ref = resolveUncached(node, scopePath, 0);
    memo.set(node, ref);
    return ref;
  }
  return resolveUncached(node, scopePath, depth);
}

function resolveUncached(node: Node, scopePath: NodePath, depth: number): Ref | null {
  if (depth > MAX_DEPTH) return null;
  let n: any = unwrapExpression(node);
  // Collect a member chain iteratively: a.b.c → base `a`, props [b, c].
  const props: string[] = [];
  while (n && isMember(n)) {
    const name = memberPropertyName(n);
    if (name === null) return null;
    props.push(name);
    n = unwrapExpression(n.object);
    if (props.length > 64) return null;
  }
  props.reverse();
  if (!n) return null;
  const base = resolveBase(n, scopePath, depth);
  return base ? withPath(base, props) : null;
}

function resolveBase(n: any, scopePath: NodePath, depth: number): Ref | null {
  switch (n.type) {
    case 'Identifier':
      return resolveIdentifier(n.name, scopePath, depth);
    case 'ThisExpression':
      return null;
    case 'AwaitExpression': {
      // `await import('fs')` is the module namespace.
      const arg = unwrapExpression(n.argument);
      if (arg && isCall(arg) && arg.callee.type === 'Import') return resolveBase(arg, scopePath, depth + 1);
      return null;
    }
    case 'ImportExpression': {
      const spec = moduleSpecifier(n.source);
      return spec === null ? null : { kind: 'module', module: normalizeModule(spec), path: [] };
    }
    case 'CallExpression':
    case 'OptionalCallExpression':
    case 'NewExpression': {
      const callee = unwrapExpression(n.callee);
      if (callee.type === 'Import') {
        const spec = moduleSpecifier(n.arguments[0]);
        return spec === null ? null : { kind: 'module', module: normalizeModule(spec), path: [] };
      }
      // fn.bind(thisArg) is still fn.
      if (n.type !== 'NewExpression' && isMember(callee) && memberPropertyName(callee) === 'bind') {
        return resolveExpression(callee.object, scopePath, depth + 1);
      }
      const calleeRef = resolveExpression(callee, scopePath, depth + 1);
      if (!calleeRef) return null;
      if (n.type !== 'NewExpression' && isRequire(calleeRef)) {
        const spec = moduleSpecifier(n.arguments[0]);
        return spec === null ? null : { kind: 'module', module: normalizeModule(spec), path: [] };
      }
      return { kind: 'call', callee: calleeRef, isNew: n.type === 'NewExpression', path: [] };
    }
    default:
      return null;
  }
}

/** `require`, or a function made by `module.createRequire(...)`. */
function isRequire(ref: Ref): boolean {
  if (ref.kind === 'global') return ref.path.length === 1 && ref.path[0] === 'require';
  if (ref.kind === 'call' && !ref.isNew && ref.path.length === 0) {
    const c = ref.callee;
    return c.kind === 'module' && c.module === 'module' && c.path.length === 1 && c.path[0] === 'createRequire';
  }
  return false;
}

export function resolveIdentifier(name: string, scopePath: NodePath, depth = 0): Ref | null {
  const binding = lookup(scopePath, name);
  if (!binding) {
    if (name === 'undefined') return null;
    return { kind: 'global', path: [name] };
  }
  return resolveBinding(binding, depth);
}

export function resolveBinding(binding: Binding, depth = 0): Ref | null {
  const self: Ref = { kind: 'binding', binding, path: [] };
  switch (binding.kind) {
    case 'import': {
      const mod = normalizeModule(binding.importSource!);
      const name = binding.importName!;
      return { kind: 'module', module: mod, path: name === 'default' || name === '*' ? [] : [name] };
    }
    case 'import-equals': {
      const ref: any = binding.init;
      if (ref && ref.type === 'TSExternalModuleReference') {
        return { kind: 'module', module: normalizeModule(ref.expression.value), path: [] };
      }
      if (ref) return resolveQualifiedName(ref, binding.scopePath, depth + 1) ?? self;
      return self;
    }
    case 'var':
    case 'let':
    case 'const':
    case 'using': {
      if (!binding.init) return self;
      const initRef = resolveExpression(binding.init, binding.scopePath, depth + 1);
      if (!initRef) return self;
      const props: string[] = [];
      for (const step of binding.steps) {
        if ('prop' in step) props.push(step.prop);
        else return self;
      }
      return withPath(initRef, props) ?? self;
    }
    default:
      return self;
  }
}

function resolveQualifiedName(node: any, scopePath: NodePath, depth: number): Ref | null {
  const props: string[] = [];
  while (node.type === 'TSQualifiedName') {
    props.push(node.right.name);
    node = node.left;
  }
  if (node.type !== 'Identifier') return null;
  const base = resolveIdentifier(node.name, scopePath, depth);
  return base ? withPath(base, props.reverse()) : null;
}

/**
 * The function a call invokes. `fn.call(...)` / `fn.apply(...)` invoke `fn`
 * when `fn` resolves to a module or global member.
 */
export function resolveCallTarget(callPath: NodePath): Ref | null {
  const call: any = callPath.node;
  const callee = unwrapExpression(call.callee);
  if (isMember(callee)) {
    const prop = memberPropertyName(callee);
    if (prop === 'call' || prop === 'apply') {
      const target = resolveExpression(callee.object, callPath);
      if (target && (target.kind === 'module' || target.kind === 'global') && target.path.length > 0) return target;
    }
  }
  return resolveExpression(callee, callPath);
}

/** A stable key: `fs#readFileSync`, `global#Atomics.wait`, `express#()`, `new bullmq#Worker()`. */
export function refKey(ref: Ref): string {
  switch (ref.kind) {
    case 'module':
      return `${ref.module}#${ref.path.join('.')}`;
    case 'global':
      return `global#${ref.path.join('.')}`;
    case 'call': {
      const inner = `${ref.isNew ? 'new ' : ''}${refKey(ref.callee)}()`;
      return ref.path.length ? `${inner}.${ref.path.join('.')}` : inner;
    }
    case 'binding':
      return `local:${ref.binding.name}${ref.path.length ? '.' + ref.path.join('.') : ''}`;
  }
}

/** How a user reads the API: `fs.readFileSync`, `Atomics.wait`, `child_process.execSync`. */
export function displayRef(ref: Ref): string {
  switch (ref.kind) {
    case 'module':
      return [ref.module, ...ref.path].join('.');
    case 'global':
      return ref.path.join('.');
    case 'call':
      return `${ref.isNew ? 'new ' : ''}${displayRef(ref.callee)}()${ref.path.length ? '.' + ref.path.join('.') : ''}`;
    case 'binding':
      return [ref.binding.name, ...ref.path].join('.');
  }
}

/** The export a CommonJS assignment target names: `module.exports` → 'default'; `module.exports.x` / `exports.x` → 'x'. */
export function commonJsExportName(left: any, scope: NodePath): string | null {
  if (left.type !== 'MemberExpression') return null;
  const ref = resolveExpression(left, scope);
  if (!ref || ref.kind !== 'global') return null;
  const [root, a, b] = ref.path;
  if (root === 'module' && a === 'exports') return ref.path.length === 2 ? 'default' : ref.path.length === 3 ? b! : null;
  if (root === 'exports' && ref.path.length === 2) return a!;
  return null;
}
