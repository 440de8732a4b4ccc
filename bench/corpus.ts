// A deterministic synthetic corpus of server code: routes, services, workers,
// utils; mixed JavaScript and TypeScript; some blocking calls, awaits, fan-outs
// and outbound calls, in the proportions of real services. Same seed, same bytes.
import fs from 'node:fs';
import path from 'node:path';

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const NOUNS = ['user', 'order', 'invoice', 'product', 'cart', 'payment', 'session', 'report', 'team', 'project', 'comment', 'ticket'];

function cap(s: string): string {
  return s[0]!.toUpperCase() + s.slice(1);
}

function route(r: () => number, i: number, ts: boolean): string {
  const n = NOUNS[i % NOUNS.length]!;
  const T = ts ? ': any' : '';
  const lines = [
    `import express from 'express';`,
    `import fs from 'node:fs';`,
    `import { ${n}Service } from '../services/${n}-service${i % 7}';`,
    `import { render${cap(n)} } from '../utils/render${i % 5}';`,
    ``,
    `export const router = express.Router();`,
    ``,
  ];
  const handlers = 3 + Math.floor(r() * 4);
  for (let h = 0; h < handlers; h++) {
    const verb = ['get', 'post', 'put', 'delete'][h % 4];
    lines.push(`router.${verb}('/${n}s/${h}/:id', async (req${T}, res${T}) => {`);
    lines.push(`  const item = await ${n}Service.find(req.params.id);`);
    lines.push(`  if (!item) return res.status(404).end();`);
    if (r() < 0.3) lines.push(`  const extra = await ${n}Service.related(req.params.id);`);
    if (r() < 0.1) lines.push(`  const tpl = fs.readFileSync('views/${n}.html', 'utf8');`);
    if (r() < 0.2) lines.push(`  await Promise.all(req.body.ids.map((id${T}) => ${n}Service.touch(id)));`);
    lines.push(`  res.send(render${cap(n)}(item));`);
    lines.push(`});`);
    lines.push(``);
  }
  return lines.join('\n');
}

function service(r: () => number, i: number, ts: boolean): string {
  const n = NOUNS[i % NOUNS.length]!;
  const T = (t: string) => (ts ? `: ${t}` : '');
  const lines = [`import axios from 'axios';`, `import { db } from '../db';`, ``, `export class ${cap(n)}Service {`];
  const methods = 4 + Math.floor(r() * 6);
  for (let m = 0; m < methods; m++) {
    lines.push(`  async method${m}(id${T('string')}, opts${T('Record<string, unknown>')} = {}) {`);
    lines.push(`    const row = await db.${n}s.findOne({ where: { id } });`);
    if (r() < 0.4) lines.push(`    const res = await axios.get(\`https://api.example.com/${n}s/\${id}\`);`);
    if (r() < 0.3) {
      lines.push(`    for (const child of row.children) {`);
      lines.push(`      await db.children.findOne({ where: { id: child.id } });`);
      lines.push(`    }`);
    }
    lines.push(`    const total = [1, 2, 3].reduce((a, b) => a + b, 0) + Object.keys(opts).length;`);
    lines.push(`    return { ...row, total };`);
    lines.push(`  }`);
    lines.push(``);
  }
  lines.push(`  find(id${T('string')}) { return this.method0(id); }`);
  lines.push(`}`);
  lines.push(`export const ${n}Service = new ${cap(n)}Service();`);
  return lines.join('\n');
}

function util(r: () => number, i: number, ts: boolean): string {
  const n = NOUNS[i % NOUNS.length]!;
  const T = ts ? ': any' : '';
  const lines = [`import { readFileSync } from 'node:fs';`, ``];
  const fns = 5 + Math.floor(r() * 8);
  for (let f = 0; f < fns; f++) {
    lines.push(`export function helper${f}(input${T}) {`);
    lines.push(`  const parts = String(input).split(',').map((p) => p.trim()).filter(Boolean);`);
    lines.push(`  if (parts.length > ${f + 2}) return parts.slice(0, ${f + 2}).join('-');`);
    lines.push(`  return parts.reverse().join('+');`);
    lines.push(`}`);
    lines.push(``);
  }
  lines.push(`export function render${cap(n)}(item${T}) {`);
  lines.push(`  return readFileSync('views/${n}.html', 'utf8').replace('{{id}}', String(item.id));`);
  lines.push(`}`);
  return lines.join('\n');
}

function worker(r: () => number, i: number, ts: boolean): string {
  const T = ts ? ': any' : '';
  return [
    `import { Worker } from 'bullmq';`,
    `import { db } from '../db';`,
    ``,
    `new Worker('queue-${i}', async (job${T}) => {`,
    `  const rows = await db.jobs.findMany({ where: { batch: job.data.batch } });`,
    `  for (const row of rows) {`,
    `    await db.jobs.update({ where: { id: row.id }, data: { done: true } });`,
    `  }`,
    r() < 0.5 ? `  await fetch('https://hooks.example.com/done');` : `  return rows.length;`,
    `});`,
  ].join('\n');
}

/** Write `count` files into `dir` (created); returns the number written. */
export function generateCorpus(dir: string, count: number, seed = 42): number {
  const r = rng(seed);
  fs.mkdirSync(dir, { recursive: true });
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: 'bench-corpus', private: true }) + '\n');
  const kinds = ['routes', 'services', 'utils', 'workers'] as const;
  for (let i = 0; i < count; i++) {
    const kind = kinds[i % 4]!;
    const ts = r() < 0.5;
    const pkg = `pkg${Math.floor(i / 500)}`;
    const sub = path.join(dir, pkg, 'src', kind);
    fs.mkdirSync(sub, { recursive: true });
    const text = kind === 'routes' ? route(r, i, ts) : kind === 'services' ? service(r, i, ts) : kind === 'utils' ? util(r, i, ts) : worker(r, i, ts);
    fs.writeFileSync(path.join(sub, `${kind.slice(0, -1)}${i}.${ts ? 'ts' : 'js'}`), text + '\n');
  }
  return count;
}
