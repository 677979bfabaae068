/** Prints one plain closing line, `Tests: N passed, N failed, N skipped`, after Vitest's own summary. */
import type { RunnerTask, RunnerTestFile } from 'vitest';
import type { Reporter } from 'vitest/reporters';

function count(tasks: RunnerTask[], totals: { passed: number; failed: number; skipped: number }) {
  for (const t of tasks) {
    if (t.type === 'suite') count(t.tasks, totals);
    else if (t.mode === 'skip' || t.mode === 'todo') totals.skipped++;
    else if (t.result?.state === 'pass') totals.passed++;
    else if (t.result?.state === 'fail') totals.failed++;
  }
}

export default class SummaryReporter implements Reporter {
  onFinished(files: RunnerTestFile[] = [], errors: unknown[] = []) {
    const totals = { passed: 0, failed: 0, skipped: 0 };
    count(files, totals);
    const failed =
      totals.failed +
      (files.some((f) => f.result?.state === 'fail' && f.tasks.length === 0) ? 1 : 0) +
      errors.length;
    process.stdout.write(`\nTests: ${totals.passed} passed, ${failed} failed, ${totals.skipped} skipped\n`);
  }
}
