// One line per problem, for editors, problem matchers and grep:
//   src/app.js:4:12: error: `fs.readFileSync` blocks the event loop inside the route handler `GET /a` (medium impact) [blocking-call]
//
// Named `unix` as ESLint and Stylelint name their `file:line:col: message` formatter (Ruff's `concise` is the
// same idea under a Python name; JavaScript users know `--format unix`). The severity is written as GCC, Clang
// and mypy write it, `error:` or `warning:`, so the parsers that already exist for them read it with no
// configuration: Vim's `:compiler gcc` (`%f:%l:%c: %trror: %m`), Emacs' compilation-mode, the `$gcc` problem
// matcher of VS Code's C/C++ extension (`^(.*?):(\d+):(\d*):?\s+(?:fatal\s+)?(warning|error):\s+(.*)$`); a plain
// `%f:%l:%c: %m` takes the rest as the message.
//
// Nothing but problem lines: no colour, code frame, help or summary. ESLint's unix ends with `N problems`, but
// Vim's quickfix keeps a line no pattern matches as an entry of its own, and `| wc -l` should count problems;
// the exit code and the other formats carry the totals. A root cause reached on many paths stays one line (the
// count goes in the note); the impact goes in the note too, where `%m` keeps it.
import type { Finding } from '../engine/findings.js';
import type { Reporter } from './types.js';

export const unix: Reporter = {
  format(result, ctx) {
    // Problems that are no rule's (a file skipped or that could not be read) are tagged with the tool's name.
    const tool = ctx.tool.name;
    const out: string[] = [];
    for (const f of result.findings) out.push(line(f.file, f.line, f.column, f.severity, f.message + note(f), f.ruleId));
    for (const s of result.skipped) out.push(line(s.file, 1, 1, 'warning', `skipped: ${s.reason}`, tool));
    for (const e of result.errors) {
      const message = firstLine(e.message);
      // No file to point at: the line still reads as an error, and no matcher takes it for a location.
      out.push(e.file ? line(e.file, 1, 1, 'error', message, tool) : `${tool}: error: ${message} [${tool}]`);
    }
    return out.map((l) => l + '\n').join('');
  },
};

function line(file: string, lineNo: number, column: number, severity: 'error' | 'warning', message: string, tag: string): string {
  return `${oneLine(file)}:${lineNo}:${column}: ${severity}: ${oneLine(message)} [${tag}]`;
}

function note(f: Finding): string {
  const parts = [...(f.impact ? [`${f.impact} impact`] : []), ...(f.paths && f.paths.length > 1 ? [`${f.paths.length} paths`] : [])];
  return parts.length > 0 ? ` (${parts.join(', ')})` : '';
}

/** Line breaks and other control characters would split a problem or corrupt a terminal: each run becomes a space. */
export function oneLine(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]+/g, ' ');
}

/** A tool error may carry a stack trace: its first line, and where the rest is. */
function firstLine(message: string): string {
  const [head = '', ...rest] = message.replace(/\r\n?/g, '\n').split('\n');
  return rest.some((l) => l.trim() !== '') ? `${head} (the full error: --format json)` : head;
}
