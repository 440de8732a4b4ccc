// GitHub Actions workflow commands: each finding becomes an annotation on the
// pull request. `::error file=…,line=…,col=…,endLine=…,endColumn=…,title=rule::message`.
// Escaping follows the runner: in data, % CR LF; in properties also : and ,.
import type { Reporter } from './types.js';

export function escapeData(s: string): string {
  return s.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

export function escapeProperty(s: string): string {
  return escapeData(s).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

export const github: Reporter = {
  format(result) {
    const out: string[] = [];
    for (const f of result.findings) {
      const props = [
        `file=${escapeProperty(f.file)}`,
        `line=${f.line}`,
        `col=${f.column}`,
        `endLine=${f.endLine}`,
        `endColumn=${f.endColumn}`,
        `title=${escapeProperty(f.ruleId)}`,
      ].join(',');
      const trace = f.trace ? `\n${f.trace.map((s) => `${s.label} (${s.file}:${s.line})`).join(' → ')}` : '';
      out.push(`::${f.severity === 'error' ? 'error' : 'warning'} ${props}::${escapeData(`${f.message}${trace}\nhelp: ${f.help}`)}`);
    }
    for (const s of result.skipped) out.push(`::notice file=${escapeProperty(s.file)},title=loopguard::${escapeData(`skipped: ${s.reason}`)}`);
    for (const e of result.errors) {
      const props = [...(e.file ? [`file=${escapeProperty(e.file)}`] : []), 'title=loopguard'].join(',');
      out.push(`::error ${props}::${escapeData(e.message)}`);
    }
    const { errorCount, warningCount, filesAnalyzed } = result.stats;
    out.push(`loopguard: ${errorCount} error(s), ${warningCount} warning(s) in ${filesAnalyzed} file(s)`);
    return out.join('\n') + '\n';
  },
};
