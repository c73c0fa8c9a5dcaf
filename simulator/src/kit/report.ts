import type { CheckResult } from './checks.ts';
import type { VerifyReport } from './verify.ts';

const labels: Record<CheckResult['outcome'], string> = { pass: 'PASS', fail: 'FAIL', skip: 'SKIP' };

/** One line per check: `PASS connection test: the reply is {"checkResult":"success"}.` */
export function formatCheck(check: CheckResult): string {
  return `${labels[check.outcome]}  ${check.name}: ${check.detail}`;
}

/** The closing line: counts, and whether the proxy keeps the contract. */
export function formatSummary(report: Pick<VerifyReport, 'ok' | 'checks'>): string {
  const count = (outcome: CheckResult['outcome']) =>
    report.checks.filter((check) => check.outcome === outcome).length;
  const counts = `${count('pass')} passed, ${count('fail')} failed, ${count('skip')} skipped`;
  return report.ok
    ? `${counts}: the proxy keeps Signoff's third-party contract.`
    : `${counts}: the proxy does not keep Signoff's third-party contract; fix the FAIL lines above.`;
}
