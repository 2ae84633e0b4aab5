// A Node test-runner reporter that counts results for test/summary.mjs, which adds the
// end-to-end suite's and prints the closing `N passed, N failed, N skipped` line. It writes one
// JSON object to the file named by FIELDMARK_TEST_COUNTS (nothing when unset) and prints nothing:
// the spec reporter beside it shows the tests.
// A skipped suite (e.g. one whose tool is missing) counts once as skipped; a suite whose hook
// failed counts as one failure, since its tests never ran.
import { writeFileSync } from 'node:fs';

export default async function* counts(source) {
  let passed = 0;
  let failed = 0;
  let skipped = 0;
  for await (const event of source) {
    if (event.type === 'test:pass') {
      if (event.data.details?.type === 'suite' && !event.data.skip) continue;
      if (event.data.skip || event.data.todo) skipped += 1;
      else passed += 1;
    } else if (event.type === 'test:fail') {
      const details = event.data.details;
      if (details?.type === 'suite' && details?.error?.failureType !== 'hookFailed') continue;
      failed += 1;
    }
  }
  const file = process.env.FIELDMARK_TEST_COUNTS;
  if (file) writeFileSync(file, JSON.stringify({ passed, failed, skipped }));
  yield '';
}
