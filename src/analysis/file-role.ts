// File-level facts read from a file's own imports: a module that parses argv
// with commander, or drives a bundler, is a script whatever folder it is in.
import type { Node } from '../syntax/ast.js';
import { CLI_MODULES, isBuildModule, type ScriptFile } from '../knowledge/script-files.js';
import { BROWSER_GLOBALS, isBrowserModule, REACT_HOOK_NAME, HOOKS_ONLY_BROWSER_MODULES, SERVER_MODULES } from '../knowledge/browser.js';
import { isNodeBuiltin, moduleIn } from '../knowledge/modules.js';
import { isFunctionNode, someNode } from '../syntax/walk.js';
import { normalizeModule, staticString, unwrapExpression } from './resolve.js';

/** The modules a program imports or requires at its top level. */
export function topLevelModules(program: Node): string[] {
  const out: string[] = [];
  for (const stmt of (program as any).body) {
    if (stmt.type === 'ImportDeclaration') out.push(stmt.source.value);
    else if (stmt.type === 'VariableDeclaration') {
      for (const d of stmt.declarations) {
        let init = d.init && unwrapExpression(d.init);
        // require('x').y, require('x')()
        while (init && (init.type === 'MemberExpression' || (init.type === 'CallExpression' && init.callee.type !== 'Identifier'))) {
          init = unwrapExpression(init.type === 'MemberExpression' ? init.object : init.callee);
        }
        if (init?.type === 'CallExpression' && init.callee.type === 'Identifier' && init.callee.name === 'require') {
          const spec = staticString(init.arguments[0]);
          if (spec) out.push(spec);
        }
      }
    }
  }
  return out.map(normalizeModule);
}

/** A script role implied by what the file imports, or null. */
export function roleFromImports(program: Node): ScriptFile | null {
  for (const mod of topLevelModules(program)) {
    if (CLI_MODULES.has(mod)) return { role: 'script', reason: `a command-line program (it imports \`${mod}\`)` };
    if (isBuildModule(mod)) {
      return { role: 'script', reason: `build-time code (it imports \`${mod}\`)` };
    }
  }
  return null;
}

/**
 * Client-side code: a `'use client'` directive, React hooks, react-dom, Vue, Svelte…, or a browser global used at the
 * top level. It runs in a browser, not in Node.
 */
/** Does the module import a server framework (`@nestjs/common`, express…) or a Node built-in? Then it runs on a server. */
export function importsServerCode(program: Node): boolean {
  return (program as any).body.some((stmt: any) => {
    const spec = stmt.type === 'ImportDeclaration' && stmt.importKind !== 'type' ? (stmt.source.value as string) : null;
    return spec !== null && (isNodeBuiltin(normalizeModule(spec)) || moduleIn(SERVER_MODULES, spec));
  });
}

export function runsInBrowser(program: Node): boolean {
  const p = program as any;
  if ((p.directives ?? []).some((d: any) => d.value.value === 'use client')) return true;
  if (usesBrowserGlobal(p)) return true;
  for (const stmt of p.body) {
    // AMD modules (`define([...], function () {…})`) are loaded by browsers.
    if (
      stmt.type === 'ExpressionStatement' &&
      stmt.expression.type === 'CallExpression' &&
      stmt.expression.callee.type === 'Identifier' &&
      stmt.expression.callee.name === 'define'
    )
      return true;
    if (stmt.type !== 'ImportDeclaration') continue;
    const mod = stmt.source.value as string;
    const hooks = stmt.specifiers.some((s: any) => s.type === 'ImportSpecifier' && REACT_HOOK_NAME.test(s.imported.name ?? ''));
    if (HOOKS_ONLY_BROWSER_MODULES.has(mod)) {
      if (hooks) return true;
      continue;
    }
    if (isBrowserModule(mod)) return true;
    if (mod === 'react' && stmt.specifiers.some((s: any) => s.type === 'ImportSpecifier' && REACT_HOOK_NAME.test(s.imported.name ?? ''))) return true;
  }
  return false;
}

/**
 * Does the module's top level (outside functions; an IIFE's arguments count) read a browser global the module does not
 * declare itself: `document.addEventListener(…)`, `})(window)`? A statement that tests `typeof window` guards itself.
 */
function usesBrowserGlobal(program: any): boolean {
  const declared = new Set<string>();
  for (const stmt of program.body) {
    const d = stmt.type === 'ExportNamedDeclaration' ? stmt.declaration : stmt;
    if (d?.type === 'VariableDeclaration') for (const v of d.declarations) if (v.id.type === 'Identifier') declared.add(v.id.name);
    if ((d?.type === 'FunctionDeclaration' || d?.type === 'ClassDeclaration') && d.id) declared.add(d.id.name);
    if (stmt.type === 'ImportDeclaration') for (const sp of stmt.specifiers) declared.add(sp.local.name);
  }
  const global = (n: any) => n?.type === 'Identifier' && BROWSER_GLOBALS.has(n.name) && !declared.has(n.name);
  for (const stmt of program.body) {
    if (stmt.type === 'ImportDeclaration' || stmt.type === 'FunctionDeclaration' || stmt.type === 'ClassDeclaration') continue;
    // One walk: a `typeof window` test anywhere in the statement guards it; otherwise any use counts.
    let used = false;
    const guarded = someNode(
      stmt,
      (n: any) => {
        if (n.type === 'UnaryExpression' && n.operator === 'typeof' && global(n.argument)) return true;
        if ((n.type === 'MemberExpression' || n.type === 'OptionalMemberExpression') && global(n.object)) used = true;
        else if ((n.type === 'CallExpression' || n.type === 'NewExpression') && n.arguments.some(global)) used = true;
        return false;
      },
      LIMIT,
      skipFunctions,
    );
    if (used && !guarded) return true;
  }
  return false;
}

const LIMIT = 10_000;
/** Do not look into function bodies: they run only when called. */
const skipFunctions = (n: any) => !isFunctionNode(n);
