// JUnit XML, for the test reports of CI servers (Jenkins `junit`, GitLab `artifacts:reports:junit`, Azure
// Pipelines, CircleCI): a <testsuite> per file with problems, a <testcase> per finding holding a
// <failure type="error|warning">, counts on every suite and on <testsuites>.
//
// As ESLint's junit formatter: the suite is named by the file, a case's classname is the path without its
// extension (Jenkins splits a classname at its last dot), warnings fail too (--quiet drops them). Unlike it:
// - Files without findings get no passing case. The result lists findings, not files, and with --since,
//   --staged or a baseline most analyzed files are not reported on: a passing case would claim a check nobody
//   looked at. A run with no problem at all is one passing case, as Ruff's junit output does, because Jenkins
//   fails a build whose report holds no test.
// - A file loopguard could not read is an <error>, a skipped file a <skipped> case: JUnit's own words.
// - Text is escaped, never CDATA (which cannot hold `]]>`), and characters XML 1.0 forbids (most control
//   characters, lone surrogates, U+FFFE, U+FFFF) become U+FFFD.
// - Cases are named `rule-id at line:col`: Jenkins and GitLab key a case's history by classname and name.
import { cmp, type Finding, type RunResult, type TraceStep } from '../engine/findings.js';
import type { Reporter } from './types.js';

interface Case {
  name: string;
  file: string | null;
  line?: number;
  /** The child element (failure, error, skipped), or nothing for a passing case. */
  outcome?: { tag: 'failure' | 'error' | 'skipped'; type?: string; message: string; text?: string };
}

export const junit: Reporter = {
  format(result, ctx) {
    const tool = ctx.tool.name;
    const suites = new Map<string | null, Case[]>();
    const add = (file: string | null, c: Case) => {
      let list = suites.get(file);
      if (!list) suites.set(file, (list = []));
      list.push(c);
    };
    for (const f of result.findings) {
      add(f.file, {
        name: `${f.ruleId} at ${f.line}:${f.column}`,
        file: f.file,
        line: f.line,
        outcome: { tag: 'failure', type: f.severity, message: f.message, text: details(f) },
      });
    }
    for (const e of result.errors) {
      // The message attribute is a summary; a stack trace goes in the text.
      const message = e.message.split(/\r?\n/, 1)[0]!;
      add(e.file, { name: tool, file: e.file, outcome: { tag: 'error', type: tool, message, text: e.message } });
    }
    for (const s of result.skipped) add(s.file, { name: tool, file: s.file, outcome: { tag: 'skipped', message: s.reason } });
    if (result.findings.length === 0 && result.errors.length === 0) add(null, { name: 'no problems', file: null });

    // Files in path order; problems of the run itself (no file) last.
    const order = [...suites.keys()].sort((a, b) => (a === null ? 1 : b === null ? -1 : cmp(a, b)));
    const total = { tests: 0, failures: 0, errors: 0, skipped: 0 };
    const body: string[] = [];
    for (const file of order) {
      const cases = suites.get(file)!;
      const counts = countsOf(cases);
      for (const k of Object.keys(total) as (keyof typeof total)[]) total[k] += counts[k];
      body.push(`  <testsuite name="${xmlAttr(file ?? tool)}"${countAttrs(counts)}>`);
      const seen = new Map<string, number>();
      for (const c of cases) {
        // Two findings of one rule at one place (different messages) still get distinct names.
        const n = (seen.get(c.name) ?? 0) + 1;
        seen.set(c.name, n);
        body.push(caseXml(c, n === 1 ? c.name : `${c.name} (${n})`, file === null ? tool : classname(file)));
      }
      body.push('  </testsuite>');
    }
    return ['<?xml version="1.0" encoding="UTF-8"?>', `<testsuites name="${xmlAttr(tool)}"${countAttrs(total)}>`, ...body, '</testsuites>', ''].join('\n');
  },
};

function countsOf(cases: readonly Case[]) {
  return {
    tests: cases.length,
    failures: cases.filter((c) => c.outcome?.tag === 'failure').length,
    errors: cases.filter((c) => c.outcome?.tag === 'error').length,
    skipped: cases.filter((c) => c.outcome?.tag === 'skipped').length,
  };
}

function countAttrs(c: ReturnType<typeof countsOf>): string {
  // time is always 0: no timings, so the same input gives the same bytes.
  return ` tests="${c.tests}" failures="${c.failures}" errors="${c.errors}" skipped="${c.skipped}" time="0"`;
}

function caseXml(c: Case, name: string, className: string): string {
  const where = c.file === null ? '' : ` file="${xmlAttr(c.file)}"${c.line ? ` line="${c.line}"` : ''}`;
  const open = `    <testcase name="${xmlAttr(name)}" classname="${xmlAttr(className)}"${where} time="0"`;
  const o = c.outcome;
  if (!o) return `${open}/>`;
  const attrs = `${o.type ? ` type="${xmlAttr(o.type)}"` : ''} message="${xmlAttr(o.message)}"`;
  const child = o.text === undefined ? `<${o.tag}${attrs}/>` : `<${o.tag}${attrs}>${xmlText(o.text)}</${o.tag}>`;
  return `${open}>\n      ${child}\n    </testcase>`;
}

/** The failure's text: where, what, the fix and every path to a root cause. */
function details(f: Finding): string {
  const lines = [`${f.file}:${f.line}:${f.column}: ${f.severity}: ${f.message} [${f.ruleId}]`];
  if (f.impact) lines.push(`impact: ${f.impact}`);
  lines.push(`help: ${f.help}`);
  const chain = (steps: readonly TraceStep[]) => steps.map((s) => `${s.label} (${s.file}:${s.line})`).join(' → ');
  if (f.paths && f.paths.length > 1) lines.push(`paths (${f.paths.length}):`, ...f.paths.map((p) => `  ${chain(p)}`));
  else if (f.trace && f.trace.length > 0) lines.push(`path: ${chain(f.trace)}`);
  return lines.join('\n');
}

/** `src/routes/users` for `src/routes/users.ts`, as ESLint names the class. */
function classname(file: string): string {
  return file.replace(/(?<=[^/])\.[^./]*$/, '');
}

/** Characters XML 1.0 does not allow anywhere, even escaped (§2.2): most C0 controls, lone surrogates, U+FFFE/F. */
const FORBIDDEN = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

export function xmlText(s: string): string {
  return s.replace(FORBIDDEN, '\uFFFD').replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/\r/g, '&#13;');
}

/** Also quotes, and the whitespace a parser would otherwise normalise to spaces in an attribute. */
export function xmlAttr(s: string): string {
  return xmlText(s).replace(/"/g, '&quot;').replace(/'/g, '&apos;').replace(/\n/g, '&#10;').replace(/\t/g, '&#9;');
}
