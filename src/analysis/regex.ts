// Regular expressions that backtrack super-linearly: judged by scslre (the analysis behind eslint-plugin-regexp's
// `no-super-linear-backtracking`, on regexpp's AST and refa's automata; pure JavaScript, Node 12+). Chosen over recheck
// (Node 20 only through a worker or native/JVM backends, several MB more) and redos-detector (a bounded search that
// answers "unknown" on larger patterns): scslre names the quantifiers that can match the same text two ways, which is
// what the help needs, and it is deterministic and fast (a pattern is judged once per run).
import { RegExpParser } from '@eslint-community/regexpp';
import { analyse } from 'scslre';
import type { Node } from '../syntax/ast.js';
import type { NodePath } from '../syntax/walk.js';
import { REGEX_METHODS, STRING_REGEX_METHODS } from '../knowledge/regex.js';
import { lookup } from './scope.js';
import { unwrapExpression } from './resolve.js';
import type { CallNode } from './collections/fan-out.js';

export interface Backtracking {
  /** Exponential (nested quantifiers) or polynomial (adjacent overlapping quantifiers) in the length of the input. */
  exponential: boolean;
  /** The part of the pattern that can match the same text in more than one way. */
  part: string;
}

const judged = new Map<string, Backtracking | null>();

/** Does `/pattern/flags` backtrack super-linearly on some input? Null when it does not (or cannot be parsed). */
export function superLinear(pattern: string, flags: string): Backtracking | null {
  const key = `/${pattern}/${flags}`;
  if (judged.has(key)) return judged.get(key)!;
  let found: Backtracking | null = null;
  try {
    const literal = new RegExpParser().parseLiteral(key);
    const { reports } = analyse(literal, { reportTypes: { Move: false } });
    const worst = reports.find((r) => r.exponential) ?? reports[0];
    if (worst) found = { exponential: worst.exponential, part: worst.type === 'Trade' ? `${worst.startQuant.raw} … ${worst.endQuant.raw}` : worst.quant.raw };
  } catch {
    found = null; // a pattern regexpp cannot read is not judged
  }
  judged.set(key, found);
  return found;
}

/** A regex literal, or a `const` bound to one, as `{ pattern, flags, text }`. */
function regexLiteral(node: Node | undefined, at: NodePath): { pattern: string; flags: string; text: string } | null {
  let n = node ? (unwrapExpression(node as any) as any) : null;
  if (n?.type === 'Identifier') {
    const b = lookup(at, n.name);
    n = b && b.kind === 'const' && b.steps.length === 0 && b.init ? unwrapExpression(b.init as any) : null;
  }
  return n?.type === 'RegExpLiteral' ? { pattern: n.pattern, flags: n.flags, text: `/${n.pattern}/${n.flags}` } : null;
}

/** A call that runs a regex over a string (`re.test(s)`, `s.replace(re, …)`): the regex and the subject's path, or null. */
export function regexCall(path: NodePath<CallNode>): { regex: { pattern: string; flags: string; text: string }; subject: NodePath } | null {
  const call = path.node;
  const callee = call.callee;
  if ((callee.type !== 'MemberExpression' && callee.type !== 'OptionalMemberExpression') || callee.computed || callee.property.type !== 'Identifier') return null;
  const method = callee.property.name;
  const calleePath = path.child(callee, 'callee');
  if (REGEX_METHODS.has(method) && call.arguments[0]) {
    const regex = regexLiteral(callee.object, path);
    return regex ? { regex, subject: path.child(call.arguments[0], 'arguments', 0) } : null;
  }
  if (STRING_REGEX_METHODS.has(method) && call.arguments[0]) {
    const regex = regexLiteral(call.arguments[0], path);
    return regex ? { regex, subject: calleePath.child(callee.object, 'object') } : null;
  }
  return null;
}
