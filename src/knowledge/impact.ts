// Knowledge table: how much a finding matters, from what the flagged work costs and what the code serves.

/**
 * What the flagged work costs each time it runs:
 * - `heavy`: CPU-bound work, a child process, work that grows with the input or has no bound;
 * - `io`: a fixed amount of I/O: one file read, one round trip, one outbound call that may hang;
 * - `light`: metadata system calls (`existsSync`, `statSync`, `mkdirSync`) and small bounded work.
 */
export type CostClass = 'heavy' | 'io' | 'light';

export type Impact = 'high' | 'medium' | 'low';

/** One class more: a call to another service per item instead of a lookup. */
export const RAISED: Readonly<Record<CostClass, CostClass>> = { light: 'io', io: 'heavy', heavy: 'heavy' };
/** One class less: local work or writes per item, or per-item work that queues in a pool (a connection pool bounds it). */
export const LOWERED: Readonly<Record<CostClass, CostClass>> = { light: 'light', io: 'light', heavy: 'io' };

/**
 * Who waits on the code:
 * - `every-request`: middleware, guards, interceptors, per-request hooks, and functions that many route handlers share
 *   (an auth check, a session loader): their cost is paid on (almost) every request;
 * - `request`: a route handler and what it calls (or an unknown caller, judged as one);
 * - `rare`: a route of the admin, setup or install area (RARE_ROUTE_WORDS): a few people wait on it, now and then;
 * - `background`: nobody in particular (timers, jobs, queue processors, startup, work left to run).
 */
export type Reach = 'every-request' | 'request' | 'rare' | 'background';

/**
 * How a finding's reach is read: by who `waits` on the code (a call nobody awaits starts background work) for time saved
 * and for hangs; by how often it `runs` (a call nobody awaits runs as often as its caller) for work that freezes the
 * whole process, whoever waits on it (a blocking call in a `.then()` chain a route starts).
 */
export type ReachBy = 'waits' | 'runs';

/** The impact of a finding: the row is what the code serves, the column its cost. */
export const IMPACT_TABLE: Readonly<Record<Reach, Readonly<Record<CostClass, Impact>>>> = {
  'every-request': { heavy: 'high', io: 'high', light: 'medium' },
  request: { heavy: 'high', io: 'medium', light: 'low' },
  // Heavy work there still freezes everyone else on the process; a round trip saved there matters to few.
  rare: { heavy: 'medium', io: 'low', light: 'low' },
  background: { heavy: 'medium', io: 'low', light: 'low' },
};

/** From the most waited on to the least. */
export const REACHES: readonly Reach[] = ['every-request', 'request', 'rare', 'background'];

/**
 * Words of a route path that mark the admin, setup or install area (`/api/admin/users`, `/setup-database`,
 * `/install/finalize`): routes a few operators call now and then, not every user on every visit.
 */
export const RARE_ROUTE_WORDS: ReadonlySet<string> = new Set(['admin', 'setup', 'install']);

/** The reach of code on several paths: the most waited on of them. */
export function widestReach(reaches: readonly Reach[]): Reach {
  return REACHES.find((r) => reaches.includes(r)) ?? 'background';
}

/**
 * A function that this share of the project's route handlers reaches, and at least HANDLERS_FOR_EVERY_REQUEST of them,
 * each within SHARED_HOPS calls (an auth check, a session or tenant loader, a permission lookup), runs on most requests:
 * it is judged as `every-request`. A model's getter that one endpoint in six calls is not (counts of handlers are not
 * traffic; a share of them is the cautious reading).
 */
export const HANDLER_SHARE_FOR_EVERY_REQUEST = 0.3;
export const HANDLERS_FOR_EVERY_REQUEST = 8;
export const SHARED_HOPS = 3;

export const IMPACTS: readonly Impact[] = ['low', 'medium', 'high'];

/** The level shown by default: the first screen holds what is worth changing; `--impact low` shows everything. */
export const DEFAULT_MIN_IMPACT: Impact = 'medium';

export function impactRank(i: Impact): number {
  return IMPACTS.indexOf(i);
}
