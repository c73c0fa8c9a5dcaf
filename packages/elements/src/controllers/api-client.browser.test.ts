import type { SettingsView, SystemDraft, TestConnectionResult } from '@signoff/contracts';
import { afterEach, describe, expect, expectTypeOf, it, vi } from 'vitest';
import {
  API_BASE,
  errorBody,
  FakeApi,
  otherDraft,
  settingsView,
} from '../test-support/fake-api.ts';
import { ApiClient, ApiError, type RoutePath } from './api-client.ts';

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('ApiClient', () => {
  it('infers each route’s body and reply from the contract', () => {
    const client = new ApiClient({ apiBase: API_BASE });
    type Reply<F extends (...args: never[]) => unknown> = Awaited<ReturnType<F>>;

    expectTypeOf<Reply<typeof client.get<'/api/settings'>>>().toEqualTypeOf<SettingsView>();
    expectTypeOf<Reply<typeof client.put<'/api/settings'>>>().toEqualTypeOf<SettingsView>();
    expectTypeOf<Reply<typeof client.post<'/api/settings/drafts'>>>().toEqualTypeOf<SystemDraft>();
    expectTypeOf<
      Reply<typeof client.post<'/api/settings/test-connection'>>
    >().toEqualTypeOf<TestConnectionResult>();
    expectTypeOf<RoutePath<'POST'>>().toEqualTypeOf<
      '/api/settings/drafts' | '/api/settings/test-connection'
    >();
    expectTypeOf<Parameters<typeof client.post<'/api/settings/drafts'>>[1]>().toEqualTypeOf<{
      kind: 'dingtalk' | 'other';
    }>();
  });

  it('sends the bearer token and a JSON body to the API base', async () => {
    const api = new FakeApi().on('POST /api/settings/drafts', { body: otherDraft() }).install();
    const client = new ApiClient({ apiBase: `${API_BASE}/`, token: 'secret-token' });

    const draft = await client.post('/api/settings/drafts', { kind: 'other' });

    expect(draft).toEqual(otherDraft());
    const [request] = api.requests;
    expect(request?.path).toBe('/api/settings/drafts');
    expect(request?.headers.get('Authorization')).toBe('Bearer secret-token');
    expect(request?.headers.get('Content-Type')).toBe('application/json');
    expect(request?.body).toEqual({ kind: 'other' });
  });

  it('sends no Authorization header without a token', async () => {
    const api = new FakeApi().on('GET /api/settings', { body: settingsView() }).install();

    await new ApiClient({ apiBase: API_BASE }).get('/api/settings');

    expect(api.requests[0]?.headers.has('Authorization')).toBe(false);
    expect(api.requests[0]?.body).toBeUndefined();
  });

  it('turns an error body into an ApiError with code, message, fields and status', async () => {
    const fields = { 'systems.0.name': { key: 'tooLong' as const, message: 'Too long.' } };
    new FakeApi()
      .on('PUT /api/settings', {
        status: 400,
        body: errorBody('validation_failed', 'Some fields are invalid.', fields),
      })
      .install();
    const client = new ApiClient({ apiBase: API_BASE, token: 't' });

    const error = await client.put('/api/settings', {} as never).catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({
      code: 'validation_failed',
      message: 'Some fields are invalid.',
      status: 400,
      fields,
    });
  });

  it('guesses the code from the status when the body is not the contract’s', async () => {
    const fetch = vi.fn(async () => new Response('<html>Forbidden</html>', { status: 403 }));
    const client = new ApiClient({ apiBase: API_BASE, fetch });

    const error = await client.get('/api/settings').catch((e: unknown) => e);

    expect(error).toMatchObject({ code: 'forbidden', status: 403, fields: {} });
  });

  it('reports a lost connection as the network code with status 0', async () => {
    new FakeApi().on('GET /api/settings', { networkError: true }).install();

    const error = await new ApiClient({ apiBase: API_BASE })
      .get('/api/settings')
      .catch((e: unknown) => e);

    expect(error).toBeInstanceOf(ApiError);
    expect(error).toMatchObject({ code: 'network', status: 0 });
  });

  it('reports a cancelled request as aborted', async () => {
    const fetch = vi.fn(
      (_url: RequestInfo | URL, init?: RequestInit) =>
        new Promise<Response>((_resolve, reject) => {
          init?.signal?.addEventListener('abort', () =>
            reject(new DOMException('Aborted', 'AbortError')),
          );
        }),
    );
    const abort = new AbortController();
    const pending = new ApiClient({ apiBase: API_BASE, fetch }).get('/api/settings', {
      signal: abort.signal,
    });

    abort.abort();

    await expect(pending).rejects.toMatchObject({ code: 'aborted', status: 0 });
  });
});
