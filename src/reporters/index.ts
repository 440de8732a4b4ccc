// Reporter registry: one file per format.
import { github } from './github.js';
import { json } from './json.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Reporter } from './types.js';

export type { Reporter, ReportContext } from './types.js';

export const REPORTERS: ReadonlyMap<string, Reporter> = new Map([
  ['stylish', stylish],
  ['json', json],
  ['sarif', sarif],
  ['github', github],
]);
