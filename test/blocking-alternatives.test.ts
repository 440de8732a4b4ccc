// What to use instead of a blocking API is structured knowledge: rules read the
// primary alternative from a field, never by cutting a help sentence apart.
import { describe, expect, it } from 'vitest';
import { createBlockingCatalog } from '../src/analysis/blocking-catalog.js';
import { analyzeFixture } from './helpers.js';

const ALTERNATIVE = '`await db.query(sql)`, or `db.queryStream(sql)` for large results';
const CONFIG = { blocking: [{ module: 'legacy-db', export: 'querySync', alternative: ALTERNATIVE }] };

describe('blocking alternatives', () => {
  it('keep the code to use apart from the advice around it', () => {
    const catalog = createBlockingCatalog();
    const read = catalog.match({ kind: 'module', module: 'fs', path: ['readFileSync'] }, null)!;
    expect(read.use).toBe('`await fs.promises.readFile(...)`');
    expect(read.alternative).toBe('`await fs.promises.readFile(...)`, or read it once at startup');
    const exec = catalog.match({ kind: 'module', module: 'child_process', path: ['execSync'] }, null)!;
    expect(exec.use).toBe(exec.alternative);
  });

  it('a declared alternative worded with a comma is suggested whole along a chain of calls', async () => {
    const out = await analyzeFixture('fixtures/rules/blocking-call/config-alternative-wording.js', ['blocking-call'], CONFIG);
    const chain = out.result.findings.filter((f) => f.message.includes('`loadRows()`'));
    expect(chain).toHaveLength(1);
    expect(chain[0]!.help).toContain(`(${ALTERNATIVE} in \`loadRows\``);
  });

  it('a file-system read along a chain suggests the async call; the help already says to do it at startup', async () => {
    const out = await analyzeFixture('fixtures/rules/blocking-call/config-alternative-wording.js', ['blocking-call'], CONFIG);
    const chain = out.result.findings.filter((f) => f.message.includes('`loadTemplate()`'));
    expect(chain).toHaveLength(1);
    expect(chain[0]!.help).toBe('Make the chain async (`await fs.promises.readFile(...)` in `loadTemplate`, awaited by its callers), or do this work once at startup');
  });
});

describe('bcryptjs', () => {
  it('is plain JavaScript: its async form still computes on this thread, so the advice is the native package or a worker', () => {
    const catalog = createBlockingCatalog();
    const js = catalog.match({ kind: 'module', module: 'bcryptjs', path: ['hashSync'] }, null)!;
    expect(js.alternative).toContain('native `bcrypt` package');
    expect(js.alternative).toContain('worker thread');
    const native = catalog.match({ kind: 'module', module: 'bcrypt', path: ['hashSync'] }, null)!;
    expect(native.alternative).toBe('`await bcrypt.hash(...)`');
  });
});
