// Walks fixtures/rules/<rule-id>/ and checks every annotated file with only
// that rule enabled (plus the engine's own diagnostics, which must not fire).
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULE_IDS, RULES } from '../src/pipeline/registry.js';
import { compare, formatMismatches, parseAnnotations, pathStarts } from './annotations.js';
import { analyzeFixture, ROOT, sourceFilesUnder } from './helpers.js';

for (const rule of RULES) {
  const dir = path.join(ROOT, 'fixtures', 'rules', rule.id);
  describe(`rule ${rule.id}`, () => {
    const files = sourceFilesUnder(dir);
    it('has fixtures', () => {
      expect(files.length).toBeGreaterThan(0);
    });
    for (const file of files) {
      it(file, async () => {
        const source = fs.readFileSync(path.join(ROOT, file), 'utf8');
        const { expectations, config } = parseAnnotations(file, source, RULE_IDS);
        const { result } = await analyzeFixture(file, [rule.id], config, { exemptions: { trace: true } });
        expect(result.errors).toEqual([]);
        expect(result.skipped).toEqual([]);
        const mismatches = compare(expectations, result.findings, RULE_IDS, result.exemptions, pathStarts(result.findings, file));
        if (mismatches.length > 0) expect.fail('\n' + formatMismatches(file, mismatches));
      });
    }
  });
}
