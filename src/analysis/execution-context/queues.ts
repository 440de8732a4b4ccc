// Job queues: BullMQ `new Worker('name', processor)`, Bull/Bee `queue.process('name', fn)`.
import type { Node } from '../../syntax/ast.js';
import type { NodePath } from '../../syntax/walk.js';
import { JOB_DEFINERS, PROCESS_QUEUES, QUEUE_RECEIVER_NAME, QUEUE_WORKERS } from '../../knowledge/frameworks.js';
import { lookup } from '../scope.js';
import { memberPropertyName, refKey, resolveExpression, staticString, unwrapExpression } from '../resolve.js';
import type { ArgumentSignal } from './types.js';

/** `new Worker('emails', processor)`. */
export const queueWorkerProcessor: ArgumentSignal = (site) => {
  if (!site.key || !site.isNew) return null;
  const worker = QUEUE_WORKERS.get(`new ${site.key}()`);
  if (!worker || site.index !== worker.processorIndex) return null;
  const name = staticString(site.call.arguments[0]);
  return site.use('hot', `inside the ${worker.label}${name ? ` \`${name}\`` : ''}`, 'background');
};

/** `queue.process('emails', fn)`: the processor is the last argument. */
export const queueProcessor: ArgumentSignal = (site) => {
  const args = site.call.arguments;
  if (site.method !== 'process' || site.index !== args.length - 1 || !isProcessQueue(site.receiver!, site.callPath)) return null;
  const name = staticString(args[0]);
  return site.use('hot', `inside the queue processor${name ? ` \`${name}\`` : ''}`, 'background');
};

function isProcessQueue(receiver: Node, scope: NodePath): boolean {
  const ref = resolveExpression(receiver, scope);
  if (ref && ref.kind === 'call' && PROCESS_QUEUES.has(refKey(ref))) return true;
  const r = unwrapExpression(receiver);
  const name = r.type === 'Identifier' ? r.name : r.type === 'MemberExpression' ? memberPropertyName(r) : null;
  return !!name && QUEUE_RECEIVER_NAME.test(name);
}

/**
 * `agenda.define('name', handler)`, `boss.work('queue', handler)`: the receiver is an instance of the scheduler's
 * class, made here (`new Agenda(…)`) or received as a parameter typed with it (`function (agenda: Agenda)`).
 */
export const jobDefinition: ArgumentSignal = (site) => {
  const args = site.call.arguments;
  if (!site.method || !site.receiver || site.index !== args.length - 1 || args.length < 2) return null;
  const module = schedulerModule(site.receiver, site.callPath);
  const definer = module ? JOB_DEFINERS.get(module) : undefined;
  if (!definer || definer.method !== site.method) return null;
  const name = staticString(args[0]);
  return site.use('hot', `inside the ${definer.label}${name ? ` \`${name}\`` : ''}`, 'background');
};

/** The module of the scheduler class an expression is an instance of: `new Agenda()`, or a parameter typed `Agenda`. */
function schedulerModule(receiver: Node, scope: NodePath): string | null {
  const ref = resolveExpression(receiver, scope);
  if (ref && ref.kind === 'call' && ref.isNew && ref.callee.kind === 'module') return ref.callee.module;
  const r = unwrapExpression(receiver);
  if (r.type !== 'Identifier') return null;
  const b = lookup(scope, r.name);
  const annotation = b?.kind === 'param' ? (b.id as any).typeAnnotation?.typeAnnotation : null;
  if (annotation?.type !== 'TSTypeReference' || annotation.typeName.type !== 'Identifier') return null;
  const type = lookup(b!.scopePath, annotation.typeName.name);
  return type?.importSource ?? null;
}
