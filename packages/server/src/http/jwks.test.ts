import { errors, exportJWK, type FlattenedJWSInput, generateKeyPair, type JWK } from 'jose';
import pino from 'pino';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type LocalServer, sendJson, startServer } from '../outbound/test-support.ts';
import { KEY_SET_MAX_BYTES, KeySetUnavailable, keySetFetcher, RemoteKeySet } from './jwks.ts';

const silent = pino({ level: 'silent' });
const noToken = { payload: '', signature: '' } satisfies FlattenedJWSInput;

async function publicJwk(kid: string): Promise<JWK> {
  const { publicKey } = await generateKeyPair('ES256', { extractable: true });
  return { ...(await exportJWK(publicKey)), kid, alg: 'ES256', use: 'sig' };
}

/** A key set whose document the test swaps, on a clock the test moves. */
function scene(options: { maxAgeMs?: number; cooldownMs?: number } = {}) {
  const state = { clock: 0, keys: [] as JWK[], fetches: 0, failing: false };
  const keySet = new RemoteKeySet({
    fetchKeySet: async () => {
      state.fetches += 1;
      if (state.failing) throw new Error('connection refused');
      return { keys: state.keys };
    },
    maxAgeMs: options.maxAgeMs ?? 60_000,
    cooldownMs: options.cooldownMs ?? 5_000,
    log: silent,
    now: () => state.clock,
  });
  const keyFor = (kid: string) => keySet.keyFor({ alg: 'ES256', kid }, noToken);
  return { state, keySet, keyFor };
}

describe('RemoteKeySet', () => {
  let first: JWK;
  let second: JWK;

  beforeAll(async () => {
    first = await publicJwk('first');
    second = await publicJwk('second');
  });

  it('fetches on first use, then serves known keys from memory until the set is too old', async () => {
    const { state, keyFor } = scene({ maxAgeMs: 60_000 });
    state.keys = [first];

    await keyFor('first');
    state.clock = 59_999;
    await keyFor('first');
    const beforeExpiry = state.fetches;
    state.clock = 60_000;
    await keyFor('first');

    expect(beforeExpiry).toBe(1);
    expect(state.fetches).toBe(2);
  });

  it('fetches again for an unknown key id, and finds a key the host rotated to', async () => {
    const { state, keyFor } = scene({ cooldownMs: 5_000 });
    state.keys = [first];
    await keyFor('first');

    state.keys = [second];
    state.clock = 5_000;
    const key = await keyFor('second');

    expect(key.type).toBe('public');
    expect(state.fetches).toBe(2);
    await expect(keyFor('first')).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);
  });

  it('fetches at most once per cooldown, however many unknown key ids arrive', async () => {
    const { state, keyFor } = scene({ cooldownMs: 5_000 });
    state.keys = [first];
    await keyFor('first');
    state.clock = 10_000;

    const burst = Array.from({ length: 50 }, (_, i) => keyFor(`made-up-${i}`));
    const outcomes = await Promise.allSettled(burst);
    state.clock = 14_999;
    await expect(keyFor('made-up-again')).rejects.toBeInstanceOf(errors.JWKSNoMatchingKey);

    expect(outcomes.every((outcome) => outcome.status === 'rejected')).toBe(true);
    expect(state.fetches).toBe(2);
  });

  it('keeps the keys it has when a fetch fails, and does not retry within the cooldown', async () => {
    const { state, keyFor } = scene({ maxAgeMs: 10_000, cooldownMs: 5_000 });
    state.keys = [first];
    await keyFor('first');
    state.failing = true;

    state.clock = 10_000;
    const stale = await keyFor('first');
    state.clock = 14_999;
    await keyFor('first');
    const duringCooldown = state.fetches;
    state.clock = 15_000;
    await keyFor('first');

    expect(stale.type).toBe('public');
    expect(duringCooldown).toBe(2);
    expect(state.fetches).toBe(3);
  });

  it('is unavailable until a first fetch succeeds, and retries only after the cooldown', async () => {
    const { state, keyFor } = scene({ cooldownMs: 5_000 });
    state.keys = [first];
    state.failing = true;

    await expect(keyFor('first')).rejects.toBeInstanceOf(KeySetUnavailable);
    state.failing = false;
    state.clock = 4_999;
    await expect(keyFor('first')).rejects.toBeInstanceOf(KeySetUnavailable);
    state.clock = 5_000;
    const key = await keyFor('first');

    expect(key.type).toBe('public');
    expect(state.fetches).toBe(2);
  });

  it('counts a document that is not a key set as a failed fetch', async () => {
    const keySet = new RemoteKeySet({
      fetchKeySet: async () => ({ issuer: 'https://idp.example.com' }),
      maxAgeMs: 60_000,
      cooldownMs: 5_000,
      log: silent,
    });

    await expect(keySet.keyFor({ alg: 'ES256', kid: 'x' }, noToken)).rejects.toBeInstanceOf(
      KeySetUnavailable,
    );
  });
});

describe('keySetFetcher', () => {
  const servers: LocalServer[] = [];
  const serve = async (...args: Parameters<typeof startServer>) => {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('reads the key set from a loopback address, which the operator chose', async () => {
    const server = await serve((_, response) => sendJson(response, 200, { keys: [] }));

    const document = await keySetFetcher(`${server.origin}/jwks`, 2_000)();

    expect(document).toEqual({ keys: [] });
    expect(server.requests[0]?.headers.accept).toContain('application/jwk-set+json');
  });

  it('does not follow a redirect', async () => {
    const elsewhere = await serve((_, response) => sendJson(response, 200, { keys: [] }));
    const server = await serve((_, response) => {
      response.writeHead(302, { location: `${elsewhere.origin}/jwks` });
      response.end();
    });

    await expect(keySetFetcher(`${server.origin}/jwks`, 2_000)()).rejects.toThrow(
      /redirects are not followed/,
    );
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('refuses a reply that is not 200, not JSON, or too large', async () => {
    const notFound = await serve((_, response) => sendJson(response, 404, {}));
    const html = await serve((_, response) => {
      response.end('<html></html>');
    });
    const huge = await serve((_, response) =>
      sendJson(response, 200, { keys: [], padding: 'x'.repeat(KEY_SET_MAX_BYTES) }),
    );

    await expect(keySetFetcher(notFound.origin, 2_000)()).rejects.toThrow(/HTTP 404/);
    await expect(keySetFetcher(html.origin, 2_000)()).rejects.toThrow(/JSON/);
    await expect(keySetFetcher(huge.origin, 2_000)()).rejects.toThrow(/larger than/);
  });

  it('gives up after its timeout', async () => {
    const silentServer = await serve(() => undefined);

    await expect(keySetFetcher(silentServer.origin, 200)()).rejects.toThrow(/within 200 ms/);
  });
});
