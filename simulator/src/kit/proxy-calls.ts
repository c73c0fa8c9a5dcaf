import { MAX_THIRD_PARTY_REPLY_BYTES } from '@signoff/sdk';

/** Where the proxy is and how to call it, as Signoff would. */
export interface ProxyTarget {
  /** The Submit Approval Request URL; the call's path is added to its own. */
  proxyUrl: string;
  accessToken: string;
  timeoutMs: number;
  fetch: typeof fetch;
}

/**
 * What came back from one call: a reply, or why there was none. `json` is undefined when the body
 * is not JSON or is past Signoff's limit (`tooLarge`); `location` is a redirect's target.
 */
export type ProxyReply =
  | {
      reached: true;
      status: number;
      json: unknown;
      text: string;
      tooLarge: boolean;
      contentType: string;
      location?: string;
    }
  | { reached: false; reason: string; refused: boolean };

/**
 * POSTs a JSON body to `path` under the proxy's URL, with `accessToken` and `timestamp` in the
 * query as Signoff sends them; `query` replaces either, to provoke a refusal. Like Signoff, it
 * follows no redirect and reads at most {@link MAX_THIRD_PARTY_REPLY_BYTES} of the reply.
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
  let read: { text: string; tooLarge: boolean };
  try {
    response = await target.fetch(url, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(body),
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    read = await readCapped(response);
  } catch (error) {
    return describeNetworkError(error, target.timeoutMs);
  }

  let json: unknown;
  try {
    json = read.tooLarge ? undefined : JSON.parse(read.text);
  } catch {
    json = undefined;
  }
  return {
    reached: true,
    status: response.status,
    json,
    ...read,
    contentType: response.headers.get('content-type') ?? '',
    location: response.headers.get('location') ?? undefined,
  };
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

/** What a reply that is not JSON looks like, in a few words: "HTML", "more than 64 KiB"… */
export function bodyKind(reply: Extract<ProxyReply, { reached: true }>): string {
  if (reply.tooLarge) {
    return `a body of more than ${MAX_THIRD_PARTY_REPLY_BYTES / 1024} KiB, past the most Signoff reads`;
  }
  if (reply.json !== undefined) return `JSON ${snippet(reply.text)}`;
  const html = /html/i.test(reply.contentType) || /^\s*<(!doctype|html)/i.test(reply.text);
  return `${html ? 'an HTML page' : 'a body that is not JSON'}: ${snippet(reply.text)}`;
}

/** Reads the body up to Signoff's limit and stops there, so a huge reply costs no more. */
async function readCapped(response: Response): Promise<{ text: string; tooLarge: boolean }> {
  const chunks: Uint8Array[] = [];
  let size = 0;
  const reader = response.body?.getReader();
  while (reader) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_THIRD_PARTY_REPLY_BYTES) {
      await reader.cancel();
      return { text: '', tooLarge: true };
    }
    chunks.push(value);
  }
  return { text: Buffer.concat(chunks).toString('utf8'), tooLarge: false };
}

function describeNetworkError(
  error: unknown,
  timeoutMs: number,
): Extract<ProxyReply, { reached: false }> {
  if (error instanceof Error && error.name === 'TimeoutError') {
    return { reached: false, reason: `timed out after ${timeoutMs / 1000} s`, refused: false };
  }
  // fetch says "fetch failed" (or "terminated" mid-reply) and keeps the useful part (ECONNREFUSED,
  // ECONNRESET, "other side closed"…) in its cause, as a code or, failing that, a message.
  const cause = error instanceof Error ? error.cause : undefined;
  const code =
    typeof cause === 'object' && cause !== null && 'code' in cause ? String(cause.code) : undefined;
  if (code === 'ECONNREFUSED' || code === 'ENOTFOUND') {
    return { reached: false, reason: code, refused: true };
  }
  if (code === 'ECONNRESET' || code === 'UND_ERR_SOCKET') {
    return { reached: false, reason: `connection reset: ${code}`, refused: false };
  }
  if (code) return { reached: false, reason: code, refused: false };
  const message =
    cause instanceof Error ? cause.message : error instanceof Error ? error.message : String(error);
  return { reached: false, reason: message, refused: false };
}
