// Entry points from package.json `scripts`: the source files a script runs (`"release": "node extra/release.mjs"`).
// A file run that way, with nothing in what it imports that serves requests, jobs or timers, is a script; so are the
// modules only such files import (decided in the call graph, see `CallGraph.scriptsOnly`).
import fs from 'node:fs';
import path from 'node:path';
import {
  ENV_ASSIGNMENT,
  SCRIPT_COMMAND_SEPARATOR,
  SCRIPT_RUNNERS,
  SCRIPT_SOURCE_FILE,
  SHELL_SCRIPT_FILE,
  SHELL_SCRIPT_MAX_BYTES,
  SHELLS,
} from '../knowledge/script-files.js';
import type { WorkspacePackage } from './module-resolution.js';

/**
 * Absolute paths of the source files the package's scripts run, sorted: named on a script's command line, or in a
 * shell script it runs (`"generate": "./generate.sh"` running `node lib/index.js`; paths relative to the package, as
 * npm runs scripts there). Build output (`lib/index.js`) is mapped to its source by the call graph.
 */
export function packageScriptEntries(pkg: WorkspacePackage): string[] {
  const scripts = pkg.json?.scripts;
  if (!scripts || typeof scripts !== 'object') return [];
  const out = new Set<string>();
  const shells = new Set<string>();
  for (const command of Object.values(scripts)) {
    if (typeof command !== 'string') continue;
    for (const file of commandEntries(command, shells)) out.add(path.resolve(pkg.dir, file));
  }
  // One level of shell scripts: the commands they run.
  for (const sh of shells) {
    const text = readShellScript(path.resolve(pkg.dir, sh));
    for (const line of text?.split('\n') ?? []) for (const file of commandEntries(line, null)) out.add(path.resolve(pkg.dir, file));
  }
  return [...out].sort();
}

/** The source files a command line runs (`cross-env A=1 node x.js`, `npx tsx x.ts`); shell scripts it runs go to `shells`. */
function commandEntries(command: string, shells: Set<string> | null): string[] {
  const out: string[] = [];
  for (const part of command.split(SCRIPT_COMMAND_SEPARATOR)) {
    const words = part
      .trim()
      .split(' ')
      .filter((w) => w !== '' && !ENV_ASSIGNMENT.test(w));
    if (shells && words[0] !== undefined) {
      const script = SHELLS.has(words[0]) ? words.slice(1).find((w) => !w.startsWith('-')) : words[0];
      if (script && SHELL_SCRIPT_FILE.test(script)) shells.add(script);
    }
    // `cross-env A=1 node x.js`, `npx tsx x.ts`, `dotenv -- node x.js`: the runner comes after them.
    const at = words.findIndex((w) => SCRIPT_RUNNERS.has(path.basename(w)));
    if (at < 0) continue;
    const file = words.slice(at + 1).find((w) => !w.startsWith('-') && SCRIPT_SOURCE_FILE.test(w));
    if (file) out.push(file);
  }
  return out;
}

/** A shell script's text: a regular file of at most SHELL_SCRIPT_MAX_BYTES, else null (never an error). */
function readShellScript(file: string): string | null {
  try {
    const st = fs.statSync(file);
    return st.isFile() && st.size <= SHELL_SCRIPT_MAX_BYTES ? fs.readFileSync(file, 'utf8') : null;
  } catch {
    return null;
  }
}
