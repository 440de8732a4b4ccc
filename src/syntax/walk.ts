// The one traversal of the engine: an iterative depth-first walk over Babel's
// AST using @babel/types' VISITOR_KEYS. Rules never walk the tree themselves;
// their visitors are merged and dispatched from here.
//
// Why not @babel/traverse: on a real 866-file TypeScript repository a plain walk
// that builds parent paths costs ~12% of the parse time, @babel/traverse with
// `noScope` ~90% and with its scope crawl ~300%. Scope information is resolved
// lazily instead (src/scope.ts), only for the few names a rule asks about.
//
// The walk is iterative, so deeply nested input cannot overflow the stack here.
import { createRequire } from 'node:module';

// @babel/types is loaded on first use (about 40 ms): a run whose files all come from the cache never walks an AST.
const require = createRequire(import.meta.url);
let babelTypes: { VISITOR_KEYS: Record<string, string[]>; FLIPPED_ALIAS_KEYS: Record<string, string[]> } | null = null;
function tables(): NonNullable<typeof babelTypes> {
  return (babelTypes ??= require('@babel/types') as NonNullable<typeof babelTypes>);
}
import type { Node } from '@babel/types';

export type { Node };

/** A node with its ancestry. Created once per visited node. */
export class NodePath<T extends Node = Node> {
  constructor(
    readonly node: T,
    readonly parentPath: NodePath | null,
    /** The key of `node` in its parent (`callee`, `arguments`, `body`…). */
    readonly key: string | null,
    /** The index in the parent's list when the parent key holds an array. */
    readonly index: number | null,
  ) {}

  get parent(): Node | null {
    return this.parentPath ? this.parentPath.node : null;
  }

  /** Nearest ancestor (not this path) for which `pred` holds. */
  findAncestor(pred: (p: NodePath) => boolean): NodePath | null {
    for (let p = this.parentPath; p; p = p.parentPath) if (pred(p)) return p;
    return null;
  }

  /** Make a path for a direct child of this node (used by lazy analyses). */
  child<C extends Node>(node: C, key: string, index: number | null = null): NodePath<C> {
    return new NodePath(node, this, key, index);
  }
}

export type VisitFn = (path: NodePath<any>) => void;
/** `{ CallExpression(path) {…}, 'Function:exit'(path) {…} }`; aliases (Function, Loop…) expand. */
export type Visitors = Record<string, VisitFn | undefined>;

export interface MergedVisitors {
  enter: Map<string, VisitFn[]>;
  exit: Map<string, VisitFn[]>;
}

export function mergeVisitors(list: readonly Visitors[]): MergedVisitors {
  const enter = new Map<string, VisitFn[]>();
  const exit = new Map<string, VisitFn[]>();
  for (const visitors of list) {
    for (const [rawKey, fn] of Object.entries(visitors)) {
      if (!fn) continue;
      const isExit = rawKey.endsWith(':exit');
      const key = isExit ? rawKey.slice(0, -5) : rawKey;
      const { VISITOR_KEYS, FLIPPED_ALIAS_KEYS } = tables();
      const types = FLIPPED_ALIAS_KEYS[key] ?? [key];
      if (!FLIPPED_ALIAS_KEYS[key] && !VISITOR_KEYS[key]) {
        throw new Error(`unknown node type or alias in visitor: ${rawKey}`);
      }
      const target = isExit ? exit : enter;
      for (const t of types) {
        let arr = target.get(t);
        if (!arr) target.set(t, (arr = []));
        arr.push(fn);
      }
    }
  }
  return { enter, exit };
}

// Keys that only hold type syntax: nothing a rule looks at lives below them.
const SKIPPED_KEYS = new Set(['typeAnnotation', 'returnType', 'typeParameters', 'superTypeParameters', 'implements']);
// Declarations made only of types.
const SKIPPED_TYPES = new Set(['TSInterfaceDeclaration', 'TSTypeAliasDeclaration', 'TSDeclareFunction', 'TSDeclareMethod']);

class ExitMark {
  constructor(readonly path: NodePath) {}
}

// Child keys to descend into, per node type, with type-only keys removed (computed once per type).
const CHILD_KEYS = new Map<string, readonly string[]>();
function childKeys(type: string): readonly string[] {
  let keys = CHILD_KEYS.get(type);
  if (!keys) {
    keys = SKIPPED_TYPES.has(type) ? [] : (tables().VISITOR_KEYS[type] ?? []).filter((k) => !SKIPPED_KEYS.has(k));
    CHILD_KEYS.set(type, keys);
  }
  return keys;
}

/** Walk `root` depth-first, calling enter visitors before children and exit visitors after. */
export function traverse(root: Node, visitors: MergedVisitors, rootPath: NodePath | null = null): void {
  const { enter, exit } = visitors;
  // Leaves nobody visits (identifiers, literals…) need no path: about a third fewer allocations.
  const visitedLeaves = (type: string) => enter.has(type) || exit.has(type);
  walkPaths(
    rootPath ?? new NodePath(root, null, null, null),
    (path) => {
      const fns = enter.get(path.node.type);
      if (fns) for (const fn of fns) fn(path);
    },
    exit.size > 0
      ? (path) => {
          const fns = exit.get(path.node.type);
          if (fns) for (const fn of fns) fn(path);
        }
      : undefined,
    exit.size > 0 ? exit : undefined,
    visitedLeaves,
  );
}

/**
 * Visit every node below `rootPath` (including it), iteratively. Return `false`
 * from `enter` to skip a node's children; `exit` runs after a node's children
 * (only for node types in `exitTypes`, when given).
 */
export function walkPaths(
  rootPath: NodePath,
  enter: (path: NodePath) => boolean | void,
  exit?: (path: NodePath) => void,
  exitTypes?: ReadonlyMap<string, unknown>,
  /** When given, leaves (nodes without children) of types it rejects are not visited at all. */
  visitLeaf?: (type: string) => boolean,
): void {
  const stack: (NodePath | ExitMark)[] = [rootPath];
  while (stack.length > 0) {
    const item = stack.pop()!;
    if (item instanceof ExitMark) {
      exit!(item.path);
      continue;
    }
    const path = item;
    if (enter(path) === false) continue;
    const type = path.node.type;
    if (exit && (!exitTypes || exitTypes.has(type))) stack.push(new ExitMark(path));
    const keys = childKeys(type);
    if (keys.length === 0) continue;
    const node = path.node as unknown as Record<string, unknown>;
    for (let i = keys.length - 1; i >= 0; i--) {
      const key = keys[i]!;
      const value = node[key];
      if (value == null) continue;
      if (Array.isArray(value)) {
        for (let j = value.length - 1; j >= 0; j--) {
          const c = value[j];
          if (c && typeof c.type === 'string' && (!visitLeaf || childKeys(c.type).length > 0 || visitLeaf(c.type))) {
            stack.push(new NodePath(c, path, key, j));
          }
        }
      } else {
        const c = value as Node;
        if (typeof c.type === 'string' && (!visitLeaf || childKeys(c.type).length > 0 || visitLeaf(c.type))) {
          stack.push(new NodePath(c, path, key, null));
        }
      }
    }
  }
}

export function isFunctionNode(node: Node): boolean {
  switch (node.type) {
    case 'FunctionDeclaration':
    case 'FunctionExpression':
    case 'ArrowFunctionExpression':
    case 'ObjectMethod':
    case 'ClassMethod':
    case 'ClassPrivateMethod':
      return true;
    default:
      return false;
  }
}

/**
 * Does some node below `root` (inclusive) satisfy `pred`? Iterative, no paths, stops at the first hit. `descend`:
 * whether to look below a node (below `root` itself always).
 */
export function someNode(root: Node, pred: (node: Node) => boolean, limit = 10_000, descend?: (node: Node) => boolean): boolean {
  const stack: Node[] = [root];
  let seen = 0;
  while (stack.length > 0 && seen++ < limit) {
    const node = stack.pop()!;
    if (pred(node)) return true;
    if (descend && node !== root && !descend(node)) continue;
    const keys = tables().VISITOR_KEYS[node.type];
    if (!keys) continue;
    for (const key of keys) {
      const value = (node as unknown as Record<string, unknown>)[key];
      if (Array.isArray(value)) {
        for (const c of value) if (c && typeof c.type === 'string') stack.push(c);
      } else if (value && typeof (value as Node).type === 'string') stack.push(value as Node);
    }
  }
  return false;
}
