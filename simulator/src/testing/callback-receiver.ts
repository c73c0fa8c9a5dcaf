import { once } from 'node:events';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import {
  CALLBACK_SUCCESS,
  CallbackCrypto,
  CallbackCryptoError,
  type CallbackPayload,
  callbackPayloadSchema,
} from '@signoff/sdk';

/** Options of {@link startCallbackReceiver}: the values the simulator's connection also holds. */
export interface CallbackReceiverOptions {
  accessToken: string;
  encodingAesKey: string;
  tenantId: string;
}

/** One request that reached the receiver, and how it was answered. */
export interface CallbackArrival {
  /** The HTTP status of the answer: 200 with the encrypted `success`, or a refusal. */
  status: number;
  /** Set when the callback verified and decrypted. */
  payload?: CallbackPayload;
  /** Why it was refused, such as `signature_mismatch`. */
  error?: string;
}

/** A stand-in for Signoff's callback endpoint, listening on a free loopback port. */
export interface CallbackReceiver {
  /** The address to save as the simulator's Callback URL. */
  url: string;
  /** Every payload that verified and decrypted, in arrival order. */
  readonly received: CallbackPayload[];
  /** Every request, refused ones included, in arrival order. */
  readonly arrivals: CallbackArrival[];
  /** When set, requests are answered with this HTTP status and no acknowledgement. */
  failWithStatus: number | undefined;
  close(): Promise<void>;
}

/**
 * Starts a plain `node:http` listener that does what Signoff's callback route does with the
 * SDK: verify and decrypt the envelope, read the payload, and answer with the encrypted `success`;
 * a signature that does not match is refused with 401, anything else unreadable with 400.
 * It lives here rather than in a test so end-to-end scenarios can stand it in for Signoff too.
 */
export async function startCallbackReceiver(
  options: CallbackReceiverOptions,
): Promise<CallbackReceiver> {
  const crypto = new CallbackCrypto({
    token: options.accessToken,
    encodingAesKey: options.encodingAesKey,
    ownerKey: options.tenantId,
  });

  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      const status =
        error instanceof CallbackCryptoError && error.code === 'signature_mismatch' ? 401 : 400;
      const reason = error instanceof CallbackCryptoError ? error.code : String(error);
      receiver.arrivals.push({ status, error: reason });
      reply(response, status, { error: reason });
    });
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;

  const receiver: CallbackReceiver = {
    url: `http://127.0.0.1:${port}/api/oa/bpms/integration/thirdparty/callback`,
    received: [],
    arrivals: [],
    failWithStatus: undefined,
    close: () =>
      new Promise((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    if (receiver.failWithStatus !== undefined) {
      receiver.arrivals.push({ status: receiver.failWithStatus, error: 'told to fail' });
      reply(response, receiver.failWithStatus, { error: 'told to fail' });
      return;
    }

    const query = new URL(request.url ?? '/', 'http://receiver').searchParams;
    const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { encrypt: string };
    const message = await crypto.decrypt({
      signature: query.get('msg_signature') ?? query.get('signature') ?? '',
      timestamp: query.get('timestamp') ?? query.get('timeStamp') ?? '',
      nonce: query.get('nonce') ?? '',
      encrypt: body.encrypt,
    });
    const payload = callbackPayloadSchema.parse(JSON.parse(message));
    receiver.received.push(payload);
    receiver.arrivals.push({ status: 200, payload });

    reply(response, 200, await crypto.encrypt(CALLBACK_SUCCESS));
  }

  return receiver;
}

function reply(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(JSON.stringify(body));
}
