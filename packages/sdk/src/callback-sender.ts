// For proxy authors: deliver an approval outcome to Signoff as an encrypted callback, and accept
// the delivery only when Signoff's reply proves (by decrypting to `success`) that it was stored.

import { CallbackCrypto, type EncryptOptions } from './callback-crypto.ts';
import { httpUrlOption, nonNegativeOption } from './options.ts';
import {
  CALLBACK_SUCCESS,
  type CallbackBody,
  type CallbackPayload,
  callbackPayloadSchema,
  callbackReplySchema,
  MAX_THIRD_PARTY_REPLY_BYTES,
} from './third-party.ts';

/** A callback ready to send: query parameters to add to the callback URL, and the JSON body. */
export interface BuiltCallback {
  /**
   * `signature` and `msg_signature` hold the same value: DingTalk's traffic carries both, and a
   * receiver may read either.
   */
  query: { signature: string; msg_signature: string; timestamp: string; nonce: string };
  body: CallbackBody;
}

/** Options of {@link sendCallback}. */
export interface SendCallbackOptions {
  /** Full URL of Signoff's callback endpoint (ending in `THIRD_PARTY_CALLBACK_PATH`). */
  callbackUrl: string | URL;
  /** The configuration's Access Token, which signs the callback. */
  accessToken: string;
  /** The configuration's Encoding AES Key. */
  encodingAesKey: string;
  /** The `tenantId` Signoff sent with the submit; the owner key of the envelope. */
  tenantId: string;
  payload: CallbackPayload;
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Further attempts after a network error, an HTTP 429 or an HTTP 5xx; defaults to 3. */
  retries?: number;
  /** Wait before the first retry, doubled for each one after; defaults to 250 ms. */
  retryDelayMs?: number;
  /** Upper bound of one wait between attempts, `Retry-After` included; defaults to 5 s. */
  maxRetryDelayMs?: number;
  /** Time allowed for one attempt; defaults to 10 s. */
  timeoutMs?: number;
}

/** A delivery Signoff acknowledged. */
export interface SendCallbackResult {
  /** HTTP status of the acknowledging reply (always 200). */
  status: number;
  /** Attempts made, counting the one that succeeded. */
  attempts: number;
}

/**
 * Why a delivery failed: the payload breaks the contract (nothing was sent), Signoff was
 * unreachable, refused or redirected with an HTTP status, or answered wrongly.
 */
export type CallbackSendErrorCode =
  | 'invalid_payload'
  | 'network_error'
  | 'http_error'
  | 'invalid_reply';

/** A callback that Signoff did not acknowledge. */
export class CallbackSendError extends Error {
  /** Stable reason, safe to branch on. */
  readonly code: CallbackSendErrorCode;
  /** HTTP status of the last reply, when there was one. */
  readonly status: number | undefined;
  /** Body of the last reply: parsed JSON when it was JSON, else its text. */
  readonly body: unknown;
  /** Attempts made before giving up. */
  readonly attempts: number;

  constructor(
    code: CallbackSendErrorCode,
    message: string,
    details: { status?: number; body?: unknown; attempts: number; cause?: unknown },
  ) {
    super(message, { cause: details.cause });
    this.name = 'CallbackSendError';
    this.code = code;
    this.status = details.status;
    this.body = details.body;
    this.attempts = details.attempts;
  }
}

/** Validates a payload, then encrypts and signs it into a callback request. */
export async function buildCallback(
  crypto: CallbackCrypto,
  payload: CallbackPayload,
  options?: EncryptOptions,
): Promise<BuiltCallback> {
  const valid = checkPayload(payload);
  const envelope = await crypto.encrypt(JSON.stringify(valid), options);
  return {
    query: {
      signature: envelope.msg_signature,
      msg_signature: envelope.msg_signature,
      timestamp: envelope.timeStamp,
      nonce: envelope.nonce,
    },
    body: { encrypt: envelope.encrypt },
  };
}

/** Delivery settings of {@link sendCallback}, checked and with their defaults filled in. */
export interface DeliverySettings {
  callbackUrl: URL;
  retries: number;
  retryDelayMs: number;
  maxRetryDelayMs: number;
  timeoutMs: number;
}

/** Checks the URL and numeric options once, at creation; throws a `TypeError` naming the option. */
export function checkDelivery(
  options: Pick<
    SendCallbackOptions,
    'callbackUrl' | 'retries' | 'retryDelayMs' | 'maxRetryDelayMs' | 'timeoutMs'
  >,
): DeliverySettings {
  return {
    callbackUrl: httpUrlOption('callbackUrl', options.callbackUrl),
    retries: nonNegativeOption('retries', options.retries, 3, true),
    retryDelayMs: nonNegativeOption('retryDelayMs', options.retryDelayMs, 250),
    maxRetryDelayMs: nonNegativeOption('maxRetryDelayMs', options.maxRetryDelayMs, 5_000),
    // Whole milliseconds: `AbortSignal.timeout` refuses fractions.
    timeoutMs: nonNegativeOption('timeoutMs', options.timeoutMs, 10_000, true),
  };
}

/**
 * Posts a callback to Signoff, retrying network errors, HTTP 429 and HTTP 5xx with bounded
 * exponential backoff; resolves once Signoff acknowledges it, else throws
 * {@link CallbackSendError}. Another 4xx or a redirect is final: sending the same request again
 * would end the same way. Redirects are not followed, since the body carries a decision.
 */
export async function sendCallback(options: SendCallbackOptions): Promise<SendCallbackResult> {
  const settings = checkDelivery(options);
  const crypto = new CallbackCrypto({
    token: options.accessToken,
    encodingAesKey: options.encodingAesKey,
    ownerKey: options.tenantId,
  });
  // Failing here, at the proxy, is clearer than a refusal from Signoff after a round trip.
  checkPayload(options.payload);
  const send = options.fetch ?? globalThis.fetch;

  for (let attempt = 1; ; attempt++) {
    // Signed afresh on every attempt, so a retry never carries an old timestamp.
    const callback = await buildCallback(crypto, options.payload);
    const url = new URL(settings.callbackUrl);
    for (const [name, value] of Object.entries(callback.query)) url.searchParams.set(name, value);

    let failure: CallbackSendError;
    let retryAfterMs: number | undefined;
    try {
      const response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(callback.body),
        redirect: 'manual',
        signal: AbortSignal.timeout(settings.timeoutMs),
      });
      const body = await readBody(response);
      const { status } = response;
      if (status < 500 && status !== 429) {
        return await acceptReply(crypto, response, body, attempt);
      }
      failure = new CallbackSendError('http_error', `Signoff answered HTTP ${status}`, {
        status,
        body,
        attempts: attempt,
      });
      retryAfterMs = retryAfter(response.headers.get('retry-after'));
    } catch (error) {
      if (error instanceof CallbackSendError) throw error;
      failure = new CallbackSendError(
        'network_error',
        `the callback was not delivered: ${describeNetworkError(error)}`,
        { attempts: attempt, cause: error },
      );
    }

    if (attempt > settings.retries) throw failure;
    const wait = retryAfterMs ?? backoff(attempt, settings.retryDelayMs, settings.maxRetryDelayMs);
    await sleep(Math.min(wait, settings.maxRetryDelayMs));
  }
}

/** Validates a payload, turning the schema's issues into one error that lists the fields. */
function checkPayload(payload: CallbackPayload): CallbackPayload {
  const parsed = callbackPayloadSchema.safeParse(payload);
  if (parsed.success) return parsed.data;
  const fields = parsed.error.issues
    .map((issue) => `${issue.path.map(String).join('.') || 'payload'}: ${issue.message}`)
    .join('; ');
  throw new CallbackSendError('invalid_payload', `the callback payload is invalid: ${fields}`, {
    attempts: 0,
    cause: parsed.error,
  });
}

/**
 * Reads at most `MAX_THIRD_PARTY_REPLY_BYTES` of a reply and stops: a reply holds a few short
 * fields, so anything larger is not one. Parsed as JSON when it parses, else kept as text;
 * `undefined` past the cap.
 */
async function readBody(response: Response): Promise<unknown> {
  if (!response.body) return '';
  const reader = response.body.getReader();
  const decoder = new TextDecoder();
  let text = '';
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > MAX_THIRD_PARTY_REPLY_BYTES) {
      await reader.cancel().catch(() => {});
      return undefined;
    }
    text += decoder.decode(value, { stream: true });
  }
  text += decoder.decode();
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** `Retry-After` in seconds, as milliseconds; an HTTP date or garbage gives `undefined`. */
function retryAfter(header: string | null): number | undefined {
  if (header === null || !/^\s*\d+\s*$/.test(header)) return undefined;
  return Number(header) * 1000;
}

/** A fetch failure with its underlying reason, such as `fetch failed (ECONNREFUSED)`. */
function describeNetworkError(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  const cause =
    error instanceof Error ? (error.cause as { code?: unknown } | undefined) : undefined;
  if (cause && typeof cause.code === 'string') return `${message} (${cause.code})`;
  if (cause instanceof Error) return `${message} (${cause.message})`;
  return message;
}

/** Accepts only HTTP 200 with an envelope that verifies and decrypts to `success`. */
async function acceptReply(
  crypto: CallbackCrypto,
  response: Response,
  body: unknown,
  attempts: number,
): Promise<SendCallbackResult> {
  const { status } = response;
  if (status >= 300 && status < 400) {
    const location = response.headers.get('location') ?? 'no location';
    throw new CallbackSendError(
      'http_error',
      `Signoff answered HTTP ${status}, a redirect to ${location}; callbacks do not follow ` +
        'redirects, so set callbackUrl to the final URL',
      { status, body, attempts },
    );
  }
  if (status >= 400) {
    throw new CallbackSendError('http_error', `Signoff refused the callback with HTTP ${status}`, {
      status,
      body,
      attempts,
    });
  }
  const invalid = (reason: string, cause?: unknown) =>
    new CallbackSendError('invalid_reply', `Signoff's reply is not an acknowledgement: ${reason}`, {
      status,
      body,
      attempts,
      cause,
    });
  if (status !== 200) throw invalid(`expected HTTP 200, got ${status}`);

  const reply = callbackReplySchema.safeParse(body);
  if (!reply.success) throw invalid('expected JSON {msg_signature, timeStamp, nonce, encrypt}');
  let message: string;
  try {
    message = await crypto.decrypt({
      signature: reply.data.msg_signature,
      timestamp: reply.data.timeStamp,
      nonce: reply.data.nonce,
      encrypt: reply.data.encrypt,
    });
  } catch (error) {
    throw invalid(error instanceof Error ? error.message : String(error), error);
  }
  if (message !== CALLBACK_SUCCESS) throw invalid('the envelope does not decrypt to "success"');
  return { status, attempts };
}

/** Exponential backoff with jitter, so proxies retrying at once spread out. */
function backoff(attempt: number, baseMs: number, maxMs: number): number {
  const ceiling = Math.min(maxMs, baseMs * 2 ** (attempt - 1));
  return ceiling / 2 + (Math.random() * ceiling) / 2;
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
