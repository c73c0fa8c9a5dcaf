// A small typed `fetch` client over the contract types. The elements use it instead of a
// generated client so that no server code and no validator reach the browser bundle: only types
// come from `@signoff/contracts`.
import type {
  ApiErrorBody,
  ErrorCode,
  FieldError,
  SettingsInput,
  SettingsView,
  SystemDraft,
  SystemKind,
  TestConnectionInput,
  TestConnectionResult,
} from '@signoff/contracts';

/**
 * The routes the elements call, as `'METHOD /path'` with the body sent and the reply received.
 * Other Signoff elements add theirs by declaration merging.
 */
export interface SignoffRoutes {
  'GET /api/settings': { body: never; reply: SettingsView };
  'PUT /api/settings': { body: SettingsInput; reply: SettingsView };
  'POST /api/settings/drafts': { body: { kind: SystemKind }; reply: SystemDraft };
  'POST /api/settings/test-connection': {
    body: TestConnectionInput;
    reply: TestConnectionResult;
  };
}

type Method = 'GET' | 'PUT' | 'POST' | 'DELETE';

/** The paths of `SignoffRoutes` that take `method`. */
export type RoutePath<M extends Method> = {
  [R in keyof SignoffRoutes]: R extends `${M} ${infer P}` ? P : never;
}[keyof SignoffRoutes];

type Route<M extends Method, P extends string> = `${M} ${P}` extends keyof SignoffRoutes
  ? SignoffRoutes[`${M} ${P}`]
  : never;

/** What went wrong in an API call: the server's error code, or `network` when none answered. */
export type ApiErrorCode = ErrorCode | 'network' | 'aborted';

/**
 * A failed API call. `status` is the HTTP status (0 when no reply arrived); `fields` holds the
 * per-field mistakes of a `validation_failed` reply, keyed by dotted path.
 */
export class ApiError extends Error {
  override name = 'ApiError';
  readonly code: ApiErrorCode;
  readonly status: number;
  readonly fields: Readonly<Record<string, FieldError>>;

  constructor(
    code: ApiErrorCode,
    message: string,
    status: number,
    fields: Record<string, FieldError> = {},
  ) {
    super(message);
    this.code = code;
    this.status = status;
    this.fields = fields;
  }
}

export interface ApiClientOptions {
  /** Where the API lives, without a trailing slash; an empty string means the page's origin. */
  apiBase: string;
  /** Sent as `Authorization: Bearer <token>` when not empty. */
  token?: string;
  /** Replaces the global `fetch`, for tests and for hosts that wrap their requests. */
  fetch?: typeof fetch;
}

export interface RequestOptions {
  signal?: AbortSignal;
}

/** A typed client for the Signoff API; one instance per base address and token. */
export class ApiClient {
  readonly apiBase: string;
  readonly token: string;
  private readonly fetchImpl: typeof fetch | undefined;

  constructor(options: ApiClientOptions) {
    this.apiBase = options.apiBase.replace(/\/+$/, '');
    this.token = options.token ?? '';
    this.fetchImpl = options.fetch;
  }

  /** `GET path` and the parsed reply. */
  get<P extends RoutePath<'GET'>>(
    path: P,
    options?: RequestOptions,
  ): Promise<Route<'GET', P>['reply']> {
    return this.request('GET', path, undefined, options);
  }

  /** `PUT path` with a JSON body and the parsed reply. */
  put<P extends RoutePath<'PUT'>>(
    path: P,
    body: Route<'PUT', P>['body'],
    options?: RequestOptions,
  ): Promise<Route<'PUT', P>['reply']> {
    return this.request('PUT', path, body, options);
  }

  /** `POST path` with a JSON body and the parsed reply. */
  post<P extends RoutePath<'POST'>>(
    path: P,
    body: Route<'POST', P>['body'],
    options?: RequestOptions,
  ): Promise<Route<'POST', P>['reply']> {
    return this.request('POST', path, body, options);
  }

  /** Sends one request; every failure, including a lost connection, rejects with `ApiError`. */
  async request<T>(
    method: Method,
    path: string,
    body?: unknown,
    options: RequestOptions = {},
  ): Promise<T> {
    const headers: Record<string, string> = { Accept: 'application/json' };
    if (this.token) headers.Authorization = `Bearer ${this.token}`;
    if (body !== undefined) headers['Content-Type'] = 'application/json';

    let response: Response;
    try {
      // Read the global at call time so that a fetch installed later (a test stub, a host's
      // wrapper) is the one used.
      const doFetch = this.fetchImpl ?? globalThis.fetch;
      response = await doFetch(`${this.apiBase}${path}`, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: options.signal,
      });
    } catch (cause) {
      if (options.signal?.aborted) throw new ApiError('aborted', 'The request was cancelled.', 0);
      const reason = cause instanceof Error ? cause.message : String(cause);
      throw new ApiError('network', `The Signoff server could not be reached (${reason}).`, 0);
    }

    const payload = await readJson(response);
    if (response.ok) return payload as T;
    throw toApiError(response.status, payload);
  }
}

async function readJson(response: Response): Promise<unknown> {
  const text = await response.text().catch(() => '');
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

function isErrorBody(value: unknown): value is ApiErrorBody {
  if (typeof value !== 'object' || value === null || !('error' in value)) return false;
  const error = (value as { error: unknown }).error;
  return (
    typeof error === 'object' &&
    error !== null &&
    typeof (error as { code?: unknown }).code === 'string' &&
    typeof (error as { message?: unknown }).message === 'string'
  );
}

// A reply without the contract's error body (a proxy's HTML page, say) still becomes an
// ApiError, with a code guessed from the status so that callers can branch on it.
function toApiError(status: number, payload: unknown): ApiError {
  if (isErrorBody(payload)) {
    const { code, message, fields } = payload.error;
    return new ApiError(code, message, status, fields ?? {});
  }
  return new ApiError(codeForStatus(status), `The server answered with HTTP ${status}.`, status);
}

function codeForStatus(status: number): ErrorCode {
  switch (status) {
    case 400:
      return 'validation_failed';
    case 401:
      return 'unauthorized';
    case 403:
      return 'forbidden';
    case 404:
      return 'not_found';
    case 409:
      return 'conflict';
    case 413:
      return 'payload_too_large';
    case 415:
      return 'unsupported_media_type';
    default:
      return 'internal';
  }
}
