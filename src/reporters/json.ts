// Machine output. Versioned; tool errors kept apart from findings; no
// timings, so the same input gives the same bytes.
import type { Reporter } from './types.js';

export const JSON_REPORT_VERSION = 1;

export const json: Reporter = {
  format(result, ctx) {
    const report = {
      version: JSON_REPORT_VERSION,
      tool: ctx.tool,
      findings: result.findings.map((f) => ({
        ruleId: f.ruleId,
        severity: f.severity,
        message: f.message,
        help: f.help,
        file: f.file,
        line: f.line,
        column: f.column,
        endLine: f.endLine,
        endColumn: f.endColumn,
        ...(f.impact ? { impact: f.impact } : {}),
        ...(f.context ? { context: f.context } : {}),
        ...(f.trace ? { trace: f.trace } : {}),
        ...(f.paths ? { paths: f.paths } : {}),
        ...(f.fingerprint ? { fingerprint: f.fingerprint } : {}),
      })),
      errors: result.errors,
      skipped: result.skipped,
      stats: result.stats,
      minImpact: result.minImpact,
      ...(result.baseline ? { baseline: result.baseline } : {}),
    };
    return JSON.stringify(report, null, 2) + '\n';
  },
};
