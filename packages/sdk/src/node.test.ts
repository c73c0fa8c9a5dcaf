import { createServer, request as httpRequest, type Server } from 'node:http';
import { type AddressInfo, connect } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { createProxyListener } from './node.ts';
import type { ProxyOptions } from './proxy.ts';
import { content, proxyOptions, signoffQuery, submitBody } from './test-fixtures.ts';
import { THIRD_PARTY_PATHS } from './third-party.ts';

let server: Server | undefined;

/** Serves the listener on a port the system picks, as a proxy would. */
async function serve(options: ProxyOptions): Promise<string> {
  server = createServer(createProxyListener(options));
  await new Promise<void>((resolve) => server?.listen(0, '127.0.0.1', resolve));
  return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
}

afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve) ?? resolve(undefined));
  server = undefined;
});

async function post(base: string, path: string, body: unknown, query = signoffQuery()) {
  const response = await fetch(`${base}${path}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: response.status, headers: response.headers, body: await response.json() };
}

/**
 * Posts a body in chunks without a content-length, the way a streaming client would; fetch
 * always knows the length of a string body, so this uses node:http directly.
 */
function postChunked(url: string, chunks: string[]): Promise<{ status: number; body: unknown }> {
  return new Promise((resolve, reject) => {
    const outgoing = httpRequest(url, { method: 'POST' }, (incoming) => {
      let text = '';
      incoming.on('data', (chunk: Buffer) => {
        text += chunk.toString();
      });
      incoming.on('end', () =>
        resolve({ status: incoming.statusCode ?? 0, body: JSON.parse(text) }),
      );
    });
    outgoing.on('error', reject);
    for (const chunk of chunks) outgoing.write(chunk);
    outgoing.end();
  });
}

/** Sends one raw HTTP/1.1 request with the given Host line, and returns the status it got. */
function rawStatus(base: string, target: string, host: string): Promise<number> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    let text = '';
    socket.on('data', (chunk: Buffer) => {
      text += chunk.toString();
    });
    socket.on('end', () => resolve(Number(text.split(' ')[1])));
    socket.on('error', reject);
    const body = JSON.stringify({ checkEvent: 'connectivity' });
    socket.end(
      `POST ${target} HTTP/1.1\r\nHost: ${host}\r\nContent-Type: application/json\r\n` +
        `Content-Length: ${body.length}\r\nConnection: close\r\n\r\n${body}`,
    );
  });
}

describe('createProxyListener', () => {
  it('passes the connection test over HTTP', async () => {
    const base = await serve(proxyOptions().options);

    const reply = await post(base, THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' });

    expect(reply).toMatchObject({ status: 200, body: { checkResult: 'success' } });
    expect(reply.headers.get('content-type')).toMatch(/^application\/json/);
  });

  it('hands a submit to the handler and answers the instance', async () => {
    const { options, submitted } = proxyOptions();
    const base = await serve(options);

    const reply = await post(base, THIRD_PARTY_PATHS.create, submitBody);

    expect(reply).toMatchObject({
      status: 200,
      body: { success: true, processInstanceId: 'pi-req_01HZX' },
    });
    expect(submitted).toEqual([{ request: submitBody, content }]);
  });

  it('reads a body that arrives in chunks', async () => {
    const { options, submitted } = proxyOptions();
    const base = await serve(options);
    const text = JSON.stringify(submitBody);
    const chunks = [text.slice(0, 10), text.slice(10, 200), text.slice(200)];

    const reply = await postChunked(`${base}${THIRD_PARTY_PATHS.create}?${signoffQuery()}`, chunks);

    expect(reply.status).toBe(200);
    expect(submitted).toHaveLength(1);
  });

  it.each([
    ['a wrong token', { accessToken: 'wrong' }, 'ACCESS_TOKEN_INVALID'],
    ['a stale timestamp', { timestamp: '1' }, 'TIMESTAMP_OUT_OF_WINDOW'],
  ])('refuses %s with 401', async (_name, query, code) => {
    const base = await serve(proxyOptions().options);

    const reply = await post(base, THIRD_PARTY_PATHS.create, submitBody, signoffQuery(query));

    expect(reply).toMatchObject({ status: 401, body: { success: false, code } });
  });

  it('refuses malformed JSON with 400', async () => {
    const base = await serve(proxyOptions().options);

    const reply = await post(base, THIRD_PARTY_PATHS.create, '{"applyId"');

    expect(reply).toMatchObject({ status: 400, body: { code: 'MALFORMED_JSON' } });
  });

  it('refuses a body over the limit with 413, and keeps serving', async () => {
    const base = await serve(proxyOptions({}, { bodyLimitBytes: 4096 }).options);
    const url = `${base}${THIRD_PARTY_PATHS.create}?${signoffQuery()}`;

    const declared = await post(base, THIRD_PARTY_PATHS.create, 'x'.repeat(100_000));
    const streamed = await postChunked(url, Array(40).fill('y'.repeat(1024)));
    const next = await post(base, THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' });

    expect(declared).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(streamed).toMatchObject({ status: 413, body: { code: 'PAYLOAD_TOO_LARGE' } });
    expect(next.status).toBe(200);
  });

  it('answers 404 to an optional call without a handler, and serves one with it', async () => {
    const base = await serve(
      proxyOptions({ get: async () => ({ success: true, status: 'APPROVED' }) }).options,
    );
    const body = { applyId: 'req_01HZX', processInstanceId: 'pi-req_01HZX' };

    const get = await post(base, THIRD_PARTY_PATHS.get, body);
    const terminate = await post(base, THIRD_PARTY_PATHS.terminate, {
      ...body,
      operator: 'src-1',
      reason: '',
    });

    expect(get).toMatchObject({ status: 200, body: { success: true, status: 'APPROVED' } });
    expect(terminate).toMatchObject({ status: 404, body: { code: 'NOT_SERVED' } });
  });

  it('answers 404 JSON to other paths', async () => {
    const base = await serve(proxyOptions().options);

    const response = await fetch(`${base}/`);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_FOUND' });
  });

  it.each(['[bad', 'a b', 'x:99999', ':80', '@', '', 'user@host'])(
    'serves a call whose Host header is %j, and keeps serving',
    async (host) => {
      const base = await serve(proxyOptions().options);
      const target = `${THIRD_PARTY_PATHS.connect}?${signoffQuery()}`;

      const status = await rawStatus(base, target, host);
      const next = await post(base, THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' });

      expect(status).toBe(200);
      expect(next.status).toBe(200);
    },
  );

  it('answers 400 JSON to a request target that is not a URL, and keeps serving', async () => {
    const base = await serve(proxyOptions().options);

    const status = await rawStatus(base, 'http://[bad/connect', 'localhost');
    const next = await post(base, THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' });

    expect(status).toBe(400);
    expect(next.status).toBe(200);
  });
});
