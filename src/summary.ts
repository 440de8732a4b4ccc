// Per-file summaries for the project phase: the file's functions, the blocking
// calls each makes directly in its synchronous body, the calls it makes to other
// functions (resolved as far as this file allows), and the file's exports.
// Built by engine visitors during the one traversal; plain data, so it can come
// from a worker or a cache.
import type { Node } from '@babel/types';
import { describeFunction, functionName, type ContextAnalyzer, type ContextKind } from './execution-context.js';
import type { BlockingCatalog } from './knowledge/blocking-apis.js';
import { SYNC_CALLBACK_METHODS } from './knowledge/frameworks.js';
import { constantValue } from './constants.js';
import { isLazyInit } from './lazy-init.js';
import { isCall, memberPropertyName, resolveBinding, resolveCallTarget, resolveExpression, staticString, unwrapExpression, type Ref } from './resolve.js';
import { lookup, propertyKeyName, type Binding } from './scope.js';
import { isFunctionNode, type NodePath, type Visitors } from './walk.js';

/** Where a call goes: a function of this file, or a path into another module. */
export type CallTarget = { kind: 'local'; fn: string } | { kind: 'module'; source: string; path: string[] };

export interface CallSite {
  target: CallTarget;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  /** The callee as written, for messages: `renderTemplate`, `this.hashApiKey`. */
  text: string;
  /** Inside a lazy-initialisation guard: runs once. */
  lazy: boolean;
  /** Per argument: a constant number, or the index of a parameter of the caller passed through (for size thresholds). */
  args?: ({ const: number } | { param: number } | null)[];
}

export interface BlockingSite {
  /** `fs.readFileSync` */
  api: string;
  alternative: string;
  line: number;
  column: number;
  /** Blocks only when the function's parameter at this index exceeds `cheapUpTo` (`randomBytes(size)`). */
  sizeParam?: number;
  cheapUpTo?: number;
}

export interface FunctionSummary {
  /** `line:column` of the function: unique in its file. */
  id: string;
  /** `renderTemplate`, `UserService.hashApiKey`, `an arrow function`. */
  name: string;
  line: number;
  column: number;
  async: boolean;
  /** Where the function runs, for functions that make calls. `weak`: hot only because it is async. */
  context: { kind: ContextKind; description: string; weak: boolean } | null;
  blocking: BlockingSite[];
  calls: CallSite[];
}

export type ExportTarget =
  | { kind: 'local'; fn: string }
  | { kind: 'reexport'; source: string; name: string }
  | { kind: 'object'; members: Record<string, string> };

export interface FileSummary {
  functions: FunctionSummary[];
  /** Every module the file imports or requires (specifiers as written). */
  imports: string[];
  /** Files it starts as child processes with `child_process.fork` (specifiers relative to the file). */
  forks: string[];
  /** Export name ('default' for the default export) → what it is. */
  exports: Record<string, ExportTarget>;
  /** `export * from '…'` sources. */
  stars: string[];
}

interface Frame {
  summary: FunctionSummary;
  path: NodePath;
}

export function functionId(node: Node): string {
  return `${node.loc!.start.line}:${node.loc!.start.column + 1}`;
}

/** The pseudo-function that holds a module's top-level calls. */
export const MODULE_FRAME = '0:0';

export class SummaryBuilder {
  private readonly frames: (Frame | null)[] = [];
  private readonly imports = new Set<string>();
  private readonly forks: string[] = [];
  private readonly functions = new Map<string, FunctionSummary>();
  private readonly framePaths = new Map<string, NodePath>();
  private readonly moduleFrame: FunctionSummary = {
    id: MODULE_FRAME,
    name: '(module top level)',
    line: 1,
    column: 1,
    async: false,
    context: null,
    blocking: [],
    calls: [],
  };

  constructor(
    private readonly contexts: ContextAnalyzer,
    private readonly catalog: BlockingCatalog,
    private readonly programPath: NodePath,
    private readonly source: string,
  ) {}

  visitors(): Visitors {
    return {
      Function: (path: NodePath) => {
        // Sync callbacks run inside their caller (`items.map(x => …)`, IIFEs): same frame.
        if (!(path.node as any).async && this.frames.length > 0 && runsInline(path)) {
          this.frames.push(this.frames[this.frames.length - 1]!);
          return;
        }
        const node = path.node as any;
        const summary: FunctionSummary = {
          id: functionId(node),
          name: functionName(path) ?? describeFunction(path),
          line: node.loc.start.line,
          column: node.loc.start.column + 1,
          async: !!node.async || !!node.generator,
          context: null,
          blocking: [],
          calls: [],
        };
        this.functions.set(summary.id, summary);
        this.framePaths.set(summary.id, path);
        this.frames.push({ summary, path });
      },
      'Function:exit': () => {
        this.frames.pop();
      },
      CallExpression: (path: NodePath) => this.onCall(path),
      OptionalCallExpression: (path: NodePath) => this.onCall(path),
      ImportDeclaration: (path: NodePath) => {
        this.imports.add((path.node as any).source.value);
      },
      ExportNamedDeclaration: (path: NodePath) => {
        const src = (path.node as any).source;
        if (src) this.imports.add(src.value);
      },
      ExportAllDeclaration: (path: NodePath) => {
        this.imports.add((path.node as any).source.value);
      },
    };
  }

  private onCall(path: NodePath): void {
    const frame = this.frames[this.frames.length - 1] ?? { summary: this.moduleFrame, path: this.programPath };
    const call = path.node as any;
    const ref = resolveCallTarget(path);
    if (ref) {
      const match = this.catalog.match(ref, call, (n) => constantValue(n, path));
      if (match) {
        if (isLazyInit(path)) return;
        const site: BlockingSite = { api: match.display, alternative: match.alternative, line: call.loc.start.line, column: call.loc.start.column + 1 };
        // randomBytes(size) with `size` a parameter: whether it blocks depends on the callers.
        const sizeParam = match.api.cheapUpTo !== undefined ? paramIndex(call.arguments[0], path, frame.path) : null;
        if (sizeParam !== null) {
          site.sizeParam = sizeParam;
          site.cheapUpTo = match.api.cheapUpTo;
        }
        frame.summary.blocking.push(site);
        return;
      }
      if (ref.kind === 'module' && ref.module === 'child_process' && ref.path[0] === 'fork') {
        const spec = forkTarget(call.arguments[0]);
        if (spec) this.forks.push(spec);
      }
    }
    const req = requireSpec(call);
    if (req) this.imports.add(req);
    // paths.map(fs.readFileSync): a blocking function handed to a synchronous caller.
    for (const arg of call.arguments) {
      if (arg.type !== 'Identifier' && arg.type !== 'MemberExpression') continue;
      const r = resolveExpression(arg, path);
      const m = r && r.kind !== 'binding' ? this.catalog.match(r, null) : null;
      if (m) frame.summary.blocking.push({ api: m.display, alternative: m.alternative, line: arg.loc.start.line, column: arg.loc.start.column + 1 });
    }
    const target = this.targetOf(path, ref);
    if (!target) return;
    const site: CallSite = {
      target,
      line: call.loc.start.line,
      column: call.loc.start.column + 1,
      endLine: call.callee.loc.end.line,
      endColumn: call.callee.loc.end.column + 1,
      text: this.source.slice(call.callee.start, call.callee.end).replace(/\s+/g, ''),
      lazy: isLazyInit(path),
    };
    // Constant and passed-through arguments, for size thresholds down the chain.
    const args = (call.arguments as any[]).slice(0, 4).map((a): NonNullable<CallSite['args']>[number] => {
      const c = constantValue(a, path);
      if (c !== null) return { const: c };
      const pi = paramIndex(a, path, frame.path);
      return pi !== null ? { param: pi } : null;
    });
    if (args.some((a) => a !== null)) site.args = args;
    frame.summary.calls.push(site);
  }

  /** Resolve a callee to a function of this file, or to a path into another module. */
  private targetOf(path: NodePath, ref: Ref | null): CallTarget | null {
    const callee = unwrapExpression((path.node as any).callee);
    // this.method() / this.#method() inside a class.
    if ((callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') && unwrapExpression(callee.object).type === 'ThisExpression') {
      const name = callee.property.type === 'PrivateName' ? `#${callee.property.id.name}` : memberPropertyName(callee);
      const fn = name ? classMethod(path, name) : null;
      return fn ? { kind: 'local', fn: functionId(fn) } : null;
    }
    if (!ref) return null;
    if (ref.kind === 'module') return isPackageOrProject(ref.module) ? { kind: 'module', source: ref.module, path: [...ref.path] } : null;
    if (ref.kind === 'binding') {
      const fn = functionOfRef(ref);
      return fn ? { kind: 'local', fn: functionId(fn) } : null;
    }
    return null;
  }

  finish(): FileSummary {
    const functions: FunctionSummary[] = [];
    if (this.moduleFrame.calls.length > 0) {
      const ctx = this.contexts.moduleContext();
      this.moduleFrame.context = { kind: ctx.kind, description: ctx.description, weak: false };
      this.moduleFrame.blocking = []; // top-level blocking calls are startup work, not a chain
      functions.push(this.moduleFrame);
    }
    for (const s of this.functions.values()) {
      // Functions that call nothing and block nothing can never be part of a chain.
      if (s.calls.length === 0 && s.blocking.length === 0) continue;
      if (s.calls.length > 0) {
        const ctx = this.contexts.frameContext(this.framePaths.get(s.id)!);
        s.context = { kind: ctx.kind, description: ctx.description, weak: ctx.weakFrame !== undefined };
      }
      functions.push(s);
    }
    const { exports, stars } = exportsOf(this.programPath);
    return { functions, exports, stars, imports: [...this.imports].sort(), forks: this.forks };
  }
}

/** When `node` is a parameter of the function at `fnPath`: its index. */
function paramIndex(node: any, at: NodePath, fnPath: NodePath): number | null {
  if (!node || node.type !== 'Identifier' || !isFunctionNode(fnPath.node)) return null;
  const b = lookup(at, node.name);
  if (!b || b.kind !== 'param' || b.declNode !== fnPath.node) return null;
  const i = (fnPath.node as any).params.findIndex((p: any) => p === b.id || (p.type === 'AssignmentPattern' && p.left === b.id));
  return i >= 0 ? i : null;
}

/** `fork('./send.js')`, `fork(path.join(__dirname, 'send.js'))`, `fork(new URL('./send.js', import.meta.url))`: the file, relative. */
function forkTarget(arg: any): string | null {
  if (!arg) return null;
  const a = unwrapExpression(arg);
  const lit = staticString(a);
  if (lit !== null) return lit.startsWith('.') ? lit : `./${lit}`;
  if (isCall(a) && a.arguments.length >= 2) {
    const [first, ...rest] = a.arguments;
    const f = unwrapExpression(first);
    if (f.type === 'Identifier' && f.name === '__dirname') {
      const parts = rest.map(staticString);
      if (parts.every((p: string | null) => p !== null)) return './' + parts.join('/');
    }
  }
  if (a.type === 'NewExpression' && a.callee.type === 'Identifier' && a.callee.name === 'URL') {
    const lit2 = staticString(a.arguments[0]);
    if (lit2) return lit2.startsWith('.') ? lit2 : `./${lit2}`;
  }
  return null;
}

/** Bare specifiers are packages (workspace packages may resolve); node builtins never hold project functions. */
function isPackageOrProject(spec: string): boolean {
  return !/^(fs|path|os|url|util|events|stream|crypto|zlib|http|https|net|tls|dns|child_process|worker_threads|cluster|buffer|assert|timers|readline|module|process|querystring|string_decoder|vm|v8|perf_hooks|async_hooks|inspector|tty|dgram|diagnostics_channel)(\/|$)/.test(spec);
}

/** Does this function run right where it is written: a sync callback of map/forEach/…, `new Promise(executor)`, or an IIFE? */
function runsInline(path: NodePath): boolean {
  const parent = path.parentPath;
  if (!parent) return false;
  const p = parent.node as any;
  if (isCall(p) && path.key === 'callee') return true;
  if ((isCall(p) || p.type === 'NewExpression') && path.key === 'arguments') {
    const callee = unwrapExpression(p.callee);
    if (p.type === 'NewExpression') return callee.type === 'Identifier' && callee.name === 'Promise';
    if (callee.type === 'MemberExpression' || callee.type === 'OptionalMemberExpression') {
      const m = memberPropertyName(callee);
      return !!m && SYNC_CALLBACK_METHODS.has(m);
    }
  }
  return false;
}

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

function functionOfBinding(b: Binding, depth: number): Node | null {
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

/** ESM and CommonJS exports of a program. */
function exportsOf(programPath: NodePath): { exports: Record<string, ExportTarget>; stars: string[] } {
  const exports: Record<string, ExportTarget> = {};
  const stars: string[] = [];
  const program = programPath.node as any;
  const local = (node: any, scope: NodePath): ExportTarget | null => {
    const n = unwrapExpression(node);
    if (isFunctionNode(n)) return { kind: 'local', fn: functionId(n) };
    if (n.type === 'Identifier') {
      const b = lookup(scope, n.name);
      if (!b) return null;
      if (b.kind === 'import' && b.importSource) return { kind: 'reexport', source: b.importSource, name: b.importName === '*' ? '*' : b.importName! };
      const fn = functionOfBinding(b, 0);
      if (fn && isFunctionNode(unwrapExpression(fn as any))) return { kind: 'local', fn: functionId(unwrapExpression(fn as any)) };
      if (fn && unwrapExpression(fn as any).type === 'ObjectExpression') return objectExport(unwrapExpression(fn as any), b.scopePath);
      const r = resolveBinding(b);
      if (r && r.kind === 'module') return { kind: 'reexport', source: r.module, name: r.path[0] ?? '*' };
      return null;
    }
    if (n.type === 'ObjectExpression') return objectExport(n, scope);
    return null;
  };
  const objectExport = (obj: any, scope: NodePath): ExportTarget => {
    const members: Record<string, string> = {};
    for (const p of obj.properties) {
      const key = p.type === 'ObjectProperty' || p.type === 'ObjectMethod' ? propertyKeyName(p) : null;
      if (!key) continue;
      const t = p.type === 'ObjectMethod' ? ({ kind: 'local', fn: functionId(p) } as ExportTarget) : local(p.value, scope);
      if (t && t.kind === 'local') members[key] = t.fn;
    }
    return { kind: 'object', members };
  };
  for (const stmt of program.body) {
    if (stmt.type === 'ExportNamedDeclaration') {
      const d = stmt.declaration;
      if (d?.type === 'FunctionDeclaration' && d.id) exports[d.id.name] = { kind: 'local', fn: functionId(d) };
      if (d?.type === 'VariableDeclaration') {
        for (const decl of d.declarations) {
          if (decl.id.type === 'Identifier' && decl.init) {
            const t = local(decl.init, programPath);
            if (t) exports[decl.id.name] = t;
          }
        }
      }
      for (const spec of stmt.specifiers ?? []) {
        const exported = spec.exported.type === 'Identifier' ? spec.exported.name : spec.exported.value;
        if (stmt.source) {
          const name = spec.type === 'ExportNamespaceSpecifier' ? '*' : spec.local.type === 'Identifier' ? spec.local.name : spec.local.value;
          exports[exported] = { kind: 'reexport', source: stmt.source.value, name };
        } else {
          const t = local(spec.local, programPath);
          if (t) exports[exported] = t;
        }
      }
    } else if (stmt.type === 'ExportDefaultDeclaration') {
      const t = local(stmt.declaration, programPath);
      if (t) exports.default = t;
    } else if (stmt.type === 'ExportAllDeclaration') {
      if (stmt.exported) exports[stmt.exported.name ?? stmt.exported.value] = { kind: 'reexport', source: stmt.source.value, name: '*' };
      else stars.push(stmt.source.value);
    } else if (stmt.type === 'ExpressionStatement' && stmt.expression.type === 'AssignmentExpression') {
      // module.exports = …, module.exports.x = …, exports.x = …
      const { left, right } = stmt.expression;
      const target = cjsTarget(left, programPath);
      if (target === null) continue;
      const t = local(right, programPath);
      if (!t) {
        const spec = requireSpec(right);
        if (spec && target === 'default') stars.push(spec);
        continue;
      }
      if (target === 'default' && t.kind === 'object') for (const [k, fn] of Object.entries(t.members)) exports[k] ??= { kind: 'local', fn };
      exports[target] = t;
    }
  }
  return { exports, stars };
}

function cjsTarget(left: any, scope: NodePath): string | null {
  if (left.type !== 'MemberExpression') return null;
  const ref = resolveExpression(left, scope);
  if (!ref || ref.kind !== 'global') return null;
  const [root, a, b] = ref.path;
  if (root === 'module' && a === 'exports') return ref.path.length === 2 ? 'default' : ref.path.length === 3 ? b! : null;
  if (root === 'exports' && ref.path.length === 2) return a!;
  return null;
}

function requireSpec(node: any): string | null {
  const n = unwrapExpression(node);
  if (isCall(n) && n.callee.type === 'Identifier' && n.callee.name === 'require') return staticString(n.arguments[0]);
  if (isCall(n) && n.callee.type === 'Import') return staticString(n.arguments[0]);
  return null;
}
