// Human output, grouped by file. The only module that uses chalk.
import { Chalk } from 'chalk';
import type { Finding, RunResult, TraceStep } from '../engine/findings.js';
import { codeFrame } from './code-frame.js';
import type { Reporter } from './types.js';

export const stylish: Reporter = {
  format(result: RunResult, ctx) {
    const c = new Chalk({ level: ctx.color ? 1 : 0 });
    const out: string[] = [];
    let current: string | null = null;
    for (const f of result.findings) {
      if (f.file !== current) {
        if (current !== null) out.push('');
        current = f.file;
        out.push(c.underline(f.file));
      }
      out.push(formatFinding(f, result, c));
    }
    if (result.findings.length > 0) out.push('');
    for (const s of result.skipped) out.push(`${c.yellow('note')}  skipped ${s.file}: ${s.reason}`);
    for (const e of result.errors) out.push(`${c.red('loopguard error')}  ${e.file ? `${e.file}: ` : ''}${e.message}`);
    if (result.skipped.length > 0 || result.errors.length > 0) out.push('');
    const b = result.baseline;
    if (b && b.written !== undefined) {
      out.push(c.green(`✔ Baseline written to ${b.file}: ${b.written} finding${b.written === 1 ? '' : 's'} recorded`));
      return out.join('\n') + '\n';
    }
    if (b) {
      out.push(c.dim(`${b.matched} finding${b.matched === 1 ? '' : 's'} already in the baseline ${b.file}`));
      if (b.gone.length > 0) {
        out.push(`${b.gone.length} baseline entr${b.gone.length === 1 ? 'y' : 'ies'} no longer found (fixed, or the code changed); refresh with --write-baseline:`);
        for (const g of b.gone) out.push(`  ${g.file}:${g.line}  ${g.ruleId}  ${c.dim(g.message)}`);
      }
    }
    out.push(summary(result, c));
    return out.join('\n') + '\n';
  },
};

/** Paths to a root cause listed under its finding; the rest are counted. */
const SHOWN_PATHS = 3;

function formatFinding(f: Finding, result: RunResult, c: InstanceType<typeof Chalk>): string {
  const sev = f.severity === 'error' ? c.red('error') : c.yellow('warning');
  const impact = f.impact ? `  ${f.impact === 'high' ? c.bold(f.impact) : f.impact === 'low' ? c.dim(f.impact) : f.impact}` : '';
  const lines = [`  ${c.dim(`${f.line}:${f.column}`)}  ${sev}${impact}  ${f.message}  ${c.dim(f.ruleId)}`];
  const chain = (trace: readonly TraceStep[]) => trace.map((s) => `${s.label} (${s.file}:${s.line})`).join(' → ');
  const paths = f.paths ?? (f.trace && f.trace.length > 0 ? [f.trace] : []);
  for (const p of paths.slice(0, SHOWN_PATHS)) lines.push(`      ${c.dim(chain(p))}`);
  if (paths.length > SHOWN_PATHS) lines.push(`      ${c.dim(`… and ${plural(paths.length - SHOWN_PATHS, 'more path')} (all of them: --format json)`)}`);
  lines.push(`      ${c.cyan('help:')} ${f.help}`);
  const frame = codeFrame(f, result.excerpts[f.file], { gutter: (s) => c.dim(s), marker: (s) => c.red(s) });
  if (frame)
    lines.push(
      frame
        .split('\n')
        .map((l) => `    ${l}`)
        .join('\n'),
    );
  return lines.join('\n');
}

function plural(n: number, word: string): string {
  return `${n} ${word}${n === 1 ? '' : 's'}`;
}

function summary(result: RunResult, c: InstanceType<typeof Chalk>): string {
  const { errorCount, warningCount, filesAnalyzed, suppressedCount } = result.stats;
  const total = errorCount + warningCount;
  const files = `${plural(filesAnalyzed, 'file')} analyzed`;
  const below = result.stats.belowImpactCount;
  const lower = result.minImpact === 'high' ? 'medium or low' : 'low';
  const extra =
    (suppressedCount > 0 ? `, ${suppressedCount} suppressed` : '') +
    (below > 0 ? `, ${plural(below, `${lower}-impact finding`)} not shown (--impact low shows them)` : '');
  if (total === 0) return c.green(`✔ No problems (${files}${extra})`);
  const text = `✖ ${plural(total, 'problem')} (${plural(errorCount, 'error')}, ${plural(warningCount, 'warning')}) in ${files}${extra}`;
  return errorCount > 0 ? c.red.bold(text) : c.yellow.bold(text);
}
