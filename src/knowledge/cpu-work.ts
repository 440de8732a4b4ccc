// CPU-heavy synchronous work (`cpu-bound`): library calls whose cost grows with the size of the data they are given,
// and the shapes of per-item work that make a loop expensive. Users add their own entries with the rule's `heavyCalls`
// option (`"my-parser#parseSync"`), in the same key format.

/**
 * Synchronous parsers, renderers and converters that run on the calling thread for time linear (or worse) in their
 * input, by API key (`module#export.path`; `()` marks an instance, `module#` the module itself called or constructed),
 * with what they do. The data is the first argument.
 */
export const HEAVY_SYNC_CALLS: ReadonlyMap<string, string> = new Map([
  ['csv-parse/sync#parse', 'parses CSV'],
  ['csv-parse/lib/sync#', 'parses CSV'],
  ['papaparse#parse', 'parses CSV'],
  ['xlsx#read', 'parses a spreadsheet'],
  ['xlsx#utils.sheet_to_json', 'converts a spreadsheet'],
  ['xlsx#utils.sheet_to_csv', 'converts a spreadsheet'],
  ['xlsx#utils.json_to_sheet', 'builds a spreadsheet'],
  ['xlsx#write', 'writes a spreadsheet'],
  ['js-yaml#load', 'parses YAML'],
  ['js-yaml#loadAll', 'parses YAML'],
  ['js-yaml#dump', 'serialises YAML'],
  ['yaml#parse', 'parses YAML'],
  ['yaml#parseDocument', 'parses YAML'],
  ['yaml#parseAllDocuments', 'parses YAML'],
  ['yaml#stringify', 'serialises YAML'],
  ['fast-xml-parser#XMLParser().parse', 'parses XML'],
  ['xml-js#xml2js', 'parses XML'],
  ['xml-js#xml2json', 'parses XML'],
  ['xml2js#parseString', 'parses XML'],
  ['@xmldom/xmldom#DOMParser().parseFromString', 'parses XML'],
  ['xmldom#DOMParser().parseFromString', 'parses XML'],
  ['marked#marked', 'renders Markdown'],
  ['marked#parse', 'renders Markdown'],
  ['marked#marked.parse', 'renders Markdown'],
  ['marked#', 'renders Markdown'],
  ['markdown-it#().render', 'renders Markdown'],
  ['showdown#Converter().makeHtml', 'renders Markdown'],
  ['jsdom#JSDOM', 'parses HTML into a DOM'],
  ['sanitize-html#', 'parses and sanitises HTML'],
  ['adm-zip#', 'reads a zip archive'],
]);

/** `JSON.parse`/`JSON.stringify`: heavy only over a whole upload (not a config or one record). */
export const JSON_CALLS: ReadonlyMap<string, string> = new Map([
  ['global#JSON.parse', 'parses JSON'],
  ['global#JSON.stringify', 'serialises JSON'],
]);

/** Hashing per item: `crypto.createHash(…)`, `createHmac(…)` (its `update`/`digest` run on the calling thread). */
export const HASH_CALLS: ReadonlySet<string> = new Set(['crypto#createHash', 'crypto#createHmac']);

/** Segments of a path into request input that hold an uploaded file's content: `req.file.buffer`, `req.files.doc.data`. */
export const UPLOAD_SEGMENTS: ReadonlySet<string> = new Set(['file', 'files', 'buffer', 'upload', 'uploads', 'attachment']);

/** Methods that turn a value into its text or bytes, the same size: `buf.toString()`, `await file.text()`. */
export const TEXT_OF_METHODS: ReadonlySet<string> = new Set(['toString', 'text', 'arrayBuffer']);

/** Array methods that scan the whole array each call: inside a loop over the same array, the work is quadratic. */
export const SCANNING_METHODS: ReadonlySet<string> = new Set(['find', 'findIndex', 'findLast', 'filter', 'includes', 'indexOf', 'lastIndexOf', 'some', 'every']);

/** Array methods that call their callback once per item (a loop written as a call). */
export const ITERATING_METHODS: ReadonlySet<string> = new Set(['forEach', 'map', 'flatMap', 'filter', 'reduce', 'some', 'every', 'find', 'findIndex']);

/** Global functions that convert a value and keep what it says: `Number(req.query.n)` is still the client's number. */
export const CONVERSIONS: ReadonlySet<string> = new Set(['Number', 'parseInt', 'parseFloat', 'String', 'BigInt']);
