// For proxy authors: deliver an approval outcome to Signoff as an encrypted callback, and accept
// the delivery only when Signoff's reply proves (by decrypting to `success`) that it was stored.

import { CallbackCrypto, type EncryptOptions } from './callback-crypto.ts';
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
  /** Further attempts after a network error or an HTTP 5xx; defaults to 3. */
  retries?: number;
  /** Wait before the first retry, doubled for each one after; defaults to 250 ms. */
  retryDelayMs?: number;
  /** Upper bound of one wait between attempts; defaults to 5 s. */
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

/** Why a delivery failed: unreachable, refused with an HTTP status, or answered wrongly. */
export type CallbackSendErrorCode = 'network_error' | 'http_error' | 'invalid_reply';

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
  // Failing here, at the proxy, is clearer than a rejection from Signoff after a round trip.
  const valid = callbackPayloadSchema.parse(payload);
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

/**
 * Posts a callback to Signoff, retrying network errors and HTTP 5xx with bounded exponential
 * backoff; resolves once Signoff acknowledges it, else throws {@link CallbackSendError}. A 4xx
 * is final: sending the same request again would be refused the same way.
 */
export async function sendCallback(options: SendCallbackOptions): Promise<SendCallbackResult> {
  const crypto = new CallbackCrypto({
    token: options.accessToken,
    encodingAesKey: options.encodingAesKey,
    ownerKey: options.tenantId,
  });
  const retries = options.retries ?? 3;
  const send = options.fetch ?? globalThis.fetch;

  for (let attempt = 1; ; attempt++) {
    // Signed afresh on every attempt, so a retry never carries an old timestamp.
    const callback = await buildCallback(crypto, options.payload);
    const url = new URL(options.callbackUrl);
    for (const [name, value] of Object.entries(callback.query)) url.searchParams.set(name, value);

    let failure: CallbackSendError;
    try {
      const response = await send(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(callback.body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 10_000),
      });
      const body = await readBody(response);
      if (response.status < 500) return await acceptReply(crypto, response.status, body, attempt);
      failure = new CallbackSendError('http_error', `Signoff answered HTTP ${response.status}`, {
        status: response.status,
        body,
        attempts: attempt,
      });
    } catch (error) {
      if (error instanceof CallbackSendError) throw error;
      failure = new CallbackSendError('network_error', `the callback was not delivered: ${error}`, {
        attempts: attempt,
        cause: error,
      });
    }

    if (attempt > retries) throw failure;
    await sleep(backoff(attempt, options.retryDelayMs ?? 250, options.maxRetryDelayMs ?? 5_000));
  }
}

/** Reads a reply body (bounded), as JSON when it parses, else as text. */
async function readBody(response: Response): Promise<unknown> {
  const text = await response.text();
  if (text.length > MAX_THIRD_PARTY_REPLY_BYTES) return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** Accepts only HTTP 200 with an envelope that verifies and decrypts to `success`. */
async function acceptReply(
  crypto: CallbackCrypto,
  status: number,
  body: unknown,
  attempts: number,
): Promise<SendCallbackResult> {
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
