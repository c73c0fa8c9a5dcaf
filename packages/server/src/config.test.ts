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
});
