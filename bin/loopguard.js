#!/usr/bin/env node
// Tiny shim: load the compiled CLI and set the exit code.
import v8 from 'node:v8';
// Parsing allocates many short-lived objects: a larger young generation means fewer scavenges (~10% faster).
v8.setFlagsFromString('--max-semi-space-size=32');
let cli;
try {
  cli = await import('../dist/src/cli/main.js');
} catch (err) {
  if (err && err.code === 'ERR_MODULE_NOT_FOUND' && String(err.message).includes('dist')) {
    process.stderr.write('loopguard: not built yet. Run `npm install` (or `npm run build`) in the loopguard folder.\n');
    process.exit(2);
  }
  throw err;
}
process.exitCode = await cli.main(process.argv);
