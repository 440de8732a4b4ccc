// What the work done per item costs: does it leave the process at all (perItemIO),
// and does it take a scarce resource, a socket, a process or a file descriptor (heavyWork)?
import { isNodeBuiltin, moduleIn } from '../../knowledge/modules.js';
import { firstWord } from '../../knowledge/call-verbs.js';
import { COMPUTED_HERE, LOCAL_SIGNER_MODULES, REMOTE_MODULES } from '../../knowledge/latency.js';
import { COLLECTION_METHODS, IN_MEMORY_COLLECTIONS } from '../../knowledge/collections.js';
import {
  ARRAY_CALLBACK_METHODS,
  DESCRIPTOR_FS_CALLS,
  FS_MODULES,
  HEAVY_WORK_MODULES,
  IN_MEMORY_GLOBALS,
  IN_MEMORY_METHODS,
  IN_MEMORY_MODULES,
  IN_MEMORY_VERBS,
} from '../../knowledge/limiters.js';
import { isCall, memberPropertyName, resolveExpression, unwrapExpression, type Ref } from '../resolve.js';
import { functionOfRef } from '../functions.js';
import { lookup, propertyKeyName } from '../scope.js';
import { isFunctionNode, walkPaths, type NodePath } from '../../syntax/walk.js';
import { classFieldName, describe, isMember, lastName, memberName } from './names.js';
import { functionAt, localFunction } from './values.js';

/** Is module `m` one of `list`: a name (the package and its subpaths, `stripe/lib/x`) or a scope prefix ending in `/` (`@aws-sdk/`)? */

/**
 * A call of a network module that computes here and returns at once (`net.isIP(host)`, a presigner's `getSignedUrl`):
 * no socket, no wait (knowledge COMPUTED_HERE).
 */
export function computesHere(ref: Ref & { kind: 'module' }): boolean {
  const last = ref.path[ref.path.length - 1] ?? '';
  return moduleIn(LOCAL_SIGNER_MODULES, ref.module) || COMPUTED_HERE['*']!.includes(last) || (ref.path.length === 1 && !!COMPUTED_HERE[ref.module]?.includes(last));
}

export function inMemoryModule(m: string): boolean {
  return IN_MEMORY_MODULES.some((h) => (h.endsWith('/') ? m.startsWith(h) : m === h));
}

/** `seen.get(x)` where `seen = new Map()` (or a field initialised so): an in-memory collection. */
function isInMemoryCollection(node: any, at: NodePath): boolean {
  const n = unwrapExpression(node);
  let init: any = null;
  if (n.type === 'Identifier') {
    const b = lookup(at, n.name);
    init = b && b.steps.length === 0 ? b.init : null;
  } else if (isMember(n) && unwrapExpression(n.object).type === 'ThisExpression') {
    const name = memberName(n);
    const cls = at.findAncestor((p) => p.node.type === 'ClassBody');
    const field = cls && (cls.node as any).body.find((m: any) => classFieldName(m) === name);
    init = field?.value ?? null;
  }
  init = init && unwrapExpression(init);
  return init?.type === 'NewExpression' && init.callee.type === 'Identifier' && IN_MEMORY_COLLECTIONS.has(init.callee.name);
}

/**
 * Does the per-item work leave the process (a query, a service or API call, a
 * file)? Returns the first call that may, or null when everything it does
 * visibly runs in memory: built-ins, array and string methods, formatting,
 * parsing, translation, pure helpers of the file.
 */
export function perItemIO(perItemPath: NodePath, depth = 0): string | null {
  const node = unwrapExpression(perItemPath.node as any);
  if (node.type === 'Identifier' || isMember(node)) {
    // ids.map(loadUser): the function itself.
    const fn = functionAt(node, perItemPath);
    if (fn) return depth < 3 ? perItemIO(fn, depth + 1) : null;
    return referenceDoesIO(node, perItemPath) ? describe(node) : null;
  }
  // Name the call whose promise the item waits for (awaited or returned) when it does I/O, else any call that does.
  let found: string | null = null;
  let fallback: string | null = null;
  walkPaths(perItemPath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (!isCall(n) && n.type !== 'NewExpression') return undefined;
    if ((isAwaitedOrReturned(p) || !fallback) && callDoesIO(p, depth)) {
      if (isAwaitedOrReturned(p)) found = describe(n.callee);
      else fallback = describe(n.callee);
    }
    return undefined;
  });
  return found ?? fallback;
}

/** `.then(…)`, `.catch(…)`, `.finally(…)`: a member called as a promise handler. */
function isPromiseHandler(member: NodePath | null): boolean {
  if (!member || !isMember(member.node) || !member.parentPath || !isCall(member.parentPath.node)) return false;
  return ['then', 'catch', 'finally'].includes(memberPropertyName(member.node) ?? '');
}

/** `await f()`, `return f()`, `(x) => f()`, and `f().then(…)` in those places. */
function isAwaitedOrReturned(p: NodePath): boolean {
  let q: NodePath = p;
  // f().then(a).catch(b): climb to the end of the chain.
  while (q.key === 'object' && isPromiseHandler(q.parentPath)) q = q.parentPath!.parentPath!;
  while (q.parentPath && ['ParenthesizedExpression', 'TSAsExpression', 'TSNonNullExpression'].includes(q.parentPath.node.type)) q = q.parentPath;
  const parent = q.parentPath?.node;
  return !!parent && (parent.type === 'AwaitExpression' || parent.type === 'ReturnStatement' || (parent.type === 'ArrowFunctionExpression' && q.key === 'body'));
}

function callDoesIO(callPath: NodePath, depth: number): boolean {
  const call = callPath.node as any;
  const callee = unwrapExpression(call.callee);
  if (call.type === 'NewExpression') {
    const ref = resolveExpression(callee, callPath);
    return !!ref && !!heavyRef(ref);
  }
  if (callee.type === 'Import') return false;
  const name = lastName(callee);
  if (isMember(callee) && name) {
    // `re.test(s)`, `names.map(fn)`; a module's own `filter(…)` (`privileges.filter('read', ids)`) may query.
    if (
      IN_MEMORY_METHODS.has(name) &&
      (!ARRAY_CALLBACK_METHODS.has(name) || isFunctionNode(unwrapExpression(call.arguments[0] ?? {})) || !isModuleRef(callee.object, callPath))
    )
      return false;
    if (COLLECTION_METHODS.has(name) && isInMemoryCollection(callee.object, callPath)) return false;
  }
  const fn = localFunction(callPath);
  if (fn) return depth < 3 && perItemIO(fn, depth + 1) !== null;
  return referenceDoesIO(callee, callPath);
}

function isModuleRef(node: any, at: NodePath): boolean {
  const ref = resolveExpression(node, at);
  return !!ref && ref.kind === 'module';
}

/** A function that is not of this file: does it (probably) do I/O? By what it resolves to, then by its name. */
function referenceDoesIO(callee: any, at: NodePath): boolean {
  const ref = resolveExpression(callee, at);
  if (ref) {
    if (heavyRef(ref)) return true;
    if (ref.kind === 'global' && IN_MEMORY_GLOBALS.has(ref.path[0] ?? '')) return false;
    if (ref.kind === 'module' && (inMemoryModule(ref.module) || computesHere(ref))) return false;
  }
  const name = lastName(callee);
  if (name && IN_MEMORY_VERBS.has(firstWord(name))) return false;
  return true;
}

/**
 * What scarce resource the per-item work takes, when it visibly does: a socket
 * (`fetch`, axios, got, an SDK), a file descriptor (`fs`), a process. Returns a
 * label for the message, or null.
 */
export function heavyWork(perItemPath: NodePath, depth = 0): string | null {
  const node = perItemPath.node as any;
  // ids.map(fetchUser): look at the function itself.
  if (node.type === 'Identifier' || node.type === 'MemberExpression') {
    const ref = resolveExpression(node, perItemPath);
    if (!ref) return null;
    const label = heavyRef(ref);
    if (label || ref.kind !== 'binding' || depth > 2) return label;
    const fn = functionOfRef(ref);
    return fn ? heavyWork(perItemPath.child(fn, 'value'), depth + 1) : null;
  }
  let found: string | null = null;
  walkPaths(perItemPath, (p) => {
    if (found) return false;
    const n = p.node as any;
    if (isCall(n) || n.type === 'NewExpression') {
      const ref = resolveExpression(n.callee, p);
      // `new GetObjectCommand(…)`, `new S3Client()`: building a request or a client of a service sends nothing.
      const builds = n.type === 'NewExpression' && ref?.kind === 'module' && moduleIn(REMOTE_MODULES, ref.module);
      const label = ref && !builds ? heavyRef(ref) : null;
      // Through a client instance (`transport.sendMail(…)`), name the call, not the factory it came from.
      if (label) found = ref!.kind === 'call' ? describe(n.callee) : label;
      // (u) => notify(u): what a helper of this file does with each item (`notify → transport.sendMail`).
      const fn = found || depth >= 2 ? null : localFunction(p);
      const inner = fn ? heavyWork(fn, depth + 1) : null;
      if (inner) found = `${describe(n.callee)} → ${inner}`;
    }
    return undefined;
  });
  return found;
}

function heavyRef(ref: Ref): string | null {
  if (ref.kind === 'global') return ref.path[0] === 'fetch' && ref.path.length === 1 ? 'fetch' : null;
  if (ref.kind === 'module') {
    const m = ref.module;
    if (!moduleIn(HEAVY_WORK_MODULES, m) || computesHere(ref)) return null;
    // The file system: only calls that hold a descriptor (`readFile`, streams…); `stat` or `unlink` queue in the pool.
    if (FS_MODULES.includes(m) && !DESCRIPTOR_FS_CALLS.has(ref.path[ref.path.length - 1] ?? '')) return null;
    return [m, ...ref.path].join('.');
  }
  // Calls through client instances: axios.create(…).get(…), got.extend(…)(…).
  if (ref.kind === 'call') return heavyRef(ref.callee);
  return null;
}

/**
 * Calls in the per-item work to functions of other modules (`(u) => sendMail(u.email)`) or to methods of this class and
 * of the services it holds (`(id) => this.notes.toDto(id)`): what they do is known only once the project phase follows
 * them (`ReportExtra.unlessFollowed`). At most 8: the awaited or returned ones first, each group in source order.
 */
export function projectCalls(perItemPath: NodePath): any[] {
  const waited: any[] = [];
  const other: any[] = [];
  walkPaths(perItemPath, (p) => {
    if (waited.length + other.length >= 8) return false;
    const n = p.node as any;
    if (!isCall(n)) return undefined;
    const ref = resolveExpression(unwrapExpression(n.callee), p);
    // The calls whose promise the item waits for (awaited or returned) first: a message names the first.
    if ((ref?.kind === 'module' && !isNodeBuiltin(ref.module)) || onThis(n.callee)) (isAwaitedOrReturned(p) ? waited : other).push(n);
    return undefined;
  });
  return [...waited, ...other];
}

/** `this.method`, `this.service.method`: a member chain that starts at `this`. */
function onThis(callee: any): boolean {
  let n = unwrapExpression(callee);
  if (!isMember(n)) return false;
  while (isMember(n)) n = unwrapExpression(n.object);
  return n?.type === 'ThisExpression';
}

/** A `heavyWork` label naming a file-system call: it holds a descriptor, not a socket or a process. */
export function isDescriptorWork(label: string): boolean {
  const at = label.lastIndexOf(' → ');
  const last = at < 0 ? label : label.slice(at + 3);
  return FS_MODULES.some((m) => last.startsWith(`${m}.`));
}
