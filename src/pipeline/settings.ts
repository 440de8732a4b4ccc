// Analysis settings: what rules run, at what severity, with which knowledge.
// Built from plain data (a SettingsSpec) so worker threads can rebuild them,
// and hashed into cache keys.
import { createHash } from 'node:crypto';
import type { ActiveRule, AnalyzeSettings } from '../engine/analyze-file.js';
import type { ResolvedConfig, RuleSetting } from './config.js';
import type { Severity } from '../engine/findings.js';
import { createBlockingCatalog } from '../analysis/blocking-catalog.js';
import { CORE_RULES, RULES, suggestRuleId } from './registry.js';
import { severityOf } from '../engine/rule-api.js';
import { BUILD_ID } from './version.js';

/** A problem with how loopguard was called: exit code 2. */
export class UsageError extends Error {}

export interface SettingsOptions {
  onlyRules?: readonly string[];
  reportUnusedIgnores?: boolean;
  quiet?: boolean;
  exemptions?: { disabled?: readonly string[]; trace?: boolean };
  /** Summarise files for the project phase even when no rule of theirs runs (another file's settings may need them). */
  summaries?: boolean;
}

/** Everything settings are built from, as plain data. */
export interface SettingsSpec {
  rules: [string, RuleSetting][];
  blocking: ResolvedConfig['blocking'];
  options: SettingsOptions;
}

export function settingsSpec(config: ResolvedConfig, options: SettingsOptions): SettingsSpec {
  return {
    rules: [...config.rules.entries()],
    blocking: config.blocking,
    options: {
      onlyRules: options.onlyRules ? [...options.onlyRules] : undefined,
      reportUnusedIgnores: !!options.reportUnusedIgnores,
      quiet: !!options.quiet,
      ...(options.summaries ? { summaries: true } : {}),
      ...(options.exemptions ? { exemptions: { disabled: [...(options.exemptions.disabled ?? [])].sort(), trace: !!options.exemptions.trace } } : {}),
    },
  };
}

/** Changes whenever an analysis result could change: loopguard's own code and the settings. */
export function settingsKey(spec: SettingsSpec): string {
  return createHash('sha256').update(BUILD_ID).update('\0').update(JSON.stringify(spec)).digest('hex').slice(0, 32);
}

export function buildSettingsFromSpec(spec: SettingsSpec): AnalyzeSettings {
  const ruleSettings = new Map(spec.rules);
  const options = spec.options;
  let only: Set<string> | null = null;
  if (options.onlyRules && options.onlyRules.length > 0) {
    only = new Set();
    for (const id of options.onlyRules) {
      if (!RULES.some((r) => r.id === id)) {
        const hint = suggestRuleId(id);
        throw new UsageError(`--rule: unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}. Run \`loopguard rules\` for the list`);
      }
      only.add(id);
    }
  }
  const rules: ActiveRule[] = [];
  for (const rule of RULES) {
    const setting = ruleSettings.get(rule.id);
    let sev = setting?.severity ?? rule.severity;
    if (only) {
      if (!only.has(rule.id)) continue;
      if (sev === 'off') sev = rule.severity;
    }
    if (sev === 'off') continue;
    if (options.quiet && sev === 'warn') continue;
    const defaults: Record<string, unknown> = {};
    for (const [k, s] of Object.entries(rule.options ?? {})) defaults[k] = s.default;
    rules.push({ rule, severity: severityOf(sev), options: setting?.options ?? defaults, ...(setting ? { configured: true } : {}) });
  }
  const coreSeverity = new Map<string, Severity>();
  for (const meta of CORE_RULES) {
    if (meta.id === 'unused-suppression' && !options.reportUnusedIgnores) continue;
    const sev = ruleSettings.get(meta.id)?.severity ?? meta.severity;
    if (sev === 'off' || (options.quiet && sev === 'warn')) continue;
    coreSeverity.set(meta.id, severityOf(sev));
  }
  return {
    rules,
    knowledge: { blocking: createBlockingCatalog(spec.blocking) },
    coreSeverity,
    reportUnusedIgnores: !!options.reportUnusedIgnores,
    // Summaries feed the project model (the call graph, browser-only and forked-only files) every rule's findings depend on.
    summaries: rules.length > 0 || !!options.summaries,
    exemptions: { disabled: new Set(options.exemptions?.disabled ?? []), trace: !!options.exemptions?.trace },
  };
}

export function buildSettings(config: ResolvedConfig, options: SettingsOptions): AnalyzeSettings {
  return buildSettingsFromSpec(settingsSpec(config, options));
}
