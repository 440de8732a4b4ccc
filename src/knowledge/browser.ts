// Knowledge table: code that runs in a browser, not in Node. Two views of the
// same concept, kept apart because they answer different questions:
// BROWSER_DEPENDENCIES (with SERVER_DEPENDENCIES) judges a whole package by its
// package.json; BROWSER_MODULES judges one file by what it imports, so it lists
// only modules no server-side file would import (not `react`, not build plugins).

/** Folders of front-end code served to browsers. */
export const BROWSER_DIRS: ReadonlySet<string> = new Set(['public', 'frontend', 'static']);

/** Dependencies of browser apps, and of servers (a package with one of the first and none of the second is a front end). */
export const BROWSER_DEPENDENCIES: readonly string[] = [
  'react-dom',
  'vue',
  'svelte',
  '@angular/core',
  'solid-js',
  'preact',
  'react-scripts',
  'react-native',
  '@vitejs/plugin-react',
  'jquery',
];
export const SERVER_DEPENDENCIES: readonly string[] = [
  'express',
  'fastify',
  'koa',
  'hono',
  '@nestjs/core',
  '@nestjs/common',
  'next',
  'nuxt',
  '@sveltejs/kit',
  '@remix-run/node',
  '@react-router/node',
  'astro',
  '@hapi/hapi',
  'restify',
  'bullmq',
  'payload',
  'graphql-yoga',
  '@apollo/server',
];

/**
 * The file-level view of a server: modules only server code imports (with Node's built-ins). A file that imports one
 * runs on a server, whatever its folder is called. Meta-frameworks whose modules client code imports too (`next`,
 * `nuxt`, `@sveltejs/kit`, `astro`, `hono/client`) are not here; `next/server` and `server-only` are.
 */
export const SERVER_MODULES: readonly string[] = [
  'express',
  'fastify',
  'koa',
  '@nestjs/core',
  '@nestjs/common',
  '@hapi/hapi',
  'restify',
  'bullmq',
  'graphql-yoga',
  '@apollo/server',
  '@remix-run/node',
  '@react-router/node',
  'next/server',
  'server-only',
];

/** Modules that only exist in a browser app (or that make a file a client component): importing one makes a file browser code. */
export const BROWSER_MODULES: ReadonlySet<string> = new Set([
  'react-dom',
  'react-native',
  'vue',
  'svelte',
  '@angular/core',
  'solid-js',
  'preact',
  '@remix-run/react',
  'next/navigation',
  'next/router',
  'prosemirror-view',
  '@codemirror/view',
  'monaco-editor',
]);
/**
 * Of BROWSER_MODULES, those a server module imports too (`redirect`, `notFound` from `next/navigation` in a server
 * component or route): they make a file browser code only when it imports one of their hooks (`useRouter`).
 */
export const HOOKS_ONLY_BROWSER_MODULES: ReadonlySet<string> = new Set(['next/navigation']);
/** Modules of BROWSER_MODULES whose subpaths count too: `react-dom/client`, `svelte/store`, `preact/hooks`. */
export const BROWSER_MODULE_FAMILIES: readonly string[] = ['react-dom', 'svelte', 'preact'];

/** Is `spec` (an import specifier) one of BROWSER_MODULES, or a subpath of one of BROWSER_MODULE_FAMILIES? */
export function isBrowserModule(spec: string): boolean {
  return BROWSER_MODULES.has(spec) || BROWSER_MODULE_FAMILIES.some((m) => spec.startsWith(m + '/'));
}

/** React hooks by name, `useState`, `useEffect`: a file that imports one from `react` is a client component. */
export const REACT_HOOK_NAME = /^use[A-Z]/;

/**
 * Globals that exist only in a browser: a module whose top level uses one (`document.addEventListener(…)`,
 * `(function (w) { … })(window)`) throws on import in Node, so it is browser code.
 */
export const BROWSER_GLOBALS: ReadonlySet<string> = new Set(['window', 'document', 'navigator', 'localStorage', 'sessionStorage']);
