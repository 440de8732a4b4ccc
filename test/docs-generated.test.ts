// Rule documentation is generated from rule metadata (src/cli/rule-docs.ts):
// README.md and docs/rules/*.md must equal what the metadata gives today.
// Regenerate with `npm run docs`.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RuleMeta } from '../src/engine/rule-api.js';
import { readmeRuleSections, RULE_DOCS_DIR, RULE_SECTIONS_MARKERS, rulePage, rulePagePath, updateReadme } from '../src/cli/rule-docs.js';
import { ALL_RULE_METAS } from '../src/pipeline/registry.js';
import { CONFIG_KEYS } from '../src/pipeline/config.js';
import { CONFIG_SCHEMA_PATH, configSchemaText } from '../src/pipeline/config-schema.js';
import { ROOT } from './helpers.js';

const REGENERATE = 'out of date with the rule metadata: run `npm run docs`';

describe('generated rule docs', () => {
  it('README rule sections match the rule metadata', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const [start, end] = RULE_SECTIONS_MARKERS;
    const m = new RegExp(`${start}\\n([\\s\\S]*?)${end}`).exec(readme);
    expect(m, `README.md needs a ${start} … ${end} block`).not.toBeNull();
    expect(m![1], `README.md rule sections are ${REGENERATE}`).toBe(readmeRuleSections());
    expect(updateReadme(readme), `README.md is ${REGENERATE}`).toBe(readme);
  });

  it.each(ALL_RULE_METAS.map((m) => [m.id, m] as const))('docs/rules/%s.md matches the rule metadata', (id, meta) => {
    const file = path.join(ROOT, rulePagePath(id));
    expect(fs.existsSync(file), `${rulePagePath(id)} is missing: run \`npm run docs\``).toBe(true);
    expect(fs.readFileSync(file, 'utf8'), `${rulePagePath(id)} is ${REGENERATE}`).toBe(rulePage(meta));
  });

  it('the config JSON Schema matches the config reader: every key, every rule', () => {
    const file = path.join(ROOT, CONFIG_SCHEMA_PATH);
    expect(fs.readFileSync(file, 'utf8'), `${CONFIG_SCHEMA_PATH} is ${REGENERATE}`).toBe(configSchemaText());
    const schema = JSON.parse(configSchemaText());
    expect(Object.keys(schema.properties).sort()).toEqual(Object.keys(CONFIG_KEYS).sort());
    expect(schema.additionalProperties).toBe(false);
    expect(Object.keys(schema.properties.rules.properties).sort()).toEqual(ALL_RULE_METAS.map((m) => m.id).sort());
    expect(schema.properties.overrides.items.properties.rules.properties).toEqual(schema.properties.rules.properties);
    // Shipped in the package, where `"$schema": "./node_modules/loopguard/docs/loopguard.config.schema.json"` finds it.
    const pkg = JSON.parse(fs.readFileSync(path.join(ROOT, 'package.json'), 'utf8'));
    expect(pkg.files).toContain(CONFIG_SCHEMA_PATH);
  });

  it('has a page only for rules that exist', () => {
    const ids = new Set(ALL_RULE_METAS.map((m) => m.id));
    const pages = fs.readdirSync(path.join(ROOT, RULE_DOCS_DIR));
    const stray = pages.filter((f) => !f.endsWith('.md') || !ids.has(f.slice(0, -'.md'.length)));
    expect(stray, `files in ${RULE_DOCS_DIR}/ for no rule (\`npm run docs\` removes stale pages)`).toEqual([]);
  });

  it.each(ALL_RULE_METAS.map((m) => [m.id, m] as const))('details of %s are a list of one-line points', (_id, meta) => {
    for (const item of meta.docs.details ?? []) {
      expect(item.trim(), 'empty details item').not.toBe('');
      expect(item, 'one line per point').not.toMatch(/\n/);
      expect(item.length, `a point this long is several: ${item.slice(0, 60)}…`).toBeLessThanOrEqual(400);
    }
  });
});

describe('rule page rendering', () => {
  const meta: RuleMeta = {
    id: 'example-rule',
    category: 'concurrency',
    severity: 'warn',
    description: 'An example',
    messages: { found: { message: 'Found `{x}`', help: 'Fix it' } },
    docs: { why: 'Because. It matters. Third sentence.', details: ['One point.', 'Another point.'], bad: ['bad();\n'], good: ['good();\n', 'also();\n'] },
    options: { maxConcurrency: { type: 'number', default: 8, minimum: 1, description: 'at most this many | at once' } },
    exemptions: { 'request-scoped': 'one request at a time cannot flood anything', 'startup-only': 'runs once' },
  };

  it('renders details, exemptions, options and examples', () => {
    const page = rulePage(meta);
    expect(page).toContain('# example-rule\n\nAn example.\n');
    expect(page).toContain('## What it checks\n\n- One point.\n- Another point.\n');
    expect(page).toContain('## Not reported\n');
    expect(page).toContain('- `request-scoped`: one request at a time cannot flood anything\n- `startup-only`: runs once\n');
    expect(page).toContain('| `maxConcurrency` | number (minimum 1) | `8` | at most this many \\| at once |');
    expect(page).toContain('### Flagged\n\n```ts\nbad();\n```');
    expect(page).toContain('### Not flagged (2)\n\n```ts\nalso();\n```');
    expect(page).toContain('loopguard-ignore-next-line example-rule');
  });

  it('leaves out the sections a rule has nothing for', () => {
    const page = rulePage({ ...meta, docs: { ...meta.docs, details: undefined }, options: undefined, exemptions: undefined });
    expect(page).not.toContain('## What it checks');
    expect(page).not.toContain('## Not reported');
    expect(page).not.toContain('## Options');
  });

  it('gives the README a sentence or two of why and a link', () => {
    const section = readmeRuleSections([meta]);
    expect(section).toBe(
      '### example-rule\n\nAn example.\n\nBecause. It matters.\n\nWhat it checks, what it leaves alone, examples: [docs/rules/example-rule.md](docs/rules/example-rule.md).\n',
    );
  });
});
