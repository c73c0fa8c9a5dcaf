// Test support for the approver's suites: a simulator per test, closed after it.
import { afterEach } from 'vitest';
import {
  type RunningApprover,
  type StartApproverOptions,
  startApprover,
} from '../testing/approver.ts';

/** Returns a `setup` that starts an approver for the current test and closes it afterwards. */
export function approverPerTest(): (options?: StartApproverOptions) => Promise<RunningApprover> {
  const running: RunningApprover[] = [];
  afterEach(async () => {
    await Promise.all(running.splice(0).map((approver) => approver.close()));
  });
  return async (options = {}) => {
    const approver = await startApprover(options);
    running.push(approver);
    return approver;
  };
}
