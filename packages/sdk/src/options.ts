// Checks of the numeric and URL options the SDK takes, run when a proxy or client is created, so a
// typo or an unset environment variable fails at start-up instead of misbehaving at the first call.

/**
 * Returns `value` when it is a finite number at least zero (and whole, when `integer`), or
 * `fallback` when it is undefined; throws a `TypeError` naming the option otherwise.
 */
export function nonNegativeOption(
  name: string,
  value: unknown,
  fallback: number,
  integer = false,
): number {
  if (value === undefined) return fallback;
  const valid =
    typeof value === 'number' &&
    Number.isFinite(value) &&
    value >= 0 &&
    (!integer || Number.isInteger(value));
  if (valid) return value;
  const kind = integer ? 'integer' : 'number';
  const shown = typeof value === 'string' ? JSON.stringify(value) : String(value);
  // The common source of a NaN is `Number(process.env.X)` with X unset.
  const hint = Number.isNaN(value) ? ' (Number() of an unset environment variable is NaN)' : '';
  throw new TypeError(`${name} must be a finite non-negative ${kind}, got ${shown}${hint}`);
}

/** Parses an http(s) URL option, or throws a `TypeError` naming it. */
export function httpUrlOption(name: string, value: string | URL): URL {
  let url: URL;
  try {
    url = new URL(value);
  } catch {
    throw new TypeError(`${name} must be an absolute http or https URL, got ${String(value)}`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new TypeError(`${name} must use http or https, got ${url.protocol}`);
  }
  return url;
}
