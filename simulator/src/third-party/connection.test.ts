// The connection form's API, in-process: what it accepts, what it refuses, and that secrets never
// come back out.

import { THIRD_PARTY_PATHS } from '@signoff/sdk';
import { describe, expect, it } from 'vitest';
import { createSimulatorApp } from '../app.ts';
import { connectionValues } from '../testing/fixtures.ts';

const valid = { callbackUrl: 'http://127.0.0.1:8787/callback', ...connectionValues };

function newApp() {
  return createSimulatorApp({ print: () => {} });
}

function put(app: ReturnType<typeof newApp>, body: unknown) {
  return app.request('/third-party/api/connection', {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
}

describe('third-party connection API', () => {
  it('reports no connection before one is saved', async () => {
    const response = await newApp().request('/third-party/api/connection');

    expect(await response.json()).toEqual({ connection: null });
  });

  it('names every missing field', async () => {
    const response = await put(newApp(), {});

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      success: false,
      code: 'INVALID_CONNECTION',
      fieldErrors: {
        callbackUrl: 'Callback URL is required.',
        accessToken: 'Access Token is required.',
        encodingAesKey: 'Encoding AES Key is required.',
        tenantId: 'Tenant ID is required.',
      },
    });
  });

  it.each([
    ['callbackUrl', 'ftp://example.com/callback', 'Callback URL must be an http or https address.'],
    ['callbackUrl', 'not a url', 'Callback URL must be an http or https address.'],
    ['encodingAesKey', 'a'.repeat(42), 'Encoding AES Key must be exactly 43 letters and digits.'],
    [
      'encodingAesKey',
      `${'a'.repeat(42)}+`,
      'Encoding AES Key must be exactly 43 letters and digits.',
    ],
    ['tenantId', '   ', 'Tenant ID is required.'],
    [
      'accessToken',
      'token with spaces',
      'Access Token must be 8 to 256 letters, digits or . _ ~ - (no spaces).',
    ],
    [
      'accessToken',
      'short',
      'Access Token must be 8 to 256 letters, digits or . _ ~ - (no spaces).',
    ],
    [
      'tenantId',
      'tenant_3f9c2a',
      'Tenant ID must be 8 to 64 letters, digits or hyphens, as Signoff shows it.',
    ],
    [
      'tenantId',
      't-2',
      'Tenant ID must be 8 to 64 letters, digits or hyphens, as Signoff shows it.',
    ],
  ])('refuses %s %j', async (field, value, message) => {
    const response = await put(newApp(), { ...valid, [field]: value });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { fieldErrors: Record<string, string> };
    expect(body.fieldErrors).toEqual({ [field]: message });
  });

  it('refuses malformed JSON', async () => {
    const response = await put(newApp(), '{"callbackUrl":');

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ code: 'MALFORMED_JSON' });
  });

  it('shows secrets masked to their last four characters', async () => {
    const app = newApp();
    await put(app, valid);

    const response = await app.request('/third-party/api/connection');

    const text = await response.text();
    expect(text).not.toContain(connectionValues.accessToken);
    expect(text).not.toContain(connectionValues.encodingAesKey);
    expect(JSON.parse(text)).toEqual({
      connection: {
        callbackUrl: valid.callbackUrl,
        accessToken: '****5b1e',
        encodingAesKey: '****a9Ko',
        tenantId: connectionValues.tenantId,
      },
    });
  });

  it('keeps the stored secrets when a later save leaves them out', async () => {
    const app = newApp();
    await put(app, valid);

    const resave = await put(app, {
      callbackUrl: 'https://signoff.example/cb',
      tenantId: 'tenant-0002',
    });
    const connect = await app.request(
      `/third-party${THIRD_PARTY_PATHS.connect}?accessToken=${connectionValues.accessToken}&timestamp=${Date.now()}`,
      { method: 'POST', body: JSON.stringify({ checkEvent: 'connectivity' }) },
    );

    expect(resave.status).toBe(200);
    expect(await resave.json()).toMatchObject({
      connection: { callbackUrl: 'https://signoff.example/cb', accessToken: '****5b1e' },
    });
    expect(await connect.json()).toEqual({ checkResult: 'success' });
  });

  it('refuses an invalid connection passed in code', () => {
    expect(() =>
      createSimulatorApp({
        print: () => {},
        thirdParty: { connection: { ...valid, encodingAesKey: 'short' } },
      }),
    ).toThrow(/Encoding AES Key/);
  });
});
