// Knowledge table: APIs that block the event loop, why, and what to use instead.
// Keys are binding-resolved references (`module#export.path`), never bare names,
// so `cacheSync.get()` or a local `readFileSync` helper can never match.
import type { CostClass } from './impact.js';

export interface BlockingApi {
  /** Module specifier without `node:`, or `global` for globals such as `Atomics`. */
  module: string;
  /** Export path (`readFileSync`, `realpathSync.native`, `sync`); `*Sync` matches any name ending in Sync; '' is the module itself called. */
  name: string;
  /** Why it blocks (shown by `loopguard explain` and in JSON output). */
  why: string;
  /** What to use instead, as code in backticks (`await fs.promises.readFile(...)`); '' when derived per name (fs). */
  alternative: string;
  /** Only blocking for some call shapes. */
  when?: 'no-callback';
  /** Not worth reporting when the first argument is a numeric literal up to this size (bytes). */
  cheapUpTo?: number;
  /** What one call costs (knowledge/impact.ts); fs functions take theirs from FS_METADATA, others default to `io`. */
  cost?: CostClass;
}

export const FS_MODULES = ['fs', 'fs-extra', 'graceful-fs'];

// `fs` *Sync functions whose async form is not simply the name without `Sync` under fs.promises.
const FS_ALTERNATIVES: Record<string, string> = {
  existsSync: '`await fs.promises.access(path)` in a try/catch',
  readSync: '`await filehandle.read(...)` (from `fs.promises.open`)',
  writeSync: '`await filehandle.write(...)` (from `fs.promises.open`)',
  readvSync: '`await filehandle.readv(...)`',
  writevSync: '`await filehandle.writev(...)`',
  closeSync: '`await filehandle.close()`',
  fsyncSync: '`await filehandle.sync()`',
  fdatasyncSync: '`await filehandle.datasync()`',
  fstatSync: '`await filehandle.stat()`',
  ftruncateSync: '`await filehandle.truncate(...)`',
  openSync: '`await fs.promises.open(...)`',
  globSync: '`for await (const f of fs.promises.glob(...))`',
};

// Reads whose result rarely changes: loading once at startup is often the better fix.
const FS_READS = new Set([
  'readFileSync',
  'readdirSync',
  'existsSync',
  'statSync',
  'lstatSync',
  'accessSync',
  'realpathSync',
  'readlinkSync',
  'readJsonSync',
  'pathExistsSync',
]);

// fs functions that only touch metadata: one quick system call each, not a read or write of contents.
export const FS_METADATA: ReadonlySet<string> = new Set([
  'existsSync',
  'statSync',
  'lstatSync',
  'fstatSync',
  'accessSync',
  'realpathSync',
  'readlinkSync',
  'mkdirSync',
  'mkdirpSync',
  'mkdirsSync',
  'ensureDirSync',
  'pathExistsSync',
  'unlinkSync',
  'renameSync',
  'chmodSync',
  'chownSync',
  'utimesSync',
  'closeSync',
  'symlinkSync',
  'linkSync',
]);

/** Advice that follows the alternative for reads whose result rarely changes (`…, or read it once at startup`). */
export const READ_ONCE_ADVICE = 'read it once at startup';

/** What to use instead of an fs `*Sync` function, and whether reading it once at startup is the better fix. */
export function fsAlternative(module: string, name: string): { use: string; readOnce: boolean } {
  const base = name.replace(/Sync$/, '');
  const use =
    module === 'fs-extra'
      ? `\`await fse.${base}(...)\``
      : ((Object.hasOwn(FS_ALTERNATIVES, name) ? FS_ALTERNATIVES[name] : undefined) ?? `\`await fs.promises.${base}(...)\``);
  return { use, readOnce: FS_READS.has(name) };
}

const CRYPTO_SYNC = ['pbkdf2Sync', 'scryptSync', 'randomFillSync', 'generateKeyPairSync', 'generateKeySync', 'generatePrimeSync', 'checkPrimeSync', 'hkdfSync'];
const ZLIB_SYNC = [
  'deflateSync',
  'inflateSync',
  'deflateRawSync',
  'inflateRawSync',
  'gzipSync',
  'gunzipSync',
  'unzipSync',
  'brotliCompressSync',
  'brotliDecompressSync',
  'zstdCompressSync',
  'zstdDecompressSync',
];

export const BLOCKING_APIS: readonly BlockingApi[] = [
  ...FS_MODULES.map((module) => ({
    module,
    name: '*Sync',
    why: 'synchronous file-system call: the whole process waits for the disk (or a slow network mount)',
    alternative: '', // derived per name by fsAlternative
  })),
  { module: 'fs', name: 'realpathSync.native', why: 'synchronous file-system call', alternative: '`await fs.promises.realpath(...)`' },
  ...['execSync', 'execFileSync', 'spawnSync'].map((name) => ({
    module: 'child_process',
    name,
    why: 'waits for the child process to exit before anything else can run',
    cost: 'heavy' as const,
    alternative: `\`await promisify(child_process.${name === 'spawnSync' ? 'execFile' : name.replace(/Sync$/, '')})(...)\` or \`spawn\``,
  })),
  ...CRYPTO_SYNC.map((name) => ({
    module: 'crypto',
    name,
    why: 'CPU-heavy cryptography on the event-loop thread',
    cost: 'heavy' as const,
    alternative: `\`await promisify(crypto.${name.replace(/Sync$/, '')})(...)\`, which runs on the thread pool`,
  })),
  {
    module: 'crypto',
    name: 'randomBytes',
    when: 'no-callback',
    cheapUpTo: 1024,
    cost: 'heavy',
    why: 'without a callback, randomBytes runs synchronously on the event-loop thread (a constant size up to 1 KB takes microseconds and is not reported)',
    alternative: '`crypto.randomBytes(size, callback)` or `await promisify(crypto.randomBytes)(size)`',
  },
  {
    module: 'crypto',
    name: 'randomFill',
    when: 'no-callback',
    why: 'without a callback, randomFill cannot run on the thread pool',
    cost: 'heavy',
    alternative: '`crypto.randomFill(buffer, callback)` or `await promisify(crypto.randomFill)(buffer)`',
  },
  ...ZLIB_SYNC.map((name) => ({
    module: 'zlib',
    name,
    why: 'CPU-heavy compression on the event-loop thread',
    cost: 'heavy' as const,
    alternative: `\`await promisify(zlib.${name.replace(/Sync$/, '')})(...)\` or a zlib stream`,
  })),
  {
    module: 'global',
    name: 'Atomics.wait',
    why: 'parks the thread until notified or timed out; on the main thread nothing else runs meanwhile',
    cost: 'heavy',
    alternative: '`await Atomics.waitAsync(...).value` or a timer',
  },
  // bcryptjs is plain JavaScript: its async form computes on this thread too, in slices of up to 100 ms, so the fix is
  // the native `bcrypt` package (its async form runs in libuv's thread pool) or a worker.
  ...['bcrypt', 'bcryptjs'].flatMap((module) =>
    ['hashSync', 'compareSync', 'genSaltSync'].map((name) => ({
      module,
      name,
      why:
        module === 'bcrypt'
          ? 'bcrypt is deliberately slow (tens to hundreds of milliseconds per call); the sync form runs it on the event-loop thread'
          : 'bcrypt is deliberately slow (tens to hundreds of milliseconds per call); bcryptjs computes on the event-loop thread, and its async form too, in slices of up to 100 ms',
      cost: 'heavy' as const,
      alternative:
        module === 'bcrypt'
          ? `\`await bcrypt.${name.replace(/Sync$/, '')}(...)\``
          : `\`await bcrypt.${name.replace(/Sync$/, '')}(...)\` of the native \`bcrypt\` package, or a worker thread`,
    })),
  ),
  // Its async `hash` and `compare` too: the same work on this thread, yielding only between 100 ms slices (a cost-10 hash
  // is about one slice), so awaiting them does not free the loop.
  ...['hash', 'compare'].map((name) => ({
    module: 'bcryptjs',
    name,
    why: 'bcryptjs is plain JavaScript: its async form also hashes on the event-loop thread, yielding only between slices of up to 100 ms',
    cost: 'heavy' as const,
    alternative: `\`await bcrypt.${name}(...)\` of the native \`bcrypt\` package (it hashes in the thread pool), or a worker thread`,
  })),
  // hash-wasm hashes passwords in WebAssembly on the calling thread: its promise settles only after the whole hash is
  // computed, so awaiting it frees nothing (its fast digests, `sha256` and the like, are not listed).
  ...['argon2id', 'argon2i', 'argon2d', 'argon2Verify', 'bcrypt', 'bcryptVerify', 'scrypt', 'pbkdf2'].map((name) => ({
    module: 'hash-wasm',
    name,
    why: 'password hashing is deliberately slow (tens to hundreds of milliseconds); hash-wasm computes it in WebAssembly on the event-loop thread, and its promise does not move it off',
    cost: 'heavy' as const,
    alternative: 'a worker thread (piscina), or the native `argon2`/`bcrypt` package, which hashes in the thread pool',
  })),
  // Jimp decodes (and encodes) images in plain JavaScript: reading a photo is hundreds of milliseconds on this thread,
  // and its promise does not move the work off.
  ...['read', 'Jimp.read', 'Jimp.fromBuffer'].map((name) => ({
    module: 'jimp',
    name,
    why: 'Jimp decodes the whole image in plain JavaScript on the event-loop thread (hundreds of milliseconds for a photo); awaiting it frees nothing',
    cost: 'heavy' as const,
    alternative: '`sharp` (libvips decodes in the thread pool), or a worker thread',
  })),
  {
    module: 'node-forge',
    name: 'pki.rsa.generateKeyPair',
    when: 'no-callback' as const,
    why: 'without a callback node-forge generates the RSA key pair in JavaScript on the event-loop thread: seconds for 4096 bits',
    cost: 'heavy',
    alternative: '`await promisify(crypto.generateKeyPair)("rsa", { modulusLength })` (thread pool), or a callback with `workers: -1`',
  },
  {
    module: 'sync-request',
    name: '',
    why: 'performs an HTTP request synchronously; the process is frozen until the response arrives',
    cost: 'heavy',
    alternative: '`await fetch(url, { signal: AbortSignal.timeout(ms) })`',
  },
  {
    module: 'deasync',
    name: '',
    why: 'spins the event loop from inside a synchronous call, stalling the caller and re-entering other callbacks',
    cost: 'heavy',
    alternative: 'an async caller that awaits the operation',
  },
  ...['loopWhile', 'sleep', 'runLoopOnce'].map((name) => ({
    module: 'deasync',
    name,
    why: 'spins the event loop from inside a synchronous call',
    cost: 'heavy' as const,
    alternative: 'an async caller that awaits the operation (or a timer)',
  })),
  ...['execaSync', 'execaCommandSync', 'sync', 'commandSync', '$.sync', '$.s', 'execaNodeSync'].map((name) => ({
    module: 'execa',
    name,
    why: 'waits for the child process to exit before anything else can run',
    cost: 'heavy' as const,
    alternative: '`await execa(...)`',
  })),
  ...[
    ['glob', 'sync'],
    ['glob', 'globSync'],
    ['glob', 'glob.sync'],
    ['fast-glob', 'sync'],
    ['fast-glob', 'globSync'],
    ['tinyglobby', 'globSync'],
    ['globby', 'globbySync'],
    ['globby', 'sync'],
  ].map(([module, name]) => ({
    module: module!,
    name: name!,
    why: 'walks the directory tree synchronously',
    alternative: `\`await ${module === 'fast-glob' ? 'fg' : module === 'globby' ? 'globby' : 'glob'}(...)\``,
  })),
];
