// Documentation examples are executable: each `bad` example yields exactly one
// finding of its rule, each `good` example none.
import { describe, expect, it } from 'vitest';
import { analyzeSource, suppress } from '../src/engine/analyze-file.js';
import { defaultConfig } from '../src/pipeline/config.js';
import { ALL_RULE_METAS, RULE_IDS } from '../src/pipeline/registry.js';
import { buildSettings } from '../src/pipeline/run.js';
import { ROOT } from './helpers.js';

function findingsFor(ruleId: string, source: string) {
  const isEngine = ALL_RULE_METAS.find((m) => m.id === ruleId)!.category === 'engine';
  const settings = buildSettings(defaultConfig(ROOT), { onlyRules: isEngine ? undefined : [ruleId], reportUnusedIgnores: true });
  const res = analyzeSource({ file: 'src/example.ts', packagePath: 'src/example.ts', source, script: null }, settings, RULE_IDS);
  const { kept } = suppress(
    res.file,
    res.findings.map((p) => p.finding),
    res.directives,
    res.directiveProblems,
    settings,
    RULE_IDS,
  );
  return kept.filter((f) => f.ruleId === ruleId);
}

describe.each(ALL_RULE_METAS.map((m) => [m.id, m] as const))('docs of %s', (id, meta) => {
  it.each(meta.docs.bad.map((b, i) => [i, b] as const))('bad example %i yields exactly one finding', (_i, source) => {
    expect(findingsFor(id, source)).toHaveLength(1);
  });
  it.each(meta.docs.good.map((g, i) => [i, g] as const))('good example %i yields none', (_i, source) => {
    expect(findingsFor(id, source)).toEqual([]);
  });
});
