// Matching a resolved call against the blocking-API knowledge table (plus user entries from config).
import { BLOCKING_APIS, FS_METADATA, FS_MODULES, fsAlternative, READ_ONCE_ADVICE, type BlockingApi } from '../knowledge/blocking-apis.js';
import type { CostClass } from '../knowledge/impact.js';
import type { Node } from '../syntax/ast.js';
import { refKey, type Ref } from './resolve.js';
import { isConstantPath } from './constants.js';
import { collectionOrigin, type Origin } from './collections/origin.js';
import { lookup } from './scope.js';
import type { NodePath } from '../syntax/walk.js';

export interface BlockingMatch {
  api: BlockingApi;
  /** The alternative for this exact name, as help text (patterns derive it): `use`, maybe with advice after it. */
  alternative: string;
  /** The code to use instead, without advice around it (`await fs.promises.readFile(...)`). */
  use: string;
  /** `fs.readFileSync` */
  display: string;
  /** What one call costs: `light` for fs metadata calls, the entry's own class, or `io`. */
  cost: CostClass;
}

export interface BlockingCatalog {
  /** `evaluate` folds a numeric argument to a constant when it can (for size thresholds). */
  match(ref: Ref, call: Node | null, evaluate?: (node: Node) => number | null): BlockingMatch | null;
  /** As `match`, but also a call that blocks only for large sizes given a small constant one, marked `small`. */
  classify(ref: Ref, call: Node | null, evaluate?: (node: Node) => number | null): (BlockingMatch & { small: boolean }) | null;
  readonly entries: readonly BlockingApi[];
}

export function createBlockingCatalog(extra: readonly BlockingApi[] = []): BlockingCatalog {
  const exact = new Map<string, BlockingApi>();
  const patterns = new Map<string, BlockingApi[]>();
  const entries = [...BLOCKING_APIS, ...extra];
  for (const api of entries) {
    if (api.name.includes('*')) {
      let arr = patterns.get(api.module);
      if (!arr) patterns.set(api.module, (arr = []));
      arr.push(api);
    } else {
      exact.set(`${api.module}#${api.name}`, api);
    }
  }
  const catalog: BlockingCatalog = {
    entries,
    match(ref, call, evaluate) {
      const m = catalog.classify(ref, call, evaluate);
      return m && !m.small ? { api: m.api, alternative: m.alternative, use: m.use, display: m.display, cost: m.cost } : null;
    },
    classify(ref, call, evaluate) {
      if (ref.kind !== 'module' && ref.kind !== 'global') return null;
      const key = refKey(ref);
      let api = exact.get(key);
      const name = ref.path.join('.');
      if (!api) {
        const module = ref.kind === 'module' ? ref.module : 'global';
        for (const p of patterns.get(module) ?? []) {
          if (globMatch(p.name, name)) {
            api = p;
            break;
          }
        }
      }
      if (!api) return null;
      if (api.when === 'no-callback' && (call === null || hasCallback(call))) return null;
      let small = false;
      if (api.cheapUpTo !== undefined && call) {
        const first = (call as any).arguments?.[0];
        const size = first ? (first.type === 'NumericLiteral' ? first.value : (evaluate?.(first) ?? null)) : null;
        small = size !== null && size <= api.cheapUpTo;
      }
      const module = ref.kind === 'module' ? ref.module : '';
      const display = module ? (name ? `${module}.${name}` : module) : name;
      const fs = !api.alternative && FS_MODULES.includes(api.module) ? fsAlternative(api.module, name) : null;
      const use = api.alternative || (fs?.use ?? '');
      const alternative = fs?.readOnce ? `${use}, or ${READ_ONCE_ADVICE}` : use;
      const cost = api.cost ?? (FS_MODULES.includes(api.module) && FS_METADATA.has(name) ? 'light' : 'io');
      return { api, alternative, use, display, small, cost };
    },
  };
  return catalog;
}

function globMatch(pattern: string, name: string): boolean {
  if (name.includes('.')) return false;
  const i = pattern.indexOf('*');
  const prefix = pattern.slice(0, i);
  const suffix = pattern.slice(i + 1);
  return name.length > prefix.length + suffix.length && name.startsWith(prefix) && name.endsWith(suffix);
}

/** A callback is passed when some argument is (or may be) a function: the last non-literal argument. */
function hasCallback(call: any): boolean {
  const args = call.arguments ?? [];
  if (args.length === 0) return false;
  const last = args[args.length - 1];
  switch (last.type) {
    case 'NumericLiteral':
    case 'StringLiteral':
    case 'ObjectExpression':
    case 'ArrayExpression':
    case 'BinaryExpression':
    case 'TemplateLiteral':
      return false;
    default:
      // randomBytes(size) has one argument; anything after the size (or buffer) may be the callback.
      return args.length >= 2 || last.type === 'SpreadElement';
  }
}

/**
 * What one blocking call costs where it is written: a file read or write at a path fixed in the code (a template,
 * `package.json`, a build-info file) is light, its size the project's own; so is one whose path and data come from
 * nowhere the outside world sizes (a resource folder, a setting, a temporary file: the project's own files, small in
 * practice, as for collections of no known origin). A path or data the request names (an upload), a query's row holds
 * or a caller passes keeps the API's class.
 */
export function blockingCost(match: BlockingMatch, call: Node | null, scope: NodePath): CostClass {
  if (match.cost !== 'io' || !FS_MODULES.includes(match.api.module) || !call) return match.cost;
  const args = ((call as any).arguments ?? []) as Node[];
  // A path fixed in the code leaves the data (`writeFileSync(REPORT, JSON.stringify(req.body))`) to decide.
  const fixed = !!args[0] && isConstantPath(args[0], scope);
  return args.some((a, i) => !(fixed && i === 0) && sizedOutside(scope.child(a, 'arguments', i), 0)) ? match.cost : 'light';
}

const OUTSIDE: ReadonlySet<Origin> = new Set(['input', 'query', 'listing', 'param']);

/** Does any part of the expression (a template's parts, a `path.join` argument, a row's field) come from the outside? */
function sizedOutside(at: NodePath, depth: number): boolean {
  const n = at.node as any;
  if (!n || depth > 4) return false;
  switch (n.type) {
    case 'TemplateLiteral':
      return n.expressions.some((e: Node, i: number) => sizedOutside(at.child(e, 'expressions', i), depth + 1));
    case 'BinaryExpression':
    case 'LogicalExpression':
      return sizedOutside(at.child(n.left, 'left'), depth + 1) || sizedOutside(at.child(n.right, 'right'), depth + 1);
    case 'ObjectExpression':
      // JSON.stringify({ payload: req.body }): as its values.
      return n.properties.some((p: any, i: number) => {
        const v = p.type === 'SpreadElement' ? p.argument : p.type === 'ObjectProperty' ? p.value : null;
        return v && sizedOutside(at.child(n.properties[i], 'properties', i).child(v, p.type === 'SpreadElement' ? 'argument' : 'value'), depth + 1);
      });
    case 'ArrayExpression':
      return n.elements.some((e: any, i: number) => e && sizedOutside(at.child(e, 'elements', i), depth + 1));
    case 'SpreadElement':
      return sizedOutside(at.child(n.argument, 'argument'), depth + 1);
    case 'ConditionalExpression':
      return sizedOutside(at.child(n.consequent, 'consequent'), depth + 1) || sizedOutside(at.child(n.alternate, 'alternate'), depth + 1);
    case 'AwaitExpression':
    case 'TSAsExpression':
    case 'TSNonNullExpression':
      return sizedOutside(at.child(n.expression ?? n.argument, n.expression ? 'expression' : 'argument'), depth + 1);
    case 'CallExpression':
      // path.join(dir, name), Buffer.from(data), JSON.stringify(body): as their arguments; else the call's result.
      if (n.arguments.some((a: Node, i: number) => sizedOutside(at.child(a, 'arguments', i), depth + 1))) return true;
      return OUTSIDE.has(collectionOrigin(at));
    case 'MemberExpression':
    case 'OptionalMemberExpression': {
      if (OUTSIDE.has(collectionOrigin(at))) return true;
      // attachment.path of a query's row, file.buffer of an upload: as the value they are read from.
      let root = n;
      let rootPath: NodePath = at;
      while (root.type === 'MemberExpression' || root.type === 'OptionalMemberExpression') {
        rootPath = rootPath.child(root.object, 'object');
        root = root.object;
      }
      return root.type === 'Identifier' && sizedOutside(rootPath, depth + 1);
    }
    case 'Identifier': {
      // const file = `settings/${tenant}.json`: as the value it was given.
      const b = lookup(at, n.name);
      if (b && (b.kind === 'const' || b.kind === 'let') && b.init && b.steps.length === 0 && sizedOutside(b.scopePath.child(b.init, 'init'), depth + 1)) return true;
      // for (const doc of docs): an item of the collection the loop walks (a query's rows, a listing, request input).
      const loop = b && !b.init ? (b.scopePath.node as any) : null;
      if (loop && (loop.type === 'ForOfStatement' || loop.type === 'ForInStatement') && OUTSIDE.has(collectionOrigin(b!.scopePath.child(loop.right, 'right'))))
        return true;
      return OUTSIDE.has(collectionOrigin(at));
    }
    default:
      return OUTSIDE.has(collectionOrigin(at));
  }
}
