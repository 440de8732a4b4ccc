// Paths in a result are relative to the working directory. GitHub resolves
// annotation and SARIF paths against the repository checkout, GitLab Code
// Quality paths against the project's clone, so a run from a subdirectory
// (`working-directory: packages/api`, `cd packages/api`) would point at the
// wrong files: the CLI rebases them onto the checkout under GitHub Actions and
// GitLab CI.
import path from 'node:path';
import type { RunResult, TraceStep } from '../engine/findings.js';

export function rebaseResult(result: RunResult, cwd: string, base: string): RunResult {
  const rel = path.relative(base, cwd);
  if (rel === '' || rel.startsWith('..') || path.isAbsolute(rel)) return result; // same place, or cwd outside the checkout
  const prefix = rel.split(path.sep).join('/');
  const move = (file: string) => path.posix.normalize(`${prefix}/${file}`);
  const moveSteps = (steps: readonly TraceStep[]) => steps.map((s) => ({ ...s, file: move(s.file) }));
  return {
    ...result,
    findings: result.findings.map((f) => ({
      ...f,
      file: move(f.file),
      ...(f.trace ? { trace: moveSteps(f.trace) } : {}),
      ...(f.paths ? { paths: f.paths.map(moveSteps) } : {}),
    })),
    skipped: result.skipped.map((s) => ({ ...s, file: move(s.file) })),
    errors: result.errors.map((e) => (e.file ? { ...e, file: move(e.file) } : e)),
    excerpts: Object.fromEntries(Object.entries(result.excerpts).map(([file, lines]) => [move(file), lines])),
    ...(result.baseline ? { baseline: { ...result.baseline, gone: result.baseline.gone.map((g) => ({ ...g, file: move(g.file) })) } } : {}),
  };
}
