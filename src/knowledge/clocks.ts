// Knowledge table: clock reads a busy-wait loop spins on, by resolved key.
export const CLOCK_READS: ReadonlyMap<string, string> = new Map([
  ['global#Date.now', 'Date.now()'],
  ['global#performance.now', 'performance.now()'],
  ['perf_hooks#performance.now', 'performance.now()'],
  ['global#process.hrtime', 'process.hrtime()'],
  ['global#process.hrtime.bigint', 'process.hrtime.bigint()'],
  ['process#hrtime', 'process.hrtime()'],
  ['process#hrtime.bigint', 'process.hrtime.bigint()'],
]);
