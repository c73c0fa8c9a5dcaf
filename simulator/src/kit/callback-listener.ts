import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CALLBACK_SUCCESS,
  CallbackCrypto,
  callbackPayloadSchema,
  MAX_CALLBACK_BODY_BYTES,
  THIRD_PARTY_CALLBACK_PATH,
} from '@signoff/sdk';
import { type CallbackKeys, type EnvelopeInspection, inspectEnvelope } from './envelope.ts';

/** One callback that reached the kit, read strictly, and how the kit answered it. */
export interface ReceivedCallback {
  inspection: EnvelopeInspection;
  /** The decrypted message parsed as JSON, when it was JSON. */
  payload?: unknown;
  /** 200 with the encrypted `success`, or the status of the refusal. */
  answeredWith: number;
  /** Milliseconds since the epoch. */
  at: number;
}

/** Signoff's callback endpoint as the kit plays it. */
export interface CallbackListener {
  /** The address to configure as the proxy's callback URL. */
  url: string;
  readonly received: readonly ReceivedCallback[];
  /** The first callback (already here or still to come) that `match` accepts, or undefined. */
  waitFor(
    match: (callback: ReceivedCallback) => boolean,
    timeoutMs: number,
  ): Promise<ReceivedCallback | undefined>;
  close(): Promise<void>;
}

/**
 * Listens where Signoff's callback endpoint would be, on `host:port`. Each callback is read
 * strictly and answered as a strict Signoff would: the encrypted `success` when every step and
 * the payload's shape pass, 401 for a signature that does not match, 400 for anything else.
 */
export async function startCallbackListener(options: {
  host: string;
  port: number;
  keys: CallbackKeys;
}): Promise<CallbackListener> {
  const replies = new CallbackCrypto({
    token: options.keys.accessToken,
    encodingAesKey: options.keys.encodingAesKey,
    ownerKey: options.keys.tenantId,
  });
  const received: ReceivedCallback[] = [];
  const waiters = new Set<(callback: ReceivedCallback) => void>();

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      reply(response, 500, { success: false, code: 'KIT_ERROR', message: String(error) });
    });
  });

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', 'http://kit');
    if (request.method !== 'POST' || url.pathname !== THIRD_PARTY_CALLBACK_PATH) {
      const message = `The contract kit receives callbacks at POST ${THIRD_PARTY_CALLBACK_PATH} only.`;
      reply(response, 404, { success: false, code: 'NOT_FOUND', message });
      return;
    }
    const body = await readBody(request);
    if (body === undefined) {
      const message = `The callback body is larger than ${MAX_CALLBACK_BODY_BYTES} bytes.`;
      reply(response, 413, { success: false, code: 'PAYLOAD_TOO_LARGE', message });
      return;
    }

    const inspection = await inspectEnvelope({ query: url.searchParams, body }, options.keys);
    const payload = parseJson(inspection.message);
    const steps = [inspection.signature, inspection.encryption, inspection.ownerKey];
    const refusal = steps.find((step) => step.outcome !== 'pass');
    const shapeOk = callbackPayloadSchema.safeParse(payload).success;

    let answeredWith: number;
    if (refusal) {
      answeredWith = inspection.signature.outcome === 'pass' ? 400 : 401;
      const code = answeredWith === 401 ? 'SIGNATURE_MISMATCH' : 'CALLBACK_REFUSED';
      reply(response, answeredWith, { success: false, code, message: refusal.detail });
    } else if (!shapeOk) {
      answeredWith = 400;
      const message = 'The decrypted payload does not have the contract’s fields.';
      reply(response, answeredWith, { success: false, code: 'CALLBACK_REFUSED', message });
    } else {
      answeredWith = 200;
      reply(response, 200, await replies.encrypt(CALLBACK_SUCCESS));
    }

    const callback: ReceivedCallback = { inspection, payload, answeredWith, at: Date.now() };
    received.push(callback);
    for (const notify of waiters) notify(callback);
  }

  server.listen(options.port, options.host);
  await Promise.race([
    once(server, 'listening'),
    once(server, 'error').then(([error]) => {
      throw error;
    }),
  ]);
  const address = server.address() as AddressInfo;
  const host = address.family === 'IPv6' ? `[${options.host}]` : options.host;

  return {
    url: `http://${host}:${address.port}${THIRD_PARTY_CALLBACK_PATH}`,
    received,
    waitFor(match, timeoutMs) {
      const found = received.find(match);
      if (found) return Promise.resolve(found);
      return new Promise((resolve) => {
        const done = (callback: ReceivedCallback | undefined) => {
          clearTimeout(timer);
          waiters.delete(notify);
          resolve(callback);
        };
        const notify = (callback: ReceivedCallback) => {
          if (match(callback)) done(callback);
        };
        const timer = setTimeout(() => done(undefined), timeoutMs);
        waiters.add(notify);
      });
    },
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

/**
 * Reads a body as text, or `undefined` when it passes the callback size limit. The rest of an
 * oversized body is read and dropped, so the connection stays usable for the refusal.
 */
async function readBody(request: IncomingMessage): Promise<string | undefined> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    size += (chunk as Buffer).length;
    if (size <= MAX_CALLBACK_BODY_BYTES) chunks.push(chunk as Buffer);
  }
  return size > MAX_CALLBACK_BODY_BYTES ? undefined : Buffer.concat(chunks).toString('utf8');
}

function parseJson(message: string | undefined): unknown {
  if (message === undefined) return undefined;
  try {
    return JSON.parse(message);
  } catch {
    return undefined;
  }
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
