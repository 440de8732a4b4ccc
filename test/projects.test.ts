// Runs every fixture project with all rules, from the project folder as a
// user would, and checks each file's annotations.
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { defaultConfig } from '../src/pipeline/config.js';
import { RULE_IDS } from '../src/pipeline/registry.js';
import { runLoopguard } from '../src/pipeline/run.js';
import { compare, formatMismatches, parseAnnotations, pathStarts } from './annotations.js';
import { ROOT, sourceFilesUnder } from './helpers.js';

const projectsDir = path.join(ROOT, 'fixtures', 'projects');
const projects = fs.readdirSync(projectsDir).filter((d) => fs.statSync(path.join(projectsDir, d)).isDirectory());

describe.each(projects)('project %s', (name) => {
  const dir = path.join(projectsDir, name);
  const run = runLoopguard({ cwd: dir, paths: ['.'], config: defaultConfig(dir), impact: 'low', exemptions: { trace: true } });
  const files = sourceFilesUnder(dir).map((f) => path.relative(path.relative(ROOT, dir), f).split(path.sep).join('/'));

  it('reports no tool errors', async () => {
    expect((await run).result.errors).toEqual([]);
  });

  it.each(files)('%s', async (file) => {
    const { result } = await run;
    const source = fs.readFileSync(path.join(dir, file), 'utf8');
    const { expectations } = parseAnnotations(file, source, RULE_IDS);
    const findings = result.findings.filter((f) => f.file === file);
    const mismatches = compare(
      expectations,
      findings,
      RULE_IDS,
      (result.exemptions ?? []).filter((x) => x.file === file),
      pathStarts(result.findings, file),
    );
    if (mismatches.length > 0) expect.fail('\n' + formatMismatches(`fixtures/projects/${name}/${file}`, mismatches));
  });
});
