import type { RunResult } from '../engine/findings.js';
import type { RuleMeta } from '../engine/rule-api.js';

export interface ReportContext {
  cwd: string;
  color: boolean;
  rules: ReadonlyMap<string, RuleMeta>;
  tool: { name: string; version: string };
}

/** Reporters are dumb: a sorted result and rule metadata in, text out. */
export interface Reporter {
  format(result: RunResult, ctx: ReportContext): string;
}
