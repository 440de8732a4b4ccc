import { awaitedCall, callShape, isCheapAggregate, isCheapLocalCallee, sharedStateArgs, thisStateTouchedBy, type CallShape } from '../src/analysis/index.js';
import { ACQUISITION_NAMES, firstWord, GUARD_VERBS } from '../src/knowledge/call-verbs.js';
import { directAwaits, flowOf, hasJump, intersects, isReferenceIdentifier, mutableArguments, type VarKey } from '../src/analysis/index.js';
import { defineRule, type NodePath, type Node } from '../src/engine/rule-api.js';
import { lookup } from '../src/analysis/index.js';
import { transactionParam } from '../src/analysis/index.js';
import { isFunctionNode, walkPaths } from '../src/syntax/walk.js';

interface AwaitStep {
  stmt: NodePath;
  await: NodePath;
  call: CallShape;
  /** `const user`, `[a, b]`… for the Promise.all fix; null for a bare `await f()`. */
  target: string | null;
  declKind: 'const' | 'let' | 'var' | 'assign' | 'expr';
  reads: Set<VarKey>;
  writes: Set<VarKey>;
}

/** Statements allowed between two awaits of one run: beyond this the suggestion stops being local. */
const MAX_BETWEEN = 4;

interface Between {
  reads: Set<VarKey>;
  writes: Set<VarKey>;
  /** A check that throws to stop what follows (`validateOwner(doc, user)`). */
  guard?: boolean;
}

export default defineRule({
  id: 'sequential-awaits',
  category: 'concurrency',
  severity: 'warn',
  description: 'Independent awaits in a row that could run concurrently',
  messages: {
    pair: {
      message: '`{later}` does not depend on `{earlier}` (line {line}) but waits for it to finish',
      help: 'Start both at once: `{fix}`',
    },
    run: {
      message: '{count} independent awaits run one after another (lines {lines})',
      help: 'Start them at once: `{fix}`',
    },
  },
  docs: {
    why:
      'Each `await` suspends the function until its promise settles. Two awaits in a row that do not depend on each other add their latencies: a ' +
        'request that loads a user (40 ms) and then, independently, their orders (60 ms) takes 100 ms instead of 60. Starting both and awaiting them ' +
        'together with `Promise.all` cuts the wait to the slower of the two.',
    details: [
      'Reported at the later await of a run of two or more awaits in the same block, naming the earlier line, with a `Promise.all` destructuring fix ' +
        'for the pair or run.',
      'Independence is decided by data flow: the later awaited call reads nothing the earlier statements wrote (names declared or assigned from the ' +
        'earlier result, destructured names, values computed from them in between).',
      'Nor anything the earlier call could have changed: its receiver object, and objects passed to a call that is not a plain read.',
      'For `this.method()`, a method of the same class, that is the `this.<field>` state the method assigns or goes through: `this.getUsers()` reading ' +
        'through `this.store` does not hold back `this.groups.list()`.',
      'All of `this` counts as changed when the method cannot be seen.',
      'Not reported: data dependencies, direct or through statements in between.',
      'Not reported: calls on the same receiver or receiver object (`tx.insert` then `tx.update`, `client.query` twice, `lock.acquire` then work, ' +
        '`doc.loadInfo()` then `doc.sheets`).',
      'Not reported: calls with side effects or guards, by name (`create`, `save`, `delete`, `send`, `commit`, `connect`, `consume`, `ensure…`, ' +
        '`validate…`, `getOrCreate…`; the full list is in `src/knowledge/call-verbs.ts`).',
      'Not reported: side effects by SQL text (`INSERT …`, `UPDATE`, `BEGIN`…), including inside `.then` callbacks.',
      'Running side effects concurrently changes what happens when the first fails (write-then-read, delete-then-create, begin/commit/rollback).',
      'Not reported: existence guards, a discarded result (`await f(x);`) or a declared result nobody reads (`const _project = await projects.get(id); ' +
        '// validates it exists`, or a name never used): it runs for its effect or its throw.',
      "Not reported: a check of the earlier result between the two (`authorize(user, 'read', doc)`, `assertOwner(doc)`, `validate…(result)`): the " +
        'later call must not start before it passes.',
      'Not reported: pacing (`sleep`, `delay`, `setTimeout` promises), `next()` in middleware, `once(emitter, …)`, `Promise.all` and other aggregates.',
      'Not reported, nothing to overlap: request accessors (Next.js `headers()`/`cookies()`/`draftMode()`), `await import()`, predicates such as ' +
        '`isActive`, a client being acquired (`const payload = await getPayload()`).',
      'Not reported, nothing to overlap: local functions that do no I/O (also `Module.fn = …` members of a CommonJS module).',
      'Not reported, nothing to overlap: aggregates such as `promiseParallel({ a: syncFn(), b: syncFn() })` over values that are already there.',
      'Not reported: calls given the same object or the same request/transaction/session (`req`, `tx`, `session`…), also inside an options object, or ' +
        'spread from a context (`{ ...ctx, limit }`).',
      'Not reported: awaits separated by a branch, loop, `try`, or early exit (for example `if (!user) throw …` on the first result), or by more than ' +
        '4 statements.',
      'Not reported: statements inside a `transaction(async (tx) => …)` callback that use `tx`.',
      'Not reported: `await` of a value that is not a call (a promise already started).',
      'Messages quote calls briefly: arguments as `(…)`, a long member chain as `db.….findForUser(…)`, an inline async function as `(async () => ' +
        '…)()`, and other long text cut where a token ends.',
      'Test and migration files are skipped; every other context is checked, startup included (slow boots are real).',
    ],
    bad: [
      'export async function profile(db: any, billing: any, id: string) {\n  const user = await db.users.find(id);\n  const orders = await billing.ordersFor(id);\n  return { user, orders };\n}\n',
    ],
    good: [
      'export async function profile(db: any, billing: any, id: string) {\n  const [user, orders] = await Promise.all([db.users.find(id), billing.ordersFor(id)]);\n  return { user, orders };\n}\n',
      'export async function profile(db: any, id: string) {\n  const user = await db.users.find(id);\n  const orders = await db.orders.forUser(user.accountId);\n  return { user, orders };\n}\n',
    ],
    whenNotToUse:
      'When the second call must not start if the first fails and it has no side-effect name loopguard recognises, silence the line with `// ' +
        'loopguard-ignore-next-line sequential-awaits -- <why>`.',
  },
  create(ctx) {
    if (ctx.file.role === 'test' || ctx.file.role === 'migration' || ctx.file.runsInBrowser) return {};
    const check = (blockPath: NodePath<any>, key: string, statements: readonly Node[]) => {
      if (statements.length < 2) return;
      const tx = transactionParam(blockPath);
      let receivers: Set<string> | null = null;
      const isReceiver = (name: string) => (receivers ??= methodReceivers(blockPath)).has(name);
      let run: AwaitStep[] = [];
      // Plain statements after the first await of the run, and where each member's followers start.
      let between: Between[] = [];
      let starts: number[] = [];
      const finish = () => {
        if (run.length >= 2) report(run);
        run = [];
        between = [];
        starts = [];
      };
      statements.forEach((stmt, i) => {
        const stmtPath = blockPath.child(stmt, key, i);
        const step = awaitStep(stmtPath);
        // Nothing to overlap: a request accessor, a cached import, a predicate, a client being acquired.
        if (
          step &&
          (step.call.kind === 'cheap' ||
            isCheapLocalCallee(step.call.path) ||
            isCheapAggregate(step.call.path) ||
            (step.target !== null && ACQUISITION_NAMES.test(step.target)) ||
            (step.target !== null && /^[\w$]+$/.test(step.target) && isReceiver(step.target)))
        ) {
          if (run.length > 0) between.push(flowOf(stmtPath));
          return;
        }
        if (step) {
          // A discarded result (`await f(x);`, or a name never used: `const _project = await get(id)`) is there
          // for its effect or its throw: later work waits for it on purpose.
          if (step.call.kind !== 'read' || step.declKind === 'expr' || (tx && step.reads.has(tx)) || resultUnused(step)) {
            finish();
            return;
          }
          const gap = run.length > 0 ? between.length - starts[starts.length - 1]! : 0;
          if (run.length > 0 && (gap > MAX_BETWEEN || !run.every((earlier, k) => independent(earlier, step, between.slice(starts[k]))))) {
            finish();
          }
          run.push(step);
          starts.push(between.length);
          return;
        }
        if (run.length === 0) return;
        if (isBarrier(stmtPath)) {
          finish();
          return;
        }
        // A plain statement between awaits: remember what it reads and writes, for taint.
        between.push({ ...flowOf(stmtPath), guard: isGuard(stmtPath.node) });
      });
      finish();
    };

    const report = (run: AwaitStep[]) => {
      const second = run[1]!;
      const fix = promiseAllFix(run);
      if (run.length === 2) {
        const first = run[0]!;
        ctx.report(second.await.node, 'pair', {
          later: quote(second.call.node),
          earlier: quote(first.call.node),
          line: String(first.await.node.loc!.start.line),
          fix,
        });
      } else {
        ctx.report(second.await.node, 'run', {
          count: String(run.length),
          lines: run.map((s) => s.await.node.loc!.start.line).join(', '),
          fix,
        });
      }
    };

    const promiseAllFix = (run: AwaitStep[]): string => {
      const calls = run.map((s) => quote(s.call.node, 40)).join(', ');
      const kinds = new Set(run.filter((s) => s.target !== null).map((s) => s.declKind));
      if (kinds.size === 0) return `await Promise.all([${calls}]);`;
      if (kinds.size > 1) return `const [...] = await Promise.all([${calls}]);`;
      const kind = [...kinds][0]!;
      const targets = run.map((s) => s.target ?? '').join(', ').replace(/(, )+$/, '');
      return `${kind === 'assign' ? '' : `${kind} `}[${targets}] = await Promise.all([${calls}]);`;
    };

    /** A call quoted for a message: an inline function as `(async () => …)()`, long text cut at a token boundary. */
    const quote = (node: Node, max = 60): string => {
      const callee = (node as any).callee;
      const fn = callee && unwrap(callee);
      if (fn && isFunctionNode(fn)) {
        const head = `${fn.async ? 'async ' : ''}${fn.type === 'ArrowFunctionExpression' ? '() =>' : 'function ()'}`;
        return `(${head} …)(${(node as any).arguments.length > 0 ? '…' : ''})`;
      }
      return short(ctx.source(node), max);
    };

    const awaitStep = (stmtPath: NodePath<any>): AwaitStep | null => {
      const stmt = stmtPath.node;
      let awaitPath: NodePath | null = null;
      let target: string | null = null;
      let declKind: AwaitStep['declKind'] = 'expr';
      if (stmt.type === 'VariableDeclaration' && stmt.declarations.length === 1) {
        const d = stmt.declarations[0];
        if (d.init?.type === 'AwaitExpression') {
          const dPath = stmtPath.child(d, 'declarations', 0);
          awaitPath = dPath.child(d.init, 'init');
          target = ctx.source(d.id);
          declKind = stmt.kind === 'const' ? 'const' : stmt.kind === 'let' ? 'let' : 'var';
        }
      } else if (stmt.type === 'ExpressionStatement') {
        const e = stmt.expression;
        const ePath = stmtPath.child(e, 'expression');
        if (e.type === 'AwaitExpression') awaitPath = ePath;
        else if (e.type === 'AssignmentExpression' && e.operator === '=' && e.right.type === 'AwaitExpression' && e.left.type !== 'MemberExpression') {
          awaitPath = ePath.child(e.right, 'right');
          target = ctx.source(e.left);
          declKind = 'assign';
        }
      }
      if (!awaitPath) return null;
      const callPath = awaitedCall(awaitPath);
      if (!callPath) return null;
      // Nested awaits in the arguments make this a chain, not one step.
      if (directAwaits(callPath).length > 0) return null;
      const stmtFlow = flowOf(stmtPath);
      const callFlow = flowOf(callPath);
      return { stmt: stmtPath, await: awaitPath, call: callShape(callPath), target, declKind, reads: callFlow.reads, writes: stmtFlow.writes };
    };

    return {
      BlockStatement: (p: NodePath<any>) => check(p, 'body', p.node.body),
      Program: (p: NodePath<any>) => check(p, 'body', p.node.body),
      StaticBlock: (p: NodePath<any>) => check(p, 'body', p.node.body),
      SwitchCase: (p: NodePath<any>) => check(p, 'consequent', p.node.consequent),
    };
  },
});

/** Could `later` have started before `earlier` finished? `between` are the plain statements after `earlier`. */
function independent(earlier: AwaitStep, later: AwaitStep, between: readonly Between[]): boolean {
  const tainted = new Set<VarKey>(earlier.writes);
  // A method call may change its receiver (`await doc.loadInfo()` fills `doc.sheets`)…
  if (earlier.call.resourceRoot === 'this') {
    // …though a method of this class shows what it touches: `this.getUsers()` reading through `this.store`
    // leaves `this.groups` alone.
    const touched = thisStateTouchedBy(earlier.call.path);
    if (touched === null) tainted.add('this');
    else for (const k of touched) tainted.add(k);
  } else if (earlier.call.resourceRoot !== null) tainted.add(earlier.call.resourceRoot);
  // …and a call that is not a plain read may change the objects passed to it.
  if (!earlier.call.readOnly) for (const v of mutableArguments(earlier.call.path)) tainted.add(v);
  for (const b of between) {
    if (!intersects(b.reads, tainted)) continue;
    // A check of the earlier result (`validateOwner(field, project)`): what follows must not start before it passes.
    if (b.guard) return false;
    for (const w of b.writes) tainted.add(w);
  }
  if (intersects(later.reads, tainted)) return false;
  // Same receiver object: one connection, transaction, lock, page…
  if (earlier.call.resourceRoot !== null && earlier.call.receiver === later.call.receiver) return false;
  if (later.call.resourceRoot !== null && tainted.has(later.call.resourceRoot)) return false;
  // The same object handed to both (a `data` both validate and trim), or one request/transaction/session.
  if (intersects(new Set(mutableArguments(earlier.call.path)), new Set(mutableArguments(later.call.path)))) return false;
  if (intersects(sharedStateArgs(earlier.call.path), sharedStateArgs(later.call.path))) return false;
  return true;
}

/** `validateX(a);`, `this.assertOwner(doc);`, `invariant(x, '…');`: a statement that only runs a guard. */
function isGuard(stmt: any): boolean {
  if (stmt.type !== 'ExpressionStatement') return false;
  const e = unwrap(stmt.expression);
  if (e.type !== 'CallExpression' && e.type !== 'OptionalCallExpression') return false;
  const c = unwrap(e.callee);
  const name = c.type === 'Identifier' ? c.name : (c.type === 'MemberExpression' || c.type === 'OptionalMemberExpression') && !c.computed ? c.property.name : null;
  return typeof name === 'string' && GUARD_VERBS.has(firstWord(name));
}

/** Statements that end a run: branches, loops, try, labels, jumps, or awaits in any other shape. */
function isBarrier(stmtPath: NodePath<any>): boolean {
  const t = stmtPath.node.type;
  if (t !== 'ExpressionStatement' && t !== 'VariableDeclaration' && t !== 'EmptyStatement' && t !== 'FunctionDeclaration' && t !== 'ClassDeclaration') {
    return true;
  }
  return directAwaits(stmtPath).length > 0 || hasJump(stmtPath);
}

/** Identifiers used as the receiver of a method call somewhere in the block: `payload` in `payload.find(…)`. */
function methodReceivers(blockPath: NodePath<any>): Set<string> {
  const out = new Set<string>();
  walkPaths(blockPath, (p) => {
    const n = p.node as any;
    if ((n.type === 'CallExpression' || n.type === 'OptionalCallExpression') && n.callee.type === 'MemberExpression' && n.callee.object.type === 'Identifier') {
      out.add(n.callee.object.name);
    }
    return undefined;
  });
  return out;
}

function short(text: string, max = 60): string {
  const one = text.replace(/\s+/g, ' ');
  if (one.length <= max) return one;
  const paren = one.indexOf('(');
  if (paren > 0 && paren < max) return `${one.slice(0, paren)}(…)`;
  // A long member chain: keep where it starts and the method it calls (`db.….findForUser(…)`).
  const callee = paren > 0 ? one.slice(0, paren) : '';
  const parts = /^[\w$.?]+$/.test(callee) ? callee.split('.') : [];
  if (parts.length > 2) {
    const kept = `${parts[0]}.….${parts[parts.length - 1]}(…)`;
    if (kept.length <= max) return kept;
  }
  // Otherwise cut where a token ends, not inside a name.
  let cut = max - 1;
  while (cut > 0 && /[\w$]/.test(one[cut - 1]!) && /[\w$]/.test(one[cut]!)) cut--;
  if (cut < max / 3) cut = max - 1;
  return `${one.slice(0, cut).trimEnd()}…`;
}

function unwrap(node: any): any {
  while (node && (node.type === 'ParenthesizedExpression' || node.type === 'TSAsExpression' || node.type === 'TSNonNullExpression')) node = node.expression;
  return node;
}

/**
 * A declared result nobody reads: `const _project = await getProject(id)` (a
 * `_` name says so), or a name with no reference in its scope. The call is a
 * guard (it throws when the project does not exist), not a value to wait for.
 */
function resultUnused(step: AwaitStep): boolean {
  if (step.declKind !== 'const' && step.declKind !== 'let' && step.declKind !== 'var') return false;
  const decl = step.stmt.node as any;
  const id = decl.declarations[0].id;
  const names: string[] = [];
  const collect = (n: any) => {
    if (!n) return;
    if (n.type === 'Identifier') names.push(n.name);
    else if (n.type === 'ObjectPattern') for (const p of n.properties) collect(p.type === 'RestElement' ? p.argument : p.value);
    else if (n.type === 'ArrayPattern') for (const e of n.elements) collect(e?.type === 'RestElement' ? e.argument : e);
    else if (n.type === 'AssignmentPattern') collect(n.left);
  };
  collect(id);
  if (names.length === 0) return false;
  if (names.every((n) => n.startsWith('_'))) return true;
  const bindings = names.map((n) => lookup(step.stmt, n)).filter((b) => b !== null);
  if (bindings.length !== names.length) return false;
  const scope = bindings[0]!.scopePath;
  let used = false;
  walkPaths(scope, (p) => {
    if (used) return false;
    const n = p.node as any;
    if (n.type !== 'Identifier' || n === id || !names.includes(n.name) || !isReferenceIdentifier(p)) return undefined;
    const b = lookup(p, n.name);
    if (b && bindings.includes(b) && b.id !== n) used = true;
    return undefined;
  });
  return !used;
}
