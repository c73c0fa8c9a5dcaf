// Every call to an address an admin typed goes through here (product.md, "Outbound calls"):
// http and https only, no redirects followed, bounded time and size, and restricted addresses
// refused unless allowed. The host is resolved once, checked, and the connection is pinned to
// the checked address, so a second DNS answer cannot swap in a private one (DNS rebinding).

import { lookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { TestFailureReason } from '@signoff/contracts';
import { isAllowedHost, restrictedKind } from './address-policy.ts';

/** The failures of a call that never produced a usable reply. */
export type OutboundFailureReason = Extract<
  TestFailureReason,
  | 'invalid_url'
  | 'blocked_address'
  | 'dns'
  | 'refused'
  | 'timeout'
  | 'tls'
  | 'network'
  | 'unexpected_reply'
>;

/**
 * A failed outbound call. The message names the host but never the path or the query string,
 * which carries an Access Token on third-party calls.
 */
export class OutboundError extends Error {
  constructor(
    readonly reason: OutboundFailureReason,
    message: string,
    /** The system's own error code where there was one (`ECONNRESET`, a TLS code, …). */
    readonly code?: string,
  ) {
    super(message);
    this.name = 'OutboundError';
  }
}

export interface OutboundOptions {
  /** Hosts or `host:port` pairs that may resolve to private, loopback or link-local addresses. */
  allow: readonly string[];
  timeoutMs: number;
  maxResponseBytes: number;
}

export interface CallOptions {
  /** Added to the URL's query string; never appears in an error message. */
  query?: Record<string, string>;
  headers?: Record<string, string>;
  timeoutMs?: number;
  maxResponseBytes?: number;
}

export interface OutboundResponse {
  status: number;
  /** The reply parsed as JSON, or undefined when it is empty or not JSON. */
  body: unknown;
  text: string;
  latencyMs: number;
  /** For a 3xx: where it pointed, without its query string. Redirects are never followed. */
  location?: string;
}

/** Calls to admin-typed addresses. Any answer, 4xx and 5xx included, resolves; failures throw. */
export interface OutboundClient {
  /** POSTs `body` as JSON; throws an `OutboundError` when no reply could be read. */
  postJson(url: string, body: unknown, options?: CallOptions): Promise<OutboundResponse>;
  getJson(url: string, options?: CallOptions): Promise<OutboundResponse>;
}

interface Target {
  url: URL;
  /** The host name without IPv6 brackets. */
  host: string;
  port: number;
}

/** The client every admin-typed address goes through; built once from `config.outbound`. */
export function createOutboundClient(options: OutboundOptions): OutboundClient {
  async function call(
    method: 'GET' | 'POST',
    rawUrl: string,
    payload: unknown,
    callOptions: CallOptions = {},
  ): Promise<OutboundResponse> {
    const started = performance.now();
    const target = parseTarget(rawUrl, callOptions.query);
    const timeoutMs = callOptions.timeoutMs ?? options.timeoutMs;
    const deadline = AbortSignal.timeout(timeoutMs);

    try {
      const address = await Promise.race([
        resolveChecked(target, options.allow),
        aborted(deadline),
      ]);
      const reply = await exchange(target, address, {
        method,
        payload,
        headers: callOptions.headers ?? {},
        signal: deadline,
        maxBytes: callOptions.maxResponseBytes ?? options.maxResponseBytes,
      });
      return { ...reply, latencyMs: Math.round(performance.now() - started) };
    } catch (error) {
      throw classify(error, target, deadline.aborted ? timeoutMs : undefined);
    }
  }

  return {
    postJson: (url, body, callOptions) => call('POST', url, body, callOptions),
    getJson: (url, callOptions) => call('GET', url, undefined, callOptions),
  };
}

function parseTarget(rawUrl: string, query: Record<string, string> = {}): Target {
  let url: URL;
  try {
    url = new URL(rawUrl);
  } catch {
    throw new OutboundError('invalid_url', 'The address is not a valid URL.');
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw new OutboundError(
      'invalid_url',
      `The address must start with http:// or https://, not ${url.protocol}//.`,
    );
  }
  for (const [name, value] of Object.entries(query)) url.searchParams.set(name, value);
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  const port = url.port ? Number(url.port) : url.protocol === 'https:' ? 443 : 80;
  return { url, host, port };
}

interface CheckedAddress {
  address: string;
  family: 4 | 6;
}

async function resolveChecked(target: Target, allow: readonly string[]): Promise<CheckedAddress> {
  const literal = isIP(target.host);
  const addresses =
    literal === 0
      ? await lookup(target.host, { all: true, verbatim: true })
      : [{ address: target.host, family: literal }];
  const first = addresses[0];
  if (!first) throw new OutboundError('dns', `The host name ${target.host} has no addresses.`);
  if (isAllowedHost(allow, target.host, target.port)) {
    return { address: first.address, family: first.family === 6 ? 6 : 4 };
  }

  // Every address is checked, not just the one used: a host that also resolves to a private
  // address could be steered there by the next lookup.
  for (const { address } of addresses) {
    const kind = restrictedKind(address);
    if (kind) {
      const resolved = literal === 0 ? ` resolves to ${address}, which` : '';
      throw new OutboundError(
        'blocked_address',
        `${target.host}${resolved} is ${/^[aeiou]/.test(kind) ? 'an' : 'a'} ${kind} address; calls to such addresses are refused ` +
          'unless the host is on the outbound allow-list (OUTBOUND_ALLOW).',
      );
    }
  }
  return { address: first.address, family: first.family === 6 ? 6 : 4 };
}

interface Exchange {
  method: 'GET' | 'POST';
  payload: unknown;
  headers: Record<string, string>;
  signal: AbortSignal;
  maxBytes: number;
}

function exchange(
  target: Target,
  checked: CheckedAddress,
  { method, payload, headers, signal, maxBytes }: Exchange,
): Promise<Omit<OutboundResponse, 'latencyMs'>> {
  const body = payload === undefined ? undefined : Buffer.from(JSON.stringify(payload), 'utf8');
  // Hands the checked address to the socket, whatever it asks for; the host name still goes out
  // as the Host header and the TLS server name.
  const pinned: LookupFunction = (_hostname, lookupOptions, callback) => {
    if (lookupOptions.all) callback(null, [checked]);
    else callback(null, checked.address, checked.family);
  };
  const { url } = target;
  const transport = url.protocol === 'https:' ? https : http;

  return new Promise((resolve, reject) => {
    const request = transport.request({
      method,
      hostname: target.host,
      port: target.port,
      path: `${url.pathname}${url.search}`,
      auth: url.username
        ? `${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`
        : undefined,
      headers: {
        accept: 'application/json',
        'user-agent': 'Signoff',
        ...(body ? { 'content-type': 'application/json', 'content-length': body.length } : {}),
        ...headers,
      },
      lookup: pinned,
      // A fresh connection per call: pooled sockets would outlive the address check.
      agent: false,
      signal,
    });
    request.on('error', reject);
    request.on('response', (response) => {
      const chunks: Buffer[] = [];
      let size = 0;
      response.on('data', (chunk: Buffer) => {
        size += chunk.length;
        if (size > maxBytes) {
          response.destroy();
          request.destroy();
          reject(
            new OutboundError(
              'unexpected_reply',
              `The reply from ${target.host} is larger than ${maxBytes} bytes; reading stopped there.`,
            ),
          );
          return;
        }
        chunks.push(chunk);
      });
      response.on('error', reject);
      response.on('end', () => {
        const text = Buffer.concat(chunks).toString('utf8');
        const status = response.statusCode ?? 0;
        const location = status >= 300 && status < 400 ? response.headers.location : undefined;
        resolve({
          status,
          body: parseJson(text),
          text,
          ...(location ? { location: withoutQuery(location, url) } : {}),
        });
      });
    });
    request.end(body);
  });
}

function parseJson(text: string): unknown {
  if (text.trim() === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function withoutQuery(location: string, base: URL): string {
  try {
    const target = new URL(location, base);
    return `${target.origin}${target.pathname}`;
  } catch {
    return '(an address that is not a valid URL)';
  }
}

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_, reject) => {
    signal.addEventListener('abort', () => reject(signal.reason), { once: true });
  });
}

const dnsCodes = new Set(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NODATA', 'EAI_FAIL', 'ENODATA']);

const tlsMessages: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'its certificate is self-signed',
  SELF_SIGNED_CERT_IN_CHAIN: 'its certificate chain ends in a self-signed certificate',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'its certificate is not signed by a trusted authority',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'its certificate is not signed by a trusted authority',
  CERT_HAS_EXPIRED: 'its certificate has expired',
  CERT_NOT_YET_VALID: 'its certificate is not valid yet',
  ERR_TLS_CERT_ALTNAME_INVALID: 'its certificate does not cover this host name',
  ERR_SSL_WRONG_VERSION_NUMBER: 'it does not speak TLS on this port (try http://)',
};

function classify(
  error: unknown,
  target: Target,
  timedOutAfterMs: number | undefined,
): OutboundError {
  if (error instanceof OutboundError) return error;
  const { host, port } = target;
  if (timedOutAfterMs !== undefined) {
    return new OutboundError('timeout', `${host} did not answer within ${timedOutAfterMs} ms.`);
  }

  const code = (error as NodeJS.ErrnoException | undefined)?.code ?? '';
  if (dnsCodes.has(code)) {
    return new OutboundError('dns', `The host name ${host} could not be resolved (${code}).`, code);
  }
  if (code === 'ECONNREFUSED') {
    return new OutboundError(
      'refused',
      `${host}:${port} refused the connection: nothing listens there, or a firewall rejects it.`,
      code,
    );
  }
  if (code === 'ETIMEDOUT') {
    return new OutboundError('timeout', `The connection to ${host}:${port} timed out.`, code);
  }
  const tls = tlsMessages[code];
  if (tls || /CERT|SSL|TLS/.test(code) || code === 'EPROTO') {
    return new OutboundError(
      'tls',
      `The secure connection to ${host} failed: ${tls ?? `TLS error ${code}`}.`,
      code,
    );
  }
  return new OutboundError(
    'network',
    `The connection to ${host}:${port} failed${code ? ` (${code})` : ''}.`,
    code || undefined,
  );
}
