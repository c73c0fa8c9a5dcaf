// `npm test`: lint and format check, type check, then one Vitest run over every project (Node,
// Chromium, end-to-end). Vitest's own summary is not a line CI reads, so this finishes with
// `N passed, N failed` counted from Vitest's JSON report, plus the two static checks.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './launch.ts';

interface VitestJson {
  numPassedTests: number;
  numFailedTests: number;
  numPendingTests: number;
  numTodoTests: number;
  success: boolean;
}

const extraArgs = process.argv.slice(2);
let passed = 0;
let failed = 0;

function step(title: string, command: string, args: string[]): boolean {
  console.log(`\n── ${title} ──`);
  const result = spawnSync(command, args, { cwd: repoRoot, stdio: 'inherit' });
  return result.status === 0;
}

// A file-filtered run (npm test -- path) is for development: skip the whole-repo checks.
if (extraArgs.length === 0) {
  for (const [title, args] of [
    [
      'Lint and format (Biome)',
      ['node_modules/@biomejs/biome/bin/biome', 'check', '--error-on-warnings', '.'],
    ],
    ['Type check (tsc)', ['node_modules/typescript/bin/tsc', '-p', 'tsconfig.json', '--noEmit']],
  ] as const) {
    if (step(title, process.execPath, [...args])) passed += 1;
    else failed += 1;
  }
}

const reportDir = join(repoRoot, '.vitest-results');
const reportFile = join(reportDir, 'results.json');
rmSync(reportDir, { recursive: true, force: true });
mkdirSync(reportDir, { recursive: true });
const vitestOk = step('Tests (Vitest: node, browser, e2e)', process.execPath, [
  'node_modules/vitest/vitest.mjs',
  'run',
  '--reporter=default',
  '--reporter=json',
  `--outputFile.json=${reportFile}`,
  ...extraArgs,
]);

let skipped = 0;
try {
  const report = JSON.parse(readFileSync(reportFile, 'utf8')) as VitestJson;
  passed += report.numPassedTests;
  failed += report.numFailedTests;
  skipped += report.numPendingTests + report.numTodoTests;
  // A suite that failed to load has no failed test but is still a failure.
  if (!vitestOk && report.numFailedTests === 0) failed += 1;
} catch {
  console.error('Vitest wrote no JSON report; counting the run as one failure.');
  failed += 1;
}

console.log(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ''}`);
process.exit(failed === 0 ? 0 : 1);
