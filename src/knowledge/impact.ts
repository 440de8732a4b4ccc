// Knowledge table: how much a finding matters, from what the flagged work costs and what the code serves.

/**
 * What the flagged work costs each time it runs:
 * - `heavy`: CPU-bound work, a child process, work that grows with the input or has no bound;
 * - `io`: a fixed amount of I/O: one file read, one round trip, one outbound call that may hang;
 * - `light`: metadata system calls (`existsSync`, `statSync`, `mkdirSync`) and small bounded work.
 */
export type CostClass = 'heavy' | 'io' | 'light';

export type Impact = 'high' | 'medium' | 'low';

/** Who waits on the code: a request (or an unknown caller, judged as one), or nobody in particular (background work). */
export type Reach = 'request' | 'background';

/** The impact of a finding: the row is what the code serves, the column its cost. */
export const IMPACT_TABLE: Readonly<Record<Reach, Readonly<Record<CostClass, Impact>>>> = {
  request: { heavy: 'high', io: 'medium', light: 'low' },
  background: { heavy: 'medium', io: 'low', light: 'low' },
};

export const IMPACTS: readonly Impact[] = ['low', 'medium', 'high'];

/** The level shown by default: the first screen holds what is worth changing; `--impact low` shows everything. */
export const DEFAULT_MIN_IMPACT: Impact = 'medium';

export function impactRank(i: Impact): number {
  return IMPACTS.indexOf(i);
}
