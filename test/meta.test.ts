// Conventions every rule follows, checked by walking the registry.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { RULES } from '../rules/index.js';
import { main, rulesMarkdown } from '../src/cli/main.js';
import { CONFIG_KEYS } from '../src/pipeline/config.js';
import { ALL_RULE_METAS, RULE_IDS } from '../src/pipeline/registry.js';
import { parseAnnotations } from './annotations.js';
import { ROOT, sourceFilesUnder } from './helpers.js';

describe('rule registry', () => {
  it('lists every rule file, alphabetically, with id === file name', () => {
    const files = fs
      .readdirSync(path.join(ROOT, 'rules'))
      .filter((f) => f.endsWith('.ts') && f !== 'index.ts')
      .map((f) => f.replace(/\.ts$/, ''))
      .sort();
    expect(RULES.map((r) => r.id)).toEqual(files);
  });

  it.each(RULES.map((r) => [r.id, r] as const))('%s has a fixture folder with at least one expect and one ok', (id) => {
    const files = sourceFilesUnder(path.join(ROOT, 'fixtures', 'rules', id));
    const kinds = new Set<string>();
    for (const f of files) {
      for (const e of parseAnnotations(f, fs.readFileSync(path.join(ROOT, f), 'utf8'), RULE_IDS).expectations) {
        if (e.ruleId === id) kinds.add(e.kind);
      }
    }
    expect([...kinds]).toEqual(expect.arrayContaining(['expect', 'ok']));
  });
});

describe.each(ALL_RULE_METAS.map((m) => [m.id, m] as const))('metadata of %s', (id, meta) => {
  it('has a kebab-case id, a description and docs', () => {
    expect(id).toMatch(/^[a-z]+(-[a-z]+)*$/);
    expect(meta.description.length).toBeGreaterThan(10);
    expect(meta.docs.why.length).toBeGreaterThan(20);
    expect(meta.docs.bad.length).toBeGreaterThan(0);
    expect(meta.docs.good.length).toBeGreaterThan(0);
  });

  it('has camelCase message ids, each with a help; messages have no trailing period', () => {
    for (const [mid, spec] of Object.entries(meta.messages)) {
      expect(mid).toMatch(/^[a-z][a-zA-Z]+$/);
      expect(spec.help.trim().length).toBeGreaterThan(0);
      expect(spec.message).not.toMatch(/\.$/);
    }
  });
});

describe('README', () => {
  it('rules table matches the rule metadata', () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const m = /<!-- rules:start -->\n([\s\S]*?)<!-- rules:end -->/.exec(readme);
    expect(m, 'README.md needs a <!-- rules:start --> … <!-- rules:end --> table').not.toBeNull();
    expect(m![1], 'regenerate with `loopguard rules --format markdown`').toBe(rulesMarkdown());
  });

  it('CLI reference documents every flag --help lists, and every config key', async () => {
    const readme = fs.readFileSync(path.join(ROOT, 'README.md'), 'utf8');
    const table = readme.slice(readme.indexOf('## CLI reference'), readme.indexOf('## Exit codes'));
    let help = '';
    await main(['node', 'loopguard', '--help'], { stdout: { write: (s: string) => (help += s) }, stderr: { write: () => true }, cwd: ROOT, env: {} });
    const flags = [...new Set(help.match(/--[a-z][a-z-]+/g))].filter((f) => f !== '--help');
    expect(flags.length).toBeGreaterThan(15);
    for (const flag of flags) expect(table, `README CLI reference lacks ${flag}`).toMatch(new RegExp(`[\`,] ?${flag}(?![a-z-])`));
    const config = readme.slice(readme.indexOf('## Configuration'), readme.indexOf('## Suppressing'));
    for (const key of Object.keys(CONFIG_KEYS).filter((k) => k !== '$schema')) expect(config, `README config reference lacks ${key}`).toContain('| `' + key + '` |');
  });
});

describe('script files', () => {
  it('classifies seed scripts and CI folders, and leaves look-alikes alone', async () => {
    const { classifyScriptFile } = await import('../src/knowledge/script-files.js');
    for (const f of ['seed.ts', 'prisma/seed-data.ts', 'db/seedUsers.js', 'data.seeds.ts']) expect(classifyScriptFile(f)?.role, f).toBe('migration');
    for (const f of ['.github/actions/check/index.js', 'ci/check-engines.js', '.circleci/notify.ts', 'examples/create-document.ts', 'packages/api/examples/01-send.ts'])
      expect(classifyScriptFile(f)?.role, f).toBe('script');
    for (const f of ['src/seedling.ts', 'src/services/seedless-status.ts', 'src/ci-status.ts', 'src/linkedin.ts']) expect(classifyScriptFile(f), f).toBeNull();
  });
});
