// One measured run, in its own process: `parse <list-file>` (read + @babel/parser
// with loopguard's options, one thread: the floor) or `loopguard <cli args…>`.
// Prints `BENCH {"files":…,"maxRssKb":…}` on stderr when done.
import fs from 'node:fs';
import { main } from '../src/cli/main.js';
import { parseSource } from '../src/syntax/parse.js';

const [mode, ...args] = process.argv.slice(2);
let files = 0;
if (mode === 'parse') {
  for (const f of fs.readFileSync(args[0]!, 'utf8').split('\n')) {
    if (!f) continue;
    let source: string;
    try {
      source = fs.readFileSync(f, 'utf8');
    } catch {
      continue;
    }
    parseSource(source, f);
    files++;
  }
} else if (mode === 'loopguard') {
  const sink = { write: () => true, isTTY: false };
  process.exitCode = await main(['node', 'loopguard', ...args], { stdout: sink, stderr: { write: (s: string) => process.stderr.write(s) }, cwd: process.cwd(), env: {} });
  if (process.exitCode === 1) process.exitCode = 0;
} else {
  throw new Error(`unknown mode ${mode}`);
}
process.stderr.write(`BENCH ${JSON.stringify({ files, maxRssKb: process.resourceUsage().maxRSS })}\n`);
