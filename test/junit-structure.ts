// A strict reader for the XML loopguard writes, and the JUnit structure CI servers read: well-formedness
// as XML 1.0 defines it (§2.2 characters, §2.4 character data, §3.1 tags and attributes, §4.1 references),
// then the testsuites/testsuite/testcase tree with counts that add up.
export interface XmlElement {
  name: string;
  attrs: Record<string, string>;
  children: XmlElement[];
  /** The character data directly inside, references resolved. */
  text: string;
}

const NOT_CHAR = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/u;
const NAME = /[A-Za-z_:][-A-Za-z0-9_:.]*/y;
const ENTITIES: Record<string, string> = { amp: '&', lt: '<', gt: '>', quot: '"', apos: "'" };

/** Parses `src` or throws, naming the offset of the first well-formedness error. */
export function parseXml(src: string): XmlElement {
  const bad = NOT_CHAR.exec(src);
  if (bad) throw new Error(`character U+${bad[0].codePointAt(0)!.toString(16).toUpperCase()} at offset ${bad.index} is not allowed in XML 1.0`);
  let i = 0;
  const fail = (what: string): never => {
    throw new Error(`${what} at offset ${i}: ${JSON.stringify(src.slice(i, i + 30))}`);
  };
  const skipSpace = () => {
    while (i < src.length && ' \t\r\n'.includes(src[i]!)) i++;
  };
  const name = () => {
    NAME.lastIndex = i;
    const m = NAME.exec(src) ?? fail('expected a name');
    i += m[0].length;
    return m[0];
  };
  const reference = () => {
    const end = src.indexOf(';', i);
    if (end < 0) fail('unterminated reference');
    const ref = src.slice(i + 1, end);
    let value: string | undefined;
    if (/^#[0-9]+$/.test(ref)) value = String.fromCodePoint(Number(ref.slice(1)));
    else if (/^#x[0-9a-fA-F]+$/.test(ref)) value = String.fromCodePoint(parseInt(ref.slice(2), 16));
    else value = Object.hasOwn(ENTITIES, ref) ? ENTITIES[ref] : undefined;
    if (value === undefined || NOT_CHAR.test(value)) fail(`bad reference &${ref};`);
    i = end + 1;
    return value!;
  };
  const element = (): XmlElement => {
    if (src[i] !== '<') fail('expected <');
    i++;
    const el: XmlElement = { name: name(), attrs: {}, children: [], text: '' };
    for (;;) {
      const before = i;
      skipSpace();
      if (src.startsWith('/>', i)) {
        i += 2;
        return el;
      }
      if (src[i] === '>') {
        i++;
        break;
      }
      if (i === before) fail('expected white space before an attribute');
      const key = name();
      skipSpace();
      if (src[i] !== '=') fail('expected =');
      i++;
      skipSpace();
      const quote = src[i];
      if (quote !== '"' && quote !== "'") fail('expected a quoted value');
      i++;
      let value = '';
      while (src[i] !== quote) {
        if (i >= src.length || src[i] === '<') fail('< or end of input in an attribute value');
        if (src[i] === '&') value += reference();
        else if ('\t\n\r'.includes(src[i]!)) {
          // Line ends first (§2.11), then each white-space character becomes a space (§3.3.3).
          i += src.startsWith('\r\n', i) ? 2 : 1;
          value += ' ';
        } else value += src[i++];
      }
      i++;
      if (Object.hasOwn(el.attrs, key)) fail(`duplicate attribute ${key}`);
      el.attrs[key] = value;
    }
    for (;;) {
      if (i >= src.length) fail(`unclosed <${el.name}>`);
      if (src.startsWith('</', i)) {
        i += 2;
        if (name() !== el.name) fail(`mismatched end tag for <${el.name}>`);
        skipSpace();
        if (src[i] !== '>') fail('expected >');
        i++;
        return el;
      }
      if (src.startsWith('<![CDATA[', i)) {
        const end = src.indexOf(']]>', i);
        if (end < 0) fail('unterminated CDATA section');
        el.text += src.slice(i + 9, end);
        i = end + 3;
      } else if (src.startsWith('<!--', i)) {
        const end = src.indexOf('-->', i);
        if (end < 0) fail('unterminated comment');
        i = end + 3;
      } else if (src[i] === '<') el.children.push(element());
      else if (src[i] === '&') el.text += reference();
      else if (src.startsWith(']]>', i)) fail(']]> in character data');
      else if (src[i] === '\r') {
        i += src.startsWith('\r\n', i) ? 2 : 1; // line ends (§2.11)
        el.text += '\n';
      } else el.text += src[i++];
    }
  };
  if (src.startsWith('<?xml', i)) {
    const end = src.indexOf('?>', i);
    if (end < 0 || !/^<\?xml version="1\.0"( encoding="UTF-8")?$/.test(src.slice(i, end))) fail('bad XML declaration');
    i = end + 2;
  }
  skipSpace();
  const root = element();
  skipSpace();
  if (i !== src.length) fail('content after the root element');
  return root;
}

/** What CI servers' JUnit readers rely on, as a list of problems (empty when the report is sound). */
export function junitProblems(root: XmlElement): string[] {
  const problems: string[] = [];
  const need = (cond: unknown, msg: string) => {
    if (!cond) problems.push(msg);
  };
  const counts = (el: XmlElement, cases: XmlElement[], where: string) => {
    const outcome = (tag: string) => cases.filter((c) => c.children.some((x) => x.name === tag)).length;
    const expected = { tests: cases.length, failures: outcome('failure'), errors: outcome('error'), skipped: outcome('skipped') };
    for (const [k, v] of Object.entries(expected)) need(el.attrs[k] === String(v), `${where} ${k}="${el.attrs[k]}", counted ${v}`);
  };
  need(root.name === 'testsuites', `root is <${root.name}>, not <testsuites>`);
  need(root.children.length > 0, 'no <testsuite>: Jenkins fails a build whose report holds no test');
  const all: XmlElement[] = [];
  for (const suite of root.children) {
    const where = `testsuite "${suite.attrs.name}"`;
    need(suite.name === 'testsuite' && suite.attrs.name, `<${suite.name}> without a name under <testsuites>`);
    const names = new Set<string>();
    for (const c of suite.children) {
      need(c.name === 'testcase', `${where} holds <${c.name}>`);
      need(c.attrs.name && c.attrs.classname, `${where}: a testcase needs a name and a classname`);
      need(!names.has(`${c.attrs.classname}\0${c.attrs.name}`), `${where}: two testcases named ${c.attrs.name}`);
      names.add(`${c.attrs.classname}\0${c.attrs.name}`);
      need(c.children.length <= 1, `${where}: testcase ${c.attrs.name} has more than one outcome`);
      for (const o of c.children) {
        need(['failure', 'error', 'skipped'].includes(o.name), `${where}: testcase ${c.attrs.name} holds <${o.name}>`);
        need(typeof o.attrs.message === 'string' && o.attrs.message.length > 0, `${where}: <${o.name}> needs a message`);
        if (o.name === 'failure') need(['error', 'warning'].includes(o.attrs.type!), `${where}: failure type "${o.attrs.type}"`);
      }
    }
    counts(suite, suite.children, where);
    all.push(...suite.children);
  }
  counts(root, all, '<testsuites>');
  return problems;
}
