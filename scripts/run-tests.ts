// Runs the Vitest projects (all four by default, or those named as arguments) and ends with the
// line `N passed, N failed, N skipped` that CI reads. Exit code: non-zero when anything failed.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';

interface Report {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  numFailedTestSuites: number;
  success: boolean;
}

const root = join(import.meta.dirname, '..');
const projects = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const passthrough = process.argv.slice(2).filter((a) => a.startsWith('-'));
const out = join(root, '.test-tmp', `results-${process.pid}.json`);
mkdirSync(join(root, '.test-tmp'), { recursive: true });

const args = [
  'vitest',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${out}`,
  ...projects.flatMap((p) => ['--project', p]),
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
