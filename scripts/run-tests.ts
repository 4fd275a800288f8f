// Runs the Vitest projects (all four by default, or those named as arguments) and ends with the
// line `N passed, N failed, N skipped` that CI reads. Exit code: non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { join, relative } from 'node:path';

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
}

const root = join(import.meta.dirname, '..');
const requested = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('-'));

/**
 * On the PostgreSQL pass (TEST_DATABASE_URL set, everything requested) the tests that never touch a database
 * are left out: the unit project, and integration files that open no database (connector contracts and
 * emulators on loopback). They ran on the embedded pass and would only run again. NEXO_TEST_ALL=1 keeps them.
 */
const databaseOnly = Boolean(process.env.TEST_DATABASE_URL) && requested.length === 0 && !process.env.NEXO_TEST_ALL;
const usesDatabase = /createTestDatabase|TEST_DATABASE_URL|openDatabase|startTestServer|withDatabase|testDatabase|seedOrg/;
function databaseFreeIntFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return databaseFreeIntFiles(path);
    return entry.name.endsWith('.int.test.ts') && !usesDatabase.test(readFileSync(path, 'utf8')) ? [relative(root, path)] : [];
  });
}
const projects = databaseOnly ? ['int', 'e2e', 'browser'] : requested;
const excluded = databaseOnly ? databaseFreeIntFiles(join(root, 'src')) : [];
if (databaseOnly)
  console.log(
    `TEST_DATABASE_URL: the unit project and ${excluded.length} database-free int files ran on the embedded pass; not repeated (NEXO_TEST_ALL=1 runs them)`,
  );
const out = join(root, '.test-tmp', `results-${process.pid}.json`);
mkdirSync(join(root, '.test-tmp'), { recursive: true });

const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...projects.flatMap((p) => ['--project', p]),
  ...excluded.flatMap((file) => ['--exclude', file]),
  ...passthrough,
];
const run = spawnSync('npx', args, { cwd: root, stdio: 'inherit', env: process.env });

if (!existsSync(out)) {
  console.log('0 passed, 1 failed');
  console.error(`vitest produced no report (exit ${run.status})`);
  process.exit(1);
}
const report = JSON.parse(readFileSync(out, 'utf8')) as Report;
rmSync(out, { force: true });
const failed = report.numFailedTests + (report.numFailedTestSuites > 0 && report.numFailedTests === 0 ? report.numFailedTestSuites : 0);
const skipped = report.numPendingTests + report.numTodoTests;
console.log(`\n${report.numPassedTests} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(run.status === 0 && failed === 0 && report.numPassedTests > 0 ? 0 : 1);
