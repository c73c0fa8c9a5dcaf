// `@signoff/sdk/node`: the proxy on Node's own `http` module, for proxies that want no framework.
// It converts between Node's request and response objects and the WHATWG ones of the core.

import type { IncomingMessage, ServerResponse } from 'node:http';
import { createProxyHandler, type ProxyOptions } from './proxy.ts';

/** A `node:http` request listener, for `http.createServer(listener)`. */
export type ProxyListener = (request: IncomingMessage, response: ServerResponse) => void;

/**
 * Serves the third-party contract on `node:http` (or `https`): pass the result to
 * `createServer`. Paths other than the four calls answer 404 JSON; to serve more on the same
 * port, call the listener from your own for the paths under `basePath` only.
 */
export function createProxyListener(options: ProxyOptions): ProxyListener {
  const handle = createProxyHandler(options);
  return (request, response) => {
    let webRequest: Request;
    try {
      webRequest = toWebRequest(request);
    } catch {
      // A request target the WHATWG URL parser refuses; the core never saw it.
      writeError(response, 400, 'INVALID_REQUEST', 'The request target is not a valid path.');
      return;
    }
    handle(webRequest)
      .then((reply) => writeReply(reply, response))
      .catch(() => {
        // The core answers its own failures, so this is a fault of the adapter or the socket.
        writeError(response, 500, 'PROXY_ERROR', 'The proxy failed to handle the call.');
      });
  };
}

/**
 * Converts a Node request to a WHATWG one. The URL is built on a fixed origin from the request
 * target alone: the core routes on path and query, and the Host header is whatever the client
 * sent, so parsing it would let one malformed header throw.
 */
function toWebRequest(request: IncomingMessage): Request {
  const url = new URL(requestPath(request.url));
  const headers = new Headers();
  for (const [name, value] of Object.entries(request.headers)) {
    if (value === undefined) continue;
    for (const item of Array.isArray(value) ? value : [value]) headers.append(name, item);
  }
  const method = request.method ?? 'GET';
  const hasBody = method !== 'GET' && method !== 'HEAD';
  return new Request(url, {
    method,
    headers,
    body: hasBody ? bodyStream(request) : undefined,
    // Required by Node's fetch for a streamed body.
    duplex: 'half',
  } as RequestInit);
}

const FIXED_ORIGIN = 'http://signoff-proxy.invalid';

/**
 * The path and query of a request target. An origin-form target (`/x?y`) is kept as it is, even
 * when it starts with `//`; an absolute-form one (`http://host/x`) gives up its origin.
 */
function requestPath(target = '/'): string {
  if (target.startsWith('/')) return `${FIXED_ORIGIN}${target}`;
  const absolute = new URL(target);
  return `${FIXED_ORIGIN}${absolute.pathname}${absolute.search}`;
}

/**
 * The request body as a web stream. Unlike `Readable.toWeb`, cancelling it (as the core does past
 * the body limit) leaves the socket open: Node discards the rest of the body after the reply, so
 * the client still reads the 413.
 */
function bodyStream(request: IncomingMessage): ReadableStream<Uint8Array> {
  // Set once the core stops reading; events after that must not touch the closed controller.
  let cancelled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      request.on('data', (chunk: Buffer) => {
        if (cancelled) return;
        controller.enqueue(new Uint8Array(chunk.buffer, chunk.byteOffset, chunk.byteLength));
        if ((controller.desiredSize ?? 0) <= 0) request.pause();
      });
      request.once('end', () => {
        if (!cancelled) controller.close();
      });
      request.once('error', (error) => {
        if (!cancelled) controller.error(error);
      });
    },
    pull() {
      request.resume();
    },
    cancel() {
      cancelled = true;
      request.resume();
    },
  });
}

/** Answers a JSON error, or drops the connection when a reply has already begun. */
function writeError(response: ServerResponse, status: number, code: string, message: string) {
  try {
    if (response.headersSent) {
      response.destroy();
      return;
    }
    const body = Buffer.from(JSON.stringify({ success: false, code, message }));
    response.writeHead(status, {
      'content-type': 'application/json',
      'content-length': String(body.length),
    });
    response.end(body);
  } catch {
    // Nothing is left to answer on: the socket is gone. Throwing here would end the process.
    response.destroy();
  }
}

async function writeReply(reply: Response, response: ServerResponse): Promise<void> {
  // Replies are small JSON documents, so buffering them costs nothing and sets content-length.
  const body = Buffer.from(await reply.arrayBuffer());
  const headers: Record<string, string> = {};
  reply.headers.forEach((value, name) => {
    headers[name] = value;
  });
  response.writeHead(reply.status, { ...headers, 'content-length': String(body.length) });
  response.end(body);
}
