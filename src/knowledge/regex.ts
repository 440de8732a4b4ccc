// Calls that run a regular expression over a string: the regex's methods, and the string's methods that take one.

/** `re.test(s)`, `re.exec(s)`: the subject is the first argument. */
export const REGEX_METHODS: ReadonlySet<string> = new Set(['test', 'exec']);

/** `s.match(re)`, `s.replace(re, …)`…: the subject is the receiver, the regex the first argument. */
export const STRING_REGEX_METHODS: ReadonlySet<string> = new Set(['match', 'matchAll', 'replace', 'replaceAll', 'split', 'search']);
