// Every named exemption is pinned: some fixture reaches it, and switching it
// off changes that fixture's findings. `npm run check:exemptions` runs this alone.
import { expect, it } from 'vitest';
import { checkExemptions } from './exemptions.js';

it('every named exemption is pinned by a fixture only it covers', { timeout: 600_000 }, async () => {
  const statuses = await checkExemptions();
  const lines = statuses.map((s) =>
    s.pinnedBy.length > 0
      ? `pinned     ${s.key}  by ${s.pinnedBy.join(', ')}`
      : s.reached.length > 0
        ? `HIDDEN     ${s.key}  reached by ${s.reached.join(', ')}, but switching it off changes nothing (another exemption covers the same case)`
        : `UNREACHED  ${s.key}  no fixture reaches it`,
  );
  if (process.env.LOOPGUARD_EXEMPTIONS_REPORT) console.log(lines.join('\n'));
  const unpinned = lines.filter((l) => !l.startsWith('pinned'));
  expect(unpinned, `${statuses.length} named exemptions, ${unpinned.length} not pinned:\n${unpinned.join('\n')}`).toEqual([]);
});
