// Reporter registry: one file per format. `--format` offers them in this order.
import { github } from './github.js';
import { gitlab } from './gitlab.js';
import { json } from './json.js';
import { junit } from './junit.js';
import { sarif } from './sarif.js';
import { stylish } from './stylish.js';
import type { Reporter } from './types.js';
import { unix } from './unix.js';

export type { Reporter, ReportContext } from './types.js';

export const REPORTERS: ReadonlyMap<string, Reporter> = new Map([
  ['stylish', stylish],
  ['unix', unix],
  ['json', json],
  ['sarif', sarif],
  ['junit', junit],
  ['github', github],
  ['gitlab', gitlab],
]);
