/** First retry delay. */
export const BACKOFF_BASE_MS = 1000;
/** No retry waits longer than this. */
export const BACKOFF_CAP_MS = 5 * 60 * 1000;

/**
 * How long to wait after the `attempts`-th failed attempt: 1 s, 2 s, 4 s, … doubling up to five
 * minutes. Deterministic on purpose: jobs are spread by when their requests were made, and the
 * due time is stored, so any process can pick the retry up.
 */
export function backoffMs(attempts: number): number {
  const exponent = Math.max(0, Math.trunc(attempts) - 1);
  // 2^19 s is far past the cap; stopping there keeps the arithmetic exact.
  return Math.min(BACKOFF_CAP_MS, BACKOFF_BASE_MS * 2 ** Math.min(exponent, 19));
}
