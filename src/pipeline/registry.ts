// All rule metadata the tool knows: the rules plus the engine's own diagnostics.
import { RULES } from '../../rules/index.js';
import { CORE_RULES } from '../engine/core-rules.js';
import type { RuleMeta, RuleModule } from '../engine/rule-api.js';

export { RULES, CORE_RULES };

export const ALL_RULE_METAS: readonly RuleMeta[] = [...RULES, ...CORE_RULES].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));

export const RULE_IDS: ReadonlySet<string> = new Set(ALL_RULE_METAS.map((r) => r.id));

export function findRule(id: string): RuleModule | undefined {
  return RULES.find((r) => r.id === id);
}

export function findMeta(id: string): RuleMeta | undefined {
  return ALL_RULE_METAS.find((r) => r.id === id);
}

/** The closest known id, for "did you mean" hints. */
export function suggestRuleId(id: string): string | null {
  return suggestWord(id, RULE_IDS);
}

/** The closest of `known` to a mistyped word, or null when none is close (at most a third of its letters differ). */
export function suggestWord(word: string, known: Iterable<string>): string | null {
  let best: string | null = null;
  let bestDistance = Infinity;
  for (const k of known) {
    const d = editDistance(word, k);
    if (d < bestDistance) {
      bestDistance = d;
      best = k;
    }
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : null;
}

function editDistance(a: string, b: string): number {
  const prev = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let diag = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = prev[j]!;
      prev[j] = Math.min(prev[j]! + 1, prev[j - 1]! + 1, diag + (a[i - 1] === b[j - 1] ? 0 : 1));
      diag = tmp;
    }
  }
  return prev[b.length]!;
}
