// The access check a proxy makes on every call from Signoff: the Access Token must match, and the
// timestamp must be recent, so a captured request cannot be replayed much later.

import { timingSafeEqualStrings } from './encoding.ts';
import type { RefusalCode } from './third-party.ts';

/** Default tolerance between Signoff's clock and the proxy's: five minutes either way. */
export const DEFAULT_TIMESTAMP_WINDOW_MS = 5 * 60_000;

/** Options of {@link verifyProxyCall}. */
export interface VerifyProxyCallOptions {
  /** The Access Token configured for this proxy. */
  accessToken: string;
  /** The call's query parameters, as read from the URL (missing ones may be null or undefined). */
  query: { accessToken?: string | null; timestamp?: string | null };
  /** The current time in milliseconds; defaults to `Date.now()`. */
  now?: number;
  /** How far the timestamp may be from `now`, either way; defaults to five minutes. */
  windowMs?: number;
}

/** Outcome of {@link verifyProxyCall}; a refusal is meant for an HTTP 401 body as it stands. */
export type ProxyCallVerdict = { ok: true } | { ok: false; code: RefusalCode; message: string };

/** Checks a call's `accessToken` (in constant time) and `timestamp` (within the window). */
export function verifyProxyCall(options: VerifyProxyCallOptions): ProxyCallVerdict {
  // An empty configured token would let any caller with an empty one through.
  if (!options.accessToken) throw new TypeError('verifyProxyCall: accessToken is not configured');
  const { query, now = Date.now(), windowMs = DEFAULT_TIMESTAMP_WINDOW_MS } = options;

  const token = query.accessToken ?? '';
  if (!timingSafeEqualStrings(token, options.accessToken)) {
    return {
      ok: false,
      code: 'ACCESS_TOKEN_INVALID',
      message: token ? 'accessToken does not match' : 'accessToken is missing',
    };
  }

  const timestamp = query.timestamp ?? '';
  if (!/^\d{1,16}$/.test(timestamp)) {
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
      message: 'timestamp must be milliseconds since the epoch, in digits',
    };
  }
  const skew = Number(timestamp) - now;
  if (Math.abs(skew) > windowMs) {
    // The skew is no secret and tells an operator at once whether a clock is off.
    const skewSeconds = Math.round(skew / 1000);
    const windowSeconds = Math.round(windowMs / 1000);
    return {
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
      message: `timestamp is ${skewSeconds} s from the proxy's clock; allowed ±${windowSeconds} s`,
    };
  }
  return { ok: true };
}
