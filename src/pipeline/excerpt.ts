// Source lines kept for code frames: one before, the flagged lines (up to 3),
// one after; long (minified) lines cut to a window around the finding.
import type { ExcerptLine, Finding } from '../engine/findings.js';

const LINE_BREAK = /\r\n|[\r\n\u2028\u2029]/;
const MAX_EXCERPT = 240;

export function excerptFor(source: string, findings: readonly Finding[]): Record<number, ExcerptLine> {
  if (findings.length === 0) return {};
  const lines = source.split(LINE_BREAK);
  const out: Record<number, ExcerptLine> = {};
  for (const f of findings) {
    const last = Math.min(f.endLine, f.line + 2) + 1;
    for (let n = Math.max(1, f.line - 1); n <= Math.min(last, lines.length); n++) {
      if (out[n]) continue;
      const text = lines[n - 1]!;
      if (text.length <= MAX_EXCERPT) out[n] = { start: 1, text };
      else {
        const start = Math.max(1, (n === f.line ? f.column : 1) - 80);
        out[n] = { start, text: text.slice(start - 1, start - 1 + MAX_EXCERPT) };
      }
    }
  }
  return out;
}
