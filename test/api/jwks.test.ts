// Bearer tokens verified against the host's JSON Web Key Set, end to end: a real key set server
// on a port the system chose, a real Signoff server fetching from it, keys rotated while both run.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  exportJWK,
  generateKeyPair,
  type CryptoKey as JoseCryptoKey,
  type JWK,
  type JWTPayload,
  SignJWT,
} from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignoff, startSignoff } from '../fixtures/signoff.ts';

const issuer = 'https://idp.host.example';
const audience = 'signoff';
/** The shortest cooldown the configuration allows; a rotation is seen once it has passed. */
const cooldownMs = 1_000;

interface HostKey {
  kid: string;
  alg: 'RS256' | 'ES256';
  privateKey: JoseCryptoKey;
  jwk: JWK;
}

async function hostKey(kid: string, alg: HostKey['alg']): Promise<HostKey> {
  const { publicKey, privateKey } = await generateKeyPair(alg, { extractable: true });
  return { kid, alg, privateKey, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** The host's key set server: serves whatever `published` holds and counts the fetches. */
async function startKeySetServer() {
  const state = { published: [] as HostKey[], fetches: 0 };
  const server = http.createServer((request, response) => {
    state.fetches += 1;
    if (request.url !== '/.well-known/jwks.json') {
      response.writeHead(404).end();
      return;
    }
    response.writeHead(200, { 'content-type': 'application/jwk-set+json' });
    response.end(JSON.stringify({ keys: state.published.map((key) => key.jwk) }));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    state,
    url: `http://127.0.0.1:${port}/.well-known/jwks.json`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** A token as the host's identity provider would sign it; `payload` overrides any claim. */
function tokenFrom(key: HostKey, payload: JWTPayload = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({
    sub: 'emp-0042',
    name: 'Mei Tanaka',
    roles: ['requester', 'approver', 'host_only_role'],
    groups: ['analytics'],
    source_user_id: 'hr-0042',
    iss: issuer,
    aud: audience,
    iat: now,
    exp: now + 600,
    ...payload,
  })
    .setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'JWT' })
    .sign(key.privateKey);
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('bearer tokens from the host key set', () => {
  let keySet: Awaited<ReturnType<typeof startKeySetServer>>;
  let signoff: RunningSignoff;
  let rsa: HostKey;
  let ec: HostKey;

  const me = (token: string) =>
    fetch(`${signoff.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

  beforeAll(async () => {
    rsa = await hostKey('2026-01-rsa', 'RS256');
    ec = await hostKey('2026-01-ec', 'ES256');
    keySet = await startKeySetServer();
    keySet.state.published = [rsa, ec];
    signoff = await startSignoff({
      AUTH_JWKS_URL: keySet.url,
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: audience,
      AUTH_JWKS_COOLDOWN_MS: String(cooldownMs),
      // The development sign-in issues HS256 tokens, which a key set alone does not accept.
      DEV_SIGN_IN: 'false',
    });
  });

  afterAll(async () => {
    await signoff?.close();
    await keySet?.close();
  });

  it('accepts a token signed with a published key and keeps its claims in the directory', async () => {
    const response = await me(await tokenFrom(rsa));
    const stored = await signoff.signoff.store.db
      .selectFrom('users')
      .selectAll()
      .where('id', '=', 'emp-0042')
      .executeTakeFirst();

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({
      user: {
        id: 'emp-0042',
        name: 'Mei Tanaka',
        roles: ['approver', 'requester'],
        groups: ['analytics'],
      },
    });
    expect(stored).toMatchObject({ name: 'Mei Tanaka', source_user_id: 'hr-0042' });
  });

  it('accepts ES256 as well, from the same fetch of the key set', async () => {
    const fetchesBefore = keySet.state.fetches;

    const response = await me(await tokenFrom(ec));

    expect(response.status).toBe(200);
    expect(keySet.state.fetches).toBe(fetchesBefore);
  });

  it('accepts a key the host rotated to, without a restart, and drops the retired one', async () => {
    const next = await hostKey('2026-02-rsa', 'RS256');
    keySet.state.published = [next, ec];
    await sleep(cooldownMs + 100);
    const fetchesBefore = keySet.state.fetches;

    const withNewKey = await me(await tokenFrom(next));
    const withRetiredKey = await me(await tokenFrom(rsa));

    expect(withNewKey.status).toBe(200);
    expect(keySet.state.fetches).toBe(fetchesBefore + 1);
    expect(withRetiredKey.status).toBe(401);
  });

  it('refuses a key the host never published, fetching at most once for a burst of them', async () => {
    const strangers = await Promise.all(
      Array.from({ length: 20 }, (_, i) => hostKey(`stranger-${i}`, 'ES256')),
    );
    await sleep(cooldownMs + 100);
    const fetchesBefore = keySet.state.fetches;

    const responses = await Promise.all(
      strangers.map(async (stranger) => me(await tokenFrom(stranger))),
    );
    const body = (await responses[0]?.json()) as { error: { message: string } };

    expect(responses.map((response) => response.status)).toEqual(strangers.map(() => 401));
    expect(body.error.message).toMatch(/key the host does not publish/);
    expect(keySet.state.fetches - fetchesBefore).toBeLessThanOrEqual(1);
  });

  it('refuses another issuer, another audience, an expired token and one without expiry', async () => {
    const now = Math.floor(Date.now() / 1000);
    const tokens = await Promise.all([
      tokenFrom(ec, { iss: 'https://idp.elsewhere.example' }),
      tokenFrom(ec, { aud: 'another-application' }),
      tokenFrom(ec, { iat: now - 7200, exp: now - 3600 }),
      tokenFrom(ec, { exp: undefined }),
    ]);

    const responses = await Promise.all(tokens.map(me));
    const expired = (await responses[2]?.json()) as { error: { message: string } };

    expect(responses.map((response) => response.status)).toEqual([401, 401, 401, 401]);
    expect(expired.error.message).toMatch(/expired/);
  });

  it('refuses an HS256 token: without AUTH_HS256_SECRET, only the key set is trusted', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await new SignJWT({ sub: 'x', name: 'X', roles: ['super_admin'] })
      .setProtectedHeader({ alg: 'HS256' })
      .setIssuer(issuer)
      .setAudience(audience)
      .setExpirationTime(now + 600)
      .sign(new TextEncoder().encode('a-secret-the-attacker-chose-000000'));

    expect((await me(token)).status).toBe(401);
  });
});

describe('bearer tokens while the host key set is unreachable', () => {
  it('answers 503, since the token may be good, until a fetch succeeds', async () => {
    const key = await hostKey('2026-01-ec', 'ES256');
    const keySet = await startKeySetServer();
    const url = keySet.url;
    await keySet.close();
    const signoff = await startSignoff({
      AUTH_JWKS_URL: url,
      AUTH_ISSUER: issuer,
      AUTH_AUDIENCE: audience,
      DEV_SIGN_IN: 'false',
    });

    try {
      const response = await fetch(`${signoff.url}/api/me`, {
        headers: { authorization: `Bearer ${await tokenFrom(key)}` },
      });

      expect(response.status).toBe(503);
      expect(((await response.json()) as { error: { code: string } }).error.code).toBe(
        'not_available',
      );
    } finally {
      await signoff.close();
    }
  });
});
