// Source text read as text: a call's written callee on one line, and the JSON
// with comments of a tsconfig.json that get-tsconfig cannot resolve. (Regular
// expressions here parse text; they are not names, so they are not knowledge tables.)

/** `this.repo\n  .find( x )` → `this.repo.find(x)`: whitespace runs collapsed, and none around `.()[]?!`. */
export function compactSource(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/ ?([.()[\]?!]) ?/g, '$1');
}

/** JSON with comments, trailing commas and a byte-order mark, as tsconfig.json allows. */
export function parseJsonc(text: string): unknown {
  let out = '';
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text[i]!;
    if (inString) {
      out += c;
      if (c === '\\') out += text[++i] ?? '';
      else if (c === '"') inString = false;
      continue;
    }
    if (c === '"') {
      inString = true;
      out += c;
    } else if (c === '/' && text[i + 1] === '/') {
      while (i < text.length && text[i] !== '\n') i++;
      out += '\n';
    } else if (c === '/' && text[i + 1] === '*') {
      i += 2;
      while (i < text.length && !(text[i] === '*' && text[i + 1] === '/')) i++;
      i++;
    } else out += c;
  }
  return JSON.parse(out.replace(/,(\s*[}\]])/g, '$1'));
}
