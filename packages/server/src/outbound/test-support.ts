// Real local listeners for tests whose subject is the network itself. Test-only: nothing in the
// server imports this module.
import http from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

/** One request as a listener received it. */
export interface CapturedRequest {
  method: string;
  path: string;
  query: Record<string, string>;
  headers: http.IncomingHttpHeaders;
  text: string;
}

export interface LocalServer {
  /** `http://127.0.0.1:<port>` (or https). */
  origin: string;
  port: number;
  requests: CapturedRequest[];
  close(): Promise<void>;
}

export type Handler = (
  request: CapturedRequest,
  response: http.ServerResponse,
) => void | Promise<void>;

/** Starts a listener on 127.0.0.1, port 0, that records every request before handing it on. */
export async function startServer(
  handler: Handler,
  tls?: { key: string; cert: string },
): Promise<LocalServer> {
  const requests: CapturedRequest[] = [];
  const onRequest: http.RequestListener = (incoming, response) => {
    const chunks: Buffer[] = [];
    incoming.on('data', (chunk: Buffer) => chunks.push(chunk));
    incoming.on('end', () => {
      const url = new URL(incoming.url ?? '/', 'http://local');
      const captured: CapturedRequest = {
        method: incoming.method ?? '',
        path: url.pathname,
        query: Object.fromEntries(url.searchParams),
        headers: incoming.headers,
        text: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(captured);
      void handler(captured, response);
    });
  };
  const server = tls ? https.createServer(tls, onRequest) : http.createServer(onRequest);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    origin: `${tls ? 'https' : 'http'}://127.0.0.1:${port}`,
    port,
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** Answers with JSON. */
export function sendJson(response: http.ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json' });
  response.end(text);
}

/** A port that was just free and has nothing listening on it: connections are refused. */
export async function closedPort(): Promise<number> {
  const server = http.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}
