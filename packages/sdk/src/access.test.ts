import { describe, expect, it } from 'vitest';
import { verifyProxyCall } from './access.ts';

const now = 1_700_000_000_000;
const accessToken = 'Zm9vYmFyYmF6cXV4';

const check = (
  query: { accessToken?: string | null; timestamp?: string | null },
  windowMs?: number,
) => verifyProxyCall({ accessToken, query, now, windowMs });

describe('verifyProxyCall', () => {
  it('accepts the right token with the current timestamp', () => {
    expect(check({ accessToken, timestamp: String(now) })).toEqual({ ok: true });
  });

  it.each([
    ['a wrong token', 'Zm9vYmFyYmF6cXV5'],
    ['a prefix of the token', accessToken.slice(0, -1)],
    ['the token with a suffix', `${accessToken}x`],
    ['an empty token', ''],
    ['no token', null],
  ])('refuses %s as ACCESS_TOKEN_INVALID', (_name, token) => {
    const verdict = check({ accessToken: token, timestamp: String(now) });

    expect(verdict).toMatchObject({ ok: false, code: 'ACCESS_TOKEN_INVALID' });
    expect(JSON.stringify(verdict)).not.toContain(accessToken);
  });

  it('checks the token before the timestamp', () => {
    expect(check({ accessToken: 'wrong', timestamp: 'soon' })).toMatchObject({
      code: 'ACCESS_TOKEN_INVALID',
    });
  });

  it.each([
    ['missing', undefined],
    ['a calendar date', '2023-11-14'],
    ['negative', '-1700000000000'],
    ['fractional', '1700000000000.5'],
  ])('refuses a timestamp that is %s as TIMESTAMP_OUT_OF_WINDOW', (_name, timestamp) => {
    expect(check({ accessToken, timestamp })).toMatchObject({
      ok: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
    });
  });

  it.each([
    ['five minutes ago', now - 300_000, true],
    ['five minutes ahead', now + 300_000, true],
    ['just over five minutes ago', now - 300_001, false],
    ['just over five minutes ahead', now + 300_001, false],
    ['in seconds rather than milliseconds', Math.floor(now / 1000), false],
  ])('treats a timestamp %s as in window: %s', (_name, timestamp, ok) => {
    expect(check({ accessToken, timestamp: String(timestamp) }).ok).toBe(ok);
  });

  it('says how far off the clock is', () => {
    const verdict = check({ accessToken, timestamp: String(now - 600_000) });

    expect(verdict).toMatchObject({ message: expect.stringContaining('-600 s') });
  });

  it('honours a custom window', () => {
    expect(check({ accessToken, timestamp: String(now - 2_000) }, 1_000).ok).toBe(false);
    expect(check({ accessToken, timestamp: String(now - 500) }, 1_000).ok).toBe(true);
  });

  it('defaults now to the current time', () => {
    const verdict = verifyProxyCall({
      accessToken,
      query: { accessToken, timestamp: String(Date.now()) },
    });

    expect(verdict).toEqual({ ok: true });
  });

  it('throws when no token is configured, rather than accepting an empty one', () => {
    expect(() =>
      verifyProxyCall({ accessToken: '', query: { accessToken: '', timestamp: String(now) } }),
    ).toThrow(TypeError);
  });
});
