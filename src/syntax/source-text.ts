// Source text read as text: a call's written callee on one line. (Regular
// expressions here parse text; they are not names, so they are not knowledge tables.)

/** `this.repo\n  .find( x )` → `this.repo.find(x)`: whitespace runs collapsed, and none around `.()[]?!`. */
export function compactSource(text: string): string {
  return text.replace(/\s+/g, ' ').replace(/ ?([.()[\]?!]) ?/g, '$1');
}
