// The package version, read from the package.json next to the sources (or to dist/).
import fs from 'node:fs';

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
