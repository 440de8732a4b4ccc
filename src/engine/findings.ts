// Language-neutral result model shared by the engine, the reporters and the
// CLI. Plain data: it crosses worker boundaries and goes into caches as is.

export type Severity = 'error' | 'warning';
export type ConfigSeverity = 'error' | 'warn' | 'off';

export interface TraceStep {
  /** Path relative to the working directory, POSIX separators. */
  file: string;
  line: number;
  column: number;
  /** What happens at this step: "renderTemplate", "fs.readFileSync". */
  label: string;
  /**
   * The whole call this step makes (a helper's call to the next step, the blocking call itself), 1-based with an
   * exclusive end column: where SARIF's code flows point. Absent when the step is a function passing options on.
   */
  region?: Region;
}

/** A span of source: 1-based lines and columns, exclusive end column. */
export interface Region {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export interface Finding {
  ruleId: string;
  severity: Severity;
  /** The observation, with code in backticks. */
  message: string;
  /** An imperative, specific fix. */
  help: string;
  /** Path relative to the working directory, POSIX separators. */
  file: string;
  /** 1-based. */
  line: number;
  /** 1-based, in UTF-16 code units. */
  column: number;
  endLine: number;
  endColumn: number;
  /** Where the flagged code runs, when the rule depends on it; `serves` when a convention says whom it serves. */
  context?: { kind: string; description: string; serves?: 'every-request' | 'request' | 'rare' | 'background' };
  /**
   * How much it matters (high, medium, low): from what the flagged work costs and whether a request waits on it.
   * Rule findings have one; the engine's own diagnostics (parse errors, suppression problems) do not.
   */
  impact?: 'high' | 'medium' | 'low';
  /** A call chain from the flagged node to the root cause (for a finding with `paths`: the first of them). */
  trace?: TraceStep[];
  /**
   * For a root cause reported once where the fix goes (a blocking call reached from hot code through helpers): every
   * path that reaches it, each from the serving code's call down to the root. A suppression comment at a path's first
   * step drops that path; the finding goes when none is left.
   */
  paths?: TraceStep[][];
  /**
   * Stable across line shifts: a hash of the rule, the enclosing function's
   * name and the flagged code's normalised text (plus an occurrence number when
   * the same code is flagged twice in one function). It leaves out the file
   * path, which depends on the working directory: pair it with `file`.
   */
  fingerprint?: string;
}

/** Where a rule's named exemption applied (recorded only when settings ask: tests, `check:exemptions`). */
export interface ExemptionUse {
  ruleId: string;
  /** The exemption's id in the rule's `exemptions`. */
  id: string;
  file: string;
  /** Lines of the node the exemption was applied to. */
  line: number;
  endLine: number;
}

/** A file that was not analyzed, and why (too large, binary, too deeply nested…). */
export interface SkippedFile {
  file: string;
  reason: string;
}

/** A problem of the tool, not of the code: an unreadable file, an internal error. */
export interface ToolError {
  file: string | null;
  message: string;
}

/** Part of a source line kept for code frames: the text from 1-based column `start`. */
export interface ExcerptLine {
  start: number;
  text: string;
}

export interface RunStats {
  filesAnalyzed: number;
  filesSkipped: number;
  errorCount: number;
  warningCount: number;
  suppressedCount: number;
  /** Findings below the impact level reported (`--impact`, config `impact`): not in `findings`, not counted above. */
  belowImpactCount: number;
}

export interface BaselineReport {
  /** The baseline file, relative to the working directory. */
  file: string;
  /** Set when the run wrote the baseline: how many findings it recorded. */
  written?: number;
  /** Findings the baseline already held (not reported). */
  matched: number;
  /** Baseline entries that no longer occur. */
  gone: { ruleId: string; file: string; line: number; message: string; fingerprint: string }[];
}

export interface RunResult {
  findings: Finding[];
  /** When a baseline was applied or written. */
  baseline?: BaselineReport;
  errors: ToolError[];
  skipped: SkippedFile[];
  stats: RunStats;
  /** Source lines around findings, per file and 1-based line, for code frames. */
  excerpts: Record<string, Record<number, ExcerptLine>>;
  /** Named exemptions that applied, when the run traced them. */
  exemptions?: ExemptionUse[];
  /** The lowest impact reported (`low`: everything). */
  minImpact: 'low' | 'medium' | 'high';
}

/** The one constructor of findings: a rule's or a diagnostic's, per file or from the project phase. */
export function createFinding(ruleId: string, severity: Severity, text: { message: string; help: string }, file: string, at: Span): Finding {
  return { ruleId, severity, message: text.message, help: text.help, file, line: at.line, column: at.column, endLine: at.endLine, endColumn: at.endColumn };
}

/** 1-based lines and columns. */
export interface Span {
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}

export function compareFindings(a: Finding, b: Finding): number {
  return (
    cmp(a.file, b.file) ||
    a.line - b.line ||
    a.column - b.column ||
    cmp(a.ruleId, b.ruleId) ||
    cmp(a.message, b.message) ||
    a.endLine - b.endLine ||
    a.endColumn - b.endColumn
  );
}

export function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
