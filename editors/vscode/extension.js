// The loopguard extension for VS Code: starts `loopguard lsp --stdio` and hands it the JavaScript and TypeScript files
// on disk. Diagnostics, cross-file chains and the quick fix all come from the server; this file only finds the
// executable, starts and restarts the client, and says clearly when loopguard cannot be found.
'use strict';
const vscode = require('vscode');
const { LanguageClient } = require('vscode-languageclient/node');
const { serverCommand, LANGUAGES } = require('./server-command.js');

/** @type {LanguageClient | null} */
let client = null;

async function start() {
  const config = vscode.workspace.getConfiguration('loopguard');
  if (!config.get('enable', true)) return;
  const folders = (vscode.workspace.workspaceFolders || []).filter((f) => f.uri.scheme === 'file').map((f) => f.uri.fsPath);
  const found = serverCommand({ setting: config.get('path', ''), folders });
  if (found.error) {
    // Not awaited: the message's promise settles only when the user answers, and activation must not wait for that.
    void vscode.window.showErrorMessage(found.error, 'Open Settings').then((choice) => {
      if (choice === 'Open Settings') void vscode.commands.executeCommand('workbench.action.openSettings', 'loopguard.path');
    });
    return;
  }
  const serverOptions = { command: found.command, args: found.args, options: { cwd: folders[0], shell: found.shell } };
  const clientOptions = { documentSelector: LANGUAGES.map((language) => ({ scheme: 'file', language })) };
  client = new LanguageClient('loopguard', 'loopguard', serverOptions, clientOptions);
  try {
    await client.start();
  } catch (err) {
    client = null;
    const message = err instanceof Error ? err.message : String(err);
    void vscode.window.showErrorMessage(`loopguard: the language server (${found.command}) did not start: ${message}`);
  }
}

async function stop() {
  const running = client;
  client = null;
  if (running) await running.stop().catch(() => undefined);
}

/** Starts and restarts run one after another, so settings changed in a burst never leave two clients running. */
let restarting = Promise.resolve();
function restart() {
  restarting = restarting
    .then(async () => {
      await stop();
      await start();
    })
    .catch((err) => void vscode.window.showErrorMessage(`loopguard: could not start: ${err instanceof Error ? err.message : String(err)}`));
  return restarting;
}

/** @param {vscode.ExtensionContext} context */
async function activate(context) {
  context.subscriptions.push(
    vscode.commands.registerCommand('loopguard.restart', restart),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('loopguard.enable') || e.affectsConfiguration('loopguard.path')) void restart();
    }),
  );
  await restart();
}

function deactivate() {
  return stop();
}

module.exports = { activate, deactivate };
