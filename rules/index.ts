// Every rule, alphabetical by id. `id` === file name (checked by test/meta.test.ts).
import type { RuleModule } from '../src/rule-api.js';
import blockingCall from './blocking-call.js';

export const RULES: readonly RuleModule[] = [blockingCall];
