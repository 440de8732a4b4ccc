// Per-path rule settings (`overrides` in the config): which settings a file takes, and the union every file's
// settings add up to (what the project phase runs with).
import path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import type { ConfigSeverity } from '../engine/findings.js';
import { defaultOptions, type ResolvedConfig, type RuleSetting } from './config.js';

export class Overrides {
  private readonly matchers: Ignore[];
  private readonly memo = new Map<string, Map<string, RuleSetting>>();

  constructor(private readonly config: ResolvedConfig) {
    this.matchers = config.overrides.map((o) => ignore().add(o.files));
  }

  /**
   * The rule settings of one file: the config's `rules`, then each override whose `files` match it (relative to the
   * config's folder), in order. A severity given alone keeps the options set before it. The config's own map when
   * no override applies.
   */
  rulesFor(abs: string): Map<string, RuleSetting> {
    const rel = path.relative(this.config.dir, abs);
    if (this.matchers.length === 0 || rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return this.config.rules;
    const posix = rel.split(path.sep).join('/');
    const applied = this.matchers.flatMap((m, i) => (m.ignores(posix) ? [i] : []));
    if (applied.length === 0) return this.config.rules;
    const key = applied.join(',');
    const known = this.memo.get(key);
    if (known) return known;
    const rules = new Map(this.config.rules);
    for (const i of applied) {
      for (const [id, s] of this.config.overrides[i]!.rules) rules.set(id, { severity: s.severity, options: s.options ?? rules.get(id)?.options ?? defaultOptions(id) });
    }
    this.memo.set(key, rules);
    return rules;
  }

  /** The severities the config sets for this file (overrides applied), or null when the config has no overrides. */
  severities(abs: string): Map<string, ConfigSeverity> | null {
    if (this.config.overrides.length === 0) return null;
    return new Map([...this.rulesFor(abs)].map(([id, s]) => [id, s.severity]));
  }

  /**
   * The settings every file's settings add up to: a rule is on when some override turns it on (with that override's
   * severity and options), for the project phase, whose findings each file's own settings then judge.
   */
  union(): ResolvedConfig {
    if (this.config.overrides.length === 0) return this.config;
    const rules = new Map(this.config.rules);
    for (const o of this.config.overrides) {
      for (const [id, s] of o.rules) {
        if (s.severity === 'off' || (rules.has(id) && rules.get(id)!.severity !== 'off')) continue;
        rules.set(id, { severity: s.severity, options: s.options ?? rules.get(id)?.options ?? defaultOptions(id) });
      }
    }
    return { ...this.config, rules };
  }
}
