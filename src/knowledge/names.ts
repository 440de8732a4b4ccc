// Knowledge table: what a variable's name says about the value it holds.

/** Names that usually hold primitives (ids, keys, paths…): passing one to a call cannot let the callee mutate it. */
export const PRIMITIVE_VALUE_NAMES: ReadonlySet<string> = new Set([
  'id',
  'ids',
  'key',
  'keys',
  'name',
  'names',
  'url',
  'uri',
  'path',
  'slug',
  'email',
  'token',
  'code',
  'count',
  'limit',
  'offset',
  'page',
  'size',
  'index',
  'type',
  'kind',
  'status',
  'locale',
  'lang',
  'query',
  'q',
  'text',
  'value',
  'amount',
  'date',
  'from',
  'to',
]);
/** The same, as the end of a camelCase name: `userId`, `cacheKeys`, `fileName`, `authToken`. */
export const PRIMITIVE_VALUE_SUFFIX = /(?:Id|Ids|Key|Keys|Name|Url|Uri|Path|Token|Code|Count|Email|Slug|Type|Status)$/;

/** A name in PRIMITIVE_VALUE_NAMES, or ending in PRIMITIVE_VALUE_SUFFIX. */
export function isPrimitiveValueName(name: string): boolean {
  return PRIMITIVE_VALUE_NAMES.has(name) || PRIMITIVE_VALUE_SUFFIX.test(name);
}
