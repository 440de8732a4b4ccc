// Files changed since a git ref, for `--since` (pull requests, pre-commit).
// loopguard runs git; it never runs the code it analyzes.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from './settings.js';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

/**
 * Absolute paths of files added, copied, modified, renamed or retyped since
 * `ref` (committed or not), plus untracked files that are not ignored.
 */
export function changedSince(cwd: string, ref: string): Set<string> {
  let root: string;
  try {
    root = git(cwd, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new UsageError(`--since needs a git repository, and ${cwd} is not inside one`);
  }
  try {
    git(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`]);
  } catch {
    throw new UsageError(`--since: "${ref}" is not a commit, branch or tag in this repository (fetch it first in shallow CI clones)`);
  }
  const changed = git(root, ['diff', '--name-only', '-z', '-M', '--diff-filter=ACMRT', ref, '--']).split('\0');
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z']).split('\0');
  const out = new Set<string>();
  for (const rel of [...changed, ...untracked]) if (rel) out.add(path.resolve(root, rel));
  return out;
}
