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
    details: [
      "Reported with the parser's line, column and message; every other file is still analyzed.",
      'Files are parsed with `@babel/parser`: TypeScript syntax for `.ts`/`.tsx`/`.mts`/`.cts`, JSX for `.js`/`.jsx`/`.tsx`, legacy decorators everywhere.',
      'Files are tried as ES modules first, as CommonJS scripts second, with the current decorators proposal next, and for JavaScript files with Flow ' + 'syntax last.',
      'When none parses cleanly, the attempt that gets furthest is reported.',
      'A test file that does not parse (test suites keep deliberately broken files) is skipped with a note, not reported; so is a file nested too ' + 'deeply to parse.',
    ],
    bad: ['const total = ;\n'],
    good: ['const total = 0;\n'],
    howToSuppress:
      'A file that does not parse is not checked, so `loopguard-ignore` comments in it are not applied. Fix the syntax, leave the file out with the ' +
      '`ignore` config key (`"ignore": ["legacy/broken.js"]`), or turn the rule off: `{ "rules": { "parse-error": "off" } }`.',
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
    details: [
      'A `loopguard-ignore-next-line`, `loopguard-ignore-line` or `loopguard-ignore-file` comment that names an unknown rule id.',
      'A directive that names no rule (only a ` -- reason`, or nothing).',
      'A misspelt directive such as `loopguard-disable-line`: a `loopguard-` comment whose word starts with `ignore`, `disable`, `enable`, `suppress`, ' +
        '`skip` or `nocheck` but is none of the three directives.',
      'Other `loopguard-…` comments are not directives and are left alone.',
    ],
    bad: ['// loopguard-ignore-next-line blocking-cal -- typo\nconst x = 1;\n'],
    good: ['// loopguard-ignore-next-line blocking-call -- read once per deploy\nconst x = 1;\n'],
    howToSuppress:
      'The finding is about a suppression comment itself, so no comment silences it: fix the rule id or the directive, or remove the comment. ' +
      'To turn the check off: `{ "rules": { "invalid-suppression": "off" } }`.',
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
    details: [
      'Reported only when running with `--report-unused-ignores`.',
      'Each rule id of a directive counts on its own: `loopguard-ignore-line blocking-call, await-in-loop` where only `blocking-call` fired reports ' +
        '`await-in-loop` as unused.',
      'A directive for a rule that did not run (turned off in the configuration, left out by `--rule`, or a warning rule under `--quiet`) is not ' + 'called unused.',
    ],
    bad: ['// loopguard-ignore-next-line blocking-call -- no longer needed\nconst x = 1;\n'],
    good: ['const x = 1;\n'],
    howToSuppress:
      'The finding is about a suppression comment itself, so no comment silences it: remove the comment (or the rule id from it), or run ' +
      'without `--report-unused-ignores`. To turn the check off: `{ "rules": { "unused-suppression": "off" } }`.',
  },
};

export const CORE_RULES: readonly RuleMeta[] = [invalidSuppression, parseError, unusedSuppression];
