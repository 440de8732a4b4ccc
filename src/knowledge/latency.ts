// Knowledge table: calls that wait on something slow, another service over the network or a query that aggregates,
// where one call takes tens of milliseconds to seconds (a database lookup by key or a local file takes about one).
// What starting such awaits together saves, or what repeating one per item costs, decides a finding's impact.

/**
 * Packages whose calls go to another service: HTTP clients, mail, and the SDKs of hosted APIs. A prefix ending in `/`
 * covers a scope (`@aws-sdk/client-s3`); other names match the package and its subpaths (`stripe/lib/…`).
 */
export const REMOTE_MODULES: readonly string[] = [
  'http',
  'https',
  'http2',
  'node-fetch',
  'undici',
  'axios',
  'got',
  'superagent',
  'request',
  'ky',
  'needle',
  'cross-fetch',
  'isomorphic-fetch',
  'nodemailer',
  'stripe',
  'twilio',
  'googleapis',
  'aws-sdk',
  '@aws-sdk/',
  '@google-cloud/',
  '@azure/',
  'openai',
  '@anthropic-ai/sdk',
  '@google/generative-ai',
  '@google/genai',
  'ai',
  '@ai-sdk/',
  'cohere-ai',
  '@mistralai/',
  // Model and embedding servers: a call takes from a second to minutes, local (Ollama) or hosted.
  'ollama',
  'groq-sdk',
  'replicate',
  '@huggingface/inference',
  'voyageai',
  '@slack/web-api',
  'octokit',
  '@octokit/',
  '@sendgrid/',
  'resend',
  'postmark',
  'mailgun.js',
  '@workos-inc/',
  'firebase-admin',
];

/**
 * Calls of a module that talks to the network which compute on this machine and return at once: Node's address and
 * header checks (`net.isIP`, `http.validateHeaderName`), resolver settings (`dns.getServers`), and the URL and cookie
 * signers of hosted APIs' SDKs. They take no socket and wait on nothing. Whole packages, then functions by module
 * (`*`: of any module of the family, for methods reached through a client instance: `file.getSignedUrl(…)`).
 */
export const LOCAL_SIGNER_MODULES: readonly string[] = ['@aws-sdk/s3-request-presigner', '@aws-sdk/s3-presigned-post', '@aws-sdk/cloudfront-signer'];
export const COMPUTED_HERE: Readonly<Record<string, readonly string[]>> = {
  net: ['isIP', 'isIPv4', 'isIPv6'],
  dns: ['getServers', 'setServers', 'getDefaultResultOrder', 'setDefaultResultOrder'],
  'dns/promises': ['getServers', 'setServers', 'getDefaultResultOrder', 'setDefaultResultOrder'],
  tls: ['getCiphers', 'checkServerIdentity', 'createSecureContext'],
  http: ['validateHeaderName', 'validateHeaderValue', 'setMaxIdleHTTPParsers'],
  '*': ['getSignedUrl', 'getSignedCookies', 'createPresignedPost'],
};
/** The signers of COMPUTED_HERE: a method of that name computes here on whatever client it is called. */
export const LOCAL_SIGNER_METHODS: ReadonlySet<string> = new Set(COMPUTED_HERE['*']);

/** Modules whose calls stay on this machine: the file system (a read of a local file takes well under a round trip). */
export const LOCAL_MODULES: readonly string[] = ['fs', 'fs/promises', 'node:fs', 'node:fs/promises', 'fs-extra', 'graceful-fs'];

/** Global functions that call another service: `fetch(url)`. */
export const REMOTE_GLOBALS: ReadonlySet<string> = new Set(['fetch']);

/** Query methods that aggregate rather than look up (MongoDB pipelines, Prisma and Sequelize grouping). */
export const AGGREGATE_QUERY_METHODS: ReadonlySet<string> = new Set(['aggregate', 'groupBy', 'aggregateRaw']);

/** SQL text that aggregates over many rows: `GROUP BY`, or an aggregate or quantile function. */
export const AGGREGATE_SQL = /\bgroup\s+by\b|\b(?:count|sum|avg|quantiles?|quantileExact|percentile_cont|percentile_disc|uniq|uniqExact|median)\s*\(/i;

/**
 * What starting a run of awaits together saves is all but the slowest of them: at least one slow call when this many
 * are slow, at least two round trips when this many may do I/O. Either is a fixed amount of I/O (io); less, one round
 * trip, is light. Saved waiting never reaches heavy: the awaits slow their own request, not every other one.
 */
export const SLOW_CALLS_FOR_IO = 2;
export const ROUND_TRIPS_FOR_IO = 3;
