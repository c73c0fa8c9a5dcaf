import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallbackCrypto } from './callback-crypto.ts';
import { CallbackSendError } from './callback-sender.ts';
import { createCallbackClient } from './callbacks.ts';
import type { CallbackPayload } from './third-party.ts';

const config = {
  accessToken: 'proxy-access-token-0123456789abcd',
  encodingAesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
  tenantId: 'tn_4f9c2a',
};

const signoff = new CallbackCrypto({
  token: config.accessToken,
  encodingAesKey: config.encodingAesKey,
  ownerKey: config.tenantId,
});

const decision = {
  applyId: 'req_01HZX',
  processInstanceId: 'pi_77',
  approver: { userSourceId: 'src-2', userName: '韩梅梅' },
  comment: 'fine for the quarter',
};

let server: Server | undefined;

/** A callback endpoint like Signoff's: opens each delivery, then acknowledges or fails it. */
async function startSignoff(statuses: number[] = []) {
  const received: CallbackPayload[] = [];
  let deliveries = 0;
  server = createServer(async (request, response) => {
    const chunks: Buffer[] = [];
    for await (const chunk of request) chunks.push(chunk as Buffer);
    const query = new URL(request.url ?? '/', 'http://signoff').searchParams;
    const { encrypt } = JSON.parse(Buffer.concat(chunks).toString()) as { encrypt: string };
    const status = statuses[deliveries++] ?? 200;
    response.writeHead(status, { 'content-type': 'application/json' });
    if (status !== 200) {
      response.end('{"error":{"code":"internal"}}');
      return;
    }
    const message = await signoff.decrypt({
      signature: query.get('msg_signature') ?? '',
      timestamp: query.get('timestamp') ?? '',
      nonce: query.get('nonce') ?? '',
      encrypt,
    });
    received.push(JSON.parse(message) as CallbackPayload);
    response.end(JSON.stringify(await signoff.encrypt('success')));
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    callbackUrl: `http://127.0.0.1:${port}/api/oa/bpms/integration/thirdparty/callback`,
    received,
    deliveries: () => deliveries,
  };
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

describe('createCallbackClient', () => {
  it.each([
    ['approve', 'APPROVED'],
    ['reject', 'REJECTED'],
    ['revoke', 'REVOKED'],
  ] as const)('%s sends a %s callback that Signoff opens', async (method, status) => {
    const receiver = await startSignoff();
    const client = createCallbackClient({ ...config, callbackUrl: receiver.callbackUrl });
    const before = Date.now();

    const delivery = await client[method](decision);

    expect(delivery).toMatchObject({ status: 200, attempts: 1 });
    expect(receiver.received).toEqual([
      {
        ...decision,
        status,
        eventId: delivery.eventId,
        operateTime: expect.any(Number),
      },
    ]);
    expect(receiver.received[0]?.operateTime).toBeGreaterThanOrEqual(before);
  });

  it('gives every decision its own event id', async () => {
    const receiver = await startSignoff();
    const client = createCallbackClient({ ...config, callbackUrl: receiver.callbackUrl });

    const first = await client.approve(decision);
    const second = await client.approve(decision);

    expect(first.eventId).toMatch(/^[0-9a-f-]{36}$/);
    expect(second.eventId).not.toBe(first.eventId);
  });

  it('keeps the event id across retries, so Signoff can drop a repeat', async () => {
    const receiver = await startSignoff([503]);
    const client = createCallbackClient({
      ...config,
      callbackUrl: receiver.callbackUrl,
      retryDelayMs: 5,
    });

    const delivery = await client.reject({ ...decision, comment: undefined });

    expect(delivery.attempts).toBe(2);
    expect(receiver.received).toEqual([
      expect.objectContaining({ eventId: delivery.eventId, comment: '' }),
    ]);
  });

  it('sends a given event id and time as they are', async () => {
    const receiver = await startSignoff();
    const client = createCallbackClient({ ...config, callbackUrl: receiver.callbackUrl });
    const operateTime = new Date('2025-01-15T09:30:00Z');

    await client.send('APPROVED', { ...decision, eventId: 'evt-1', operateTime });

    expect(receiver.received[0]).toMatchObject({
      eventId: 'evt-1',
      operateTime: operateTime.getTime(),
    });
  });

  it('throws CallbackSendError once retries run out', async () => {
    const receiver = await startSignoff([500, 500]);
    const client = createCallbackClient({
      ...config,
      callbackUrl: receiver.callbackUrl,
      retries: 1,
      retryDelayMs: 5,
    });

    const error = await client.approve(decision).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(CallbackSendError);
    expect(error).toMatchObject({ code: 'http_error', status: 500, attempts: 2 });
    expect(receiver.deliveries()).toBe(2);
  });

  it.each([
    ['a bad Encoding AES Key', { encodingAesKey: 'too-short' }],
    ['an empty tenant id', { tenantId: '' }],
    ['an empty Access Token', { accessToken: '' }],
  ])('refuses %s when created', (_name, override) => {
    expect(() =>
      createCallbackClient({ ...config, ...override, callbackUrl: 'http://127.0.0.1:9/cb' }),
    ).toThrow(expect.objectContaining({ code: 'invalid_key' }));
  });

  it.each([
    ['retries NaN', { retries: Number.NaN }, /retries .*NaN.*unset environment variable/],
    ['retries 1.5', { retries: 1.5 }, /retries must be a finite non-negative integer/],
    ['retryDelayMs Infinity', { retryDelayMs: Number.POSITIVE_INFINITY }, /retryDelayMs/],
    ['maxRetryDelayMs -1', { maxRetryDelayMs: -1 }, /maxRetryDelayMs/],
    ['timeoutMs as a string', { timeoutMs: '1000' as unknown as number }, /timeoutMs .*"1000"/],
    ['an ftp callbackUrl', { callbackUrl: 'ftp://signoff.test/cb' }, /callbackUrl must use http/],
    ['a callbackUrl that is not a URL', { callbackUrl: 'signoff.test/cb' }, /callbackUrl/],
  ])('refuses %s when created, with a TypeError', (_name, override, message) => {
    expect(() =>
      createCallbackClient({ ...config, callbackUrl: 'http://127.0.0.1:9/cb', ...override }),
    ).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(message) }),
    );
  });
});
