// The VS Code extension in editors/vscode, checked without VS Code and without installing its packages: the manifest
// agrees with itself, with its lockfile and with the server; the executable lookup finds what it should; and the
// command it builds really starts the language server.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const DIR = path.join(ROOT, 'editors', 'vscode');
const manifest = JSON.parse(fs.readFileSync(path.join(DIR, 'package.json'), 'utf8'));
const lock = JSON.parse(fs.readFileSync(path.join(DIR, 'package-lock.json'), 'utf8'));
const { serverCommand, SERVER_ARGS, LANGUAGES } = createRequire(import.meta.url)(path.join(DIR, 'server-command.js'));

const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

function tempDir(files: Record<string, string> = {}): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-editors-'));
  temps.push(dir);
  for (const [name, content] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), content, { mode: 0o755 });
  }
  return dir;
}

/** The lowest version a `^x.y.z`, `>=x.y.z` or `x.y.z` range accepts, as a comparable number. */
function floor(range: string): number {
  const m = /^(?:\^|~|>=)?\s*(\d+)\.(\d+)\.(\d+)$/.exec(range.trim());
  if (!m) throw new Error(`unexpected version range ${range}`);
  return Number(m[1]) * 1e6 + Number(m[2]) * 1e3 + Number(m[3]);
}

describe('VS Code extension manifest', () => {
  it('has what vsce package needs, and points main at a file that exists', () => {
    for (const key of ['name', 'displayName', 'publisher', 'version', 'license', 'main']) expect(manifest[key], key).toBeTruthy();
    expect(fs.existsSync(path.join(DIR, manifest.main))).toBe(true);
    expect(fs.readFileSync(path.join(DIR, 'LICENSE'), 'utf8')).toBe(fs.readFileSync(path.join(ROOT, 'LICENSE'), 'utf8'));
    expect(fs.readFileSync(path.join(DIR, '.vscodeignore'), 'utf8')).toMatch(/^\*\.vsix$/m);
    expect(fs.readFileSync(path.join(DIR, '.gitignore'), 'utf8').split('\n')).toEqual(expect.arrayContaining(['node_modules/', '*.vsix']));
  });

  it('activates on the four JavaScript and TypeScript languages, the ones the client hands the server', () => {
    expect([...LANGUAGES].sort()).toEqual(['javascript', 'javascriptreact', 'typescript', 'typescriptreact']);
    expect([...manifest.activationEvents].sort()).toEqual(LANGUAGES.map((l: string) => `onLanguage:${l}`).sort());
  });

  it('starts the server as `loopguard lsp --stdio`', () => {
    expect(SERVER_ARGS).toEqual(['lsp', '--stdio']);
  });

  it('declares the settings and the command the extension reads, and stays off in untrusted workspaces', () => {
    const props = manifest.contributes.configuration.properties;
    expect(Object.keys(props).sort()).toEqual(['loopguard.enable', 'loopguard.path', 'loopguard.trace.server']);
    expect(props['loopguard.path'].default).toBe('');
    const source = fs.readFileSync(path.join(DIR, manifest.main), 'utf8');
    for (const key of ['enable', 'path']) expect(source).toContain(`'${key}'`);
    for (const { command } of manifest.contributes.commands) expect(source).toContain(`'${command}'`);
    expect(manifest.capabilities.untrustedWorkspaces.supported).toBe(false);
  });

  it('requires only its dependencies, vscode and Node built-ins', () => {
    const allowed = new Set(['vscode', ...Object.keys(manifest.dependencies)]);
    const wrong: string[] = [];
    for (const file of fs.readdirSync(DIR).filter((f) => f.endsWith('.js'))) {
      for (const [, spec] of fs.readFileSync(path.join(DIR, file), 'utf8').matchAll(/\brequire\(\s*['"]([^'"]+)['"]\s*\)/g)) {
        const pkg = spec!.startsWith('@') ? spec!.split('/').slice(0, 2).join('/') : spec!.split('/')[0]!;
        if (!spec!.startsWith('.') && !spec!.startsWith('node:') && !allowed.has(pkg)) wrong.push(`${file}: ${spec}`);
      }
    }
    expect(wrong).toEqual([]);
  });

  it('has a lockfile in step with package.json, and a VS Code range the locked client supports', () => {
    expect(lock.packages[''].dependencies).toEqual(manifest.dependencies);
    expect(lock.packages[''].devDependencies).toEqual(manifest.devDependencies);
    const client = lock.packages['node_modules/vscode-languageclient'];
    expect(floor(manifest.engines.vscode)).toBeGreaterThanOrEqual(floor(client.engines.vscode));
    // vsce 4 needs Node 22; the repository supports Node 20.19.
    expect(lock.packages['node_modules/@vscode/vsce'].version).toMatch(/^3\./);
  });
});

describe('finding loopguard', () => {
  const env = (PATH: string) => ({ PATH });

  it("prefers loopguard.path, then the workspace's node_modules/.bin, then PATH", () => {
    const ws = tempDir({ 'node_modules/.bin/loopguard': '#!/bin/sh\n', 'tools/lg': '#!/bin/sh\n' });
    const bin = tempDir({ loopguard: '#!/bin/sh\n' });
    const run = (setting: string, folders: string[]) => serverCommand({ setting, folders, env: env(bin), platform: 'linux' });
    expect(run('tools/lg', [ws])).toEqual({ command: path.join(ws, 'tools/lg'), args: ['lsp', '--stdio'], shell: false, source: 'loopguard.path' });
    expect(run('', [tempDir(), ws])).toMatchObject({ command: path.join(ws, 'node_modules/.bin/loopguard'), source: 'workspace' });
    expect(run('', [tempDir()])).toMatchObject({ command: path.join(bin, 'loopguard'), args: ['lsp', '--stdio'], source: 'PATH' });
    expect(run('loopguard', [])).toMatchObject({ command: path.join(bin, 'loopguard'), source: 'loopguard.path' });
  });

  it('runs a bin/loopguard.js with node from PATH', () => {
    const nodeDir = tempDir({ node: '#!/bin/sh\n' });
    const js = path.join(ROOT, 'bin', 'loopguard.js');
    expect(serverCommand({ setting: js, folders: [], env: env(nodeDir), platform: 'linux' })).toEqual({
      command: path.join(nodeDir, 'node'),
      args: [js, 'lsp', '--stdio'],
      shell: false,
      source: 'loopguard.path',
    });
    expect(serverCommand({ setting: js, folders: [], env: env(tempDir()), platform: 'linux' }).error).toMatch(/`node` is not on the PATH/);
  });

  it('says what to do when nothing is found, and names a loopguard.path that does not exist', () => {
    const nothing = serverCommand({ setting: '', folders: [tempDir()], env: env(tempDir()), platform: 'linux' });
    expect(nothing.error).toMatch(/loopguard was not found.*as a dev dependency.*`loopguard\.path`/);
    const missing = serverCommand({ setting: 'no/such/loopguard', folders: [tempDir()], env: env(''), platform: 'linux' });
    expect(missing.error).toMatch(/`loopguard\.path` is "no\/such\/loopguard", and .* does not exist/);
    expect(serverCommand({ setting: 'loopguard-nope', folders: [], env: env(''), platform: 'linux' }).error).toMatch(/not on PATH/);
  });

  it("runs npm's .cmd shim through a shell on Windows, quoted", () => {
    const ws = tempDir({ 'node_modules/.bin/loopguard.cmd': '@echo off\n' });
    const file = path.join(ws, 'node_modules/.bin/loopguard.cmd');
    expect(serverCommand({ setting: '', folders: [ws], env: env(''), platform: 'win32' })).toEqual({
      command: `"${file}"`,
      args: ['lsp', '--stdio'],
      shell: true,
      source: 'workspace',
    });
  });
});

describe('the command the extension builds', () => {
  it('starts the language server, which answers initialize', async () => {
    const found = serverCommand({
      setting: path.join(ROOT, 'bin', 'loopguard.js'),
      folders: [ROOT],
      env: { PATH: path.dirname(process.execPath) },
      platform: process.platform,
    });
    expect(found.error).toBeUndefined();
    const proc = spawn(found.command, found.args, { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] });
    let out = Buffer.alloc(0);
    const reply = new Promise<any>((resolve, reject) => {
      proc.stdout.on('data', (chunk: Buffer) => {
        out = Buffer.concat([out, chunk]);
        const sep = out.indexOf('\r\n\r\n');
        const length = Number(/Content-Length: (\d+)/i.exec(out.subarray(0, Math.max(sep, 0)).toString('ascii'))?.[1]);
        if (sep >= 0 && out.length >= sep + 4 + length) resolve(JSON.parse(out.subarray(sep + 4, sep + 4 + length).toString('utf8')));
      });
      proc.on('error', reject);
      proc.on('exit', (code) => reject(new Error(`server exited (${code}) before answering`)));
    });
    const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { processId: null, rootUri: null, capabilities: {} } });
    proc.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    try {
      const message = await reply;
      expect(message.result.serverInfo.name).toBe('loopguard');
      expect(message.result.capabilities.codeActionProvider).toBeTruthy();
    } finally {
      proc.kill();
    }
  });
});
