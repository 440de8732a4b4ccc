// `npm run docs`: regenerate docs/rules/<id>.md, the generated parts of
// README.md (see rule-docs.ts) and the config's JSON Schema from rule metadata. Pages for rules that no
// longer exist are removed. With `--check`, write nothing and exit 1 when
// anything is out of date.
//   node dist/src/cli/write-docs.js [--check] [repository root]
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { RULE_DOCS_DIR, rulePages, updateReadme } from './rule-docs.js';
import { CONFIG_SCHEMA_PATH, configSchemaText } from '../pipeline/config-schema.js';

export interface DocsChange {
  file: string;
  action: 'write' | 'remove';
}

/** What differs between the generated docs and the files under `root`; applied unless `check`. */
export function writeDocs(root: string, check = false): DocsChange[] {
  const changes: DocsChange[] = [];
  const readFile = (rel: string) => (fs.existsSync(path.join(root, rel)) ? fs.readFileSync(path.join(root, rel), 'utf8') : null);
  const wanted = new Map(rulePages());
  const readme = readFile('README.md');
  if (readme === null) throw new Error(`no README.md in ${root}`);
  wanted.set('README.md', updateReadme(readme));
  wanted.set(CONFIG_SCHEMA_PATH, configSchemaText());
  for (const [rel, content] of wanted) {
    if (readFile(rel) === content) continue;
    changes.push({ file: rel, action: 'write' });
    if (!check) {
      fs.mkdirSync(path.dirname(path.join(root, rel)), { recursive: true });
      fs.writeFileSync(path.join(root, rel), content);
    }
  }
  const dir = path.join(root, RULE_DOCS_DIR);
  for (const name of fs.existsSync(dir) ? fs.readdirSync(dir).sort() : []) {
    const rel = `${RULE_DOCS_DIR}/${name}`;
    if (!name.endsWith('.md') || wanted.has(rel)) continue;
    changes.push({ file: rel, action: 'remove' });
    if (!check) fs.rmSync(path.join(root, rel));
  }
  return changes;
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const args = process.argv.slice(2);
  const check = args.includes('--check');
  const root = path.resolve(args.find((a) => a !== '--check') ?? '.');
  const changes = writeDocs(root, check);
  for (const c of changes) {
    const verb = c.action === 'write' ? (check ? 'out of date' : 'wrote') : check ? 'for no rule' : 'removed';
    process.stdout.write(`${verb}  ${c.file}\n`);
  }
  if (changes.length === 0) process.stdout.write('docs are up to date\n');
  if (check && changes.length > 0) {
    process.stdout.write('run `npm run docs` to regenerate\n');
    process.exitCode = 1;
  }
}
