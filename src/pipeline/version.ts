// The package version, read from the package.json next to the sources (or to dist/),
// and a build stamp that changes whenever loopguard's own code does (for cache keys).
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

function findVersion(): string {
  let url = new URL('.', import.meta.url);
  for (let i = 0; i < 4; i++) {
    try {
      const pkg = JSON.parse(fs.readFileSync(new URL('package.json', url), 'utf8'));
      if (pkg.name === 'loopguard') return String(pkg.version);
    } catch {
      // keep looking upwards
    }
    url = new URL('..', url);
  }
  return '0.0.0';
}

export const VERSION = findVersion();
export const TOOL = { name: 'loopguard', version: VERSION };

/**
 * Path, size and modification time of every module of loopguard itself: every
 * .js/.ts file under `src/` and `rules/` of `root` (the folder holding them,
 * `dist/` when built), whatever the subfolder.
 */
export function buildIdOf(root: string, version: string = VERSION): string {
  const hash = createHash('sha256').update(version);
  for (const top of ['src', 'rules']) {
    let entries: fs.Dirent[] = [];
    try {
      entries = fs.readdirSync(path.join(root, top), { withFileTypes: true, recursive: true });
    } catch {
      continue;
    }
    const files = entries
      .filter((e) => e.isFile() && (e.name.endsWith('.js') || e.name.endsWith('.ts')))
      .map((e) => path.join(e.parentPath, e.name))
      .sort();
    for (const file of files) {
      try {
        const st = fs.statSync(file);
        hash.update(`${path.relative(root, file)}:${st.size}:${st.mtimeMs}\0`);
      } catch {
        // gone since the listing: the next run sees the new state
      }
    }
  }
  return hash.digest('hex').slice(0, 16);
}

/** This module is `<root>/src/pipeline/version.{ts,js}`. */
export const BUILD_ID = buildIdOf(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..', '..'));
