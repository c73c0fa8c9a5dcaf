import {
  CONNECT_SUCCESS,
  MAX_CALLBACK_ID_LENGTH,
  REFUSAL_CODES,
  type RefusalCode,
  refusalSchema,
  type SubmitRequest,
  submitReplySchema,
  THIRD_PARTY_PATHS,
} from '@signoff/sdk';
import {
  bodyKind,
  callUrl,
  type ProxyReply,
  type ProxyTarget,
  postToProxy,
  snippet,
} from './proxy-calls.ts';

/** Every check the kit makes, in the order it reports them. */
export const CHECK_NAMES = {
  'connection-test': 'connection test',
  'wrong-token-refused': 'wrong Access Token refused',
  'stale-timestamp-refused': 'stale timestamp refused',
  submit: 'submit',
  'submit-wrong-token-refused': 'submit with a wrong Access Token refused',
  'submit-stale-timestamp-refused': 'submit with a stale timestamp refused',
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

/**
 * 1. The connection test passes only with `checkResult` exactly `success`. `answered` says whether
 * the proxy took the call at all (a 2xx JSON reply): only then can a refusal of a wrong call mean
 * anything.
 */
export async function checkConnectionTest(
  target: ProxyTarget,
): Promise<{ result: CheckResult; answered: boolean }> {
  const path = THIRD_PARTY_PATHS.connect;
  const reply = await postToProxy(target, path, { checkEvent: 'connectivity' });
  const problem = unusable(reply, target, path);
  if (problem) return { result: checkResult('connection-test', 'fail', problem), answered: false };

  const value = (reply as { json: unknown }).json as { checkResult?: unknown } | undefined;
  if (value?.checkResult === CONNECT_SUCCESS) {
    const result = checkResult(
      'connection-test',
      'pass',
      'the reply is {"checkResult":"success"}.',
    );
    return { result, answered: true };
  }
  const got = value?.checkResult === undefined ? 'missing' : JSON.stringify(value.checkResult);
  const result = checkResult(
    'connection-test',
    'fail',
    `checkResult is ${got}; only "success", exactly, passes. Answer {"checkResult":"success"} ` +
      'when the proxy is ready to take submits.',
  );
  return { result, answered: true };
}

/** A call sent with one wrong value, to see it refused. */
export interface RefusalProbe {
  /** What was wrong with it: the Access Token, or the timestamp. */
  kind: 'wrong-token' | 'stale-timestamp';
  call: 'connection test' | 'submit';
  /** A submit's body carries a fresh applyId, so that a wrong acceptance creates nothing real. */
  body: unknown;
  /** Said after a failure when an earlier check explains it ("… on the connection test only"). */
  hint?: string;
}

/** The check that judges each refusal probe. */
export const REFUSAL_CHECKS = {
  'connection test': {
    'wrong-token': 'wrong-token-refused',
    'stale-timestamp': 'stale-timestamp-refused',
  },
  submit: {
    'wrong-token': 'submit-wrong-token-refused',
    'stale-timestamp': 'submit-stale-timestamp-refused',
  },
} as const satisfies Record<RefusalProbe['call'], Record<RefusalProbe['kind'], CheckId>>;

/**
 * 2. A call with a wrong Access Token, or a timestamp an hour old, is refused with the contract's
 * 401: the connection test and the submit alike, since anyone who reaches the proxy could
 * otherwise create approvals. Each probe is judged on its own reply.
 */
export async function checkRefusal(target: ProxyTarget, probe: RefusalProbe): Promise<CheckResult> {
  const wrongToken = probe.kind === 'wrong-token';
  const id = REFUSAL_CHECKS[probe.call][probe.kind];
  const path = probe.call === 'submit' ? THIRD_PARTY_PATHS.create : THIRD_PARTY_PATHS.connect;
  const code: RefusalCode = wrongToken ? REFUSAL_CODES[0] : REFUSAL_CODES[1];
  const query = wrongToken
    ? {
        accessToken:
          target.accessToken === 'kit-wrong-token' ? 'kit-other-token' : 'kit-wrong-token',
      }
    : { timestamp: String(Date.now() - 60 * 60_000) };
  const what = wrongToken ? 'a wrong Access Token' : 'a timestamp an hour old';
  const expected = `HTTP 401 {"success":false,"code":"${code}","message":…}`;
  const hint = probe.hint ? ` ${probe.hint}` : '';

  const reply = await postToProxy(target, path, probe.body, query);
  if (!reply.reached) {
    return checkResult(id, 'fail', `the ${probe.call} with ${what} got no reply: ${reply.reason}.`);
  }
  const url = callUrl(target.proxyUrl, path).href;
  if (isRedirect(reply.status)) return checkResult(id, 'fail', redirected(reply, url));
  if (reply.status >= 200 && reply.status < 300 && reply.json === undefined) {
    return checkResult(
      id,
      'fail',
      `the ${probe.call} with ${what} was answered HTTP ${reply.status} with ${bodyKind(reply)}; ` +
        `the contract's refusal is ${expected}.`,
    );
  }
  if (reply.status >= 200 && reply.status < 300) {
    const fix = wrongToken
      ? 'compare accessToken with the configured Access Token on every call'
      : 'refuse a timestamp more than five minutes from the proxy’s clock on every call, so a captured call cannot be replayed';
    const created =
      probe.call === 'submit'
        ? ` It may have created an approval for applyId ${(probe.body as { applyId?: string }).applyId}, sent only to be refused; withdraw it.`
        : '';
    return checkResult(
      id,
      'fail',
      `the proxy accepted a ${probe.call} with ${what} (HTTP ${reply.status}).${created}${hint} ` +
        `Fix: ${fix}, and answer ${expected} (the SDK’s createProxyHandler or verifyProxyCall do both).`,
    );
  }
  const refusal = refusalSchema.safeParse(reply.json);
  if (reply.status === 401 && refusal.success && refusal.data.code === code) {
    return checkResult(id, 'pass', `refused with HTTP 401 ${code}.`);
  }
  return checkResult(
    id,
    'fail',
    `the ${probe.call} with ${what} was refused with HTTP ${reply.status} ${snippet(reply.text)}; ` +
      `the contract's refusal is ${expected}.`,
  );
}

/** 3. A submit creates an instance: `{success: true, processInstanceId}`. */
export async function checkSubmit(
  target: ProxyTarget,
  body: SubmitRequest,
): Promise<{ result: CheckResult; processInstanceId?: string; answered: boolean }> {
  const outcome = await submitOnce(target, body);
  if (!outcome.ok) {
    return { result: checkResult('submit', 'fail', outcome.problem), answered: outcome.answered };
  }
  return {
    answered: true,
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
): Promise<
  { ok: true; processInstanceId: string } | { ok: false; problem: string; answered: boolean }
> {
  const path = THIRD_PARTY_PATHS.create;
  const reply = await postToProxy(target, path, body);
  const problem = unusable(reply, target, path);
  if (problem) return { ok: false, problem, answered: false };

  const json = (reply as { json: unknown }).json;
  // Read before the schema, which would only say the reply breaks the contract, not how.
  const long = (json as { processInstanceId?: unknown } | null)?.processInstanceId;
  if (typeof long === 'string' && long.length > MAX_CALLBACK_ID_LENGTH) {
    return {
      ok: false,
      answered: true,
      problem:
        `processInstanceId is ${long.length} characters long; a callback carries at most ` +
        `${MAX_CALLBACK_ID_LENGTH}, so no decision on this instance could ever reach Signoff. ` +
        `Return an id of ${MAX_CALLBACK_ID_LENGTH} characters or fewer.`,
    };
  }
  const parsed = submitReplySchema.safeParse(json);
  if (parsed.success && parsed.data.success) {
    return { ok: true, processInstanceId: parsed.data.processInstanceId };
  }
  if (parsed.success) {
    const { code, message } = parsed.data;
    const hint =
      code === 'TENANT_MISMATCH' ? ' Pass the Tenant ID the proxy is configured with.' : '';
    return {
      ok: false,
      answered: true,
      problem: `the proxy declined the submit: ${code}: ${message}.${hint}`,
    };
  }
  return {
    ok: false,
    answered: true,
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
    const advice = reply.refused
      ? ' Start the proxy and pass its Submit Approval Request URL as --proxy (the kit adds the ' +
        'path of each call).'
      : '';
    return `no reply from POST ${url}: ${reply.reason}.${advice}`;
  }
  if (isRedirect(reply.status)) return redirected(reply, url);
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
    return `POST ${url} answered HTTP ${reply.status}: ${reply.tooLarge ? bodyKind(reply) : snippet(reply.text)}.`;
  }
  if (reply.json === undefined) return `POST ${url} answered with ${bodyKind(reply)}.`;
  return undefined;
}

function isRedirect(status: number): boolean {
  return status >= 300 && status < 400;
}

function redirected(reply: Extract<ProxyReply, { reached: true }>, url: string): string {
  const to = reply.location ? ` to ${reply.location}` : '';
  return (
    `POST ${url} answered HTTP ${reply.status}, a redirect${to}: Signoff does not follow ` +
    'redirects; serve the calls at the URL you configure.'
  );
}
