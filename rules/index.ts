// Every rule, alphabetical by id. `id` === file name (checked by test/meta.test.ts).
import type { RuleModule } from '../src/engine/rule-api.js';
import awaitInLoop from './await-in-loop.js';
import blockingCall from './blocking-call.js';
import cpuBound from './cpu-bound.js';
import danglingTask from './dangling-task.js';
import missingTimeout from './missing-timeout.js';
import sequentialAwaits from './sequential-awaits.js';
import unboundedFanOut from './unbounded-fan-out.js';

export const RULES: readonly RuleModule[] = [awaitInLoop, blockingCall, cpuBound, danglingTask, missingTimeout, sequentialAwaits, unboundedFanOut];
