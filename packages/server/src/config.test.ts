import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('loadConfig', () => {
  it('derives the public base URL from host and port when none is set', () => {
    const config = loadConfig({ HOST: '127.0.0.1', PORT: '9000' });

    expect(config.publicBaseUrl).toBe('http://127.0.0.1:9000');
    expect(config.devSignIn).toBe(false);
  });

  it('lists every bad variable in one error', () => {
    expect(() =>
      loadConfig({ PUBLIC_BASE_URL: 'javascript:alert(1)', SECRETS_KEY: 'short', PORT: 'x' }),
    ).toThrow(
      /PORT:[\s\S]*PUBLIC_BASE_URL: must be an http:\/\/ or https:\/\/ URL[\s\S]*SECRETS_KEY: must be 32 bytes/,
    );
  });

  it('refuses a public base URL of another scheme', () => {
    expect(() => loadConfig({ PUBLIC_BASE_URL: 'ftp://signoff.example.com' })).toThrow(
      /PUBLIC_BASE_URL/,
    );
  });

  it('accepts a well-formed secrets key', () => {
    const key = Buffer.alloc(32, 7).toString('base64');

    expect(loadConfig({ SECRETS_KEY: key }).secretsKey).toBe(key);
  });

  it("serves the SDK from pack:sdk's tarball unless SDK_TARBALL names another", () => {
    const packed = fileURLToPath(new URL('../../sdk/dist/signoff-sdk.tgz', import.meta.url));

    expect(loadConfig({}).sdkTarball).toBe(packed);
    expect(loadConfig({ SDK_TARBALL: '/srv/signoff/sdk.tgz' }).sdkTarball).toBe(
      '/srv/signoff/sdk.tgz',
    );
  });

  it('refuses the development sign-in in production', () => {
    expect(() => loadConfig({ NODE_ENV: 'production', DEV_SIGN_IN: 'true' })).toThrow(
      /DEV_SIGN_IN cannot be enabled/,
    );
  });

  it('generates the HS256 secret by default, and trusts no key set', () => {
    const { auth } = loadConfig({});

    expect(auth.hs256).toBe('generated');
    expect(auth.jwks).toBeUndefined();
  });

  it('turns HS256 off when a key set URL is set without a secret', () => {
    const { auth } = loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/.well-known/jwks.json' });

    expect(auth.hs256).toBe('off');
    expect(auth.jwks).toEqual({
      url: 'https://idp.example.com/.well-known/jwks.json',
      maxAgeMs: 600_000,
      cooldownMs: 30_000,
      timeoutMs: 5_000,
    });
  });

  it('keeps HS256 beside the key set when the secret is set explicitly', () => {
    const secret = 's'.repeat(32);

    const { auth } = loadConfig({
      AUTH_JWKS_URL: 'http://idp.internal:8080/jwks',
      AUTH_HS256_SECRET: secret,
      AUTH_JWKS_MAX_AGE_MS: '120000',
      AUTH_JWKS_COOLDOWN_MS: '2000',
    });

    expect(auth.hs256).toEqual({ secret });
    expect(auth.jwks).toMatchObject({ maxAgeMs: 120_000, cooldownMs: 2_000 });
  });

  it('refuses a key set URL of another scheme, and a cooldown longer than the maximum age', () => {
    expect(() => loadConfig({ AUTH_JWKS_URL: 'file:///etc/jwks.json' })).toThrow(/AUTH_JWKS_URL/);
    expect(() =>
      loadConfig({
        AUTH_JWKS_URL: 'https://idp.example.com/jwks',
        AUTH_JWKS_MAX_AGE_MS: '10000',
        AUTH_JWKS_COOLDOWN_MS: '20000',
      }),
    ).toThrow(/AUTH_JWKS_COOLDOWN_MS cannot be longer/);
  });

  it('refuses the development sign-in with a key set and no HS256 secret to issue with', () => {
    expect(() =>
      loadConfig({ AUTH_JWKS_URL: 'https://idp.example.com/jwks', DEV_SIGN_IN: 'true' }),
    ).toThrow(/DEV_SIGN_IN issues HS256 tokens/);
  });

  it('refuses an empty issuer or audience, which would check nothing', () => {
    expect(() => loadConfig({ AUTH_ISSUER: '', AUTH_AUDIENCE: '' })).toThrow(
      /AUTH_ISSUER[\s\S]*AUTH_AUDIENCE/,
    );
  });
});
