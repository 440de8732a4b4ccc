// SARIF 2.1.0 for GitHub code scanning and other SARIF consumers.
// ruleId is exactly the rule id; URIs are relative to the working directory
// (uriBaseId %SRCROOT%); regions are 1-based with exclusive end columns.
import type * as Sarif from 'sarif';
import type { Finding, TraceStep } from '../engine/findings.js';
import type { RuleMeta } from '../engine/rule-api.js';
import type { Reporter } from './types.js';

export const SARIF_SCHEMA = 'https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json';

function uri(file: string): string {
  return file.split('/').map(encodeURIComponent).join('/');
}

function pascal(id: string): string {
  return id.replace(/(^|-)(\w)/g, (_, __, ch: string) => ch.toUpperCase());
}

function level(sev: 'error' | 'warn'): Sarif.ReportingConfiguration.level {
  return sev === 'error' ? 'error' : 'warning';
}

function ruleDescriptor(meta: RuleMeta): Sarif.ReportingDescriptor {
  const examples = [
    ...meta.docs.bad.map((b) => `Flagged:\n\n\`\`\`ts\n${b.trimEnd()}\n\`\`\``),
    ...meta.docs.good.map((g) => `Not flagged:\n\n\`\`\`ts\n${g.trimEnd()}\n\`\`\``),
  ];
  const details = (meta.docs.details ?? []).map((d) => `- ${d}`).join('\n');
  const exemptions = Object.entries(meta.exemptions ?? {}).map(([id, reason]) => `- \`${id}\`: ${reason}`);
  const text = [meta.docs.why, details, exemptions.length > 0 ? ['Not reported:', ...exemptions].join('\n') : ''].filter(Boolean).join('\n\n');
  return {
    id: meta.id,
    name: pascal(meta.id),
    shortDescription: { text: meta.description },
    fullDescription: { text: meta.docs.why },
    help: { text, markdown: [text, ...examples].join('\n\n') },
    defaultConfiguration: { level: level(meta.severity) },
    properties: { category: meta.category, tags: ['event-loop', 'performance', meta.category], precision: 'high' },
  };
}

function location(file: string, line: number, column: number, endLine: number, endColumn: number, message?: string): Sarif.Location {
  const loc: Sarif.Location = {
    physicalLocation: {
      artifactLocation: { uri: uri(file), uriBaseId: '%SRCROOT%' },
      region: { startLine: line, startColumn: column, endLine, endColumn: Math.max(endColumn, endLine === line ? column + 1 : 1) },
    },
  };
  if (message) loc.message = { text: message };
  return loc;
}

const SARIF_RANK = { high: 90, medium: 50, low: 10 } as const;

function result(f: Finding, ruleIndex: number, baseline: boolean): Sarif.Result {
  const r: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: f.severity === 'error' ? 'error' : 'warning',
    message: { text: `${f.message}. ${f.help}` },
    locations: [location(f.file, f.line, f.column, f.endLine, f.endColumn)],
    properties: {
      help: f.help,
      ...(f.impact ? { impact: f.impact } : {}),
      ...(f.context ? { context: f.context.description, contextKind: f.context.kind } : {}),
    },
  };
  // SARIF's priority (0–100): code scanning sorts by it.
  if (f.impact) r.rank = SARIF_RANK[f.impact];
  // Lets code scanning track a result across commits, whatever lines move around it.
  if (f.fingerprint) r.partialFingerprints = { 'loopguardFingerprint/v1': f.fingerprint };
  if (baseline) r.baselineState = 'new';
  // One code flow per path to the root cause; the related locations are where each path leaves the serving code.
  const paths = f.paths ?? (f.trace && f.trace.length > 0 ? [f.trace] : []);
  if (paths.length > 0) {
    // A step's region is the whole call it makes; a function that only passes options on is marked at its start.
    const at = (s: TraceStep) => {
      const r = s.region;
      return r ? location(s.file, r.line, r.column, r.endLine, r.endColumn, s.label) : location(s.file, s.line, s.column, s.line, s.column + 1, s.label);
    };
    r.relatedLocations = (f.paths ? paths.map((p) => p[0]!) : paths[0]!).map((s, i) => ({ id: i + 1, ...at(s) }));
    r.codeFlows = paths.map((p) => ({ threadFlows: [{ locations: p.map((s) => ({ location: at(s) })) }] }));
  }
  return r;
}

export const sarif: Reporter = {
  format(res, ctx) {
    const metas = [...ctx.rules.values()].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
    const index = new Map(metas.map((m, i) => [m.id, i]));
    const notifications: Sarif.Notification[] = [
      ...res.skipped.map((s): Sarif.Notification => ({
        level: 'note',
        message: { text: `Skipped ${s.file}: ${s.reason}` },
        locations: [{ physicalLocation: { artifactLocation: { uri: uri(s.file), uriBaseId: '%SRCROOT%' } } }],
      })),
      ...res.errors.map((e): Sarif.Notification => ({
        level: 'error',
        message: { text: e.file ? `${e.file}: ${e.message}` : e.message },
        ...(e.file ? { locations: [{ physicalLocation: { artifactLocation: { uri: uri(e.file), uriBaseId: '%SRCROOT%' } } }] } : {}),
      })),
    ];
    const log: Sarif.Log = {
      $schema: SARIF_SCHEMA,
      version: '2.1.0',
      runs: [
        {
          tool: {
            driver: {
              name: ctx.tool.name,
              version: ctx.tool.version,
              semanticVersion: ctx.tool.version,
              informationUri: 'https://www.npmjs.com/package/loopguard',
              rules: metas.map(ruleDescriptor),
            },
          },
          invocations: [{ executionSuccessful: res.errors.length === 0, toolExecutionNotifications: notifications }],
          columnKind: 'utf16CodeUnits',
          results: res.findings.map((f) => result(f, index.get(f.ruleId) ?? -1, !!res.baseline && res.baseline.written === undefined)),
        },
      ],
    };
    return JSON.stringify(log, null, 2) + '\n';
  },
};
