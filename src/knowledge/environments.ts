// Knowledge table: how code tells production from development. Code that runs only outside production
// (`if (process.env.NODE_ENV !== 'production')`, everything after `if (IS_PRODUCTION) return`) never serves users.

/** Environment variables that name the deployment: `process.env.NODE_ENV`, `process.env.APP_ENV`. */
export const ENVIRONMENT_VARIABLES: ReadonlySet<string> = new Set(['NODE_ENV', 'APP_ENV', 'ENV', 'ENVIRONMENT', 'VERCEL_ENV']);

/** Values of those variables that mean production. */
export const PRODUCTION_VALUES: ReadonlySet<string> = new Set(['production', 'prod']);

/** Values that mean development or test: code under them does not run in production. */
export const DEVELOPMENT_VALUES: ReadonlySet<string> = new Set(['development', 'dev', 'test', 'local']);

/** Flags that say the process runs in production: `IS_PRODUCTION`, `isProd`, `env.isProduction`. */
export const PRODUCTION_FLAGS: ReadonlySet<string> = new Set(['IS_PRODUCTION', 'IS_PROD', 'isProduction', 'isProd']);

/** Flags that say it does not: `IS_DEV`, `isDevelopment`, `__DEV__`. */
export const DEVELOPMENT_FLAGS: ReadonlySet<string> = new Set(['IS_DEV', 'IS_DEVELOPMENT', 'isDev', 'isDevelopment', '__DEV__']);
