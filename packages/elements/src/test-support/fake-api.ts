// A fake Signoff API at the edge of element tests: it replaces `globalThis.fetch`, records every
// request, and answers from replies the test registers per route. Replies are literal contract
// bodies, so a test reads as the exchange it expects.
import type {
  ApiErrorBody,
  DingtalkSystemView,
  ErrorCode,
  FieldError,
  OtherSystemView,
  SettingsView,
  SystemDraft,
} from '@signoff/contracts';
import { vi } from 'vitest';

export const API_BASE = 'https://signoff.test';

export interface RecordedRequest {
  method: string;
  /** The path after the API base, for example `/api/settings`. */
  path: string;
  headers: Headers;
  /** The parsed JSON body, if any. */
  body: unknown;
}

export interface FakeReply {
  status?: number;
  body?: unknown;
  /** Fail like a lost connection instead of answering. */
  networkError?: boolean;
}

type Responder = FakeReply | ((request: RecordedRequest) => FakeReply | Promise<FakeReply>);

export class FakeApi {
  readonly requests: RecordedRequest[] = [];
  private readonly routes = new Map<string, Responder[]>();

  /**
   * Answers `route` (`'GET /api/settings'`) with `reply`. Several replies for one route are used
   * in turn, the last one repeating.
   */
  on(route: string, ...replies: Responder[]): this {
    this.routes.set(route, replies);
    return this;
  }

  /** The recorded requests of one route. */
  calls(route: string): RecordedRequest[] {
    return this.requests.filter((r) => `${r.method} ${r.path}` === route);
  }

  /** The JSON body of the `index`th request of `route`; fails the test when there is none. */
  bodyOf<T>(route: string, index = 0): T {
    const request = this.calls(route)[index];
    if (!request) throw new Error(`No request ${index} to ${route}`);
    return request.body as T;
  }

  /** Replaces `globalThis.fetch` until `vi.unstubAllGlobals()`. */
  install(): this {
    vi.stubGlobal('fetch', (input: RequestInfo | URL, init: RequestInit = {}) =>
      this.handle(String(input), init),
    );
    return this;
  }

  private async handle(url: string, init: RequestInit): Promise<Response> {
    const parsed = new URL(url, location.href);
    const request: RecordedRequest = {
      method: init.method ?? 'GET',
      path: parsed.pathname,
      headers: new Headers(init.headers),
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
    };
    this.requests.push(request);

    const replies = this.routes.get(`${request.method} ${request.path}`);
    const responder = replies?.length
      ? (replies.length > 1 ? replies.shift() : replies[0])!
      : { status: 404, body: errorBody('not_found', `No fake reply for ${request.path}`) };
    const reply = typeof responder === 'function' ? await responder(request) : responder;
    if (init.signal?.aborted) throw new DOMException('Aborted', 'AbortError');
    if (reply.networkError) throw new TypeError('Failed to fetch');
    return new Response(reply.body === undefined ? null : JSON.stringify(reply.body), {
      status: reply.status ?? 200,
      headers: { 'Content-Type': 'application/json' },
    });
  }
}

/** A promise with its resolve function, to hold a fake reply until the test lets it go. */
export function deferred<T>(): { promise: Promise<T>; resolve: (value: T) => void } {
  let resolve!: (value: T) => void;
  const promise = new Promise<T>((r) => {
    resolve = r;
  });
  return { promise, resolve };
}

export function errorBody(
  code: ErrorCode,
  message: string,
  fields?: Record<string, FieldError>,
): ApiErrorBody {
  return { error: { code, message, ...(fields ? { fields } : {}) } };
}

export const OTHER_ID = '6f1c1f0e-7a39-4d8e-9a55-1f2b3c4d5e6f';
export const DINGTALK_ID = '0b9d2c4e-1111-4a2b-8c3d-9e8f7a6b5c4d';
export const DRAFT_ID = 'a3e4b5c6-2222-4d7e-8f90-123456789abc';

export function otherSystemView(overrides: Partial<OtherSystemView> = {}): OtherSystemView {
  return {
    id: OTHER_ID,
    kind: 'other',
    name: 'Acme Approvals',
    status: 'active',
    submitUrl: 'https://oa.acme.test/approvals',
    tenantId: 'tenant-acme-0001',
    callbackUrl: `${API_BASE}/api/oa/bpms/integration/thirdparty/callback`,
    callbackUrlOverridden: false,
    secrets: { accessToken: true, encodingAesKey: true },
    ...overrides,
  };
}

export function dingtalkSystemView(
  overrides: Partial<DingtalkSystemView> = {},
): DingtalkSystemView {
  return {
    id: DINGTALK_ID,
    kind: 'dingtalk',
    name: 'DingTalk HQ',
    status: 'active',
    apiBaseUrl: 'https://api.dingtalk.com',
    appKey: 'ding-app-key',
    agentId: '123456',
    corpId: '',
    callbackUrl: `${API_BASE}/task/callback`,
    callbackUrlOverridden: false,
    secrets: { appSecret: true, token: true, encodingAesKey: true },
    ...overrides,
  };
}

export function settingsView(overrides: Partial<SettingsView> = {}): SettingsView {
  return {
    version: 3,
    externalEnabled: false,
    defaultSystemId: 'builtin',
    systems: [],
    publicBaseUrl: API_BASE,
    sdkDownloadUrl: `${API_BASE}/api/sdk/download`,
    updatedAt: null,
    updatedBy: null,
    canEdit: true,
    ...overrides,
  };
}

export function otherDraft(overrides: Partial<SystemDraft> = {}): SystemDraft {
  return {
    id: DRAFT_ID,
    kind: 'other',
    tenantId: 'tenant-new-0042',
    callbackUrl: `${API_BASE}/api/oa/bpms/integration/thirdparty/callback`,
    ...overrides,
  };
}
