// Knowledge table: files whose code runs as a script (CLI, build, config,
// tests, migrations), never while a server serves work.

export type ScriptRole = 'test' | 'script' | 'config' | 'migration';

/** A file that runs as a script, with what kind it is and why we think so. */
export interface ScriptFile {
  role: ScriptRole;
  reason: string;
  /**
   * Decided by a folder name only (`scripts/`, `migrations/`, `build/`, `config/`…): a fallback. The project phase
   * keeps such a file's findings when serving code calls into it (a user-facing importer under `migration/`).
   */
  byFolder?: true;
}

/** Folders at the top of a package or of the working tree that hold continuous-integration code. */
export const CI_DIRS: ReadonlySet<string> = new Set(['ci', '.github', '.circleci', '.buildkite', '.gitlab']);

/** Folders at the top of a package or of the working tree that hold command-line or maintenance scripts. */
export const SCRIPT_ROOT_DIRS: ReadonlySet<string> = new Set(['bin', 'scripts', 'script', 'tools', ...CI_DIRS]);

/** Folders, at any depth, that hold command-line code, scripts, or examples run by hand. */
export const SCRIPT_ANY_DIRS: ReadonlySet<string> = new Set(['bin', 'scripts', 'cli', 'examples', 'example']);

/** Folders, at any depth, that hold database migrations, upgrades and seeds. Any folder or file named `*migrat*` counts too. */
export const MIGRATION_DIRS: ReadonlySet<string> = new Set(['migrations', 'migration', 'upgrades', 'seeds', 'seed', 'seeders', 'seeder']);
const MIGRATION_NAME = /migrat/i;
/** Seed scripts by file name: `seed.ts`, `seed-data.ts`, `seedUsers.js`, `db.seeds.ts`. */
const SEED_FILE = /(?:^|[-_.])seed(?:s|er|ers|ing)?(?=[-_.A-Z]|$)|^seed(?=[A-Z])/;

/** Folders of build-tool integration code (bundler plugins, dev servers) and of configuration, read at startup or build. */
export const BUILD_DIRS: ReadonlySet<string> = new Set(['vite', 'webpack', 'rollup', 'esbuild', 'babel', 'config', 'configs']);

/** One-off scripts named by timestamp: `20210716000000-backfill-revisions.ts`. */
const TIMESTAMPED = /^\d{8,}[-_]/;

// Browser folders and dependencies live in browser.ts; re-exported here for src/pipeline/run.ts.

/** Folders of command implementations, in packages that ship a `bin`. */
export const COMMAND_DIRS: ReadonlySet<string> = new Set(['commands', 'cmds', 'command']);

/**
 * Folder names that hold tests: `test`, `tests`, `__tests__`, `spec`, `e2e`, `cypress`, `__mocks__`, and names built
 * on them such as `test-utils`, `e2e-tests`, `browser-integration-tests`, `tests2`, `testing`.
 */
export const TEST_DIR = /^(?:__tests__|__mocks__|__fixtures__|cypress|playwright|testing)$|(?:^|[-_.])(?:tests?|specs?|e2e)(?:[-_.0-9]|$)/;

/** File-name patterns: tests, build/tool configuration, task runners. */
export const SCRIPT_FILE_PATTERNS: readonly { pattern: RegExp; role: ScriptRole; reason: string }[] = [
  { pattern: /\.(test|spec|e2e-spec|e2e|bench|stories)\.[cm]?[jt]sx?$/, role: 'test', reason: 'a test file' },
  { pattern: /^(jest|vitest|playwright)\.(setup|global-setup|teardown|global-teardown)\.[cm]?[jt]s$/, role: 'test', reason: 'a test setup file' },
  { pattern: /^(global[-_]?setup|global[-_]?teardown|setupTests|test[-_]?setup)\.[cm]?[jt]sx?$/i, role: 'test', reason: 'a test setup file' },
  { pattern: /\.config\.[cm]?[jt]s$/, role: 'config', reason: 'a configuration file' },
  { pattern: /^\.[\w-]+rc\.[cm]?js$/, role: 'config', reason: 'a configuration file' },
  { pattern: /^(gulpfile|gruntfile|jakefile|knexfile)(\.[\w-]+)?\.[cm]?[jt]s$/i, role: 'config', reason: 'a task-runner or tool file' },
  { pattern: /^webpack(\.[\w-]+)*\.[cm]?js$/, role: 'config', reason: 'a build configuration file' },
];

/** Package names of command-line tools, scaffolders and generators: `create-x`, `x-cli`, `x-scripts`, `x-codemod`. */
export const CLI_PACKAGE_NAME = /(?:^|\/)(?:create-[\w.-]+|[\w.-]*-cli|cli|[\w.-]*-scripts?|[\w.-]*-codemods?|[\w.-]*-generator)$/;

/**
 * Imports that make a file a command-line program or build-time code. A module
 * that parses argv with commander or runs a bundler plugin never serves requests.
 */
export const CLI_MODULES: ReadonlySet<string> = new Set([
  'commander',
  'yargs',
  'yargs/yargs',
  'inquirer',
  '@inquirer/prompts',
  'prompts',
  '@clack/prompts',
  'enquirer',
  'cac',
  'meow',
  'sade',
  'clipanion',
  '@oclif/core',
  'listr2',
]);
export const BUILD_MODULES: ReadonlySet<string> = new Set([
  'rollup',
  'webpack',
  'tsup',
  'vite',
  '@babel/core',
  'typedoc',
  'unified',
  'unist-util-visit',
  'gulp',
  'grunt',
  'nitropack',
  '@nuxt/kit',
  '@sveltejs/kit/vite',
  '@vitejs/plugin-react',
]);
/** Module families that are build-time code whatever their member: `@rollup/plugin-*`, `remark-*`, `rehype-*`. */
export const BUILD_MODULE_PREFIXES: readonly string[] = ['@rollup/', 'remark-', 'rehype-'];

/** Does importing `mod` make a file build-time code: one of BUILD_MODULES, or of a family in BUILD_MODULE_PREFIXES? */
export function isBuildModule(mod: string): boolean {
  return BUILD_MODULES.has(mod) || BUILD_MODULE_PREFIXES.some((prefix) => mod.startsWith(prefix));
}

/** Method names of bundler plugin objects (`{ name, resolveId() {…} }`): they run at build time. */
export const BUNDLER_HOOKS: ReadonlySet<string> = new Set([
  'resolveId',
  'load',
  'transform',
  'buildStart',
  'buildEnd',
  'generateBundle',
  'renderChunk',
  'writeBundle',
  'closeBundle',
  'configResolved',
  'configureServer',
  'transformIndexHtml',
  'handleHotUpdate',
  'options',
  'outputOptions',
  'setup',
]);

/** `process` methods only scripts call: a server never exits or changes its working directory while serving. */
export const SCRIPT_PROCESS_CALLS: ReadonlySet<string> = new Set(['exit', 'chdir']);

/** Folders whose modules run at startup (the "loaders" pattern: `loaders/express.ts`). */
export const STARTUP_DIRS: ReadonlySet<string> = new Set(['loaders', 'bootstrap', 'startup']);

/**
 * What kind of script a file is, or null when it is application code.
 * `packagePath` is relative to the nearest package.json, `treePath` to the
 * working directory; folder names are looked for in both, so a nested
 * `test/package.json` does not hide the `test/` folder.
 */
export function classifyScriptFile(packagePath: string, treePath: string = packagePath, packageName: string | null = null, packageHasBin = false): ScriptFile | null {
  const pkg = packagePath.split('/');
  const tree = treePath.split('/').filter((s) => s !== '..' && s !== '.');
  const base = pkg[pkg.length - 1] ?? '';
  const dirs = [...pkg.slice(0, -1), ...tree.slice(0, -1)];
  for (const { pattern, role, reason } of SCRIPT_FILE_PATTERNS) if (role === 'test' && pattern.test(base)) return { role, reason };
  for (const dir of dirs) if (TEST_DIR.test(dir)) return { role: 'test', reason: `a test under ${dir}/` };
  for (const dir of dirs)
    if (MIGRATION_DIRS.has(dir) || MIGRATION_NAME.test(dir)) return { role: 'migration', reason: `a migration or seed under ${dir}/`, byFolder: true };
  if (MIGRATION_NAME.test(base) || TIMESTAMPED.test(base)) return { role: 'migration', reason: 'a migration or one-off script' };
  if (SEED_FILE.test(base.replace(/\.[^.]*$/, ''))) return { role: 'migration', reason: 'a seed script' };
  for (const dir of dirs)
    if (BUILD_DIRS.has(dir))
      return { role: 'script', reason: dir.startsWith('config') ? `configuration code under ${dir}/` : `build-tool code under ${dir}/`, byFolder: true };
  if (packageHasBin) for (const dir of pkg.slice(0, -1)) if (COMMAND_DIRS.has(dir)) return { role: 'script', reason: `a command of a command-line package (${dir}/)` };
  for (const first of [pkg[0], tree[0]]) {
    if (first && first !== base && SCRIPT_ROOT_DIRS.has(first)) return { role: 'script', reason: `a script under ${first}/`, byFolder: true };
  }
  for (const dir of dirs) {
    if (SCRIPT_ANY_DIRS.has(dir) || /-scripts?$/.test(dir)) return { role: 'script', reason: `a script under ${dir}/`, byFolder: true };
  }
  if (packageName && CLI_PACKAGE_NAME.test(packageName)) return { role: 'script', reason: `part of the command-line package \`${packageName}\`` };
  for (const { pattern, role, reason } of SCRIPT_FILE_PATTERNS) if (pattern.test(base)) return { role, reason };
  return null;
}

/** Why a rule leaves alone a file that is a script by its folder only (each rule's `script-folder` exemption). */
export const SCRIPT_FOLDER_REASON =
  'a file that is a script by its folder only (`scripts/`, `migrations/`, `build/`, `config/`…), or that only package.json scripts run (`"release": "node ' +
  'extra/release.mjs"` and the modules only it imports, when none of them serves anything), and that no serving code calls into; the folder alone does not ' +
  'decide: a module there that a handler calls is serving code';

/** Commands that run a source file given as an argument, in package.json scripts (`node extra/release.mjs`, `tsx src/seed.ts`). */
export const SCRIPT_RUNNERS: ReadonlySet<string> = new Set([
  'node',
  'tsx',
  'ts-node',
  'ts-node-esm',
  'babel-node',
  'bun',
  'esno',
  'esrun',
  'vite-node',
  'jiti',
  'zx',
  'nodemon',
]);

/** What separates commands in a package.json script (`a && b`, `a; b`, `a | b`, `a || b`). */
export const SCRIPT_COMMAND_SEPARATOR = /&&|\|\||;|\|/;

/** A shell script a package script runs (`./generate.sh`, `sh scripts/build.sh`): its commands are read like the script's own. */
export const SHELL_SCRIPT_FILE = /\.(?:sh|bash)$/;
/** Shells that run a script file named after them (`bash scripts/x.sh`). */
export const SHELLS: ReadonlySet<string> = new Set(['sh', 'bash', 'zsh', 'dash']);
/** The largest shell script read for commands: larger ones are not scripts a package runs to build or seed. */
export const SHELL_SCRIPT_MAX_BYTES = 256 * 1024;

/** A source file named on a script's command line. */
export const SCRIPT_SOURCE_FILE = /\.(?:[cm]?js|[cm]?ts|tsx|jsx)$/;

/** `NODE_ENV=production` before a command. */
export const ENV_ASSIGNMENT = /^[A-Za-z_][A-Za-z0-9_]*=/;
