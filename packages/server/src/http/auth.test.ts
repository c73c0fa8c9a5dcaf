import {
  createLocalJWKSet,
  exportJWK,
  generateKeyPair,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { beforeAll, describe, expect, it } from 'vitest';
import { issueToken, type TokenOptions, verifyToken } from './auth.ts';
import { ApiError } from './errors.ts';
import { KeySetUnavailable, type KeySource } from './jwks.ts';

const secret = 'a-shared-secret-of-at-least-32-characters';
const claims = { sub: 'rita', name: 'Rita Alvarez', roles: ['requester'] };
const base = { issuer: 'https://idp.example.com', audience: 'signoff' };

let privateKey: CryptoKey;
let published: JWK;
let hostKeys: KeySource;

beforeAll(async () => {
  const pair = await generateKeyPair('RS256');
  privateKey = pair.privateKey;
  published = { ...(await exportJWK(pair.publicKey)), kid: 'host-1', alg: 'RS256' };
  const local = createLocalJWKSet({ keys: [published] });
  hostKeys = { keyFor: (header, token) => local(header, token) };
});

/** A token the host signed with its private key, claims and header adjustable. */
function hostToken(payload: JWTPayload = {}, kid = 'host-1', lifetimeSeconds = 600) {
  const now = Math.floor(Date.now() / 1000);
  const standard = { iss: base.issuer, aud: base.audience, iat: now, exp: now + lifetimeSeconds };
  return new SignJWT({ ...claims, ...standard, ...payload })
    .setProtectedHeader({ alg: 'RS256', kid })
    .sign(privateKey);
}

async function refusal(token: string, options: TokenOptions): Promise<ApiError> {
  const error = await verifyToken(token, options).then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('verifyToken with the HS256 secret', () => {
  const options = { ...base, secret };

  it('accepts a token it issued and reads the claims, dropping roles it does not know', async () => {
    const token = await issueToken({ ...claims, roles: ['requester', 'host_only'] }, options);

    expect(await verifyToken(token, options)).toEqual({
      sub: 'rita',
      name: 'Rita Alvarez',
      roles: ['requester'],
      groups: [],
    });
  });

  it('refuses a token from the host key set, which is not configured', async () => {
    const error = await refusal(await hostToken(), options);

    expect(error.status).toBe(401);
  });

  it('refuses a token that never expires', async () => {
    const token = await new SignJWT(claims)
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(base.issuer)
      .setAudience(base.audience)
      .sign(new TextEncoder().encode(secret));

    expect((await refusal(token, options)).status).toBe(401);
  });

  it('refuses an unsigned token', async () => {
    const header = Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url');
    const body = Buffer.from(
      JSON.stringify({ ...claims, iss: base.issuer, aud: base.audience, exp: 2e9 }),
    ).toString('base64url');

    expect((await refusal(`${header}.${body}.`, options)).status).toBe(401);
  });
});

describe('verifyToken with the host key set', () => {
  it('accepts a token signed with a published key and carrying the claims', async () => {
    const token = await hostToken({ groups: ['analytics'], source_user_id: 'emp-0042' });

    expect(await verifyToken(token, { ...base, keySet: hostKeys })).toEqual({
      sub: 'rita',
      name: 'Rita Alvarez',
      roles: ['requester'],
      groups: ['analytics'],
      source_user_id: 'emp-0042',
    });
  });

  it('refuses HS256 tokens when no secret is configured, whatever key signed them', async () => {
    const token = await issueToken(claims, { ...base, secret });

    expect((await refusal(token, { ...base, keySet: hostKeys })).status).toBe(401);
  });

  it('says when the key is not one the host publishes', async () => {
    const error = await refusal(await hostToken({}, 'someone-else'), { ...base, keySet: hostKeys });

    expect(error.status).toBe(401);
    expect(error.message).toMatch(/key the host does not publish/);
  });

  it('refuses another issuer, another audience, and an expired token', async () => {
    const options = { ...base, keySet: hostKeys };

    const otherIssuer = await refusal(await hostToken({ iss: 'https://evil.example' }), options);
    const otherAudience = await refusal(await hostToken({ aud: 'another-app' }), options);
    const expired = await refusal(await hostToken({}, 'host-1', -120), options);

    expect([otherIssuer.status, otherAudience.status, expired.status]).toEqual([401, 401, 401]);
    expect(expired.message).toMatch(/expired/);
  });

  it('answers 503 while the key set cannot be fetched: the token may well be good', async () => {
    const unavailable: KeySource = {
      keyFor: () => Promise.reject(new KeySetUnavailable()),
    };

    const error = await refusal(await hostToken(), { ...base, keySet: unavailable });

    expect(error.status).toBe(503);
  });
});

describe('verifyToken with both', () => {
  it('accepts either kind of token', async () => {
    const options = { ...base, secret, keySet: hostKeys };

    const fromSecret = await verifyToken(await issueToken(claims, options), options);
    const fromHost = await verifyToken(await hostToken(), options);

    expect(fromSecret.sub).toBe('rita');
    expect(fromHost.sub).toBe('rita');
  });
});

describe('issueToken', () => {
  it('cannot issue without the secret', async () => {
    await expect(issueToken(claims, { ...base, keySet: hostKeys })).rejects.toThrow(/HS256/);
  });
});
