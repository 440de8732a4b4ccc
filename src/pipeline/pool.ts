// Parallel per-file analysis. The main thread hands out batches of files on
// demand to N worker threads; results land by task index, so the output is the
// same whatever the worker count. A worker that dies has its tasks handed to the
// others, or redone in the main thread when none is left.
import { availableParallelism } from 'node:os';
import { setImmediate as yieldToEvents } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { analyzeSource, type AnalyzeInput, type AnalyzeSettings, type FileResult } from '../engine/analyze-file.js';
import { RULE_IDS } from './registry.js';
import type { SettingsSpec } from './settings.js';

export type TaskOutcome = { ok: FileResult } | { error: string };

/** Below this many files to analyze, threads cost more than they save. */
export const MIN_FILES_FOR_WORKERS = 200;

export function defaultWorkerCount(): number {
  return Math.max(1, availableParallelism());
}

export function analyzeOne(input: AnalyzeInput, settings: AnalyzeSettings): TaskOutcome {
  try {
    return { ok: analyzeSource(input, settings, RULE_IDS) };
  } catch (err) {
    return { error: `internal error: ${(err as Error)?.stack ?? String(err)}` };
  }
}

const WORKER_FILE = new URL('./worker.js', import.meta.url);

/**
 * A worker holds one batch at a time: a small old generation keeps its heap (and
 * the process's peak RSS) from growing with parsing garbage; a larger young
 * generation means fewer scavenges.
 */
const WORKER_LIMITS = { maxYoungGenerationSizeMb: 64, maxOldGenerationSizeMb: 256 };

/** Worker threads need the compiled worker; when running from TypeScript sources (tests), stay in-process. */
function workersAvailable(): boolean {
  return fileURLToPath(WORKER_FILE).endsWith('.js') && import.meta.url.endsWith('.js');
}

export async function analyzeAll(
  inputs: readonly AnalyzeInput[],
  settings: AnalyzeSettings,
  spec: SettingsSpec,
  threads: number,
  onProgress: (done: number) => void,
): Promise<TaskOutcome[]> {
  const results: TaskOutcome[] = new Array(inputs.length);
  let done = 0;
  const record = (i: number, r: TaskOutcome) => {
    results[i] = r;
    done++;
    onProgress(done);
  };
  const runInline = (indexes: readonly number[]) => {
    for (const i of indexes) record(i, analyzeOne(inputs[i]!, settings));
  };
  if (threads <= 1 || inputs.length < 2 || !workersAvailable()) {
    runInline(inputs.map((_, i) => i));
    return results;
  }

  const batchSize = Math.max(1, Math.min(32, Math.ceil(inputs.length / (threads * 8))));
  const queue: number[][] = [];
  for (let i = 0; i < inputs.length; i += batchSize) queue.push(Array.from({ length: Math.min(batchSize, inputs.length - i) }, (_, k) => i + k));

  await new Promise<void>((resolve) => {
    const workers: { worker: Worker; inFlight: Map<number, number[]>; alive: boolean }[] = [];
    let nextBatchId = 0;
    let finished = false;
    // Wakes the main thread's loop when a worker reports (instead of spinning while the queue is empty).
    let wake: (() => void) | null = null;
    const poke = () => {
      const w = wake;
      wake = null;
      w?.();
    };
    const maybeFinish = () => {
      if (!finished && done === inputs.length) {
        finished = true;
        for (const w of workers) void w.worker.terminate();
        resolve();
      }
    };
    const feed = (w: (typeof workers)[number]) => {
      while (w.alive && w.inFlight.size < 2 && queue.length > 0) {
        const batch = queue.shift()!;
        const id = nextBatchId++;
        w.inFlight.set(id, batch);
        w.worker.postMessage({ id, inputs: batch.map((i) => inputs[i]) });
      }
    };
    for (let t = 0; t < threads; t++) {
      const worker = new Worker(WORKER_FILE, { workerData: { spec }, resourceLimits: WORKER_LIMITS });
      const w = { worker, inFlight: new Map<number, number[]>(), alive: true };
      workers.push(w);
      worker.on('message', (msg: { id: number; results: TaskOutcome[] }) => {
        const batch = w.inFlight.get(msg.id);
        if (!batch) return;
        w.inFlight.delete(msg.id);
        batch.forEach((i, k) => record(i, msg.results[k]!));
        feed(w);
        maybeFinish();
        poke();
      });
      const fail = () => {
        if (!w.alive) return;
        w.alive = false;
        // Hand what the worker had to the others (or, with none left, to the main thread).
        for (const batch of w.inFlight.values()) queue.unshift(batch);
        w.inFlight.clear();
        for (const other of workers) feed(other);
        poke();
      };
      worker.on('error', fail);
      worker.on('exit', fail);
      feed(w);
    }
    // The main thread coordinates; it analyzes only when no worker is left (they all died), so its heap holds
    // results, not the garbage of parsing.
    void (async () => {
      while (!finished) {
        const batch = workers.some((w) => w.alive) ? undefined : queue.shift();
        if (batch) {
          runInline(batch);
          maybeFinish();
          await yieldToEvents();
        } else {
          maybeFinish();
          if (!finished) await new Promise<void>((r) => (wake = r));
        }
      }
    })();
  });
  return results;
}
