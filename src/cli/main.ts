// Command line: flags → options, pick a reporter, write output, exit code.
//   0  no error-severity findings (and warnings within --max-warnings)
//   1  error findings, or more warnings than --max-warnings
//   2  usage or config error, or loopguard itself failed on some file
import { IMPACTS, type Impact } from '../knowledge/impact.js';
import fs from 'node:fs';
import path from 'node:path';
import { Command, CommanderError, InvalidArgumentError, Option } from 'commander';
import { DEFAULT_BASELINE } from '../pipeline/baseline.js';
import { defaultCacheDir } from '../pipeline/cache.js';
import { ConfigError } from '../pipeline/config.js';
import { ALL_RULE_METAS, findMeta, suggestRuleId, suggestWord } from '../pipeline/registry.js';
import { REPORTERS } from '../reporters/index.js';
import { rebaseResult } from '../reporters/rebase.js';
import type { RuleMeta } from '../engine/rule-api.js';
import { effectiveConfig, runLoopguard, UsageError } from '../pipeline/run.js';
import { TOOL, VERSION } from '../pipeline/version.js';
import { rulesMarkdown } from './rule-docs.js';

export { rulesMarkdown };

export interface CliIO {
  /** Reads all of standard input (for `--stdin`). */
  readStdin?: () => string;
  stdout: { write(s: string): unknown; isTTY?: boolean };
  stderr: { write(s: string): unknown; isTTY?: boolean };
  cwd: string;
  env: Record<string, string | undefined>;
}

interface ScanFlags {
  since?: string;
  staged?: boolean;
  stdin?: boolean;
  stdinFilename?: string;
  printConfig?: string;
  baseline?: string | true;
  writeBaseline?: string | true;
  failOn: FailOn;
  workers?: number;
  cache: boolean;
  cacheLocation?: string;
  format: string;
  outputFile?: string;
  maxWarnings?: number;
  quiet?: boolean;
  color?: boolean;
  config?: string;
  rule?: string[];
  ignore: boolean;
  reportUnusedIgnores?: boolean;
  impact?: Impact;
}

const FORMATS = [...REPORTERS.keys()];
const COMMANDS = ['rules', 'explain', 'lsp'];

/** Severities as the config writes them (ESLint's `warn`), with the long form accepted as an alias. */
type FailOn = 'error' | 'warn' | 'none';
const FAIL_ON: Readonly<Record<string, FailOn>> = { error: 'error', warn: 'warn', warning: 'warn', none: 'none' };

export async function main(argv: readonly string[], io: CliIO = processIO()): Promise<number> {
  let exitCode = 0;
  const program = new Command('loopguard');
  program
    .description('Find code that stalls the Node.js event loop: blocking calls where they hurt, and more.')
    .version(VERSION, '-v, --version', 'print the version')
    .helpOption('-h, --help', 'show help')
    .argument('[paths...]', 'files and directories to analyze (default: the current directory)')
    .addOption(new Option('-f, --format <format>', 'output format').choices(FORMATS).default('stylish'))
    .option('-o, --output-file <path>', 'write the report to this file instead of stdout')
    .option('--max-warnings <n>', 'exit with code 1 when there are more warnings than this', parseMaxWarnings)
    .addOption(
      new Option('--fail-on <level>', 'exit with code 1 on findings of at least this severity: error, warn (or warning), none').argParser(parseFailOn).default('error'),
    )
    .addOption(
      new Option('--impact <level>', 'report findings of at least this impact; low shows everything (default: medium, or the config "impact")').choices([...IMPACTS]),
    )
    .option('--since <git-ref>', 'report only files changed since this ref, plus untracked ones (the whole project is still analyzed)')
    .addOption(new Option('--staged', 'report only files staged for commit, as a pre-commit hook should (the whole project is still analyzed)').conflicts('since'))
    .option('--baseline [file]', `report only findings not in this baseline (default: ${DEFAULT_BASELINE} at the project root)`)
    .addOption(
      new Option('--write-baseline [file]', `record the current findings as the baseline (default: ${DEFAULT_BASELINE} at the project root)`).conflicts([
        'since',
        'staged',
        'baseline',
      ]),
    )
    .option('--stdin', 'analyze the text on standard input as the file --stdin-filename names, with the rest of the project from disk; report that file only')
    .option('--stdin-filename <path>', 'the path the --stdin text stands for (default: <stdin>.ts in the working directory)')
    .option('--quiet', 'report errors only (warning-level rules do not run)')
    .option('--color', 'force colored output')
    .option('--no-color', 'disable colored output (NO_COLOR and FORCE_COLOR are honoured too)')
    .option('-c, --config <path>', 'use this config file (loopguard.config.json or a package.json)')
    .option('--print-config <file>', 'print the settings this file is analyzed with (config, overrides, rules) as JSON, and exit')
    .option('--rule <ids...>', 'run only these rules (repeatable or comma-separated)')
    .option('--no-ignore', 'do not apply .gitignore files or the config "ignore" patterns')
    .option('--report-unused-ignores', 'report loopguard-ignore comments that silence nothing')
    .option('--workers <n>', 'threads for per-file analysis (1 = in-process; default: all cores, small runs in-process)', parseWorkers)
    .option('--no-cache', 'do not read or write the result cache')
    .option('--cache-location <dir>', 'where to keep the result cache (default: node_modules/.cache/loopguard)')
    .enablePositionalOptions()
    .showHelpAfterError('(run loopguard --help for usage)')
    .exitOverride()
    .configureOutput({ writeOut: (s) => io.stdout.write(s), writeErr: (s) => io.stderr.write(s) })
    .addHelpText(
      'after',
      `
Exit codes: 0 no errors, 1 findings at or above --fail-on (default: error) or too many warnings,
2 usage/config error or internal failure.`,
    )
    .action(async (paths: string[], flags: ScanFlags) => {
      exitCode = await scan(paths, flags, io);
    });

  program
    .command('rules')
    .description('list rules and their default severity')
    .addOption(new Option('-f, --format <format>', 'output format').choices(['text', 'json', 'markdown']).default('text'))
    .exitOverride()
    .action((flags: { format: string }) => {
      if (flags.format === 'json') io.stdout.write(JSON.stringify(rulesJson(), null, 2) + '\n');
      else if (flags.format === 'markdown') io.stdout.write(rulesMarkdown());
      else io.stdout.write(rulesTable());
    });

  program
    .command('explain')
    .description("print a rule's documentation: why it matters, what it flags, what it does not")
    .argument('<rule-id>', 'the rule to explain')
    .exitOverride()
    .action((id: string) => {
      const meta = findMeta(id);
      if (!meta) {
        const hint = suggestRuleId(id);
        io.stderr.write(`loopguard: unknown rule "${id}"${hint ? ` (did you mean "${hint}"?)` : ''}. Run \`loopguard rules\` for the list.\n`);
        exitCode = 2;
        return;
      }
      io.stdout.write(explain(meta));
    });

  program
    .command('lsp')
    .description('run the language server (LSP over stdio) for editors')
    .option('--stdio', 'talk over standard input and output (the default and only transport)')
    .exitOverride()
    .action(async () => {
      const { startServer } = await import('../lsp/server.js');
      startServer();
    });

  try {
    await program.parseAsync([...argv], { from: 'node' });
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') return 0;
      return 2;
    }
    io.stderr.write(`loopguard: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 2;
  }
  return exitCode;
}

async function scan(paths: string[], flags: ScanFlags, io: CliIO): Promise<number> {
  if (flags.printConfig !== undefined) return printConfig(flags.printConfig, flags, io);
  let output;
  const progress = new Progress(io);
  if (flags.stdinFilename !== undefined && !flags.stdin) {
    io.stderr.write('loopguard: --stdin-filename names the text given with --stdin; add --stdin\n');
    return 2;
  }
  let overlays: Map<string, string> | undefined;
  if (flags.stdin) {
    const abs = path.resolve(io.cwd, flags.stdinFilename ?? '<stdin>.ts');
    try {
      overlays = new Map([[abs, (io.readStdin ?? readStdin)()]]);
    } catch (err) {
      io.stderr.write(`loopguard: --stdin: cannot read standard input (${(err as NodeJS.ErrnoException).code ?? String(err)})\n`);
      return 2;
    }
  }
  try {
    output = await runLoopguard({
      cwd: io.cwd,
      paths,
      configPath: flags.config,
      onlyRules: (flags.rule ?? [])
        .flatMap((r) => r.split(','))
        .map((r) => r.trim())
        .filter(Boolean),
      noIgnore: !flags.ignore,
      reportUnusedIgnores: flags.reportUnusedIgnores,
      quiet: flags.quiet,
      workers: flags.workers,
      since: flags.since,
      staged: flags.staged,
      ...(overlays ? { overlays, reportOnly: new Set(overlays.keys()) } : {}),
      impact: flags.impact,
      baseline: flags.baseline,
      writeBaseline: flags.writeBaseline,
      cache: flags.cache ? path.resolve(io.cwd, flags.cacheLocation ?? defaultCacheDir(io.cwd)) : false,
      onProgress: (done, total) => progress.update(done, total),
    });
    progress.clear();
  } catch (err) {
    progress.clear();
    if (err instanceof ConfigError) {
      io.stderr.write(`loopguard: config error: ${err.message}\n`);
      return 2;
    }
    if (err instanceof UsageError) {
      io.stderr.write(`loopguard: ${err.message}${commandHint(paths, io.cwd)}\n`);
      return 2;
    }
    io.stderr.write(`loopguard: internal error: ${(err as Error)?.stack ?? String(err)}\n`);
    return 2;
  }
  const { result, rules } = output;
  // Nothing given, nothing found: say so (a CI step run from the wrong folder passes silently otherwise).
  if (paths.length === 0 && result.stats.filesAnalyzed === 0) {
    io.stderr.write(`loopguard: warning: no JavaScript or TypeScript files to analyze in ${io.cwd} (give the folders or globs to analyze)\n`);
  }
  const toFile = !!flags.outputFile;
  const color = useColor(flags.color, io, toFile);
  const reporter = REPORTERS.get(flags.format)!;
  const checkout = checkoutRoot(flags.format, io.env);
  const shown = checkout ? rebaseResult(result, io.cwd, checkout) : result;
  const text = reporter.format(shown, { cwd: io.cwd, color, rules, tool: TOOL });
  if (toFile) {
    const target = path.resolve(io.cwd, flags.outputFile!);
    try {
      fs.mkdirSync(path.dirname(target), { recursive: true });
      fs.writeFileSync(target, text);
    } catch (err) {
      io.stderr.write(`loopguard: cannot write ${flags.outputFile}: ${(err as NodeJS.ErrnoException).code ?? String(err)}\n`);
      return 2;
    }
    const { errorCount, warningCount, filesAnalyzed } = result.stats;
    io.stderr.write(`loopguard: ${errorCount} error(s), ${warningCount} warning(s) in ${filesAnalyzed} file(s); ${flags.format} report written to ${flags.outputFile}\n`);
  } else {
    io.stdout.write(text);
  }
  if (result.errors.length > 0) return 2;
  if (flags.writeBaseline) return 0;
  const { errorCount, warningCount } = result.stats;
  if (flags.failOn !== 'none' && errorCount > 0) return 1;
  if (flags.failOn === 'warn' && warningCount > 0) return 1;
  if (flags.maxWarnings !== undefined && flags.maxWarnings >= 0 && warningCount > flags.maxWarnings) {
    io.stderr.write(`loopguard: too many warnings (${warningCount}); the maximum allowed is ${flags.maxWarnings}.\n`);
    return 1;
  }
  return 0;
}

/**
 * Where the CI service resolves the report's paths, when it is not the working directory: GitHub reads annotations
 * and SARIF against the checkout (GITHUB_WORKSPACE), GitLab reads Code Quality against the project's clone
 * (CI_PROJECT_DIR). Elsewhere, and for the other formats, paths stay relative to the working directory.
 */
function checkoutRoot(format: string, env: CliIO['env']): string | undefined {
  if (env.GITHUB_ACTIONS === 'true' && (format === 'github' || format === 'sarif')) return env.GITHUB_WORKSPACE || undefined;
  if (env.GITLAB_CI === 'true' && format === 'gitlab') return env.CI_PROJECT_DIR || undefined;
  return undefined;
}

// Commander prints an InvalidArgumentError as one line naming the option and the value; exit code 2.
function parseWorkers(value: string): number {
  if (!/^\d+$/.test(value) || Number(value) < 1) throw new InvalidArgumentError('Expected a whole number of at least 1 (1 = in-process).');
  return Number(value);
}

function parseFailOn(value: string): FailOn {
  const level = Object.hasOwn(FAIL_ON, value) ? FAIL_ON[value] : undefined;
  if (!level) throw new InvalidArgumentError('Expected error, warn (or warning) or none.');
  return level;
}

/** A lone path that does not exist but reads like a command (`expalin`): the command it most likely means. */
function commandHint(paths: readonly string[], cwd: string): string {
  if (paths.length !== 1 || fs.existsSync(path.resolve(cwd, paths[0]!))) return '';
  const hint = suggestWord(paths[0]!, COMMANDS);
  return hint ? `\n(did you mean the command \`loopguard ${hint}\`? Commands: ${COMMANDS.join(', ')})` : '';
}

/** "loopguard: 1234/7028 files" on a terminal's stderr, for runs longer than a second; nothing otherwise. */
class Progress {
  private readonly started = Date.now();
  private shown = false;
  private last = 0;
  constructor(private readonly io: CliIO) {}
  update(done: number, total: number): void {
    if (!this.io.stderr.isTTY || this.io.env.CI) return;
    const now = Date.now();
    if (now - this.started < 1000 || now - this.last < 100) return;
    this.last = now;
    this.shown = true;
    this.io.stderr.write(`\rloopguard: ${done}/${total} files`);
  }
  clear(): void {
    if (this.shown) this.io.stderr.write('\r\u001b[2K');
    this.shown = false;
  }
}

function parseMaxWarnings(value: string): number {
  if (!/^-?\d+$/.test(value) || Number(value) < -1) throw new InvalidArgumentError('Expected a whole number of warnings, or -1 for no limit.');
  return Number(value);
}

/** --color / --no-color win; then NO_COLOR, FORCE_COLOR; then whether stdout is a terminal. */
export function useColor(flag: boolean | undefined, io: CliIO, toFile: boolean): boolean {
  if (flag === false) return false;
  if (flag === true) return true;
  if (io.env.NO_COLOR !== undefined && io.env.NO_COLOR !== '') return false;
  const force = io.env.FORCE_COLOR;
  if (force !== undefined) return !(force === '0' || force === 'false');
  if (toFile) return false;
  return !!io.stdout.isTTY && io.env.TERM !== 'dumb';
}

function rulesJson() {
  return ALL_RULE_METAS.map((m) => ({ id: m.id, severity: m.severity, category: m.category, description: m.description }));
}

function rulesTable(): string {
  const width = Math.max(...ALL_RULE_METAS.map((m) => m.id.length));
  const lines = ALL_RULE_METAS.map((m) => `${m.id.padEnd(width)}  ${m.severity.padEnd(5)}  ${m.category.padEnd(11)}  ${m.description}`);
  return [`${'rule'.padEnd(width)}  ${'level'}  ${'category'.padEnd(11)}  description`, ...lines].join('\n') + '\n';
}

function indent(text: string, by = '  '): string {
  return text
    .trimEnd()
    .split('\n')
    .map((l) => (l ? by + l : l))
    .join('\n');
}

export function explain(meta: RuleMeta): string {
  const parts = [`${meta.id} (default: ${meta.severity}, category: ${meta.category})`, meta.description, '', 'Why', indent(meta.docs.why)];
  if (meta.docs.details?.length) parts.push('', 'What it checks', ...meta.docs.details.map((d) => `  - ${d}`));
  const exemptions = Object.entries(meta.exemptions ?? {});
  if (exemptions.length > 0) parts.push('', 'Not reported', ...exemptions.map(([id, reason]) => `  - ${id}: ${reason}`));
  meta.docs.bad.forEach((b, i) => parts.push('', `Flagged${meta.docs.bad.length > 1 ? ` (${i + 1})` : ''}`, indent(b, '    ')));
  meta.docs.good.forEach((g, i) => parts.push('', `Not flagged${meta.docs.good.length > 1 ? ` (${i + 1})` : ''}`, indent(g, '    ')));
  const options = Object.entries(meta.options ?? {});
  if (options.length > 0) {
    parts.push('', 'Options');
    for (const [name, spec] of options) parts.push(`  ${name} (${spec.type}, default ${JSON.stringify(spec.default)}): ${spec.description}`);
  }
  if (meta.docs.whenNotToUse) parts.push('', 'When not to use it', indent(meta.docs.whenNotToUse));
  if (meta.docs.howToSuppress) parts.push('', 'Suppressing it', indent(meta.docs.howToSuppress));
  return parts.join('\n') + '\n';
}

function printConfig(file: string, flags: ScanFlags, io: CliIO): number {
  try {
    io.stdout.write(JSON.stringify(effectiveConfig(io.cwd, file, flags.config), null, 2) + '\n');
    return 0;
  } catch (err) {
    io.stderr.write(`loopguard: ${err instanceof ConfigError ? 'config error: ' : ''}${(err as Error).message}\n`);
    return 2;
  }
}

function readStdin(): string {
  return fs.readFileSync(0, 'utf8');
}

function processIO(): CliIO {
  return { readStdin, stdout: process.stdout, stderr: process.stderr, cwd: process.cwd(), env: process.env };
}
