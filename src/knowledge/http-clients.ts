// Knowledge table: outbound clients, their default deadlines, and the options
// that bound them. Keys are resolved references (see refKey in src/resolve.ts).

export interface TimeoutClient {
  /** How a user reads the call: `fetch`, `axios.get`. */
  label: string;
  /** Where the options object may be: argument indexes, or 'any' object argument. */
  options: readonly number[] | 'any';
  /** Option keys that bound the call (a `timeout` of 0 or Infinity does not). */
  covers: readonly string[];
  /** What happens without them. */
  why: string;
  /** The exact option to add, as help text with code in backticks. */
  fix: string;
  /** A project fact that covers the call (`axios.defaults.timeout` set anywhere). */
  coveredByFact?: string;
  /** Calls on the returned object that set a timeout afterwards (`req.setTimeout(ms)`). */
  laterSetters?: readonly string[];
  /**
   * The client gives up by itself after a while (undici: 300 s per phase), and argument `urlArg` is the URL. A call
   * to a host written in the code (a known service) is then a light cost; a host that comes from data (a user's
   * webhook, a configured server) may be anything, a server that never answers included.
   */
  ceiling?: { urlArg: number };
}

const FETCH_WHY = "Node's fetch (undici) waits up to 300 s for response headers and 300 s between body chunks, with no overall deadline";

/** On an edge runtime the platform, not the client, bounds a call that hangs (knowledge/frameworks EDGE_RUNTIME). */
export const EDGE_WHY = 'on an edge runtime the platform cuts it off only at its duration limit (Vercel: 25 s to start the response), and the request waits until then';

const fetchClient = (label: string): TimeoutClient => ({
  label,
  options: [1],
  covers: ['signal'],
  why: FETCH_WHY,
  fix: '`{ signal: AbortSignal.timeout(10_000) }` in the init',
  ceiling: { urlArg: 0 },
});

const axiosClient = (label: string, options: readonly number[]): TimeoutClient => ({
  label,
  options,
  covers: ['timeout', 'signal', 'cancelToken'],
  why: 'axios waits forever by default (`timeout: 0`)',
  fix: '`{ timeout: 10_000 }` in the config',
  coveredByFact: 'axios.defaults.timeout',
});

const gotClient = (label: string, options: readonly number[]): TimeoutClient => ({
  label,
  options,
  covers: ['timeout', 'signal'],
  why: 'got sets no timeout by default',
  fix: '`{ timeout: { request: 10_000 } }` in the options',
});

export const TIMEOUT_CLIENTS: ReadonlyMap<string, TimeoutClient> = new Map<string, TimeoutClient>([
  ['global#fetch', fetchClient('fetch')],
  ['node-fetch#', { ...fetchClient('node-fetch'), covers: ['signal', 'timeout'], why: 'node-fetch has no timeout by default', ceiling: undefined }],
  ['node-fetch#default', { ...fetchClient('node-fetch'), covers: ['signal', 'timeout'], why: 'node-fetch has no timeout by default', ceiling: undefined }],
  [
    'undici#fetch',
    { ...fetchClient('undici.fetch'), covers: ['signal', 'dispatcher'], why: "undici's limits are 300 s per phase (headers, body idle), with no overall deadline" },
  ],
  [
    'undici#request',
    {
      label: 'undici.request',
      options: [1],
      covers: ['signal', 'headersTimeout', 'bodyTimeout', 'dispatcher'],
      why: "undici's limits are 300 s per phase (headers, body idle), with no overall deadline",
      fix: '`{ signal: AbortSignal.timeout(10_000) }` (or `headersTimeout`/`bodyTimeout`) in the options',
      ceiling: { urlArg: 0 },
    },
  ],
  ['axios#', axiosClient('axios', [0, 1])],
  ['axios#request', axiosClient('axios.request', [0])],
  ...['get', 'delete', 'head', 'options'].map((m): [string, TimeoutClient] => [`axios#${m}`, axiosClient(`axios.${m}`, [1])]),
  ...['post', 'put', 'patch', 'postForm', 'putForm', 'patchForm'].map((m): [string, TimeoutClient] => [`axios#${m}`, axiosClient(`axios.${m}`, [2])]),
  ['got#', gotClient('got', [0, 1])],
  ...['get', 'post', 'put', 'patch', 'delete', 'head'].map((m): [string, TimeoutClient] => [`got#${m}`, gotClient(`got.${m}`, [1])]),
  // request and its promise wrappers (deprecated, still common): `request({ uri, method })`, `rp.get(url)`.
  // The AI SDK's model calls take one options object and set no deadline: a provider that stops answering holds the call.
  ...['generateText', 'generateObject', 'streamText', 'streamObject', 'embed', 'embedMany'].map((m): [string, TimeoutClient] => [
    `ai#${m}`,
    {
      label: m,
      options: [0],
      covers: ['abortSignal', 'timeout'],
      why: "the AI SDK sets no deadline by default: a model provider that stalls holds the call as long as its HTTP client allows (Node's fetch: 300 s per phase), for each retry",
      fix: '`abortSignal: AbortSignal.timeout(60_000)` (or `timeout`) in the options',
    },
  ]),
  ...['request', 'request-promise', 'request-promise-native'].flatMap((mod) =>
    ['', 'default', 'get', 'post', 'put', 'patch', 'del', 'delete', 'head'].map((m): [string, TimeoutClient] => [
      `${mod}#${m}`,
      {
        label: m && m !== 'default' ? `${mod}.${m}` : mod,
        options: 'any',
        covers: ['timeout'],
        why: `${mod} has no timeout by default: a server that never answers holds the call forever`,
        fix: '`{ timeout: 10_000 }` in the options',
      },
    ]),
  ),
  ...['http', 'https'].flatMap((mod) =>
    ['request', 'get'].map((m): [string, TimeoutClient] => [
      `${mod}#${m}`,
      {
        label: `${mod}.${m}`,
        options: 'any',
        covers: ['timeout', 'signal'],
        why: `${mod}.${m} has no timeout by default: a stalled server holds the socket forever`,
        fix: '`{ signal: AbortSignal.timeout(10_000) }`, or `{ timeout: 10_000 }` and destroy the request on `timeout`',
        laterSetters: ['setTimeout'],
      },
    ]),
  ),
  ...[
    ['net', 'connect'],
    ['net', 'createConnection'],
    ['tls', 'connect'],
  ].map(([mod, m]): [string, TimeoutClient] => [
    `${mod}#${m}`,
    {
      label: `${mod}.${m}`,
      options: 'any',
      covers: ['timeout'],
      why: 'sockets have no timeout by default: a peer that stops answering holds the connection forever',
      fix: '`{ timeout: 10_000 }` (or `socket.setTimeout(10_000)`) and destroy the socket on `timeout`',
      laterSetters: ['setTimeout'],
    },
  ]),
  ...['exec', 'execFile'].map((m): [string, TimeoutClient] => [
    `child_process#${m}`,
    {
      label: `child_process.${m}`,
      options: m === 'exec' ? [1] : [1, 2],
      covers: ['timeout', 'signal'],
      why: `${m} waits for the child process forever by default (\`timeout: 0\`)`,
      fix: '`{ timeout: 30_000 }` in the options',
    },
  ]),
]);

/** Factories of configured client instances: calls through the instance are covered by the factory's config. */
export const INSTANCE_FACTORIES: ReadonlyMap<string, TimeoutClient> = new Map([
  ['axios#create', { ...axiosClient('axios.create', [0]), why: 'every call through it can wait forever (axios default is `timeout: 0`)' }],
  ['got#extend', { ...gotClient('got.extend', [0]), why: 'every call through it can wait forever (got sets no timeout by default)' }],
]);

/** Named exports that are the package's default export (`import { got } from 'got'`): calls through them are the client's. */
export const DEFAULT_EXPORT_NAMES: ReadonlyMap<string, string> = new Map([['got', 'got']]);

/** superagent request starters: the chain must call `.timeout(...)`. */
export const SUPERAGENT_KEYS: ReadonlySet<string> = new Set(['', 'get', 'post', 'put', 'patch', 'del', 'delete', 'head', 'options'].map((m) => `superagent#${m}`));

/**
 * An absolute URL whose scheme and host are complete: `https://api.example.com/v1`, `https://api.example.com` (a path
 * may follow), `http://localhost:8080/`. Not `https://` or `https://api.` (the host goes on in an interpolation).
 */
export const URL_WITH_HOST = /^[a-z][a-z0-9+.-]*:\/\/[a-z0-9](?:[a-z0-9-]*[a-z0-9])?(?:\.[a-z0-9](?:[a-z0-9-]*[a-z0-9])?)*(?::\d+)?(?:[/?#]|$)/i;

/** Wrappers that race a promise against a timer: `pTimeout(p, { milliseconds })`, `withTimeout(p, ms)`. */
export const TIMEOUT_WRAPPER = /(^|[^a-z])(timeout|deadline)|Timeout|Deadline/;
/** Timer-like race partners: `Promise.race([call, sleep(5000)])`. */
export const TIMER_CALL = /timeout|sleep|delay|timer|deadline|wait/i;
/** Names that say an argument is a URL, a command, a port, a path or a callback, not an options object. */
export const NOT_OPTIONS_NAME =
  /(url|uri|href|endpoint|link|address|host|hostname|port|path|cmd|command|file|script|bin|args|argv)$|^(cb|callback|done|next|fn|handler|listener|on[A-Z]\w*)$/i;
