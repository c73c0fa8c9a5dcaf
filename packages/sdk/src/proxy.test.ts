import { describe, expect, it, vi } from 'vitest';
import { createProxyHandler, createProxyRoutes, type SubmitAccepted } from './proxy.ts';
import {
  ACCESS_TOKEN,
  content,
  NOW,
  proxyOptions,
  signoffQuery,
  submitBody,
} from './test-fixtures.ts';
import { THIRD_PARTY_PATHS } from './third-party.ts';

const origin = 'http://proxy.test';

function post(path: string, body: unknown, query = signoffQuery(), init: RequestInit = {}) {
  return new Request(`${origin}${path}?${query}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    ...init,
  });
}

async function answer(response: Response) {
  return { status: response.status, body: await response.json() };
}

describe('createProxyHandler', () => {
  describe('connection test', () => {
    it('passes an authorised check with checkResult success', async () => {
      const handle = createProxyHandler(proxyOptions().options);

      const response = await handle(
        post(THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' }),
      );

      expect(await answer(response)).toEqual({ status: 200, body: { checkResult: 'success' } });
      expect(response.headers.get('content-type')).toMatch(/^application\/json/);
    });

    it('answers what the connect handler says', async () => {
      const { options } = proxyOptions({ connect: async () => ({ checkResult: 'OA is down' }) });

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' }),
      );

      expect(await answer(response)).toEqual({ status: 200, body: { checkResult: 'OA is down' } });
    });

    it('refuses another check event', async () => {
      const response = await createProxyHandler(proxyOptions().options)(
        post(THIRD_PARTY_PATHS.connect, { checkEvent: 'ping' }),
      );

      expect(await answer(response)).toMatchObject({
        status: 400,
        body: { success: false, code: 'INVALID_REQUEST', message: /checkEvent/ },
      });
    });
  });

  describe('access', () => {
    it.each([
      ['a wrong token', { accessToken: 'wrong' }, 'ACCESS_TOKEN_INVALID'],
      ['an empty token', { accessToken: '' }, 'ACCESS_TOKEN_INVALID'],
      ['a stale timestamp', { timestamp: String(NOW - 301_000) }, 'TIMESTAMP_OUT_OF_WINDOW'],
      ['a future timestamp', { timestamp: String(NOW + 301_000) }, 'TIMESTAMP_OUT_OF_WINDOW'],
      ['a timestamp in seconds', { timestamp: String(NOW / 1000) }, 'TIMESTAMP_OUT_OF_WINDOW'],
    ])('refuses %s with 401 and the refusal body', async (_name, query, code) => {
      const { options, submitted } = proxyOptions();

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.create, submitBody, signoffQuery(query)),
      );

      const { status, body } = await answer(response);
      expect(status).toBe(401);
      expect(body).toEqual({ success: false, code, message: expect.any(String) });
      expect(submitted).toHaveLength(0);
    });

    it('refuses a call without query parameters', async () => {
      const request = new Request(`${origin}${THIRD_PARTY_PATHS.connect}`, {
        method: 'POST',
        body: '{"checkEvent":"connectivity"}',
      });

      const response = await createProxyHandler(proxyOptions().options)(request);

      expect(await answer(response)).toMatchObject({
        status: 401,
        body: { code: 'ACCESS_TOKEN_INVALID', message: 'accessToken is missing' },
      });
    });

    it('checks access before reading the body', async () => {
      const response = await createProxyHandler(proxyOptions().options)(
        post(THIRD_PARTY_PATHS.connect, '{not json', signoffQuery({ accessToken: 'wrong' })),
      );

      expect(response.status).toBe(401);
    });

    it('honours a wider timestamp window', async () => {
      const { options } = proxyOptions({}, { timestampWindowMs: 3_600_000 });
      const query = signoffQuery({ timestamp: String(NOW - 1_800_000) });

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' }, query),
      );

      expect(response.status).toBe(200);
    });

    it('throws at creation when no access token is configured', () => {
      const { options } = proxyOptions({}, { accessToken: '' });

      expect(() => createProxyHandler(options)).toThrow(TypeError);
    });
  });

  describe('submit', () => {
    it('hands the handler the request and its parsed content, and answers the instance', async () => {
      const { options, submitted } = proxyOptions();

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.create, submitBody),
      );

      expect(await answer(response)).toEqual({
        status: 200,
        body: { success: true, processInstanceId: 'pi-req_01HZX' },
      });
      expect(submitted).toEqual([{ request: submitBody, content }]);
    });

    it('keeps fields of content that the schema does not name', async () => {
      const { options, submitted } = proxyOptions();
      const extended = {
        ...submitBody,
        content: JSON.stringify({ ...content, sensitivity: 'L3' }),
      };

      await createProxyHandler(options)(post(THIRD_PARTY_PATHS.create, extended));

      expect(submitted[0]?.content).toMatchObject({ sensitivity: 'L3' });
    });

    it('answers a declined submit with the failure object', async () => {
      const declined = {
        success: false as const,
        code: 'UNKNOWN_APPROVER',
        message: 'src-2 has no account in the OA',
        retryable: false,
      };
      const { options } = proxyOptions({ submit: async () => declined });

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.create, submitBody),
      );

      expect(await answer(response)).toEqual({ status: 200, body: declined });
    });

    it('answers 500 PROXY_ERROR, retryable, when the handler throws, and reports the error', async () => {
      const onError = vi.fn();
      const failure = new Error('connect ECONNREFUSED 10.0.0.7:5432');
      const { options } = proxyOptions(
        {
          submit: async () => {
            throw failure;
          },
        },
        { onError },
      );

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.create, submitBody),
      );

      const { status, body } = await answer(response);
      expect(status).toBe(500);
      expect(body).toMatchObject({ success: false, code: 'PROXY_ERROR', retryable: true });
      expect(JSON.stringify(body)).not.toContain('10.0.0.7');
      expect(onError).toHaveBeenCalledWith(failure, expect.any(Request));
    });

    it.each([
      ['no instance id', { processInstanceId: '' }, /reply\.processInstanceId/],
      ['an instance id over 256 characters', { processInstanceId: 'p'.repeat(257) }, /256/],
      [
        'a refusal without a boolean retryable',
        { success: false, code: 'BUSY', message: 'later' },
        /reply\.retryable/,
      ],
    ])(
      'answers 500 PROXY_ERROR, not retryable, when the handler returns %s',
      async (_name, reply, reason) => {
        const onError = vi.fn();
        const { options } = proxyOptions(
          { submit: async () => reply as SubmitAccepted },
          { onError },
        );

        const response = await createProxyHandler(options)(
          post(THIRD_PARTY_PATHS.create, submitBody),
        );

        const { status, body } = await answer(response);
        expect(status).toBe(500);
        expect(body).toMatchObject({ success: false, code: 'PROXY_ERROR', retryable: false });
        expect(body.message).toMatch(/breaks the contract/);
        expect(onError).toHaveBeenCalledWith(
          expect.objectContaining({ message: expect.stringMatching(reason) }),
          expect.any(Request),
        );
      },
    );

    it('accepts an instance id of exactly 256 characters', async () => {
      const processInstanceId = 'p'.repeat(256);
      const { options } = proxyOptions({ submit: async () => ({ processInstanceId }) });

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.create, submitBody),
      );

      expect(await answer(response)).toEqual({
        status: 200,
        body: { success: true, processInstanceId },
      });
    });

    it.each([
      ['a missing applyId', { ...submitBody, applyId: undefined }, /^applyId: /],
      ['another type', { ...submitBody, type: 'DATA' }, /^type: /],
      [
        'an approver without a source id',
        {
          ...submitBody,
          approveNodes: [{ approveOrder: 1, approveOperator: 'OR', approveUsers: [{}] }],
        },
        /approveNodes\.0\.approveUsers\.0\.userId: /,
      ],
      ['content that is not JSON', { ...submitBody, content: 'orders' }, /^content: /],
      [
        'content without a resource',
        { ...submitBody, content: JSON.stringify({ ...content, resource: undefined }) },
        /^content\.resource: /,
      ],
    ])('refuses %s with 400 naming the field', async (_name, body, message) => {
      const { options, submitted } = proxyOptions();

      const response = await createProxyHandler(options)(post(THIRD_PARTY_PATHS.create, body));

      expect(await answer(response)).toMatchObject({
        status: 400,
        body: { success: false, code: 'INVALID_REQUEST', message },
      });
      expect(submitted).toHaveLength(0);
    });
  });

  describe('bodies', () => {
    it('refuses malformed JSON with 400', async () => {
      const response = await createProxyHandler(proxyOptions().options)(
        post(THIRD_PARTY_PATHS.create, '{"applyId": '),
      );

      expect(await answer(response)).toEqual({
        status: 400,
        body: {
          success: false,
          code: 'MALFORMED_JSON',
          message: 'The request body is not valid JSON.',
        },
      });
    });

    it('refuses an empty body as malformed JSON', async () => {
      const response = await createProxyHandler(proxyOptions().options)(
        post(THIRD_PARTY_PATHS.connect, ''),
      );

      expect(response.status).toBe(400);
    });

    it('refuses a body over the limit with 413', async () => {
      const { options } = proxyOptions({}, { bodyLimitBytes: 1024 });
      const body = { ...submitBody, title: 'x'.repeat(2000) };

      const response = await createProxyHandler(options)(post(THIRD_PARTY_PATHS.create, body));

      expect(await answer(response)).toMatchObject({
        status: 413,
        body: { success: false, code: 'PAYLOAD_TOO_LARGE' },
      });
    });

    it('stops reading a streamed body without a length once it passes the limit', async () => {
      const { options } = proxyOptions({}, { bodyLimitBytes: 1024 });
      let pulled = 0;
      const endless = new ReadableStream<Uint8Array>({
        pull(controller) {
          pulled += 1;
          controller.enqueue(new Uint8Array(512).fill(0x20));
        },
      });
      const request = new Request(`${origin}${THIRD_PARTY_PATHS.create}?${signoffQuery()}`, {
        method: 'POST',
        body: endless,
        duplex: 'half',
      } as RequestInit);

      const response = await createProxyHandler(options)(request);

      expect(response.status).toBe(413);
      expect(pulled).toBeLessThan(10);
    });

    it('answers 400 when the body breaks off', async () => {
      const broken = new ReadableStream<Uint8Array>({
        pull(controller) {
          controller.error(new Error('connection reset'));
        },
      });
      const request = new Request(`${origin}${THIRD_PARTY_PATHS.create}?${signoffQuery()}`, {
        method: 'POST',
        body: broken,
        duplex: 'half',
      } as RequestInit);

      const response = await createProxyHandler(proxyOptions().options)(request);

      expect(await answer(response)).toMatchObject({
        status: 400,
        body: { code: 'INVALID_REQUEST', message: 'The request body could not be read.' },
      });
    });

    it('accepts a body of exactly the limit', async () => {
      const text = JSON.stringify({ checkEvent: 'connectivity' });
      const { options } = proxyOptions({}, { bodyLimitBytes: text.length });

      const response = await createProxyHandler(options)(post(THIRD_PARTY_PATHS.connect, text));

      expect(response.status).toBe(200);
    });
  });

  describe('optional calls', () => {
    const getBody = { applyId: 'req_01HZX', processInstanceId: 'pi-req_01HZX' };
    const terminateBody = { ...getBody, operator: 'src-1', reason: 'no longer needed' };

    it.each([
      ['get', THIRD_PARTY_PATHS.get, getBody],
      ['terminate', THIRD_PARTY_PATHS.terminate, terminateBody],
    ])('answers 404 NOT_SERVED to %s without a handler', async (_name, path, body) => {
      const response = await createProxyHandler(proxyOptions().options)(post(path, body));

      expect(await answer(response)).toMatchObject({
        status: 404,
        body: { success: false, code: 'NOT_SERVED' },
      });
    });

    it('answers get with what its handler returns', async () => {
      const get = vi.fn(async () => ({ success: true as const, status: 'RUNNING' as const }));
      const { options } = proxyOptions({ get });

      const response = await createProxyHandler(options)(post(THIRD_PARTY_PATHS.get, getBody));

      expect(await answer(response)).toEqual({
        status: 200,
        body: { success: true, status: 'RUNNING' },
      });
      expect(get).toHaveBeenCalledWith(getBody);
    });

    it('answers terminate with what its handler returns', async () => {
      const terminate = vi.fn(async () => ({ success: true }));
      const { options } = proxyOptions({ terminate });

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.terminate, terminateBody),
      );

      expect(await answer(response)).toEqual({ status: 200, body: { success: true } });
      expect(terminate).toHaveBeenCalledWith(terminateBody);
    });

    it('refuses a terminate without an operator with 400', async () => {
      const { options } = proxyOptions({ terminate: async () => ({ success: true }) });

      const response = await createProxyHandler(options)(
        post(THIRD_PARTY_PATHS.terminate, getBody),
      );

      expect(await answer(response)).toMatchObject({ status: 400, body: { message: /operator/ } });
    });
  });

  describe('paths and methods', () => {
    it('answers 404 NOT_FOUND to a path outside the contract', async () => {
      const response = await createProxyHandler(proxyOptions().options)(
        post('/dataphin/bpms/other', {}),
      );

      expect(await answer(response)).toMatchObject({ status: 404, body: { code: 'NOT_FOUND' } });
    });

    it('answers 405 with Allow: POST to another method on a known path', async () => {
      const request = new Request(`${origin}${THIRD_PARTY_PATHS.connect}?${signoffQuery()}`);

      const response = await createProxyHandler(proxyOptions().options)(request);

      expect(response.status).toBe(405);
      expect(response.headers.get('allow')).toBe('POST');
    });

    it.each(['/approvals', 'approvals/', '/approvals//'])(
      'serves the calls under the base path %s',
      async (basePath) => {
        const handle = createProxyHandler(proxyOptions({}, { basePath }).options);
        const connect = { checkEvent: 'connectivity' };

        const under = await handle(post(`/approvals${THIRD_PARTY_PATHS.connect}`, connect));
        const outside = await handle(post(THIRD_PARTY_PATHS.connect, connect));

        expect(under.status).toBe(200);
        expect(outside.status).toBe(404);
      },
    );
  });
});

describe('createProxyRoutes', () => {
  it('lists the four paths under the base path', () => {
    const routes = createProxyRoutes({
      accessToken: ACCESS_TOKEN,
      basePath: '/oa',
      handlers: { submit: async () => ({ processInstanceId: 'pi' }) },
    });

    expect([...routes.keys()]).toEqual([
      '/oa/dataphin/bpms/check/connect',
      '/oa/dataphin/bpms/processinstance/create',
      '/oa/signoff/processinstance/get',
      '/oa/signoff/processinstance/terminate',
    ]);
  });

  it.each([
    ['timestampWindowMs NaN', { timestampWindowMs: Number.NaN }, /unset environment variable/],
    ['timestampWindowMs -1', { timestampWindowMs: -1 }, /timestampWindowMs/],
    ['bodyLimitBytes Infinity', { bodyLimitBytes: Number.POSITIVE_INFINITY }, /bodyLimitBytes/],
    ['bodyLimitBytes as a string', { bodyLimitBytes: '4096' as unknown as number }, /"4096"/],
  ])('refuses %s when created, with a TypeError', (_name, extra, message) => {
    expect(() => createProxyRoutes(proxyOptions({}, extra).options)).toThrow(
      expect.objectContaining({ name: 'TypeError', message: expect.stringMatching(message) }),
    );
  });
});
