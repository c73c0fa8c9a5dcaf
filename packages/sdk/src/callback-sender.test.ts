import { createDecipheriv, createHash } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { CallbackCrypto } from './callback-crypto.ts';
import { buildCallback, CallbackSendError, sendCallback } from './callback-sender.ts';
import type { CallbackPayload } from './third-party.ts';

const config = {
  accessToken: 'proxy-access-token-0123456789abcd',
  encodingAesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
  tenantId: 'tn_4f9c2a',
};

const payload: CallbackPayload = {
  eventId: 'evt_1',
  applyId: 'req_01HZX',
  processInstanceId: 'pi_77',
  status: 'APPROVED',
  approver: { userSourceId: 'src-2', userName: '韩梅梅' },
  comment: 'ok',
  operateTime: 1656633600000,
};

const signoffCrypto = new CallbackCrypto({
  token: config.accessToken,
  encodingAesKey: config.encodingAesKey,
  ownerKey: config.tenantId,
});

interface Delivery {
  query: URLSearchParams;
  payload: unknown;
}

type Answer = { status: number; body: unknown; headers?: Record<string, string> };

/**
 * Opens the callback independently of the SDK (Node's SHA-1 and AES with padding off), as a
 * Signoff server written by someone else would.
 */
function openIndependently(query: URLSearchParams, encrypt: string): unknown {
  const parts = [config.accessToken, query.get('timestamp'), query.get('nonce'), encrypt];
  const signature = createHash('sha1').update(parts.map(String).sort().join('')).digest('hex');
  if (signature !== query.get('msg_signature') || signature !== query.get('signature')) {
    throw new Error('bad signature');
  }
  const key = Buffer.from(`${config.encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  const plain = Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
  const unpadded = plain.subarray(0, plain.length - (plain.at(-1) ?? 0));
  const length = unpadded.readUInt32BE(16);
  if (unpadded.subarray(20 + length).toString() !== config.tenantId) throw new Error('bad owner');
  return JSON.parse(unpadded.subarray(20, 20 + length).toString('utf8'));
}

const acknowledge = async (): Promise<Answer> => ({
  status: 200,
  body: await signoffCrypto.encrypt('success'),
});

let server: Server | undefined;

/** Starts a callback receiver that answers each delivery with the next scripted answer. */
async function startReceiver(answers: Array<() => Promise<Answer> | Answer>) {
  const deliveries: Delivery[] = [];
  server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', async () => {
      const query = new URL(request.url ?? '/', 'http://localhost').searchParams;
      let opened: unknown;
      try {
        const { encrypt } = JSON.parse(Buffer.concat(chunks).toString()) as { encrypt: string };
        opened = openIndependently(query, encrypt);
      } catch (error) {
        // Answer rather than hang, so a broken sender fails its test instead of timing out.
        opened = { unreadable: String(error) };
      }
      deliveries.push({ query, payload: opened });
      const answer = await (answers[deliveries.length - 1] ?? acknowledge)();
      response.writeHead(answer.status, { 'content-type': 'application/json', ...answer.headers });
      response.end(typeof answer.body === 'string' ? answer.body : JSON.stringify(answer.body));
    });
  });
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/api/oa/bpms/integration/thirdparty/callback`,
    deliveries,
  };
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

const fast = { retryDelayMs: 5, maxRetryDelayMs: 20 };

async function sendFailure(options: Parameters<typeof sendCallback>[0]) {
  const error = await sendCallback(options).catch((reason: unknown) => reason);
  expect(error).toBeInstanceOf(CallbackSendError);
  return error as CallbackSendError;
}

describe('buildCallback', () => {
  it('sends the signature under both names, signed over timestamp and nonce', async () => {
    const built = await buildCallback(signoffCrypto, payload, {
      timestamp: '1700000000000',
      nonce: 'abc',
    });

    expect(built.query.signature).toBe(built.query.msg_signature);
    expect(built.query).toMatchObject({ timestamp: '1700000000000', nonce: 'abc' });
    await expect(
      signoffCrypto.decrypt({ ...built.query, encrypt: built.body.encrypt }),
    ).resolves.toBe(JSON.stringify(payload));
  });

  it('rejects an invalid payload before encrypting', async () => {
    const invalid = { ...payload, status: 'AGREE' } as unknown as CallbackPayload;

    await expect(buildCallback(signoffCrypto, invalid)).rejects.toThrow(/status/);
  });
});

describe('sendCallback', () => {
  it('delivers the payload and accepts the encrypted success', async () => {
    const receiver = await startReceiver([acknowledge]);

    const result = await sendCallback({ ...config, callbackUrl: receiver.url, payload });

    expect(result).toEqual({ status: 200, attempts: 1 });
    expect(receiver.deliveries.map((delivery) => delivery.payload)).toEqual([payload]);
  });

  it('retries HTTP 500 with backoff until acknowledged', async () => {
    const failing = () => ({ status: 500, body: { message: 'database busy' } });
    const receiver = await startReceiver([failing, failing, acknowledge]);

    const result = await sendCallback({ ...config, ...fast, callbackUrl: receiver.url, payload });

    expect(result).toEqual({ status: 200, attempts: 3 });
    expect(receiver.deliveries).toHaveLength(3);
  });

  it('signs every attempt afresh', async () => {
    const receiver = await startReceiver([() => ({ status: 503, body: '' }), acknowledge]);

    await sendCallback({ ...config, ...fast, callbackUrl: receiver.url, payload });

    const [first, second] = receiver.deliveries;
    expect(first?.query.get('nonce')).not.toBe(second?.query.get('nonce'));
  });

  it('gives up after the configured retries, with the last status', async () => {
    const receiver = await startReceiver(
      Array(5).fill(() => ({ status: 502, body: 'bad gateway' })),
    );

    const error = await sendFailure({
      ...config,
      ...fast,
      retries: 2,
      callbackUrl: receiver.url,
      payload,
    });

    expect(error).toMatchObject({
      code: 'http_error',
      status: 502,
      attempts: 3,
      body: 'bad gateway',
    });
    expect(receiver.deliveries).toHaveLength(3);
  });

  it('does not retry HTTP 400, and carries the JSON error body', async () => {
    const refusal = { code: 'invalid_payload', message: 'unknown applyId' };
    const receiver = await startReceiver([() => ({ status: 400, body: refusal })]);

    const error = await sendFailure({ ...config, ...fast, callbackUrl: receiver.url, payload });

    expect(error).toMatchObject({ code: 'http_error', status: 400, attempts: 1, body: refusal });
    expect(receiver.deliveries).toHaveLength(1);
  });

  it.each([
    ['a plain JSON success', async () => ({ status: 200, body: { success: true } })],
    [
      'an envelope of another message',
      async () => ({ status: 200, body: await signoffCrypto.encrypt('fail') }),
    ],
    [
      'an envelope with a broken signature',
      async () => ({
        status: 200,
        body: { ...(await signoffCrypto.encrypt('success')), nonce: 'x' },
      }),
    ],
    [
      'an envelope under another token',
      async () => {
        const other = new CallbackCrypto({ ...config, token: 'other', ownerKey: config.tenantId });
        return { status: 200, body: await other.encrypt('success') };
      },
    ],
    ['HTTP 204', async () => ({ status: 204, body: '' })],
  ])('refuses %s as invalid_reply without retrying', async (_name, answer) => {
    const receiver = await startReceiver([answer]);

    const error = await sendFailure({ ...config, ...fast, callbackUrl: receiver.url, payload });

    expect(error.code).toBe('invalid_reply');
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('retries network errors and reports them once retries run out', async () => {
    const receiver = await startReceiver([]);
    await new Promise((resolve) => server?.close(resolve));
    server = undefined;

    const error = await sendFailure({
      ...config,
      ...fast,
      retries: 1,
      callbackUrl: receiver.url,
      payload,
    });

    expect(error).toMatchObject({ code: 'network_error', attempts: 2 });
    expect(error.cause).toBeInstanceOf(Error);
    expect(error.message).toMatch(/ECONNREFUSED/);
  });

  it('uses the fetch it is given', async () => {
    const calls: string[] = [];
    const fetchStub: typeof fetch = async (input, init) => {
      calls.push(`${init?.method} ${String(input).split('?')[0]}`);
      return Response.json(await signoffCrypto.encrypt('success'));
    };

    const result = await sendCallback({
      ...config,
      callbackUrl: 'https://signoff.test/cb',
      payload,
      fetch: fetchStub,
    });

    expect(result.attempts).toBe(1);
    expect(calls).toEqual(['POST https://signoff.test/cb']);
  });

  it('never retries a bad configuration', async () => {
    const error = await sendCallback({
      ...config,
      encodingAesKey: 'short',
      callbackUrl: 'http://127.0.0.1:9/',
      payload,
    }).catch((reason: unknown) => reason);

    expect(error).toMatchObject({ code: 'invalid_key' });
  });

  it.each([
    ['a comment over 4000 characters', { comment: 'x'.repeat(4001) }, /comment/],
    ['no approver', { approver: undefined }, /approver/],
  ])(
    'refuses a payload with %s as invalid_payload, sending nothing',
    async (_name, change, field) => {
      const receiver = await startReceiver([]);
      const invalid = { ...payload, ...change } as CallbackPayload;

      const error = await sendFailure({ ...config, callbackUrl: receiver.url, payload: invalid });

      expect(error).toMatchObject({ code: 'invalid_payload', attempts: 0 });
      expect(error.message).toMatch(field);
      expect(receiver.deliveries).toHaveLength(0);
    },
  );

  it('does not follow a redirect, and names it without retrying', async () => {
    const receiver = await startReceiver([
      () => ({ status: 302, body: {}, headers: { location: 'https://elsewhere.test/cb' } }),
    ]);

    const error = await sendFailure({ ...config, ...fast, callbackUrl: receiver.url, payload });

    expect(error).toMatchObject({ code: 'http_error', status: 302, attempts: 1 });
    expect(error.message).toMatch(/redirect to https:\/\/elsewhere\.test\/cb/);
    expect(receiver.deliveries).toHaveLength(1);
  });

  it('retries HTTP 429, waiting as long as Retry-After says', async () => {
    const receiver = await startReceiver([
      () => ({ status: 429, body: {}, headers: { 'retry-after': '0' } }),
      acknowledge,
    ]);
    const started = Date.now();

    // A backoff this long would time the test out: only Retry-After: 0 lets it pass quickly.
    const result = await sendCallback({
      ...config,
      retryDelayMs: 60_000,
      maxRetryDelayMs: 60_000,
      callbackUrl: receiver.url,
      payload,
    });

    expect(result).toEqual({ status: 200, attempts: 2 });
    expect(Date.now() - started).toBeLessThan(2_000);
  });

  it('caps a long Retry-After at maxRetryDelayMs', async () => {
    const receiver = await startReceiver([
      () => ({ status: 429, body: {}, headers: { 'retry-after': '3600' } }),
      acknowledge,
    ]);

    const result = await sendCallback({ ...config, ...fast, callbackUrl: receiver.url, payload });

    expect(result.attempts).toBe(2);
  });

  it('stops reading a reply past 64 KiB', async () => {
    const chunk = new Uint8Array(16 * 1024).fill(32);
    let pulled = 0;
    // A 1 MiB reply: the sender should stop a chunk past the cap, not read it all.
    const large: typeof fetch = async () =>
      new Response(
        new ReadableStream({
          pull: (controller) => {
            pulled++;
            if (pulled > 64) controller.close();
            else controller.enqueue(chunk);
          },
        }),
      );

    const error = await sendFailure({
      ...config,
      callbackUrl: 'https://signoff.test/cb',
      payload,
      fetch: large,
    });

    expect(error.code).toBe('invalid_reply');
    expect(pulled).toBeLessThan(10);
  });

  it('refuses a callbackUrl that is not http or https before sending', async () => {
    const error = await sendCallback({
      ...config,
      callbackUrl: 'file:///etc/passwd',
      payload,
    }).catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(TypeError);
  });
});
