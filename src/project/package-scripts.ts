// Entry points from package.json `scripts`: the source files a script runs (`"release": "node extra/release.mjs"`).
// A file run that way, with nothing in what it imports that serves requests, jobs or timers, is a script; so are the
// modules only such files import (decided in the call graph, see `CallGraph.scriptsOnly`).
import path from 'node:path';
import { ENV_ASSIGNMENT, SCRIPT_COMMAND_SEPARATOR, SCRIPT_RUNNERS, SCRIPT_SOURCE_FILE } from '../knowledge/script-files.js';
import type { WorkspacePackage } from './module-resolution.js';

/** Absolute paths of the source files the package's scripts run, sorted. */
export function packageScriptEntries(pkg: WorkspacePackage): string[] {
  const scripts = pkg.json?.scripts;
  if (!scripts || typeof scripts !== 'object') return [];
  const out = new Set<string>();
  for (const command of Object.values(scripts)) {
    if (typeof command !== 'string') continue;
    for (const part of command.split(SCRIPT_COMMAND_SEPARATOR)) {
      const words = part
        .trim()
        .split(' ')
        .filter((w) => w !== '' && !ENV_ASSIGNMENT.test(w));
      // `cross-env A=1 node x.js`, `npx tsx x.ts`, `dotenv -- node x.js`: the runner comes after them.
      const at = words.findIndex((w) => SCRIPT_RUNNERS.has(path.basename(w)));
      if (at < 0) continue;
      const file = words.slice(at + 1).find((w) => !w.startsWith('-') && SCRIPT_SOURCE_FILE.test(w));
      if (file) out.add(path.resolve(pkg.dir, file));
    }
  }
  return [...out].sort();
}
