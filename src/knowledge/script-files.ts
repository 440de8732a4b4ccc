// Knowledge table: files whose code runs as a script (CLI, build, config,
// tests, migrations), never while a server serves work. Paths are relative to
// the file's package root (the nearest directory with a package.json), in
// POSIX form.

/** Top-level folders of a package that hold command-line or maintenance scripts. */
export const SCRIPT_ROOT_DIRS: ReadonlySet<string> = new Set(['bin', 'scripts', 'script', 'tools']);

/** Folders, at any depth, that hold tests or database migrations and seeds. */
export const SCRIPT_ANY_DIRS: ReadonlySet<string> = new Set([
  'test',
  'tests',
  '__tests__',
  '__mocks__',
  'spec',
  'e2e',
  'cypress',
  'migrations',
  'seeds',
  'seeders',
]);

/** File-name patterns: tests, build/tool configuration, task runners. */
export const SCRIPT_FILE_PATTERNS: readonly { pattern: RegExp; reason: string }[] = [
  { pattern: /\.(test|spec|e2e-spec|e2e|bench)\.[cm]?[jt]sx?$/, reason: 'a test file' },
  { pattern: /\.config\.[cm]?[jt]s$/, reason: 'a configuration file' },
  { pattern: /^\.[\w-]+rc\.[cm]?js$/, reason: 'a configuration file' },
  { pattern: /^(gulpfile|gruntfile|jakefile|knexfile)(\.[\w-]+)?\.[cm]?[jt]s$/i, reason: 'a task-runner or tool file' },
  { pattern: /^webpack(\.[\w-]+)*\.[cm]?js$/, reason: 'a build configuration file' },
  { pattern: /^(jest|vitest)\.(setup|global-setup|teardown)\.[cm]?[jt]s$/, reason: 'a test setup file' },
  { pattern: /^setupTests\.[cm]?[jt]sx?$/, reason: 'a test setup file' },
];

/** Why `relPath` is a script file, or null when it is application code. */
export function scriptFileReason(relPath: string): string | null {
  const parts = relPath.split('/');
  const base = parts[parts.length - 1] ?? '';
  if (parts.length > 1 && SCRIPT_ROOT_DIRS.has(parts[0]!)) return `a script under ${parts[0]}/`;
  for (let i = 0; i < parts.length - 1; i++) {
    if (SCRIPT_ANY_DIRS.has(parts[i]!)) return parts[i] === 'migrations' || parts[i] === 'seeds' || parts[i] === 'seeders' ? `a migration or seed under ${parts[i]}/` : `a test under ${parts[i]}/`;
  }
  for (const { pattern, reason } of SCRIPT_FILE_PATTERNS) if (pattern.test(base)) return reason;
  return null;
}
