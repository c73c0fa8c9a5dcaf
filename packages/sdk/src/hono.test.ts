import { Hono } from 'hono';
import { describe, expect, it } from 'vitest';
import { signoffProxy } from './hono.ts';
import { proxyOptions, signoffQuery, submitBody } from './test-fixtures.ts';
import { THIRD_PARTY_PATHS } from './third-party.ts';

const connect = { checkEvent: 'connectivity' };

function post(path: string, body: unknown, query = signoffQuery()) {
  return {
    path: `${path}?${query}`,
    init: {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: typeof body === 'string' ? body : JSON.stringify(body),
    },
  };
}

describe('signoffProxy', () => {
  it('passes the connection test', async () => {
    const app = signoffProxy(proxyOptions().options);
    const { path, init } = post(THIRD_PARTY_PATHS.connect, connect);

    const response = await app.request(path, init);

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ checkResult: 'success' });
  });

  it('creates an instance on submit', async () => {
    const { options, submitted } = proxyOptions();
    const { path, init } = post(THIRD_PARTY_PATHS.create, submitBody);

    const response = await signoffProxy(options).request(path, init);

    expect(await response.json()).toEqual({ success: true, processInstanceId: 'pi-req_01HZX' });
    expect(submitted.map((s) => s.request.applyId)).toEqual(['req_01HZX']);
  });

  it('refuses a wrong Access Token with 401', async () => {
    const { path, init } = post(
      THIRD_PARTY_PATHS.connect,
      connect,
      signoffQuery({ accessToken: 'x' }),
    );

    const response = await signoffProxy(proxyOptions().options).request(path, init);

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, code: 'ACCESS_TOKEN_INVALID' });
  });

  it('refuses malformed JSON with 400 and an oversized body with 413', async () => {
    const app = signoffProxy(proxyOptions({}, { bodyLimitBytes: 256 }).options);
    const malformed = post(THIRD_PARTY_PATHS.create, '{');
    const oversized = post(THIRD_PARTY_PATHS.create, submitBody);

    const first = await app.request(malformed.path, malformed.init);
    const second = await app.request(oversized.path, oversized.init);

    expect(first.status).toBe(400);
    expect(second.status).toBe(413);
  });

  it('answers 404 to an optional call it does not serve', async () => {
    const { path, init } = post(THIRD_PARTY_PATHS.get, { applyId: 'a', processInstanceId: 'p' });

    const response = await signoffProxy(proxyOptions().options).request(path, init);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ code: 'NOT_SERVED' });
  });

  it('answers a path outside the contract with the JSON NOT_FOUND of the core', async () => {
    const { path, init } = post('/dataphin/bpms/unknown', connect);

    const response = await signoffProxy(proxyOptions().options).request(path, init);

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });

  it('answers 405 to a GET on a known path', async () => {
    const app = signoffProxy(proxyOptions().options);

    const response = await app.request(`${THIRD_PARTY_PATHS.connect}?${signoffQuery()}`);

    expect(response.status).toBe(405);
  });

  it('serves the calls under the prefix it is mounted at, beside other routes', async () => {
    const app = new Hono()
      .get('/health', (c) => c.text('ok'))
      .route('/approvals', signoffProxy(proxyOptions().options));
    const { path, init } = post(`/approvals${THIRD_PARTY_PATHS.connect}`, connect);

    const mounted = await app.request(path, init);
    const other = await app.request('/health');

    expect(await mounted.json()).toEqual({ checkResult: 'success' });
    expect(await other.text()).toBe('ok');
  });

  it('serves the calls under basePath when served on its own', async () => {
    const app = signoffProxy(proxyOptions({}, { basePath: '/approvals' }).options);
    const { path, init } = post(`/approvals${THIRD_PARTY_PATHS.connect}`, connect);

    const response = await app.request(path, init);

    expect(response.status).toBe(200);
  });
});
