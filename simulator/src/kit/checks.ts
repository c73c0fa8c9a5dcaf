import {
  CONNECT_SUCCESS,
  REFUSAL_CODES,
  type RefusalCode,
  refusalSchema,
  type SubmitRequest,
  submitReplySchema,
  THIRD_PARTY_PATHS,
} from '@signoff/sdk';
import { callUrl, type ProxyReply, type ProxyTarget, postToProxy, snippet } from './proxy-calls.ts';

/** Every check the kit makes, in the order it reports them. */
export const CHECK_NAMES = {
  'connection-test': 'connection test',
  'wrong-token-refused': 'wrong Access Token refused',
  'stale-timestamp-refused': 'stale timestamp refused',
  submit: 'submit',
  'idempotent-submit': 'repeated submit, same instance',
  'callback-received': 'callback received',
  'callback-signature': 'callback signature',
  'callback-encryption': 'callback encryption',
  'callback-owner-key': 'callback owner key',
  'callback-payload': 'callback payload',
} as const;

export type CheckId = keyof typeof CHECK_NAMES;

/** The outcome of one check; `detail` says what was seen and, on a failure, how to fix it. */
export interface CheckResult {
  id: CheckId;
  name: string;
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
}

export function checkResult(id: CheckId, outcome: CheckResult['outcome'], detail: string) {
  return { id, name: CHECK_NAMES[id], outcome, detail } satisfies CheckResult;
}

/** 1. The connection test passes only with `checkResult` exactly `success`. */
export async function checkConnectionTest(target: ProxyTarget): Promise<CheckResult> {
  const path = THIRD_PARTY_PATHS.connect;
  const reply = await postToProxy(target, path, { checkEvent: 'connectivity' });
  const problem = unusable(reply, target, path);
  if (problem) return checkResult('connection-test', 'fail', problem);

  const value = (reply as { json: unknown }).json as { checkResult?: unknown } | undefined;
  if (value?.checkResult === CONNECT_SUCCESS) {
    return checkResult('connection-test', 'pass', 'the reply is {"checkResult":"success"}.');
  }
  const got = value?.checkResult === undefined ? 'missing' : JSON.stringify(value.checkResult);
  return checkResult(
    'connection-test',
    'fail',
    `checkResult is ${got}; only "success", exactly, passes. Answer {"checkResult":"success"} ` +
      'when the proxy is ready to take submits.',
  );
}

/** 2. A wrong Access Token, or a timestamp an hour old, is refused with the contract's 401. */
export async function checkRefusal(
  target: ProxyTarget,
  kind: 'wrong-token' | 'stale-timestamp',
): Promise<CheckResult> {
  const wrongToken = kind === 'wrong-token';
  const id = wrongToken ? 'wrong-token-refused' : 'stale-timestamp-refused';
  const code: RefusalCode = wrongToken ? REFUSAL_CODES[0] : REFUSAL_CODES[1];
  const query = wrongToken
    ? {
        accessToken:
          target.accessToken === 'kit-wrong-token' ? 'kit-other-token' : 'kit-wrong-token',
      }
    : { timestamp: String(Date.now() - 60 * 60_000) };
  const what = wrongToken ? 'a wrong Access Token' : 'a timestamp an hour old';
  const expected = `HTTP 401 {"success":false,"code":"${code}","message":…}`;

  const reply = await postToProxy(
    target,
    THIRD_PARTY_PATHS.connect,
    { checkEvent: 'connectivity' },
    query,
  );
  if (!reply.reached) {
    return checkResult(
      id,
      'fail',
      `the connection test with ${what} got no reply: ${reply.reason}.`,
    );
  }
  if (reply.status >= 200 && reply.status < 300) {
    const fix = wrongToken
      ? 'compare accessToken with the configured Access Token on every call'
      : 'refuse a timestamp more than five minutes from the proxy’s clock, so a captured call cannot be replayed';
    return checkResult(
      id,
      'fail',
      `the proxy accepted a call with ${what} (HTTP ${reply.status}): ${fix}, and answer ${expected} ` +
        '(the SDK’s createProxyHandler or verifyProxyCall do both).',
    );
  }
  const refusal = refusalSchema.safeParse(reply.json);
  if (reply.status === 401 && refusal.success && refusal.data.code === code) {
    return checkResult(id, 'pass', `refused with HTTP 401 ${code}.`);
  }
  return checkResult(
    id,
    'fail',
    `${what} was refused with HTTP ${reply.status} ${snippet(reply.text)}; the contract's refusal is ${expected}.`,
  );
}

/** 3. A submit creates an instance: `{success: true, processInstanceId}`. */
export async function checkSubmit(
  target: ProxyTarget,
  body: SubmitRequest,
): Promise<{ result: CheckResult; processInstanceId?: string }> {
  const outcome = await submitOnce(target, body);
  if (!outcome.ok) return { result: checkResult('submit', 'fail', outcome.problem) };
  return {
    result: checkResult(
      'submit',
      'pass',
      `instance ${outcome.processInstanceId} for applyId ${body.applyId}.`,
    ),
    processInstanceId: outcome.processInstanceId,
  };
}

/** 4. The same submit again finds the same instance: Signoff resends after a crash. */
export async function checkRepeatedSubmit(
  target: ProxyTarget,
  body: SubmitRequest,
  firstId: string,
): Promise<CheckResult> {
  const outcome = await submitOnce(target, body);
  if (!outcome.ok) {
    return checkResult(
      'idempotent-submit',
      'fail',
      `the repeated submit failed: ${outcome.problem}`,
    );
  }
  if (outcome.processInstanceId === firstId) {
    return checkResult('idempotent-submit', 'pass', `the repeat returned ${firstId} again.`);
  }
  return checkResult(
    'idempotent-submit',
    'fail',
    `duplicate instance on a repeated submit: the first submit created ${firstId}, the repeat ` +
      `with the same applyId created ${outcome.processInstanceId}. Signoff resends a submit after ` +
      'a crash or a lost reply; return the existing instance for an applyId already seen.',
  );
}

async function submitOnce(
  target: ProxyTarget,
  body: SubmitRequest,
): Promise<{ ok: true; processInstanceId: string } | { ok: false; problem: string }> {
  const path = THIRD_PARTY_PATHS.create;
  const reply = await postToProxy(target, path, body);
  const problem = unusable(reply, target, path);
  if (problem) return { ok: false, problem };

  const parsed = submitReplySchema.safeParse((reply as { json: unknown }).json);
  if (parsed.success && parsed.data.success) {
    return { ok: true, processInstanceId: parsed.data.processInstanceId };
  }
  if (parsed.success) {
    const { code, message } = parsed.data;
    const hint =
      code === 'TENANT_MISMATCH' ? ' Pass the Tenant ID the proxy is configured with.' : '';
    return { ok: false, problem: `the proxy declined the submit: ${code}: ${message}.${hint}` };
  }
  return {
    ok: false,
    problem:
      `the reply ${snippet((reply as { text: string }).text)} is neither ` +
      '{"success":true,"processInstanceId":"…"} nor {"success":false,"code","message","retryable"}.',
  };
}

/**
 * What makes a reply unusable for any call, in words an integrator can act on, or undefined when
 * it is a 2xx JSON reply worth reading further.
 */
function unusable(reply: ProxyReply, target: ProxyTarget, path: string): string | undefined {
  const url = callUrl(target.proxyUrl, path).href;
  if (!reply.reached) {
    return (
      `no reply from POST ${url}: ${reply.reason}. Start the proxy and pass its Submit Approval ` +
      'Request URL as --proxy (the kit adds the path of each call).'
    );
  }
  if (reply.status === 401) {
    const refusal = refusalSchema.safeParse(reply.json);
    const code = refusal.success ? refusal.data.code : 'no contract code';
    const fix =
      code === 'TIMESTAMP_OUT_OF_WINDOW'
        ? 'synchronise the clocks of this machine and the proxy (NTP)'
        : 'pass the Access Token the proxy is configured with as --access-token';
    return `the proxy refused the kit's call with HTTP 401 (${code}): ${fix}.`;
  }
  if (reply.status === 404) {
    return `HTTP 404 for POST ${url}: the proxy serves no such path. --proxy is the base address; the kit adds ${path}.`;
  }
  if (reply.status < 200 || reply.status >= 300) {
    return `POST ${url} answered HTTP ${reply.status}: ${snippet(reply.text)}.`;
  }
  if (reply.json === undefined) {
    return `POST ${url} answered with something that is not JSON: ${snippet(reply.text)}.`;
  }
  return undefined;
}
