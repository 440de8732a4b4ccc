// The shapes shared by the context analyzer (index.ts) and its recognisers,
// one module per framework or convention.
import type { Node } from '../../syntax/ast.js';
import type { ScriptFile } from '../../knowledge/script-files.js';
import type { Reach } from '../../knowledge/impact.js';
import { isFunctionNode, type NodePath } from '../../syntax/walk.js';
import type { Binding } from '../scope.js';

export type ContextKind = 'hot' | 'startup' | 'script' | 'worker' | 'helper';

export interface ExecutionContext {
  kind: ContextKind;
  /** Reads after an observation: "inside the route handler `POST /upload`". */
  description: string;
  /**
   * Set when the code is hot only because it is in an async function (no
   * handler registration or framework convention says so): the `line:column`
   * of that function. The project phase drops such findings when every caller
   * of the function in the project runs at startup.
   */
  weakFrame?: string;
  /**
   * For hot code, what it serves when a convention says so: `every-request` (middleware, a guard, a per-request hook),
   * `request` (a route handler, a Lambda or Next.js handler: someone is waiting on it) or `background` (a timer, a
   * queue processor, a scheduled job: nobody waits on each run). Unset: an async function or callback whose callers decide (the project phase asks the call graph).
   */
  serves?: Serves;
  /**
   * The convention is only the function's shape (`(req, res)`, a first parameter named as a request): where the project
   * shows it called by other code, it is a helper given the request, and its callers decide whom it serves. The
   * function's `line:column`.
   */
  byShape?: string;
}

/** Whom hot code serves (knowledge/impact.ts): `every-request` for middleware, guards and per-request hooks. */
export type Serves = Reach;

/** What the engine knows about the file before looking at its code. */
export interface FileFacts {
  /** Path relative to the package root (nearest package.json), POSIX. */
  packagePath: string;
  /** When the whole file is a script: what kind, and why. */
  script: ScriptFile | null;
  /** Routes the platform calls on a schedule (vercel.json `crons`): route path → schedule. */
  schedules?: Readonly<Record<string, string>>;
}

/** Next.js file conventions: what a file under `app/` or `pages/` (or `middleware.ts`) is. */
export interface NextFileKind {
  kind: 'route' | 'api' | 'page' | 'middleware';
  route: string;
  /** The route is called on this schedule (a Vercel cron), not by users. */
  schedule?: string;
}

export type NodeOf<T extends Node['type']> = Extract<Node, { type: T }>;
export type FunctionNode = NodeOf<'FunctionDeclaration' | 'FunctionExpression' | 'ArrowFunctionExpression' | 'ObjectMethod' | 'ClassMethod' | 'ClassPrivateMethod'>;
export type CallNode = NodeOf<'CallExpression' | 'OptionalCallExpression' | 'NewExpression'>;

export function isFunctionLike(node: Node | null | undefined): node is FunctionNode {
  return !!node && isFunctionNode(node);
}

/** What a function handed to other code does there. */
export type Effect = 'hot' | 'deferred' | 'startup' | 'worker' | 'inherit';
export interface Use {
  effect: Effect;
  description: string;
  serves?: Serves;
  callPath: NodePath;
  /** For 'inherit': the callee runs the callback synchronously (map, forEach, new Promise…). */
  synchronous?: boolean;
}

/** What a recogniser may ask the analyzer of the file. */
export interface Frames {
  readonly facts: FileFacts;
  readonly next: NextFileKind | null;
  /** The startup folder (`loaders`, `bootstrap`…) the file is in, if any. */
  readonly startupDir: string | null;
  contextOf(path: NodePath): ExecutionContext;
  /** Identifier references to `binding` in this file, in source order. */
  referencesOf(binding: Binding): NodePath[];
  /** Names under which the file exports this function ('default' for a default export). */
  exportNamesOf(fnPath: NodePath): string[];
  isWorkerFile(): boolean;
}

/** A signal about a function's own frame: where its body runs, or null to ask the next signal. */
export type FrameSignal = (fnPath: NodePath, frames: Frames) => ExecutionContext | null;

/** A signal about one export name of a function: `GET` in a Next.js route file, `handler` for Lambda. */
export type ExportSignal = (name: string, frames: Frames) => ExecutionContext | null;

/** A function value passed as an argument: `app.get('/x', fn)`, `setTimeout(fn)`, `new Worker('q', fn)`. */
export interface ArgumentSite {
  callPath: NodePath;
  call: CallNode;
  /** The argument's position. */
  index: number;
  /** The argument: the function, a reference to it, or the wrapper call around it. */
  value: Node;
  isNew: boolean;
  /** The resolved callee (`timers#setTimeout`, `new bullmq#Worker`'s `bullmq#Worker`), or null. */
  key: string | null;
  /** For `receiver.method(…)` with a static method name: the method, else null. */
  method: string | null;
  /** For `receiver.method(…)`: the receiver, else null. */
  receiver: Node | null;
  use(effect: Effect, description: string, serves?: Serves): Use;
  /** A callback the callee runs before it returns (map, forEach, new Promise…): it runs where the call does. */
  synchronous(): Use;
}

/** A signal about a call a function is passed to: its use, or null to ask the next signal. */
export type ArgumentSignal = (site: ArgumentSite) => Use | null;

/** A function value given as an option: `fastify.route({ url, handler })`, `workerpool.worker({ fn })`. */
export interface OptionSite {
  callPath: NodePath;
  call: CallNode;
  /** The position of the options object among the call's arguments. */
  argIndex: number;
  options: NodeOf<'ObjectExpression'>;
  /** The option's name: `handler`, `preHandler`… */
  prop: string;
  /** The resolved callee, or null. */
  key: string | null;
  /** For `receiver.method(…)` with a static method name: the method, else null. */
  method: string | null;
}

export type OptionSignal = (site: OptionSite) => Use | null;
