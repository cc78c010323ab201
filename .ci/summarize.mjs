// Adds up the Vitest and Playwright JSON reports into the one closing line CI
// reads: "N passed, N failed" (skipped counted apart). A missing report means
// a runner died before reporting: that is a failure too.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let missing = [];

function read(file) {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8'));
  } catch {
    missing.push(file);
    return null;
  }
}

const vitest = read('test-results/vitest.json');
if (vitest) {
  passed += vitest.numPassedTests ?? 0;
  failed += vitest.numFailedTests ?? 0;
  skipped += (vitest.numPendingTests ?? 0) + (vitest.numTodoTests ?? 0);
  for (const suite of vitest.testResults ?? []) {
    // A file that failed to load has no assertion results but a failure message.
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) failed += 1;
  }
}

const pw = read('test-results/playwright.json');
if (pw) {
  passed += pw.stats?.expected ?? 0;
  failed += (pw.stats?.unexpected ?? 0) + (pw.stats?.flaky ?? 0) + (pw.errors?.length ?? 0);
  skipped += pw.stats?.skipped ?? 0;
}

for (const m of missing) console.log(`missing test report ${m}: its runner did not finish`);
if (missing.length) failed += missing.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
