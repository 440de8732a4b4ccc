// GitLab Code Quality (`artifacts:reports:codequality`): the JSON array of Code Climate issues that the merge
// request widget and the pipeline's Code Quality tab read. One issue per finding:
//   { description, check_name, fingerprint, severity, location: { path, lines: { begin } } }
//
// GitLab tells new issues from fixed ones by fingerprint, so it must stay the same across runs and line shifts
// and differ between findings: a hash of the file, the rule and the finding's own fingerprint (the one SARIF's
// partialFingerprints carry, which leaves the file out), or of the rule, file and message when a finding has
// none. Two findings can share one (the same suppression problem twice in a file): the later ones, in the
// result's sorted order, are rehashed with their occurrence number, as Ruff does.
//
// The merge request widget shows the description and the severity, not check_name (Ruff prepends the code to
// its descriptions for that reason), so the description names the rule, and carries the help. Paths are relative to the working directory; under GitLab CI the CLI makes them relative to
// CI_PROJECT_DIR, the repository root GitLab resolves them against.
import { createHash } from 'node:crypto';
import type { Finding } from '../engine/findings.js';
import type { Reporter } from './types.js';

export type CodeQualitySeverity = 'info' | 'minor' | 'major' | 'critical' | 'blocker';

/**
 * Severity × impact. Error findings rank one step above warnings of the same impact; findings without an impact
 * (loopguard's own: parse errors, suppression problems) rank as medium. `blocker` is never used: loopguard finds
 * slow code, not code that must not merge.
 */
export const CODE_QUALITY_SEVERITY: Readonly<Record<Finding['severity'], Record<NonNullable<Finding['impact']> | 'none', CodeQualitySeverity>>> = {
  error: { high: 'critical', medium: 'major', low: 'minor', none: 'major' },
  warning: { high: 'major', medium: 'minor', low: 'info', none: 'minor' },
};

interface Issue {
  description: string;
  check_name: string;
  fingerprint: string;
  severity: CodeQualitySeverity;
  location: { path: string; lines: { begin: number } };
}

export const gitlab: Reporter = {
  format(result, ctx) {
    const tool = ctx.tool.name;
    const used = new Set<string>();
    const unique = (base: string) => {
      let fp = base;
      for (let n = 1; used.has(fp); n++) fp = hash(base, String(n));
      used.add(fp);
      return fp;
    };
    const issue = (checkName: string, description: string, severity: CodeQualitySeverity, path: string, line: number, identity: string): Issue => ({
      description: `${checkName}: ${description}`,
      check_name: checkName,
      fingerprint: unique(hash(path, checkName, identity)),
      severity,
      location: { path, lines: { begin: line } },
    });
    const issues = result.findings.map((f) =>
      issue(f.ruleId, `${f.message}. ${f.help}`, CODE_QUALITY_SEVERITY[f.severity][f.impact ?? 'none'], f.file, f.line, f.fingerprint ?? f.message),
    );
    // The tool's own problems, so a file left out of the analysis does not pass unseen. A stack trace stays in
    // --format json (its paths differ between machines); a run-wide error has no file, and GitLab needs a path:
    // the repository root.
    for (const e of result.errors) {
      const message = e.message.split(/\r?\n/, 1)[0]!;
      issues.push(issue(tool, message, 'major', e.file ?? '.', 1, message));
    }
    for (const s of result.skipped) issues.push(issue(tool, `skipped: ${s.reason}`, 'info', s.file, 1, s.reason));
    return JSON.stringify(issues, null, 2) + '\n';
  },
};

function hash(...parts: string[]): string {
  return createHash('sha256').update(parts.join('\0')).digest('hex').slice(0, 32);
}
