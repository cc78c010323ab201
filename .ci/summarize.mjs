// Adds up the Vitest and Playwright JSON reports into the one closing line CI
// reads: "N passed, N failed" (skipped counted apart). A missing report means
// a runner died before reporting: that is a failure too.
import fs from 'node:fs';

let passed = 0;
let failed = 0;
let skipped = 0;
let missing = [];
// Named at the end, where a reader of CI's last lines looks: the runners' own
// output may have scrolled the failure far above.
const failures = [];

function firstLine(text) {
  return String(text ?? '').replace(/\u001b\[[0-9;]*m/g, '').split('\n').find((l) => l.trim()) ?? '';
}

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
    if (suite.status === 'failed' && (suite.assertionResults ?? []).length === 0) {
      failed += 1;
      failures.push(`${suite.name}: ${firstLine(suite.message)}`);
    }
    for (const test of suite.assertionResults ?? []) {
      if (test.status === 'failed') {
        failures.push(`${suite.name} › ${test.fullName}: ${firstLine(test.failureMessages?.[0])}`);
      }
    }
  }
}

const pw = read('test-results/playwright.json');
if (pw) {
  passed += pw.stats?.expected ?? 0;
  failed += (pw.stats?.unexpected ?? 0) + (pw.stats?.flaky ?? 0) + (pw.errors?.length ?? 0);
  skipped += pw.stats?.skipped ?? 0;
}

function playwrightFailures(suite, path) {
  const here = suite.title ? [...path, suite.title] : path;
  for (const spec of suite.specs ?? []) {
    for (const test of spec.tests ?? []) {
      if (test.status === 'unexpected' || test.status === 'flaky') {
        const error = test.results?.find((r) => r.error)?.error?.message;
        failures.push(`${[...here, spec.title].join(' › ')} (${test.status}): ${firstLine(error)}`);
      }
    }
  }
  for (const child of suite.suites ?? []) playwrightFailures(child, here);
}
if (pw) {
  for (const suite of pw.suites ?? []) playwrightFailures(suite, []);
  for (const error of pw.errors ?? []) failures.push(`playwright: ${firstLine(error.message)}`);
}

for (const f of failures) console.log(`FAILED ${f.slice(0, 400)}`);
for (const m of missing) console.log(`missing test report ${m}: its runner did not finish`);
if (missing.length) failed += missing.length;
console.log(`${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed > 0 || passed === 0 ? 1 : 0);
