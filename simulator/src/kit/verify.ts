import { randomUUID } from 'node:crypto';
import { type CallbackExpectations, callbackChecks, concernsSubmit } from './callback-checks.ts';
import {
  type CallbackListener,
  type ReceivedCallback,
  startCallbackListener,
} from './callback-listener.ts';
import {
  type CheckId,
  type CheckResult,
  checkConnectionTest,
  checkRefusal,
  checkRepeatedSubmit,
  checkResult,
  checkSubmit,
  REFUSAL_CHECKS,
  type RefusalProbe,
} from './checks.ts';
import type { ProxyTarget } from './proxy-calls.ts';
import { kitSubmitBody } from './submit-body.ts';

/** Where the kit listens for callbacks unless told otherwise (Signoff 8787, simulator 8788). */
export const DEFAULT_CALLBACK_PORT = 8789;
export const DEFAULT_CALLBACK_HOST = '127.0.0.1';
/** How long the kit waits for the callback unless told otherwise. */
export const DEFAULT_CALLBACK_TIMEOUT_MS = 30_000;
/** The checks that need the instance a submit creates. */
const AFTER_SUBMIT = [
  'idempotent-submit',
  'callback-received',
  'callback-signature',
  'callback-encryption',
  'callback-owner-key',
  'callback-payload',
] as const satisfies CheckId[];

/** How long a callback for the submit's own instance may trail one for another instance. */
const EXACT_MATCH_GRACE_MS = 2000;
/** How long one call to the proxy may take, as Signoff's default outbound timeout. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 10_000;

/** Options of {@link verifyProxy}: the proxy, the configuration's values, and where to listen. */
export interface VerifyProxyOptions {
  /** The proxy's Submit Approval Request URL. */
  proxyUrl: string;
  accessToken: string;
  encodingAesKey: string;
  tenantId: string;
  callbackHost?: string;
  /** 0 picks a free port; the proxy must then learn the URL from `onProgress`. */
  callbackPort?: number;
  callbackTimeoutMs?: number;
  requestTimeoutMs?: number;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Told when the kit listens, when it starts waiting for the callback, and each result. */
  onProgress?: (event: VerifyProgress) => void;
}

/** What {@link verifyProxy} reports while it runs. */
export type VerifyProgress =
  | { type: 'listening'; callbackUrl: string }
  | { type: 'waiting'; applyId: string; processInstanceId: string; timeoutMs: number }
  | { type: 'check'; check: CheckResult };

/** The kit's verdict: every check in order; `ok` when none failed. */
export interface VerifyReport {
  ok: boolean;
  checks: CheckResult[];
  callbackUrl: string;
}

/** Options the kit cannot run with, or a callback port it cannot listen on. */
export class KitUsageError extends Error {
  override name = 'KitUsageError';
}

/**
 * Plays Signoff's side against a running proxy and checks, one by one, that it keeps the
 * third-party contract: connection test, refusals, submit, idempotency, and the callback the
 * proxy sends once the request is decided. A failing check does not stop the others that can
 * still run; those that cannot are reported as skipped. Throws {@link KitUsageError} only.
 */
export async function verifyProxy(options: VerifyProxyOptions): Promise<VerifyReport> {
  checkOptions(options);
  const report = (check: CheckResult) => {
    options.onProgress?.({ type: 'check', check });
    return check;
  };
  const target: ProxyTarget = {
    proxyUrl: options.proxyUrl,
    accessToken: options.accessToken,
    timeoutMs: options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS,
    fetch: options.fetch ?? globalThis.fetch,
  };
  const listener = await listen(options);
  options.onProgress?.({ type: 'listening', callbackUrl: listener.url });

  try {
    const connection = await checkConnectionTest(target);
    const checks = [report(connection.result)];
    const connectRefusals = await probeRefusals(target, 'connection test', connection.answered);
    checks.push(...connectRefusals.map(report));

    const body = kitSubmitBody(`kit-${randomUUID()}`, options.tenantId);
    const submittedAt = Date.now();
    const submit = await checkSubmit(target, body);
    checks.push(report(submit.result));
    // Fresh applyIds: a proxy that wrongly accepts these creates nothing the kit waits for.
    const tokenCheckedOnConnect = connectRefusals[0]?.outcome === 'pass';
    const submitRefusals = await probeRefusals(target, 'submit', submit.answered, (kind) => ({
      body: kitSubmitBody(`kit-${kind}-${randomUUID()}`, options.tenantId),
      hint:
        kind === 'wrong-token' && tokenCheckedOnConnect
          ? 'The connection test refused the same token: the proxy checks it on the connection test only.'
          : undefined,
    }));
    checks.push(...submitRefusals.map(report));

    const { processInstanceId } = submit;
    if (processInstanceId === undefined) {
      for (const id of AFTER_SUBMIT) {
        checks.push(report(checkResult(id, 'skip', 'the submit created no instance.')));
      }
      return { ok: false, checks, callbackUrl: listener.url };
    }
    checks.push(report(await checkRepeatedSubmit(target, body, processInstanceId)));

    const expected: CallbackExpectations = {
      applyId: body.applyId,
      processInstanceId,
      callbackUrl: listener.url,
      timeoutMs: options.callbackTimeoutMs ?? DEFAULT_CALLBACK_TIMEOUT_MS,
      submittedAt,
    };
    options.onProgress?.({
      type: 'waiting',
      applyId: body.applyId,
      processInstanceId,
      timeoutMs: expected.timeoutMs,
    });
    let callback = await listener.waitFor((c) => concernsSubmit(c, expected), expected.timeoutMs);
    if (callback && isForAnotherInstance(callback, expected)) {
      // A proxy that made a second instance may call back for it first: the callback of the
      // instance the submit reported is the one to judge, if it follows shortly.
      const exact = await listener.waitFor((c) => isExactly(c, expected), EXACT_MATCH_GRACE_MS);
      callback = exact ?? callback;
    }
    const others = listener.received.filter((c) => !concernsSubmit(c, expected)).length;
    checks.push(...callbackChecks(callback, expected, others).map(report));

    return {
      ok: checks.every((check) => check.outcome !== 'fail'),
      checks,
      callbackUrl: listener.url,
    };
  } finally {
    await listener.close();
  }
}

/**
 * Both refusal probes of one call, each judged on its own reply; skipped when the same call with
 * the right values was not taken either, since a refusal then proves nothing.
 */
async function probeRefusals(
  target: ProxyTarget,
  call: RefusalProbe['call'],
  answered: boolean,
  extra: (kind: RefusalProbe['kind']) => Partial<RefusalProbe> = () => ({}),
): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const kind of ['wrong-token', 'stale-timestamp'] as const) {
    if (!answered) {
      const why = `the ${call} with the right values got no usable reply, so a refusal would prove nothing.`;
      results.push(checkResult(REFUSAL_CHECKS[call][kind], 'skip', why));
      continue;
    }
    const probe = { kind, call, body: { checkEvent: 'connectivity' }, ...extra(kind) };
    results.push(await checkRefusal(target, probe));
  }
  return results;
}

function isExactly(callback: ReceivedCallback, expected: CallbackExpectations): boolean {
  const ids = callback.payload as { applyId?: unknown; processInstanceId?: unknown } | undefined;
  return ids?.applyId === expected.applyId && ids.processInstanceId === expected.processInstanceId;
}

function isForAnotherInstance(callback: ReceivedCallback, expected: CallbackExpectations) {
  const id = (callback.payload as { processInstanceId?: unknown } | undefined)?.processInstanceId;
  return id !== undefined && id !== expected.processInstanceId;
}

function checkOptions(options: VerifyProxyOptions): void {
  let protocol: string | undefined;
  try {
    protocol = new URL(options.proxyUrl).protocol;
  } catch {
    protocol = undefined;
  }
  if (protocol !== 'http:' && protocol !== 'https:') {
    throw new KitUsageError(`--proxy must be an http or https address, not "${options.proxyUrl}".`);
  }
  if (!options.accessToken) throw new KitUsageError('--access-token must not be empty.');
  if (!/^[A-Za-z0-9]{43}$/.test(options.encodingAesKey)) {
    throw new KitUsageError('--aes-key must be the 43 letters and digits of the Encoding AES Key.');
  }
  if (!options.tenantId) throw new KitUsageError('--tenant-id must not be empty.');
}

async function listen(options: VerifyProxyOptions): Promise<CallbackListener> {
  const host = options.callbackHost ?? DEFAULT_CALLBACK_HOST;
  const port = options.callbackPort ?? DEFAULT_CALLBACK_PORT;
  try {
    return await startCallbackListener({
      host,
      port,
      keys: {
        accessToken: options.accessToken,
        encodingAesKey: options.encodingAesKey,
        tenantId: options.tenantId,
      },
    });
  } catch (error) {
    const code = (error as { code?: string }).code ?? String(error);
    throw new KitUsageError(
      `The kit cannot listen for callbacks on ${host}:${port} (${code}); choose another --callback-port or --callback-host.`,
    );
  }
}
