// The calls Signoff makes to a proxy, served over the WHATWG `Request` and `Response` that Node 20,
// Deno, Bun, edge runtimes and Hono share. This core checks access, reads and validates bodies and
// shapes every reply; the adapters (`./hono.ts`, `./node.ts`) only carry requests to it, and the
// proxy author writes nothing but the handlers that talk to their approval system.

import type { z } from 'zod';
import { DEFAULT_TIMESTAMP_WINDOW_MS, verifyProxyCall } from './access.ts';
import { nonNegativeOption } from './options.ts';
import {
  CONNECT_SUCCESS,
  type ConnectReply,
  type ConnectRequest,
  connectRequestSchema,
  type GetReply,
  type GetRequest,
  getRequestSchema,
  MAX_THIRD_PARTY_REQUEST_BYTES,
  type SubmitContent,
  type SubmitRequest,
  submitContentSchema,
  submitReplySchema,
  submitRequestSchema,
  type TerminateReply,
  type TerminateRequest,
  THIRD_PARTY_PATHS,
  terminateRequestSchema,
} from './third-party.ts';

/** A submit the approval system accepted: the id of its approval instance. */
export interface SubmitAccepted {
  processInstanceId: string;
}

/** A submit the approval system did not accept, and whether Signoff should send it again. */
export interface SubmitDeclined {
  success: false;
  /** A short, stable code of the proxy's choosing, such as `UNKNOWN_APPROVER`. */
  code: string;
  /** What went wrong, for the admin who reads the request's dispatch error. */
  message: string;
  /** True when the same submit may pass later (a busy backend); false when it never will. */
  retryable: boolean;
}

/** What a proxy does with each call; only `submit` is required. */
export interface ProxyHandlers {
  /**
   * Creates an approval instance, or returns the existing one when `request.applyId` was seen
   * before: Signoff resends a submit after a crash or a lost reply and expects the same instance.
   * `content` is `request.content` parsed and validated.
   */
  submit(request: SubmitRequest, content: SubmitContent): Promise<SubmitAccepted | SubmitDeclined>;
  /**
   * Checks what the connection test should check (the approval system's reachability, say).
   * Without it, every authorised connection test passes. Only `checkResult: 'success'` passes;
   * any other value is shown to the admin as the reason.
   */
  connect?(request: ConnectRequest): Promise<ConnectReply> | ConnectReply;
  /** Reports an instance's state, for reconciliation. Without it the call answers 404. */
  get?(request: GetRequest): Promise<GetReply>;
  /** Cancels an instance, for a revoke in Signoff. Without it the call answers 404. */
  terminate?(request: TerminateRequest): Promise<TerminateReply>;
}

/** Options of {@link createProxyHandler}. */
export interface ProxyOptions {
  /** The Access Token configured for this proxy in Signoff's settings. */
  accessToken: string;
  handlers: ProxyHandlers;
  /** How far a call's timestamp may be from this machine's clock; defaults to five minutes. */
  timestampWindowMs?: number;
  /** Largest request body accepted; defaults to `MAX_THIRD_PARTY_REQUEST_BYTES` (256 KiB). */
  bodyLimitBytes?: number;
  /**
   * Path prefix the four calls live under: the path of the Submit Approval Request URL entered in
   * Signoff, such as `/approvals` for `https://proxy.example.com/approvals`. Defaults to none.
   */
  basePath?: string;
  /** Receives an error a handler threw; the call answers 500. Defaults to `console.error`. */
  onError?: (error: unknown, request: Request) => void;
  /** The current time in milliseconds, for the timestamp check; tests fix it. */
  now?: () => number;
}

/** Serves one call: a WHATWG request in, a response out. Never rejects. */
export type ProxyHandler = (request: Request) => Promise<Response>;

/** Codes of the error replies the SDK itself sends, besides the 401 refusals. */
export type ProxyErrorCode =
  | 'MALFORMED_JSON'
  | 'INVALID_REQUEST'
  | 'PAYLOAD_TOO_LARGE'
  | 'METHOD_NOT_ALLOWED'
  | 'NOT_FOUND'
  | 'NOT_SERVED'
  | 'PROXY_ERROR';

/**
 * The four calls as routes: each path of `THIRD_PARTY_PATHS` (under `basePath`) with the handler
 * that serves it. Optional calls without a handler answer 404 `NOT_SERVED`, which Signoff reads
 * as "this proxy does not serve it". For mounting on a router; most proxies want
 * {@link createProxyHandler} or an adapter instead.
 */
export function createProxyRoutes(options: ProxyOptions): Map<string, ProxyHandler> {
  // An empty token would admit every caller who sends an empty one.
  if (!options.accessToken) throw new TypeError('the Signoff proxy needs an accessToken');
  const { handlers } = options;
  const base = normaliseBasePath(options.basePath);
  const call = callRunner(options);

  const routes: Array<[string, ProxyHandler]> = [
    [
      THIRD_PARTY_PATHS.connect,
      call(connectRequestSchema, async (body) => {
        const reply = handlers.connect ? await handlers.connect(body) : undefined;
        return json(200, reply ?? { checkResult: CONNECT_SUCCESS });
      }),
    ],
    [
      THIRD_PARTY_PATHS.create,
      call(submitRequestSchema, async (body) => {
        const content = parseContent(body.content);
        if (!content.ok) return content.response;
        const outcome = checkSubmitOutcome(await handlers.submit(body, content.value));
        if (isDeclined(outcome)) {
          // HTTP 200: the call worked, the approval system declined. `retryable` tells Signoff.
          const { code, message, retryable } = outcome;
          return json(200, { success: false, code, message, retryable });
        }
        const { processInstanceId } = outcome;
        return json(200, { success: true, processInstanceId });
      }),
    ],
    [THIRD_PARTY_PATHS.get, optional(handlers.get, call, getRequestSchema)],
    [THIRD_PARTY_PATHS.terminate, optional(handlers.terminate, call, terminateRequestSchema)],
  ];
  return new Map(routes.map(([path, handler]) => [`${base}${path}`, handler]));
}

/**
 * A handler for all four calls of the third-party contract, for any runtime with WHATWG `Request`
 * and `Response`. Other paths answer 404 `NOT_FOUND`; a known path asked with another method
 * than POST answers 405. See docs/third-party-contract.md for the calls and their replies.
 */
export function createProxyHandler(options: ProxyOptions): ProxyHandler {
  const routes = createProxyRoutes(options);
  return async (request) => {
    const route = routes.get(new URL(request.url).pathname);
    if (!route) return error(404, 'NOT_FOUND', 'No call of the Signoff contract is served here.');
    return route(request);
  };
}

/**
 * Wraps a call's logic in the steps every call shares, in this order: method, access (token, then
 * timestamp), body size, JSON, schema. The logic sees only a validated body.
 */
function callRunner(options: ProxyOptions) {
  const limit = nonNegativeOption(
    'bodyLimitBytes',
    options.bodyLimitBytes,
    MAX_THIRD_PARTY_REQUEST_BYTES,
    true,
  );
  const windowMs = nonNegativeOption(
    'timestampWindowMs',
    options.timestampWindowMs,
    DEFAULT_TIMESTAMP_WINDOW_MS,
  );
  const now = options.now ?? Date.now;
  const onError = options.onError ?? ((caught: unknown) => console.error(caught));

  return <T>(schema: z.ZodType<T>, logic: (body: T) => Promise<Response>): ProxyHandler =>
    async (request) => {
      if (request.method !== 'POST') {
        return error(405, 'METHOD_NOT_ALLOWED', 'Signoff calls this path with POST.', {
          allow: 'POST',
        });
      }
      const query = new URL(request.url).searchParams;
      const verdict = verifyProxyCall({
        accessToken: options.accessToken,
        query: { accessToken: query.get('accessToken'), timestamp: query.get('timestamp') },
        now: now(),
        windowMs,
      });
      if (!verdict.ok) {
        return json(401, { success: false, code: verdict.code, message: verdict.message });
      }

      // A client that goes away mid-body makes the read throw; nobody is left to read a reply.
      const text = await readText(request, limit).catch(() => null);
      if (text === null) {
        return error(400, 'INVALID_REQUEST', 'The request body could not be read.');
      }
      if (text === undefined) {
        return error(413, 'PAYLOAD_TOO_LARGE', `The request body is larger than ${limit} bytes.`);
      }
      let raw: unknown;
      try {
        raw = JSON.parse(text);
      } catch {
        return error(400, 'MALFORMED_JSON', 'The request body is not valid JSON.');
      }
      const parsed = schema.safeParse(raw);
      if (!parsed.success) return error(400, 'INVALID_REQUEST', describeIssues(parsed.error));

      try {
        return await logic(parsed.data);
      } catch (caught) {
        try {
          onError(caught, request);
        } catch {
          // A failing error reporter must not take the reply down with it.
        }
        // The error itself stays in the proxy's log: its message may hold internal details.
        // A handler's malformed reply is a bug that a resend would only repeat.
        const bug = caught instanceof HandlerReplyError;
        return json(500, {
          success: false,
          code: 'PROXY_ERROR',
          message: bug
            ? 'The submit handler returned a reply that breaks the contract; see the proxy log.'
            : 'The proxy failed to handle the call; its log has the details.',
          retryable: !bug,
        });
      }
    };
}

/** An optional call: served by its handler, or a 404 that tells Signoff it is not served. */
function optional<T, R>(
  handler: ((body: T) => Promise<R>) | undefined,
  call: ReturnType<typeof callRunner>,
  schema: z.ZodType<T>,
): ProxyHandler {
  if (!handler) {
    return async () => error(404, 'NOT_SERVED', 'This proxy does not serve this optional call.');
  }
  return call(schema, async (body) => json(200, await handler(body)));
}

function parseContent(
  content: string,
): { ok: true; value: SubmitContent } | { ok: false; response: Response } {
  let raw: unknown;
  try {
    raw = JSON.parse(content);
  } catch {
    return {
      ok: false,
      response: error(400, 'INVALID_REQUEST', 'content: must be a JSON string of an object'),
    };
  }
  const parsed = submitContentSchema.safeParse(raw);
  if (parsed.success) return { ok: true, value: parsed.data };
  const message = describeIssues(parsed.error, 'content');
  return { ok: false, response: error(400, 'INVALID_REQUEST', message) };
}

/**
 * Reads a body as UTF-8 text, stopping as soon as it passes `limit` bytes, so an oversized body
 * is never held in memory. Returns `undefined` past the limit.
 */
async function readText(request: Request, limit: number): Promise<string | undefined> {
  const declared = Number(request.headers.get('content-length') ?? Number.NaN);
  if (declared > limit) return undefined;
  if (!request.body) return '';

  const reader = request.body.getReader();
  const chunks: Uint8Array[] = [];
  let size = 0;
  for (;;) {
    const { done, value } = await reader.read();
    if (done) break;
    size += value.byteLength;
    if (size > limit) {
      await reader.cancel();
      return undefined;
    }
    chunks.push(value);
  }
  const bytes = new Uint8Array(size);
  let offset = 0;
  for (const chunk of chunks) {
    bytes.set(chunk, offset);
    offset += chunk.byteLength;
  }
  return new TextDecoder().decode(bytes);
}

/** One clause per problem, each naming its field: `applyUserInfo.userName: expected string`. */
function describeIssues(failure: z.ZodError, prefix?: string): string {
  return failure.issues
    .map((issue) => {
      const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
      return `${path || 'body'}: ${issue.message}`;
    })
    .join('; ');
}

function normaliseBasePath(basePath = ''): string {
  const trimmed = basePath.replace(/\/+$/, '');
  if (trimmed === '') return '';
  return trimmed.startsWith('/') ? trimmed : `/${trimmed}`;
}

/** A submit handler's reply that breaks the contract: a bug in the proxy, not an outage. */
class HandlerReplyError extends TypeError {
  override name = 'HandlerReplyError';
}

/**
 * Holds a handler's reply to the schema Signoff reads it with, plus a boolean `retryable` on a
 * refusal, so the proxy never answers what Signoff (or its own callback client) would refuse.
 */
function checkSubmitOutcome(outcome: unknown): SubmitAccepted | SubmitDeclined {
  const candidate =
    typeof outcome === 'object' && outcome !== null && !('success' in outcome)
      ? { ...outcome, success: true }
      : outcome;
  const parsed = submitReplySchema.safeParse(candidate);
  const problems = parsed.success ? [] : describeIssues(parsed.error, 'reply').split('; ');
  if (parsed.success && !parsed.data.success && typeof parsed.data.retryable !== 'boolean') {
    problems.push('reply.retryable: must be a boolean on a refusal');
  }
  if (problems.length > 0) {
    throw new HandlerReplyError(
      `handlers.submit returned an invalid reply: ${problems.join('; ')}`,
    );
  }
  return outcome as SubmitAccepted | SubmitDeclined;
}

function isDeclined(outcome: SubmitAccepted | SubmitDeclined): outcome is SubmitDeclined {
  return (outcome as Partial<SubmitDeclined>).success === false;
}

function json(status: number, body: unknown, headers?: Record<string, string>): Response {
  return Response.json(body, { status, headers });
}

function error(
  status: number,
  code: ProxyErrorCode,
  message: string,
  headers?: Record<string, string>,
): Response {
  return json(status, { success: false, code, message }, headers);
}
