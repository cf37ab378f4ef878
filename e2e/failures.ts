// Repeats each failure's first lines after the summary, so that a log cut
// to its tail (as CI's is) still says what broke.
import type { Reporter, TestCase, TestResult } from '@playwright/test/reporter';

const LINES = 12;

export default class FailuresLast implements Reporter {
  private failures: string[] = [];

  onTestEnd(test: TestCase, result: TestResult) {
    if (result.status === 'passed' || result.status === 'skipped') return;
    const first = result.errors[0];
    const at = first?.location ? ` (line ${first.location.line})` : '';
    const error = (first?.message ?? result.status)
      .replace(/\u001b\[[0-9;]*m/g, '')
      .split('\n')
      .slice(0, LINES)
      .join('\n  ');
    this.failures.push(`${test.titlePath().slice(2).join(' › ')}${at}\n  ${error}`);
  }

  onEnd() {
    if (this.failures.length > 0) {
      console.log(`\nWhat failed:\n${this.failures.join('\n')}`);
    }
  }

  printsToStdio() {
    return true;
  }
}
