// Diagnostics the engine itself reports. They have ids, severities and docs
// like rules (so they can be configured, suppressed where that makes sense,
// listed and explained), but no visitor.
import type { RuleMeta } from './rule-api.js';

export const parseError: RuleMeta<'syntax'> = {
  id: 'parse-error',
  category: 'engine',
  severity: 'error',
  description: 'A file that cannot be parsed, so nothing in it could be checked',
  messages: {
    syntax: { message: 'Cannot parse this file: {reason}', help: 'Fix the syntax error; nothing else in this file is checked until it parses' },
  },
  docs: {
    why: 'A file the parser rejects is invisible to every rule. Reporting it as an error keeps a broken or unsupported file from silently passing CI.',
    details: 'Files are parsed with @babel/parser: TypeScript syntax for .ts/.tsx/.mts/.cts, JSX for .js/.jsx/.tsx, legacy decorators everywhere. Files are tried as ES modules first, as CommonJS scripts second, with the current decorators proposal next, and for JavaScript files with Flow syntax last; when none parses cleanly, the attempt that gets furthest is reported.',
    bad: ['const total = ;\n'],
    good: ['const total = 0;\n'],
  },
};

export const invalidSuppression: RuleMeta<'unknownRule' | 'malformed'> = {
  id: 'invalid-suppression',
  category: 'engine',
  severity: 'error',
  description: 'A loopguard-ignore comment that names an unknown rule or is malformed',
  messages: {
    unknownRule: { message: 'Suppression names unknown rule `{ruleId}`', help: 'Use a rule id from `loopguard rules`' },
    malformed: { message: '{problem}', help: '{fix}' },
  },
  docs: {
    why: 'A misspelt rule id silences nothing, so the finding it was meant for keeps failing, or a later real finding is hidden by a comment nobody understands.',
    bad: ['// loopguard-ignore-next-line blocking-cal -- typo\nconst x = 1;\n'],
    good: ['// loopguard-ignore-next-line blocking-call -- read once per deploy\nconst x = 1;\n'],
  },
};

export const unusedSuppression: RuleMeta<'unused'> = {
  id: 'unused-suppression',
  category: 'engine',
  severity: 'warn',
  description: 'A loopguard-ignore comment that silenced nothing (with --report-unused-ignores)',
  messages: {
    unused: { message: 'Suppression of `{ruleId}` silenced nothing', help: 'Remove the suppression (or this rule id from it)' },
  },
  docs: {
    why: 'Stale suppressions hide future findings on their line. Reported only when running with `--report-unused-ignores`.',
    bad: ['// loopguard-ignore-next-line blocking-call -- no longer needed\nconst x = 1;\n'],
    good: ['const x = 1;\n'],
  },
};

export const CORE_RULES: readonly RuleMeta[] = [invalidSuppression, parseError, unusedSuppression];
