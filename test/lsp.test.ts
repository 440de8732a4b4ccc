// The language server, driven end to end as an editor does: a real `loopguard lsp --stdio` process, JSON-RPC with
// Content-Length framing over its stdin and stdout.
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from './helpers.js';

const BIN = path.join(ROOT, 'bin', 'loopguard.js');
const temps: string[] = [];
afterAll(() => {
  for (const t of temps) fs.rmSync(t, { recursive: true, force: true });
});

interface Message {
  id?: number;
  method?: string;
  params?: any;
  result?: any;
  error?: any;
}

/** A minimal LSP client: requests, notifications, and a queue of what the server sent. */
class Client {
  private buffer = Buffer.alloc(0);
  private nextId = 1;
  private readonly received: Message[] = [];
  private waiters: (() => void)[] = [];
  readonly stderr: string[] = [];

  constructor(private readonly proc: ChildProcessWithoutNullStreams) {
    proc.stdout.on('data', (chunk: Buffer) => {
      this.buffer = Buffer.concat([this.buffer, chunk]);
      for (;;) {
        const sep = this.buffer.indexOf('\r\n\r\n');
        if (sep < 0) break;
        const length = Number(/Content-Length: (\d+)/i.exec(this.buffer.subarray(0, sep).toString('ascii'))?.[1]);
        if (this.buffer.length < sep + 4 + length) break;
        this.received.push(JSON.parse(this.buffer.subarray(sep + 4, sep + 4 + length).toString('utf8')));
        this.buffer = this.buffer.subarray(sep + 4 + length);
      }
      for (const w of this.waiters.splice(0)) w();
    });
    proc.stderr.on('data', (chunk: Buffer) => this.stderr.push(chunk.toString()));
  }

  private send(message: object): void {
    const body = Buffer.from(JSON.stringify({ jsonrpc: '2.0', ...message }), 'utf8');
    this.proc.stdin.write(`Content-Length: ${body.length}\r\n\r\n`);
    this.proc.stdin.write(body);
  }

  notify(method: string, params: object): void {
    this.send({ method, params });
  }

  async request(method: string, params: object): Promise<any> {
    const id = this.nextId++;
    this.send({ id, method, params });
    const reply = await this.next((m) => m.id === id && m.method === undefined);
    if (reply.error) throw new Error(JSON.stringify(reply.error));
    return reply.result;
  }

  /** The next message that matches (taken off the queue), waiting up to 20 s. */
  async next(match: (m: Message) => boolean): Promise<Message> {
    const deadline = Date.now() + 20_000;
    for (;;) {
      const i = this.received.findIndex(match);
      if (i >= 0) return this.received.splice(i, 1)[0]!;
      if (Date.now() > deadline) throw new Error(`no matching message; stderr: ${this.stderr.join('')}`);
      await new Promise<void>((resolve) => {
        this.waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** The next diagnostics the server publishes for `uri`. */
  async diagnostics(uri: string): Promise<any[]> {
    return (await this.next((m) => m.method === 'textDocument/publishDiagnostics' && m.params.uri === uri)).params.diagnostics;
  }
}

const LIB = `const fs = require('fs');
function load(file) {
  return fs.readFileSync(file, 'utf8');
}
module.exports = { load };
`;
const ROUTE = `const { load } = require('./lib/read');
const app = require('express')();
app.get('/a', (req, res) => res.send('ok'));
`;

describe('loopguard lsp', () => {
  it('publishes diagnostics as documents open and change, across files, and offers a suppression', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'loopguard-lsp-'));
    temps.push(dir);
    fs.mkdirSync(path.join(dir, 'lib'));
    fs.writeFileSync(path.join(dir, 'lib/read.js'), LIB);
    fs.writeFileSync(path.join(dir, 'route.js'), ROUTE);
    fs.writeFileSync(path.join(dir, 'package.json'), '{ "name": "app", "private": true }');
    const env = { ...process.env, XDG_CACHE_HOME: path.join(dir, '.cache') };
    const proc = spawn(process.execPath, [BIN, 'lsp', '--stdio'], { cwd: os.tmpdir(), env });
    const client = new Client(proc);
    try {
      const init = await client.request('initialize', { processId: process.pid, rootUri: pathToFileURL(dir).href, capabilities: {} });
      expect(init.capabilities.codeActionProvider).toBeTruthy();
      expect(init.serverInfo.name).toBe('loopguard');
      client.notify('initialized', {});

      const lib = pathToFileURL(path.join(dir, 'lib/read.js')).href;
      const route = pathToFileURL(path.join(dir, 'route.js')).href;
      client.notify('textDocument/didOpen', { textDocument: { uri: lib, languageId: 'javascript', version: 1, text: LIB } });
      client.notify('textDocument/didOpen', { textDocument: { uri: route, languageId: 'javascript', version: 1, text: ROUTE } });

      // No route reaches load() yet: nothing to say. Then an unsaved edit adds one: the chain appears in both files.
      client.notify('textDocument/didChange', {
        textDocument: { uri: route, version: 2 },
        contentChanges: [
          { range: { start: { line: 3, character: 0 }, end: { line: 3, character: 0 } }, text: "app.get('/b', (req, res) => res.send(load(req.query.t)));\n" },
        ],
      });
      const atRoot = await client.diagnostics(lib);
      expect(atRoot).toHaveLength(1);
      expect(atRoot[0]).toMatchObject({ source: 'loopguard', code: 'blocking-call', severity: 1, range: { start: { line: 2, character: 9 } } });
      expect(atRoot[0].message).toContain('`fs.readFileSync` in `load()`');
      expect(atRoot[0].relatedInformation[0].location.uri).toBe(route);
      const atCall = await client.diagnostics(route);
      expect(atCall).toHaveLength(1);
      expect(atCall[0].message).toContain('This call reaches a root cause in lib/read.js:3');
      expect(atCall[0].range.start.line).toBe(3);
      expect(fs.readFileSync(path.join(dir, 'route.js'), 'utf8')).toBe(ROUTE); // the buffer, never written

      // The quick fix: a suppression comment with a reason, above the flagged line, at its indentation.
      const actions = await client.request('textDocument/codeAction', {
        textDocument: { uri: lib },
        range: atRoot[0].range,
        context: { diagnostics: atRoot },
      });
      expect(actions).toHaveLength(1);
      expect(actions[0].kind).toBe('quickfix');
      expect(actions[0].edit.changes[lib]).toEqual([
        {
          range: { start: { line: 2, character: 0 }, end: { line: 2, character: 0 } },
          newText: '  // loopguard-ignore-next-line blocking-call -- REASON: why this is safe here\n',
        },
      ]);

      // The edit is undone: the chain disappears from both documents.
      client.notify('textDocument/didChange', { textDocument: { uri: route, version: 3 }, contentChanges: [{ text: ROUTE }] });
      expect(await client.diagnostics(lib)).toEqual([]);
      expect(await client.diagnostics(route)).toEqual([]);

      await client.request('shutdown', {});
      client.notify('exit', {});
      const code = await new Promise<number | null>((resolve) => proc.on('exit', resolve));
      expect(code).toBe(0);
    } finally {
      proc.kill();
    }
  }, 60_000);
});
