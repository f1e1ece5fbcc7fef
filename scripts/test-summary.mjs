// Prints the closing line of the last `npm test` run from vitest's JSON report, in the plain
// "N passed, N failed, N skipped" form that CI logs are read for.
import { readFileSync } from 'node:fs';

const file = new URL('../.cache/vitest-results.json', import.meta.url);
let report;
try {
  report = JSON.parse(readFileSync(file, 'utf8'));
} catch (err) {
  console.error(`No test report at ${file.pathname} (${err.message}): run npm test first.`);
  process.exit(1);
}
const skipped = (report.numPendingTests ?? 0) + (report.numTodoTests ?? 0);
console.log(`tests: ${report.numPassedTests} passed, ${report.numFailedTests} failed, ${skipped} skipped`);
process.exit(report.numFailedTests > 0 || report.numTotalTests === 0 ? 1 : 0);
