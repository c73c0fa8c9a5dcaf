import { formatCheck, formatSummary } from './report.ts';
import { KitUsageError, type VerifyProxyOptions, verifyProxy } from './verify.ts';

/** Where the command's lines go: the report to `out`, usage errors to `err`. */
export interface RunOutput {
  out: (line: string) => void;
  err: (line: string) => void;
}

/**
 * `signoff-simulator verify`: runs the kit, printing each check as it completes, and returns the
 * exit status: 0 when every check passed, 1 when one failed, 2 when the kit could not run.
 */
export async function runVerify(options: VerifyProxyOptions, output: RunOutput): Promise<number> {
  output.out(`Signoff contract kit: verifying the proxy at ${options.proxyUrl}`);
  try {
    const report = await verifyProxy({
      ...options,
      onProgress: (event) => {
        if (event.type === 'listening') {
          output.out(`Callback URL (set it as the proxy's callback address): ${event.callbackUrl}`);
        } else if (event.type === 'waiting') {
          output.out(
            `Waiting up to ${event.timeoutMs / 1000} s for the callback of applyId ${event.applyId} ` +
              `(instance ${event.processInstanceId}): decide it in the approval system.`,
          );
        } else {
          output.out(formatCheck(event.check));
        }
      },
    });
    output.out(formatSummary(report));
    return report.ok ? 0 : 1;
  } catch (error) {
    if (!(error instanceof KitUsageError)) throw error;
    output.err(error.message);
    return 2;
  }
}
