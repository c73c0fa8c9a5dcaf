// The contract kit, for code: `verifyProxy(options)` plays Signoff's side against a running proxy
// and returns every check's outcome. The command line (`signoff-simulator verify`) formats it.

export { CHECK_NAMES, type CheckId, type CheckResult } from './checks.ts';
export { formatCheck, formatSummary } from './report.ts';
export {
  DEFAULT_CALLBACK_HOST,
  DEFAULT_CALLBACK_PORT,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  DEFAULT_REQUEST_TIMEOUT_MS,
  KitUsageError,
  type VerifyProgress,
  type VerifyProxyOptions,
  type VerifyReport,
  verifyProxy,
} from './verify.ts';
