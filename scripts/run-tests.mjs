// Runs vitest and ends with a plain summary line CI can read: "Tests: N passed, N failed".
import { spawnSync } from 'node:child_process';
import { readFileSync, rmSync } from 'node:fs';

const out = '.test-results.json';
rmSync(out, { force: true });
const r = spawnSync(
  process.execPath,
  [
    'node_modules/vitest/vitest.mjs',
    'run',
    '--reporter=default',
    '--reporter=json',
    `--outputFile.json=${out}`,
    ...process.argv.slice(2),
  ],
  { stdio: 'inherit' },
);
let passed = 0;
let failed = 0;
let skipped = 0;
try {
  const doc = JSON.parse(readFileSync(out, 'utf8'));
  passed = doc.numPassedTests;
  failed = doc.numFailedTests + (doc.numRuntimeErrorTestSuites ?? 0);
  skipped = doc.numPendingTests + doc.numTodoTests;
  // A file that failed to load has no tests; count it as a failure.
  for (const file of doc.testResults ?? [])
    if (file.status === 'failed' && file.assertionResults.length === 0) failed++;
} catch {
  failed = Math.max(failed, 1);
}
const code = r.status ?? 1;
if (code !== 0 && failed === 0) failed = 1;
console.log(`Tests: ${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(code);
