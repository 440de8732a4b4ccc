// Knowledge table: names that say a loop's iterations are ordered on purpose or
// already batched (used by the await-in-loop analyses in
// src/analysis/loop-order.ts and src/analysis/loop-dependence.ts), and how a
// loop is named in messages.

/** How each loop statement is called in messages. */
export const LOOP_NAMES: Readonly<Record<string, string>> = {
  ForStatement: 'for',
  ForInStatement: 'for…in',
  ForOfStatement: 'for…of',
  WhileStatement: 'while',
  DoWhileStatement: 'do…while',
};

/**
 * Method names on a loop item that are not a function the item carries (`item.toJSON()`, `p.then(…)`,
 * `fn.call(…)`, `x.asString()`): a prefix match, so `toString` and `assign` count too.
 */
export const NON_HANDLER_METHOD = /^(to|as|then|catch|finally|call|apply|bind)/;

/** Objects that take results in order and hold them (an archive, a writer, a hash): feeding one is sequential on purpose. */
export const SINK_NAME = new RegExp(
  '(?:^|[a-z_])(?:' +
    'zip|Zip|archive|Archive|tar|Tar|writer|Writer|stream|Stream|sink|Sink|encoder|Encoder|hash|Hash|hasher|' +
    'workbook|Workbook|sheet|Sheet|pdf|Pdf|PDF|canvas|Canvas|socket|Socket|zipFile|bundle|Bundle' +
    ')$',
);

/** Names of a record's identity (`id`, `userId`, `slug`): a write given the same one each time updates one record. */
export const ID_NAME = /^(id|[a-z]*Id|[a-z]*ID|key|uid|tid|pid|cid|slug)$/;

/**
 * Where an id names the record a write changes: the value of one of these keys in an options object
 * (`attachFile({ id: tid, path })`), or the first argument (`setStatus(userId, s)`). Elsewhere it is a reference from a
 * new row (`insert({ pageId, path: link.path })`, `unlink(upload, noteId)`): each item's write is its own record.
 */
export const RECORD_KEYS: ReadonlySet<string> = new Set(['id', '_id', 'where', 'key']);

/** Constructors of containers (`new Map()`): one created outside a loop and passed to each call is shared by the iterations. */
export const CONTAINER_CONSTRUCTORS: ReadonlySet<string> = new Set(['Map', 'Set', 'WeakMap', 'WeakSet', 'Array']);

/** Names of objects that hold state across calls: contexts, managers, documents, caches, writers… */
export const SHARED_OBJECT_NAME = new RegExp(
  '(?:^|[a-z])(?:' +
    'manager|Manager|doc|Doc|document|Document|pdf|Pdf|cache|Cache|ancestors|seen|visited|state|State|' +
    'session|Session|connection|Connection|conn|client|Client|em|repo|Repo|repository|Repository|store|Store|builder|Builder|' +
    'writer|Writer|stream|Stream|zip|archive|workbook|sheet|canvas|browser|acc|accumulator|registry|Registry|graph|Graph|' +
    'tree|Tree|map|Map|set|Set|index|Index' +
    ')$',
);

/** The keyword of a loop variable's declaration (`const ` in `for (const x of xs)`), left out when a message names the item. */
export const DECLARATION_KEYWORD = /^(const|let|var)\s+/;

/** Runs of whitespace, folded to one space when a message quotes code. */
export const WHITESPACE_RUN = /\s+/g;

/**
 * Names of a document being built (`pdfDoc`, `workbook`, `zip`, `builder`): a loop that calls its methods each time
 * (`await pdfDoc.embedPage(…)`) changes one object in order. Narrower than SHARED_OBJECT_NAME on purpose: a client,
 * store or repository receiver (`await repo.find(id)`) is the classic independent call.
 */
export const BUILT_DOCUMENT_NAME =
  /(?:^|[a-z])(?:doc|Doc|document|Document|pdf|Pdf|workbook|Workbook|sheet|Sheet|canvas|Canvas|zip|Zip|archive|Archive|builder|Builder)$/;

/** Methods that only add to a collection (`out.push(x)`, `ids.add(id)`): a list the loop only appends to carries no state between iterations. */
export const APPEND_METHODS: ReadonlySet<string | undefined> = new Set(['push', 'add']);
