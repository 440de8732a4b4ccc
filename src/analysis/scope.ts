// Lazy lexical scope lookup. Instead of crawling every scope of every file
// (Babel's scope tracker), each scope node's declarations are collected the
// first time a name is looked up through it, and cached per node.
import type { Node } from '../syntax/ast.js';
import type { NodePath } from '../syntax/walk.js';

export type BindingKind = 'import' | 'import-equals' | 'var' | 'let' | 'const' | 'using' | 'function' | 'class' | 'param' | 'catch' | 'enum' | 'namespace';

/** One step from a destructured value to the bound name. */
export type PatternStep = { prop: string } | { index: number } | { rest: true } | { unknown: true };

export interface Binding {
  name: string;
  kind: BindingKind;
  /** The declaring identifier. */
  id: Node;
  /** The scope node that owns the binding (identifiers in `init` resolve from here). */
  scopePath: NodePath;
  /** The declaring construct: VariableDeclarator, FunctionDeclaration, ClassDeclaration, import specifier, the function for params… */
  declNode: Node;
  /** For variables: the initialiser the pattern destructures; for imports: null. */
  init: Node | null;
  /** Destructuring path from `init` to this name (`const { a: { b } } = x` gives [a, b]). */
  steps: PatternStep[];
  /** For imports: the module specifier and the imported name ('default', '*', or the export name). */
  importSource?: string;
  importName?: string;
}

type ScopeMap = Map<string, Binding>;
const cache = new WeakMap<Node, ScopeMap>();

const FUNCTION_TYPES = new Set(['FunctionDeclaration', 'FunctionExpression', 'ArrowFunctionExpression', 'ObjectMethod', 'ClassMethod', 'ClassPrivateMethod']);

function isScopeNode(node: Node): boolean {
  switch (node.type) {
    case 'Program':
    case 'BlockStatement':
    case 'StaticBlock':
    case 'TSModuleBlock':
    case 'SwitchStatement':
    case 'ForStatement':
    case 'ForInStatement':
    case 'ForOfStatement':
    case 'CatchClause':
    case 'ClassExpression':
    case 'ClassDeclaration':
      return true;
    default:
      return FUNCTION_TYPES.has(node.type);
  }
}

/**
 * The binding `name` refers to at `path`, or null when it is not declared in
 * the file (a global, or an implicit CommonJS name such as `require`).
 */
export function lookup(path: NodePath, name: string): Binding | null {
  for (let p: NodePath | null = path; p; p = p.parentPath) {
    const node = p.node;
    if (!isScopeNode(node)) continue;
    let map = cache.get(node);
    if (!map) {
      map = collectDeclarations(p);
      cache.set(node, map);
    }
    const b = map.get(name);
    if (b) return b;
  }
  return null;
}

/** All bindings a scope node declares (parameters, hoisted vars, lexical declarations…). */
export function declarationsOf(scopePath: NodePath): ReadonlyMap<string, Binding> {
  let map = cache.get(scopePath.node);
  if (!map) {
    map = collectDeclarations(scopePath);
    cache.set(scopePath.node, map);
  }
  return map;
}

function collectDeclarations(scopePath: NodePath): ScopeMap {
  const map: ScopeMap = new Map();
  const node = scopePath.node as any;
  const add = (b: Binding) => {
    if (!map.has(b.name)) map.set(b.name, b);
  };
  switch (node.type) {
    case 'Program':
      addStatements(node.body, scopePath, add, true);
      hoistVars(node.body, scopePath, add);
      break;
    case 'BlockStatement':
    case 'TSModuleBlock':
      addStatements(node.body, scopePath, add, false);
      break;
    case 'StaticBlock':
      addStatements(node.body, scopePath, add, false);
      hoistVars(node.body, scopePath, add);
      break;
    case 'SwitchStatement':
      for (const c of node.cases) addStatements(c.consequent, scopePath, add, false);
      break;
    case 'ForStatement':
      if (node.init && node.init.type === 'VariableDeclaration') addVariableDeclaration(node.init, scopePath, add);
      break;
    case 'ForInStatement':
    case 'ForOfStatement':
      if (node.left.type === 'VariableDeclaration') addVariableDeclaration(node.left, scopePath, add, true);
      break;
    case 'CatchClause':
      if (node.param) addPattern(node.param, [], (name, id, steps) => add({ name, kind: 'catch', id, scopePath, declNode: node, init: null, steps }));
      break;
    case 'ClassExpression':
    case 'ClassDeclaration':
      if (node.id) add({ name: node.id.name, kind: 'class', id: node.id, scopePath, declNode: node, init: null, steps: [] });
      break;
    default:
      if (FUNCTION_TYPES.has(node.type)) {
        for (const param of node.params ?? []) {
          addPattern(param, [], (name, id, steps) => add({ name, kind: 'param', id, scopePath, declNode: node, init: null, steps }));
        }
        if (node.body && node.body.type === 'BlockStatement') hoistVars(node.body.body, scopePath, add);
        if (node.type === 'FunctionExpression' && node.id) {
          add({ name: node.id.name, kind: 'function', id: node.id, scopePath, declNode: node, init: null, steps: [] });
        }
      }
  }
  return map;
}

function addStatements(body: any[], scopePath: NodePath, add: (b: Binding) => void, isProgram: boolean): void {
  for (let stmt of body) {
    if (stmt.type === 'ExportNamedDeclaration' || stmt.type === 'ExportDefaultDeclaration') {
      if (!stmt.declaration) continue;
      stmt = stmt.declaration;
    }
    switch (stmt.type) {
      case 'VariableDeclaration':
        if (stmt.kind !== 'var') addVariableDeclaration(stmt, scopePath, add);
        break;
      case 'FunctionDeclaration':
      case 'TSDeclareFunction':
        if (stmt.id) add({ name: stmt.id.name, kind: 'function', id: stmt.id, scopePath, declNode: stmt, init: null, steps: [] });
        break;
      case 'ClassDeclaration':
        if (stmt.id) add({ name: stmt.id.name, kind: 'class', id: stmt.id, scopePath, declNode: stmt, init: null, steps: [] });
        break;
      case 'TSEnumDeclaration':
        add({ name: stmt.id.name, kind: 'enum', id: stmt.id, scopePath, declNode: stmt, init: null, steps: [] });
        break;
      case 'TSModuleDeclaration':
        if (stmt.id.type === 'Identifier') {
          add({ name: stmt.id.name, kind: 'namespace', id: stmt.id, scopePath, declNode: stmt, init: null, steps: [] });
        }
        break;
      case 'TSImportEqualsDeclaration':
        add({
          name: stmt.id.name,
          kind: 'import-equals',
          id: stmt.id,
          scopePath,
          declNode: stmt,
          init: stmt.moduleReference,
          steps: [],
        });
        break;
      case 'ImportDeclaration':
        if (!isProgram) break;
        for (const spec of stmt.specifiers) {
          const importName =
            spec.type === 'ImportSpecifier'
              ? spec.imported.type === 'Identifier'
                ? spec.imported.name
                : spec.imported.value
              : spec.type === 'ImportNamespaceSpecifier'
                ? '*'
                : 'default';
          add({
            name: spec.local.name,
            kind: 'import',
            id: spec.local,
            scopePath,
            declNode: spec,
            init: null,
            steps: [],
            importSource: stmt.source.value,
            importName,
          });
        }
        break;
    }
  }
}

function addVariableDeclaration(decl: any, scopePath: NodePath, add: (b: Binding) => void, loopHead = false): void {
  const kind: BindingKind = decl.kind === 'var' ? 'var' : decl.kind === 'let' ? 'let' : decl.kind === 'const' ? 'const' : 'using';
  for (const d of decl.declarations) {
    addPattern(d.id, [], (name, id, steps) => add({ name, kind, id, scopePath, declNode: d, init: loopHead ? null : (d.init ?? null), steps }));
  }
}

/** Hoist `var` declarations from nested statements (not nested functions) to the function/program scope. */
function hoistVars(body: any[], scopePath: NodePath, add: (b: Binding) => void): void {
  const stack: any[] = [...body].reverse();
  while (stack.length > 0) {
    const s = stack.pop();
    if (!s) continue;
    switch (s.type) {
      case 'VariableDeclaration':
        if (s.kind === 'var') addVariableDeclaration(s, scopePath, add);
        break;
      case 'ExportNamedDeclaration':
        if (s.declaration) stack.push(s.declaration);
        break;
      case 'BlockStatement':
        for (let i = s.body.length - 1; i >= 0; i--) stack.push(s.body[i]);
        break;
      case 'IfStatement':
        stack.push(s.alternate, s.consequent);
        break;
      case 'ForStatement':
        stack.push(s.body, s.init);
        break;
      case 'ForInStatement':
      case 'ForOfStatement':
        stack.push(s.body, s.left);
        break;
      case 'WhileStatement':
      case 'DoWhileStatement':
      case 'LabeledStatement':
      case 'WithStatement':
        stack.push(s.body);
        break;
      case 'TryStatement':
        stack.push(s.finalizer, s.handler?.body, s.block);
        break;
      case 'SwitchStatement':
        for (const c of s.cases) for (let i = c.consequent.length - 1; i >= 0; i--) stack.push(c.consequent[i]);
        break;
    }
  }
}

/** Calls `emit` for every identifier a binding pattern declares, with its destructuring steps. */
export function addPattern(pattern: any, steps: PatternStep[], emit: (name: string, id: Node, steps: PatternStep[]) => void): void {
  const stack: [any, PatternStep[]][] = [[pattern, steps]];
  while (stack.length > 0) {
    const [p, st] = stack.pop()!;
    if (!p) continue;
    switch (p.type) {
      case 'Identifier':
        emit(p.name, p, st);
        break;
      case 'ObjectPattern':
        for (const prop of p.properties) {
          if (prop.type === 'RestElement') {
            stack.push([prop.argument, [...st, { rest: true }]]);
            continue;
          }
          const key = propertyKeyName(prop);
          stack.push([prop.value, [...st, key === null ? { unknown: true } : { prop: key }]]);
        }
        break;
      case 'ArrayPattern':
        p.elements.forEach((el: any, i: number) => {
          if (el) stack.push([el, [...st, el.type === 'RestElement' ? { rest: true } : { index: i }]]);
        });
        break;
      case 'AssignmentPattern':
        stack.push([p.left, st]);
        break;
      case 'RestElement':
        stack.push([p.argument, st]);
        break;
      case 'TSParameterProperty':
        stack.push([p.parameter, st]);
        break;
    }
  }
}

/** The static name of an object property / method key, or null when computed from an expression. */
/** For a parameter binding: the position of the parameter that declares it (`b` in `(a, { b } = {})` is 1), else -1. */
export function paramPosition(b: Binding): number {
  const params = b.kind === 'param' ? ((b.declNode as any).params as any[] | undefined) : undefined;
  const id = b.id as any;
  return params ? params.findIndex((p) => p.start <= id.start && id.end <= p.end) : -1;
}

export function propertyKeyName(prop: any): string | null {
  const key = prop.key;
  if (!key) return null;
  if (!prop.computed) {
    if (key.type === 'Identifier') return key.name;
    if (key.type === 'StringLiteral') return key.value;
    if (key.type === 'NumericLiteral') return String(key.value);
    return null;
  }
  if (key.type === 'StringLiteral') return key.value;
  if (key.type === 'TemplateLiteral' && key.expressions.length === 0) return key.quasis[0].value.cooked ?? null;
  return null;
}
