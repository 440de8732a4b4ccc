// What one awaited call waits on: another service or an aggregating query (slow, tens of milliseconds to seconds), or
// a round trip to a database or the disk (about a millisecond). Starting two slow calls together saves a slow call;
// starting two lookups together saves one lookup. The project phase carries the answer across files (`slow` in the
// summaries); this file answers it for one call and for the functions of its file.
import { AGGREGATE_QUERY_METHODS, AGGREGATE_SQL, LOCAL_MODULES, LOCAL_SIGNER_METHODS, REMOTE_GLOBALS, REMOTE_MODULES } from '../knowledge/latency.js';
import { isBundledAsset } from './timeouts.js';
import { firstWord, MESSAGE_VERBS } from '../knowledge/call-verbs.js';
import { isCall, memberPropertyName, resolveExpression, staticString, unwrapExpression, type Ref } from './resolve.js';
import { computesHere, inMemoryModule } from './collections/per-item.js';
import { moduleIn } from '../knowledge/modules.js';
import { callShape, isDetachedCall, localCalleePath, promiseChain } from './call-shape.js';
import { isFunctionNode, walkPaths, type Node, type NodePath } from '../syntax/walk.js';
import { PROMISE_CALLBACK_METHODS } from '../knowledge/frameworks.js';

/** Local calls followed into functions of this file. */
const MAX_DEPTH = 2;

/** The service a resolved callee calls: `fetch`, `openai.chat.completions.create`; through client instances too. */
function remoteRef(ref: Ref | null): string | null {
  if (!ref) return null;
  if (ref.kind === 'global') return ref.path.length === 1 && REMOTE_GLOBALS.has(ref.path[0]!) ? ref.path[0]! : null;
  if (ref.kind === 'module') {
    return moduleIn(REMOTE_MODULES, ref.module) && !computesHere(ref) ? [ref.module, ...ref.path].join('.') : null;
  }
  if (ref.kind === 'call') return remoteRef(ref.callee);
  return null;
}

/**
 * The package of another service that made a value (`nodemailer.createTransport(…)`, `new S3Client(…)`,
 * `new Stripe(key)`): calls on it go to that service. Null for anything else.
 */
export function remoteClientModule(init: Node, at: NodePath): string | null {
  const n = unwrapExpression(init as any);
  if (!isCall(n) && n.type !== 'NewExpression') return null;
  const ref = resolveExpression(unwrapExpression(n.callee), at);
  const root = ref?.kind === 'call' ? ref.callee : ref;
  return root?.kind === 'module' && moduleIn(REMOTE_MODULES, root.module) ? root.module : null;
}

/** SQL text as the call's first argument (a string or a template's text), or null. */
function sqlText(call: any): string | null {
  const a = call.arguments?.[0];
  if (!a) return null;
  const s = staticString(a);
  if (s !== null) return s;
  const t = unwrapExpression(a);
  return t.type === 'TemplateLiteral' ? t.quasis.map((q: any) => q.value.cooked ?? '').join(' ') : null;
}

/**
 * Is the call slow: an outbound call to another service (an HTTP client, `fetch`, a hosted API's SDK), an aggregating
 * query (`aggregate`, `groupBy`, SQL with `GROUP BY` or `count(…)`), or a function of this file that awaits one?
 * Returns what it waits on, for messages, or null for a round trip or work in memory. `follow`: look into local callees.
 */
export function slowCall(callPath: NodePath, follow = true, depth = 0, resolved?: Ref | null): string | null {
  const call = callPath.node as any;
  if (!isCall(call) && call.type !== 'NewExpression') return null;
  // Building a client or a handle (`new Storage()`, `storage.bucket(name).file(key)`) sends nothing: a constructor
  // returns an object, and a value the code uses as one, or keeps as configuration, is not waited on here.
  if (call.type === 'NewExpression' || usedAsObject(callPath) || keptAsValue(callPath)) return null;
  const callee = unwrapExpression(call.callee);
  // The summary builder has resolved the callee already (`resolved`); rules have not.
  const ref = resolved !== undefined ? resolved : resolveExpression(callee, callPath);
  // fetch(new URL('./font.ttf', import.meta.url)): a file bundled with the code.
  if (isBundledAsset(call.arguments?.[0])) return null;
  const method = callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression' ? memberPropertyName(callee) : null;
  // A signer computes here (`file.getSignedUrl(…)` on a storage client).
  const remote = method !== null && LOCAL_SIGNER_METHODS.has(method) ? null : remoteRef(ref);
  if (remote) return remote;
  const inMemory = ref?.kind === 'module' && inMemoryModule(ref.module);
  if (!inMemory && method && AGGREGATE_QUERY_METHODS.has(method)) return 'an aggregating query';
  const sql = sqlText(call);
  if (sql && AGGREGATE_SQL.test(sql)) return 'an aggregating query';
  if (!follow || depth >= MAX_DEPTH) return null;
  const fn = localCalleePath(callPath);
  if (!fn) return null;
  const known = waits.get(fn.node);
  if (known !== undefined) return known;
  const out = awaitsSlow(fn, depth + 1);
  // Only a full-depth answer is kept: one cut short by the depth cap may differ.
  if (depth === 0) waits.set(fn.node, out);
  return out;
}

/** Per function of the file: what slow call it waits on (answers from the top level only). */
const waits = new WeakMap<object, string | null>();

/** Does the function at `fnPath` wait on a slow call of its own (not one it starts and leaves running)? */
function awaitsSlow(fnPath: NodePath, depth: number): string | null {
  const body = (fnPath.node as any).body;
  if (!body) return null;
  let found: string | null = null;
  walkPaths(fnPath.child(body, 'body'), (p) => {
    if (found) return false;
    if (isFunctionNode(p.node) && p.node !== fnPath.node) return false;
    if (isCall(p.node) && !isDetachedCall(p)) found = slowCall(p, true, depth);
    return undefined;
  });
  return found;
}

/**
 * What an awaited call waits on: `slow` (`slowCall`), `local` (the file system or a file bundled with the code: well
 * under a round trip), `write` (a round trip that changes a store's record: `update`, `delete`, `INSERT …`; a message
 * handed to another service, `sendEmail`, is not one), or `trip` (a round trip, or unknown; the project phase may still
 * find it slow or in memory).
 */
export type Waits = 'slow' | 'local' | 'write' | 'trip';

export function callWaits(outer: NodePath): Waits {
  // `load(x).then((r) => r.json())`: what the chain waits on is its first call.
  const callPath = promiseChain(outer).base;
  const call = callPath.node as any;
  const ref = resolveExpression(unwrapExpression(call.callee), callPath);
  if (slowCall(callPath, true, 0, ref) !== null) return 'slow';
  if (isBundledAsset(call.arguments?.[0])) return 'local';
  const module = ref?.kind === 'module' ? ref.module : ref?.kind === 'call' && ref.callee.kind === 'module' ? ref.callee.module : null;
  if (module !== null && LOCAL_MODULES.includes(module)) return 'local';
  // A write to a store; a message handed to another service (`sendEmail`, `publish`) is a round trip to it.
  const shape = callShape(outer);
  return shape.kind === 'write' && !MESSAGE_VERBS.has(firstWord(shape.name ?? '')) ? 'write' : 'trip';
}

/**
 * Is the call's value used as an object, so it is not a promise: a member other than `then`/`catch`/`finally` read
 * from it (`storage.bucket(name).file(key)`), or it is kept in a `const` whose uses include such a member and never
 * an `await` (`const file = bucket.file(key); await file.getSignedUrl()`).
 */
function usedAsObject(callPath: NodePath): boolean {
  const parent = callPath.parentPath?.node as any;
  if (!parent) return false;
  if ((parent.type === 'MemberExpression' || parent.type === 'OptionalMemberExpression') && parent.object === callPath.node)
    return !PROMISE_CALLBACK_METHODS.has(memberPropertyName(parent) ?? '');
  if (parent.type !== 'VariableDeclarator' || parent.init !== callPath.node || parent.id.type !== 'Identifier') return false;
  const decl = callPath.parentPath!.parentPath;
  if ((decl?.node as any)?.kind !== 'const') return false;
  const scope = decl!.findAncestor((p) => isFunctionNode(p.node) || p.node.type === 'Program');
  return !!scope && objectNames(scope).has(parent.id.name);
}

const objectNamesMemo = new WeakMap<object, Set<string>>();

/** Names a function uses as objects (a member other than `then`/`catch`/`finally` read from them) and never awaits. */
function objectNames(scope: NodePath): Set<string> {
  let names = objectNamesMemo.get(scope.node);
  if (names) return names;
  const members = new Set<string>();
  const awaited = new Set<string>();
  walkPaths(scope, (p) => {
    const n = p.node as any;
    if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && n.object.type === 'Identifier') {
      if (!PROMISE_CALLBACK_METHODS.has(memberPropertyName(n) ?? '')) members.add(n.object.name);
      else awaited.add(n.object.name);
    }
    if (n.type === 'AwaitExpression' && n.argument?.type === 'Identifier') awaited.add(n.argument.name);
    return undefined;
  });
  names = new Set([...members].filter((m) => !awaited.has(m)));
  objectNamesMemo.set(scope.node, names);
  return names;
}

/**
 * Is the call's value kept as configuration rather than waited on: stored in a member (`config.credentials =
 * fromTemporaryCredentials(…)`), or an argument of a constructor (`new S3Client(fromEnv())`)? (A property of an object
 * literal may be a promise an aggregate awaits: `await props({ a: fetchA() })`.)
 */
function keptAsValue(callPath: NodePath): boolean {
  const parentPath = callPath.parentPath;
  const parent = parentPath?.node as any;
  if (!parent) return false;
  if (parent.type === 'AssignmentExpression' && parent.right === callPath.node) return parent.left.type === 'MemberExpression';
  return parent.type === 'NewExpression' && parent.arguments.includes(callPath.node);
}
