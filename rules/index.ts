// Every rule, alphabetical by id. `id` === file name (checked by test/meta.test.ts).
import type { RuleModule } from '../src/rule-api.js';
import awaitInLoop from './await-in-loop.js';
import blockingCall from './blocking-call.js';
import sequentialAwaits from './sequential-awaits.js';

export const RULES: readonly RuleModule[] = [awaitInLoop, blockingCall, sequentialAwaits];
