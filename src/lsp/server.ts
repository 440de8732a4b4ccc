// The language server (`loopguard lsp`): LSP over stdio, for editors.
//
// Every open document's text is analyzed in place of the file on disk, together with the rest of the project read
// from disk (the result cache keeps unchanged files cheap), so call chains across files stay current as either end
// changes. Diagnostics go to every open document: the findings in it, and, where a serving call in it reaches a root
// cause in another file, a diagnostic at that call naming the root. Code actions add a `loopguard-ignore-next-line`
// comment with a reason to fill in. Runs are serialised and debounced: a change during a run starts one more run after it.
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { TextDocument } from 'vscode-languageserver-textdocument';
import {
  CodeActionKind,
  DiagnosticSeverity,
  ProposedFeatures,
  TextDocumentSyncKind,
  TextDocuments,
  createConnection,
  type CodeAction,
  type Connection,
  type Diagnostic,
  type InitializeParams,
} from 'vscode-languageserver/node';
import type { Finding, TraceStep } from '../engine/findings.js';
import { defaultCacheDir } from '../pipeline/cache.js';
import { ConfigError } from '../pipeline/config.js';
import { runLoopguard, UsageError } from '../pipeline/run.js';
import { VERSION } from '../pipeline/version.js';

/** How long the server waits after a change before analyzing (a burst of keystrokes is one run). */
export const DEBOUNCE_MS = 150;
const SOURCE = 'loopguard';

/** What a diagnostic carries for its code actions. */
interface DiagnosticData {
  ruleId: string;
}

export function startServer(input: NodeJS.ReadableStream = process.stdin, output: NodeJS.WritableStream = process.stdout): Connection {
  // JSON-RPC owns stdout: anything else printed there would corrupt the stream.
  console.log = (...args: unknown[]) => console.error(...args);
  const connection = createConnection(ProposedFeatures.all, input, output);
  const documents = new TextDocuments(TextDocument);
  let root = process.cwd();
  /** Documents that have diagnostics now: cleared when a run finds none for them. */
  let published = new Set<string>();
  let timer: NodeJS.Timeout | null = null;
  let running = false;
  let again = false;
  let lastError: string | null = null;

  connection.onInitialize((params: InitializeParams) => {
    const folder = params.workspaceFolders?.[0]?.uri ?? params.rootUri;
    if (folder) root = fileURLToPath(folder);
    else if (params.rootPath) root = params.rootPath;
    return {
      capabilities: {
        textDocumentSync: { openClose: true, change: TextDocumentSyncKind.Incremental, save: { includeText: false } },
        codeActionProvider: { codeActionKinds: [CodeActionKind.QuickFix] },
      },
      serverInfo: { name: 'loopguard', version: VERSION },
    };
  });

  const schedule = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      void analyze();
    }, DEBOUNCE_MS);
  };

  async function analyze(): Promise<void> {
    if (running) {
      again = true;
      return;
    }
    running = true;
    try {
      await publish();
    } finally {
      running = false;
      if (again) {
        again = false;
        schedule();
      }
    }
  }

  async function publish(): Promise<void> {
    const open = new Map<string, TextDocument>();
    for (const doc of documents.all()) if (doc.uri.startsWith('file:')) open.set(path.resolve(fileURLToPath(doc.uri)), doc);
    let findings: Finding[];
    try {
      const { result } = await runLoopguard({
        cwd: root,
        paths: [],
        overlays: new Map([...open].map(([abs, doc]) => [abs, doc.getText()])),
        reportOnly: new Set(open.keys()),
        cache: defaultCacheDir(root),
      });
      findings = result.findings;
      for (const e of result.errors) connection.console.warn(`loopguard: ${e.file ? `${e.file}: ` : ''}${e.message}`);
      lastError = null;
    } catch (err) {
      // A broken config or a bad setting: say it once, keep the editor usable.
      const message = err instanceof ConfigError ? `config error: ${err.message}` : err instanceof UsageError ? err.message : String((err as Error)?.stack ?? err);
      if (message !== lastError) void connection.window.showErrorMessage(`loopguard: ${message}`);
      lastError = message;
      return;
    }
    const byUri = new Map<string, Diagnostic[]>();
    const add = (abs: string, d: Diagnostic) => {
      const uri = open.get(abs)?.uri;
      if (!uri) return;
      let list = byUri.get(uri);
      if (!list) byUri.set(uri, (list = []));
      list.push(d);
    };
    const absOf = (file: string) => path.resolve(root, file);
    for (const f of findings) {
      add(absOf(f.file), toDiagnostic(f, absOf));
      // The serving calls in other open documents that reach this root cause, where the user is typing.
      for (const p of f.paths ?? []) {
        const start = p[0]!;
        if (start.file !== f.file) add(absOf(start.file), pathDiagnostic(f, p, absOf));
      }
    }
    const now = new Set<string>();
    for (const doc of open.values()) {
      const list = byUri.get(doc.uri) ?? [];
      if (list.length > 0 || published.has(doc.uri)) await connection.sendDiagnostics({ uri: doc.uri, version: doc.version, diagnostics: list });
      if (list.length > 0) now.add(doc.uri);
    }
    published = now;
  }

  documents.onDidOpen(schedule);
  documents.onDidChangeContent(schedule);
  documents.onDidSave(schedule);
  documents.onDidClose(({ document }) => {
    if (published.delete(document.uri)) void connection.sendDiagnostics({ uri: document.uri, diagnostics: [] });
    schedule();
  });

  connection.onCodeAction(({ textDocument, context }) => {
    const doc = documents.get(textDocument.uri);
    if (!doc) return [];
    const actions: CodeAction[] = [];
    for (const d of context.diagnostics) {
      if (d.source !== SOURCE) continue;
      const ruleId = (d.data as DiagnosticData | undefined)?.ruleId ?? String(d.code ?? '');
      if (!ruleId) continue;
      const line = d.range.start.line;
      const text = doc.getText({ start: { line, character: 0 }, end: { line: line + 1, character: 0 } });
      const indent = /^[ \t]*/.exec(text)![0];
      actions.push({
        title: `Ignore ${ruleId} on this line (loopguard-ignore-next-line, with a reason)`,
        kind: CodeActionKind.QuickFix,
        diagnostics: [d],
        edit: {
          changes: {
            [doc.uri]: [
              {
                range: { start: { line, character: 0 }, end: { line, character: 0 } },
                newText: `${indent}// loopguard-ignore-next-line ${ruleId} -- REASON: why this is safe here\n`,
              },
            ],
          },
        },
      });
    }
    return actions;
  });

  documents.listen(connection);
  connection.listen();
  return connection;
}

function severity(f: Finding): DiagnosticSeverity {
  return f.severity === 'error' ? DiagnosticSeverity.Error : DiagnosticSeverity.Warning;
}

function range(line: number, column: number, endLine: number, endColumn: number) {
  // loopguard: 1-based lines and columns, exclusive end column (UTF-16 units, as LSP counts by default).
  return { start: { line: line - 1, character: column - 1 }, end: { line: endLine - 1, character: Math.max(endColumn - 1, endLine === line ? column : 0) } };
}

function stepLocation(s: TraceStep, absOf: (file: string) => string) {
  const r = s.region ?? { line: s.line, column: s.column, endLine: s.line, endColumn: s.column + 1 };
  return { uri: pathToFileURL(absOf(s.file)).href, range: range(r.line, r.column, r.endLine, r.endColumn) };
}

function chainText(p: readonly TraceStep[]): string {
  return p.map((s) => s.label).join(' → ');
}

function toDiagnostic(f: Finding, absOf: (file: string) => string): Diagnostic {
  const impact = f.impact ? ` (${f.impact} impact)` : '';
  return {
    range: range(f.line, f.column, f.endLine, f.endColumn),
    severity: severity(f),
    source: SOURCE,
    code: f.ruleId,
    message: `${f.message}${impact}\n${f.help}`,
    // Each serving path that reaches a root cause, at the call where it leaves the serving code.
    relatedInformation: (f.paths ?? []).map((p) => ({ location: stepLocation(p[0]!, absOf), message: chainText(p) })),
    data: { ruleId: f.ruleId } satisfies DiagnosticData,
  };
}

function pathDiagnostic(f: Finding, p: readonly TraceStep[], absOf: (file: string) => string): Diagnostic {
  const start = p[0]!;
  const r = start.region ?? { line: start.line, column: start.column, endLine: start.line, endColumn: start.column + 1 };
  return {
    range: range(r.line, r.column, r.endLine, r.endColumn),
    severity: severity(f),
    source: SOURCE,
    code: f.ruleId,
    message: `This call reaches a root cause in ${f.file}:${f.line}: ${f.message}\n${chainText(p)}\n${f.help}`,
    relatedInformation: [{ location: { uri: pathToFileURL(absOf(f.file)).href, range: range(f.line, f.column, f.endLine, f.endColumn) }, message: f.message }],
    data: { ruleId: f.ruleId } satisfies DiagnosticData,
  };
}
