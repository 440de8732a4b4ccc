// Files changed since a git ref, or staged for commit, for `--since` and `--staged` (pull requests, pre-commit).
// loopguard runs git; it never runs the code it analyzes.
import { execFileSync } from 'node:child_process';
import path from 'node:path';
import { UsageError } from './settings.js';

function git(cwd: string, args: string[]): string {
  return execFileSync('git', args, { cwd, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], maxBuffer: 1 << 28 });
}

function succeeds(cwd: string, args: string[]): boolean {
  try {
    git(cwd, args);
    return true;
  } catch {
    return false;
  }
}

/** The working tree root of the repository `dir` is in; `flag` names the option that needs it. */
function repositoryRoot(dir: string, flag: string): string {
  try {
    return git(dir, ['rev-parse', '--show-toplevel']).trim();
  } catch {
    throw new UsageError(`${flag} needs a git repository, and ${dir} is not inside one`);
  }
}

function absolute(root: string, lists: string[]): Set<string> {
  const out = new Set<string>();
  for (const list of lists) for (const rel of list.split('\0')) if (rel) out.add(path.resolve(root, rel));
  return out;
}

/**
 * Absolute paths of files added, copied, modified, renamed or retyped since `ref` (committed or not), plus untracked
 * files that are not ignored. In a repository with no commits yet (its first commit), every file is new.
 */
export function changedSince(dir: string, ref: string): Set<string> {
  const root = repositoryRoot(dir, '--since');
  const untracked = git(root, ['ls-files', '--others', '--exclude-standard', '-z']);
  if (!succeeds(root, ['rev-parse', '--verify', '--quiet', `${ref}^{commit}`])) {
    if (!succeeds(root, ['rev-parse', '--verify', '--quiet', 'HEAD^{commit}'])) return absolute(root, [git(root, ['ls-files', '-z']), untracked]);
    const shallow = git(root, ['rev-parse', '--is-shallow-repository']).trim() === 'true';
    const hint = shallow ? ' (this clone is shallow: fetch the ref first, e.g. `git fetch --depth=1 origin main`)' : '';
    throw new UsageError(`--since: "${ref}" is not a commit, branch or tag in this repository${hint}`);
  }
  return absolute(root, [git(root, ['diff', '--name-only', '-z', '-M', '--diff-filter=ACMRT', ref, '--']), untracked]);
}

/**
 * Absolute paths of the files staged for the next commit (added, copied, modified, renamed or retyped), also for the
 * first commit of a repository: what a pre-commit hook should judge. Untracked and unstaged files are not part of it.
 */
export function stagedFiles(dir: string): Set<string> {
  const root = repositoryRoot(dir, '--staged');
  return absolute(root, [git(root, ['diff', '--cached', '--name-only', '-z', '-M', '--diff-filter=ACMRT', '--'])]);
}
