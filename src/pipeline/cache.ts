// The result cache: per-file analysis results keyed by the file's content and
// everything else its result depends on (path, role, loopguard version,
// settings). One JSON file, written atomically at the end of a run; a missing,
// truncated or corrupted file is ignored and rebuilt, never a crash.
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { FileResult } from '../engine/analyze-file.js';

/** node_modules/.cache/loopguard next to the nearest package.json (or in the working directory). */
export function defaultCacheDir(cwd: string): string {
  for (let dir = cwd; ;) {
    if (fs.existsSync(path.join(dir, 'package.json')) || fs.existsSync(path.join(dir, 'node_modules'))) return path.join(dir, 'node_modules', '.cache', 'loopguard');
    const parent = path.dirname(dir);
    // Not a Node project (a pre-commit hook in another repository, say): never create node_modules there.
    if (parent === dir)
      return path.join(process.env.XDG_CACHE_HOME || path.join(os.homedir(), '.cache'), 'loopguard', createHash('sha256').update(cwd).digest('hex').slice(0, 12));
    dir = parent;
  }
}

const FORMAT = 1;

interface CacheFile {
  format: number;
  entries: Record<string, { key: string; result: FileResult }>;
}

export class ResultCache {
  private entries: CacheFile['entries'] = {};
  private dirty = false;
  /** Why the cache is not used (unwritable location), for the record. */
  disabledReason: string | null = null;

  private constructor(private readonly file: string) {}

  /** Open the cache at `dir` (created if needed). A location that cannot be written disables caching. */
  static open(dir: string): ResultCache {
    const cache = new ResultCache(path.join(dir, 'results.json'));
    try {
      fs.mkdirSync(dir, { recursive: true });
      fs.accessSync(dir, fs.constants.W_OK);
    } catch (err) {
      cache.disabledReason = `cache location ${dir} is not writable (${(err as NodeJS.ErrnoException).code ?? err})`;
      return cache;
    }
    try {
      const data = JSON.parse(fs.readFileSync(cache.file, 'utf8')) as CacheFile;
      if (data && data.format === FORMAT && data.entries && typeof data.entries === 'object') cache.entries = data.entries;
    } catch {
      // absent, truncated or corrupted: start empty
    }
    return cache;
  }

  /** The key of a file's result: its content plus everything else the result depends on. */
  static key(settingsKey: string, source: string, inputs: unknown): string {
    return createHash('sha256').update(settingsKey).update('\0').update(JSON.stringify(inputs)).update('\0').update(source).digest('hex').slice(0, 40);
  }

  get(file: string, key: string): FileResult | null {
    const e = Object.hasOwn(this.entries, file) ? this.entries[file] : undefined;
    return e && e.key === key && e.result && Array.isArray(e.result.findings) ? e.result : null;
  }

  set(file: string, key: string, result: FileResult): void {
    if (this.disabledReason) return;
    this.entries[file] = { key, result };
    this.dirty = true;
  }

  /** Write the cache (a temporary file renamed over the old one). Failures are ignored: the cache is an optimisation. */
  save(): void {
    if (!this.dirty || this.disabledReason) return;
    const tmp = `${this.file}.${process.pid}.tmp`;
    try {
      fs.writeFileSync(tmp, JSON.stringify({ format: FORMAT, entries: this.entries } satisfies CacheFile));
      fs.renameSync(tmp, this.file);
    } catch {
      try {
        fs.rmSync(tmp, { force: true });
      } catch {
        // nothing to clean
      }
    }
  }
}
