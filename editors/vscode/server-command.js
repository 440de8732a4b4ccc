// How to start the loopguard language server: which executable, with which arguments. No `vscode` import, so the
// root test suite can check it without VS Code (test/editors.test.ts).
'use strict';
const fs = require('node:fs');
const path = require('node:path');

/** The server's command line after the executable: `loopguard lsp --stdio`. */
const SERVER_ARGS = ['lsp', '--stdio'];
/** VS Code language ids the server analyzes (the activation events say the same). */
const LANGUAGES = ['javascript', 'javascriptreact', 'typescript', 'typescriptreact'];

const NOT_FOUND =
  'loopguard was not found: no node_modules/.bin/loopguard in the workspace and no `loopguard` on PATH. ' +
  'Install it in the project as a dev dependency (loopguard README, "Install") or set `loopguard.path` to the ' +
  'loopguard executable or to its bin/loopguard.js.';

/** An executable file on PATH (with PATHEXT on Windows), or null. */
function onPath(name, env, platform) {
  const exts = platform === 'win32' ? (env.PATHEXT || '.COM;.EXE;.BAT;.CMD').split(';').filter(Boolean) : [''];
  for (const dir of (env.PATH || env.Path || '').split(path.delimiter)) {
    if (!dir) continue;
    for (const ext of exts) {
      const file = path.join(dir, name + ext);
      if (isFile(file) && (platform === 'win32' || isExecutable(file))) return file;
    }
  }
  return null;
}

function isFile(file) {
  try {
    return fs.statSync(file).isFile();
  } catch {
    return false;
  }
}

function isExecutable(file) {
  try {
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Run `file` (an executable or a .js file) with SERVER_ARGS. */
function launch(file, source, env, platform) {
  if (/\.[cm]?js$/i.test(file)) {
    const node = onPath('node', env, platform);
    if (!node) return { error: `loopguard: ${file} needs Node.js (20.19 or newer), and \`node\` is not on the PATH VS Code was started with.` };
    return { command: node, args: [file, ...SERVER_ARGS], shell: false, source };
  }
  // Windows runs npm's .cmd shims only through a shell (Node >= 20.12 refuses to spawn them directly); quote the path.
  if (platform === 'win32' && /\.(cmd|bat)$/i.test(file)) return { command: `"${file}"`, args: SERVER_ARGS, shell: true, source };
  return { command: file, args: SERVER_ARGS, shell: false, source };
}

/**
 * The command that starts `loopguard lsp --stdio`, or `{ error }` with a message for the user.
 * `setting` is `loopguard.path`; `folders` are the workspace folders on disk, the first one first.
 */
function serverCommand({ setting = '', folders = [], env = process.env, platform = process.platform } = {}) {
  const wanted = setting.trim();
  if (wanted) {
    const bare = !wanted.includes('/') && !wanted.includes('\\');
    if (bare) {
      const found = onPath(wanted, env, platform);
      return found ? launch(found, 'loopguard.path', env, platform) : { error: `loopguard: \`loopguard.path\` is "${wanted}", which is not on PATH.` };
    }
    const file = path.resolve(folders[0] || process.cwd(), wanted);
    return isFile(file) ? launch(file, 'loopguard.path', env, platform) : { error: `loopguard: \`loopguard.path\` is "${wanted}", and ${file} does not exist.` };
  }
  for (const folder of folders) {
    const names = platform === 'win32' ? ['loopguard.cmd'] : ['loopguard'];
    for (const name of names) {
      const file = path.join(folder, 'node_modules', '.bin', name);
      if (isFile(file)) return launch(file, 'workspace', env, platform);
    }
  }
  const global = onPath('loopguard', env, platform);
  return global ? launch(global, 'PATH', env, platform) : { error: NOT_FOUND };
}

module.exports = { serverCommand, SERVER_ARGS, LANGUAGES };
