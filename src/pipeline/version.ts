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

/** Size and modification time of every module of loopguard itself (src/ and rules/ beside this file). */
function computeBuildId(): string {
  const hash = createHash('sha256').update(VERSION);
  const here = path.dirname(fileURLToPath(import.meta.url));
  for (const dir of [here, path.join(here, 'knowledge'), path.join(here, 'reporters'), path.join(here, '..', 'rules')]) {
    let names: string[] = [];
    try {
      names = fs.readdirSync(dir).sort();
    } catch {
      continue;
    }
    for (const name of names) {
      if (!/\.(js|ts)$/.test(name)) continue;
      try {
        const st = fs.statSync(path.join(dir, name));
        hash.update(`${name}:${st.size}:${st.mtimeMs}`);
      } catch {
        // ignore
      }
    }
  }
  return hash.digest('hex').slice(0, 16);
}

export const BUILD_ID = computeBuildId();
