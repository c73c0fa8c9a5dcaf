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
    handle(toWebRequest(request))
      .then((reply) => writeReply(reply, response))
      .catch((error: unknown) => {
        // Only a broken connection gets here: the core answers every failure of its own.
        if (!response.headersSent) response.writeHead(500);
        response.destroy(error instanceof Error ? error : undefined);
      });
  };
}

function toWebRequest(request: IncomingMessage): Request {
  // The host only completes the URL; the core reads nothing but its path and query.
  const url = new URL(request.url ?? '/', `http://${request.headers.host ?? 'localhost'}`);
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
