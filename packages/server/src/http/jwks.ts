// The host's JSON Web Key Set (AUTH_JWKS_URL), kept in memory. jose matches a token's header to a
// key and imports it; this file decides when the set is fetched. A fetch happens when there is
// no set yet, when the set is older than its maximum age, or when a token names a key id the set
// lacks (the host has rotated its keys) — and never twice within the cooldown, whatever the
// reason, so a stream of tokens with made-up key ids costs at most one fetch per cooldown.
import {
  createLocalJWKSet,
  errors,
  type FlattenedJWSInput,
  type JSONWebKeySet,
  type JWSHeaderParameters,
} from 'jose';
import type { Logger } from 'pino';
import { createOutboundClient } from '../outbound/guarded-fetch.ts';

/** A key set larger than this is refused unread; a real one holds a handful of keys. */
export const KEY_SET_MAX_BYTES = 256 * 1024;

/** Where verification finds the key for a token that names an asymmetric algorithm. */
export interface KeySource {
  keyFor(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey>;
}

export interface RemoteKeySetOptions {
  /** Reads the key set document; rejects when it cannot. */
  fetchKeySet(): Promise<unknown>;
  /** How long a fetched set is used before it is fetched again. */
  maxAgeMs: number;
  /** The least time between the starts of two fetches. */
  cooldownMs: number;
  log: Logger;
  /** The clock, replaceable in tests. */
  now?: () => number;
}

/** No key set has been fetched yet, and none can be fetched now: tokens cannot be checked. */
export class KeySetUnavailable extends Error {
  constructor() {
    super('The host key set has not been fetched yet.');
    this.name = 'KeySetUnavailable';
  }
}

/**
 * The host's keys, fetched on demand. A failed fetch keeps the keys already held, so a short
 * outage of the identity provider does not sign everybody out; once it answers again, the next
 * fetch drops whatever keys it no longer publishes.
 */
export class RemoteKeySet implements KeySource {
  private keys: ReturnType<typeof createLocalJWKSet> | null = null;
  private fetchedAt = Number.NEGATIVE_INFINITY;
  private attemptedAt = Number.NEGATIVE_INFINITY;
  private inFlight: Promise<boolean> | null = null;
  private readonly now: () => number;

  constructor(private readonly options: RemoteKeySetOptions) {
    this.now = options.now ?? Date.now;
  }

  async keyFor(header: JWSHeaderParameters, token: FlattenedJWSInput): Promise<CryptoKey> {
    if (this.now() - this.fetchedAt >= this.options.maxAgeMs) await this.refresh();

    try {
      return await this.current()(header, token);
    } catch (error) {
      // An unknown key id may be a key the host has just rotated to: look once more.
      if (!(error instanceof errors.JWKSNoMatchingKey) || !(await this.refresh())) throw error;
      return this.current()(header, token);
    }
  }

  /**
   * Fetches the set again unless a fetch is under way (then it waits for that one) or the last
   * one began within the cooldown. Resolves true when a new set is in place; never rejects.
   */
  refresh(): Promise<boolean> {
    if (this.inFlight) return this.inFlight;
    if (this.now() - this.attemptedAt < this.options.cooldownMs) return Promise.resolve(false);

    this.attemptedAt = this.now();
    this.inFlight = this.fetch().finally(() => {
      this.inFlight = null;
    });
    return this.inFlight;
  }

  private current() {
    if (!this.keys) throw new KeySetUnavailable();
    return this.keys;
  }

  private async fetch(): Promise<boolean> {
    const { log } = this.options;
    try {
      const document = await this.options.fetchKeySet();
      // Checks the document's shape; keys themselves are imported when a token first uses them.
      const keys = createLocalJWKSet(document as JSONWebKeySet);
      this.keys = keys;
      this.fetchedAt = this.now();
      log.info({ keys: keys.jwks().keys.length }, 'fetched the host key set');
      return true;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      log.warn(
        { reason, keptKeys: this.keys ? this.keys.jwks().keys.length : 0 },
        'could not fetch the host key set',
      );
      return false;
    }
  }
}

/**
 * Reads a key set from `url`: one GET, bounded in time and size, redirects not followed, a reply
 * other than 200 with JSON refused. The address comes from the operator's configuration, not
 * from an admin's form, and identity providers often live on the internal network, so the
 * private-address refusal that guards admin-typed addresses is lifted for this one host and port.
 */
export function keySetFetcher(url: string, timeoutMs: number): () => Promise<unknown> {
  const target = new URL(url);
  const port = target.port || (target.protocol === 'https:' ? '443' : '80');
  const client = createOutboundClient({
    allow: [`${target.hostname}:${port}`],
    timeoutMs,
    maxResponseBytes: KEY_SET_MAX_BYTES,
  });

  return async () => {
    const reply = await client.getJson(url, {
      headers: { accept: 'application/jwk-set+json, application/json' },
    });
    if (reply.location) {
      throw new Error(`the key set URL redirects to ${reply.location}; redirects are not followed`);
    }
    if (reply.status !== 200) throw new Error(`the key set URL answered HTTP ${reply.status}`);
    if (reply.body === undefined) throw new Error('the key set URL did not answer with JSON');
    return reply.body;
  };
}
