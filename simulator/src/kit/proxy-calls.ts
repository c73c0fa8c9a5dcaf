import { MAX_THIRD_PARTY_REPLY_BYTES } from '@signoff/sdk';

/** Where the proxy is and how to call it, as Signoff would. */
export interface ProxyTarget {
  /** The Submit Approval Request URL; the call's path is added to its own. */
  proxyUrl: string;
  accessToken: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/** What came back from one call: a reply, or why there was none. */
export type ProxyReply =
  | { reached: true; status: number; json: unknown; text: string }
  | { reached: false; reason: string };

/**
 * POSTs a JSON body to `path` under the proxy's URL, with `accessToken` and `timestamp` in the
 * query as Signoff sends them; `query` replaces either, to provoke a refusal.
 */
export async function postToProxy(
  target: ProxyTarget,
  path: string,
  body: unknown,
  query: { accessToken?: string; timestamp?: string } = {},
): Promise<ProxyReply> {
  const url = callUrl(target.proxyUrl, path);
  url.searchParams.set('accessToken', query.accessToken ?? target.accessToken);
  url.searchParams.set('timestamp', query.timestamp ?? String(Date.now()));

  let response: Response;
  let text: string;
  try {
    response = await target.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    text = await response.text();
  } catch (error) {
    return { reached: false, reason: describeNetworkError(error, target.timeoutMs) };
  }

  let json: unknown;
  try {
    json = text.length <= MAX_THIRD_PARTY_REPLY_BYTES ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { reached: true, status: response.status, json, text };
}

/** The full address of a call, for messages: `http://proxy/approvals/dataphin/bpms/…`. */
export function callUrl(proxyUrl: string, path: string): URL {
  const url = new URL(proxyUrl);
  url.pathname = `${url.pathname.replace(/\/+$/, '')}${path}`;
  url.search = '';
  return url;
}

/** The start of a reply, for a message: enough to recognise it, never a whole page. */
export function snippet(text: string): string {
  const oneLine = text.replace(/\s+/g, ' ').trim();
  if (oneLine === '') return '(an empty body)';
  return oneLine.length > 160 ? `${oneLine.slice(0, 160)}…` : oneLine;
}

function describeNetworkError(error: unknown, timeoutMs: number): string {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return `no reply within ${timeoutMs / 1000} s`;
  }
  // fetch says "fetch failed" and keeps the useful part (ECONNREFUSED, ENOTFOUND, "bad port"…)
  // in its cause, as a code or, failing that, a message.
  const cause = error instanceof Error ? error.cause : undefined;
  if (typeof cause === 'object' && cause !== null && 'code' in cause) return String(cause.code);
  if (cause instanceof Error) return cause.message;
  return error instanceof Error ? error.message : String(error);
}
