// A small code frame from the excerpt lines the engine kept:
//     13 |   app.post('/upload', (req, res) => {
//   > 14 |     const data = fs.readFileSync(req.body.path);
//        |                  ^^^^^^^^^^^^^^^
import type { ExcerptLine, Finding } from '../engine/findings.js';

export interface FrameStyle {
  gutter(s: string): string;
  marker(s: string): string;
}

const PLAIN: FrameStyle = { gutter: (s) => s, marker: (s) => s };

export function codeFrame(f: Finding, lines: Record<number, ExcerptLine> | undefined, style: FrameStyle = PLAIN): string {
  if (!lines || !lines[f.line]) return '';
  const first = Math.max(1, f.line - 1);
  const last = f.line + 1;
  const width = String(last).length;
  const out: string[] = [];
  for (let n = first; n <= last; n++) {
    const ex = lines[n];
    if (!ex) continue;
    const prefix = ex.start > 1 ? '…' : '';
    const text = prefix + ex.text.replace(/\s+$/, '');
    const isTarget = n === f.line;
    out.push(`${isTarget ? style.marker('>') : ' '} ${style.gutter(`${String(n).padStart(width)} |`)}${text ? ' ' + text : ''}`);
    if (isTarget) {
      // Columns are relative to the kept part of the line.
      const col = Math.max(1, f.column - ex.start + 1) + prefix.length;
      const endCol = f.endLine === f.line ? Math.max(f.endColumn - ex.start + 1 + prefix.length, col + 1) : text.length + 1;
      const lead = text.slice(0, col - 1).replace(/[^\t]/g, ' ');
      const span = Math.max(1, Math.min(endCol, text.length + 1) - col);
      out.push(`  ${style.gutter(`${' '.repeat(width)} |`)} ${lead}${style.marker('^'.repeat(span))}`);
    }
  }
  return out.join('\n');
}
