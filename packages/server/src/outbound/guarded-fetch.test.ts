import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { createOutboundClient, OutboundError } from './guarded-fetch.ts';
import { closedPort, type LocalServer, sendJson, startServer } from './test-support.ts';

const token = 'query-secret-4d2e9f';
const loopback = ['127.0.0.1', 'localhost'];

function client(allow: string[] = loopback, timeoutMs = 2000, maxResponseBytes = 4096) {
  return createOutboundClient({ allow, timeoutMs, maxResponseBytes });
}

async function failure(promise: Promise<unknown>): Promise<OutboundError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(OutboundError);
  const outbound = error as OutboundError;
  expect(outbound.message).not.toContain(token);
  return outbound;
}

describe('createOutboundClient', () => {
  const servers: LocalServer[] = [];
  const serve = async (...args: Parameters<typeof startServer>) => {
    const server = await startServer(...args);
    servers.push(server);
    return server;
  };

  afterEach(async () => {
    await Promise.all(servers.splice(0).map((server) => server.close()));
  });

  it('posts JSON with the query added and parses the JSON reply', async () => {
    const server = await serve((_, response) =>
      sendJson(response, 200, { checkResult: 'success' }),
    );

    const reply = await client().postJson(
      `${server.origin}/base/path?keep=1`,
      { a: 1 },
      {
        query: { accessToken: token },
      },
    );

    expect(reply).toMatchObject({ status: 200, body: { checkResult: 'success' } });
    expect(reply.latencyMs).toBeGreaterThanOrEqual(0);
    expect(server.requests[0]).toMatchObject({
      method: 'POST',
      path: '/base/path',
      query: { keep: '1', accessToken: token },
      text: '{"a":1}',
    });
    expect(server.requests[0]?.headers['content-type']).toBe('application/json');
  });

  it('connects to the checked address and keeps the host name in the Host header', async () => {
    const server = await serve((_, response) => sendJson(response, 200, {}));

    await client(['localhost']).getJson(`http://localhost:${server.port}/`);

    expect(server.requests[0]?.headers.host).toBe(`localhost:${server.port}`);
  });

  it('returns a reply that is not JSON as text, with no body', async () => {
    const server = await serve((_, response) => {
      response.end('<html>hello</html>');
    });

    const reply = await client().postJson(server.origin, {});

    expect(reply).toMatchObject({ status: 200, body: undefined, text: '<html>hello</html>' });
  });

  it('refuses a loopback address that the allow-list does not name', async () => {
    const server = await serve((_, response) => sendJson(response, 200, {}));

    const error = await failure(client([]).postJson(`${server.origin}/?accessToken=${token}`, {}));

    expect(error.reason).toBe('blocked_address');
    expect(error.message).toMatch(/^127\.0\.0\.1 is a loopback address/);
    expect(server.requests).toHaveLength(0);
  });

  it('refuses a host name that resolves to a loopback address', async () => {
    const server = await serve((_, response) => sendJson(response, 200, {}));

    const error = await failure(client([]).postJson(`http://localhost:${server.port}/`, {}));

    expect(error.reason).toBe('blocked_address');
    expect(error.message).toMatch(/^localhost resolves to .+, which is a loopback address/);
  });

  it('allows a loopback address named with its port', async () => {
    const server = await serve((_, response) => sendJson(response, 200, { ok: true }));

    const reply = await client([`127.0.0.1:${server.port}`]).postJson(server.origin, {});

    expect(reply.body).toEqual({ ok: true });
  });

  it('still refuses the same host on a port the allow-list does not name', async () => {
    const server = await serve((_, response) => sendJson(response, 200, {}));

    const error = await failure(
      client([`127.0.0.1:${server.port + 1}`]).postJson(server.origin, {}),
    );

    expect(error.reason).toBe('blocked_address');
  });

  it('reports a closed port as refused', async () => {
    const port = await closedPort();

    const error = await failure(
      client().postJson(`http://127.0.0.1:${port}/x`, {}, { query: { accessToken: token } }),
    );

    expect(error.reason).toBe('refused');
    expect(error.message).toBe(
      `127.0.0.1:${port} refused the connection: nothing listens there, or a firewall rejects it.`,
    );
  });

  it('gives up on a listener that never answers', async () => {
    const server = await serve(() => {
      // Never answers.
    });
    const started = Date.now();

    const error = await failure(client(loopback, 300).postJson(server.origin, {}));

    expect(error.reason).toBe('timeout');
    expect(error.message).toBe('127.0.0.1 did not answer within 300 ms.');
    expect(Date.now() - started).toBeLessThan(2000);
  });

  it('reports a name that does not resolve as a DNS failure', async () => {
    const error = await failure(
      client().postJson('https://no-such-host.invalid/x', {}, { query: { accessToken: token } }),
    );

    expect(error.reason).toBe('dns');
    expect(error.message).toMatch(/^The host name no-such-host\.invalid could not be resolved/);
  });

  it('reports a redirect without following it', async () => {
    const elsewhere = await serve((_, response) => sendJson(response, 200, {}));
    const server = await serve((_, response) => {
      response.writeHead(302, { location: `${elsewhere.origin}/moved?secret=1` });
      response.end();
    });

    const reply = await client().postJson(server.origin, {});

    expect(reply.status).toBe(302);
    expect(reply.location).toBe(`${elsewhere.origin}/moved`);
    expect(elsewhere.requests).toHaveLength(0);
  });

  it('stops reading a reply past the size limit', async () => {
    const server = await serve((_, response) => {
      response.writeHead(200, { 'content-type': 'application/json' });
      response.end(`"${'x'.repeat(10_000)}"`);
    });

    const error = await failure(client(loopback, 2000, 1000).postJson(server.origin, {}));

    expect(error.reason).toBe('unexpected_reply');
    expect(error.message).toBe(
      'The reply from 127.0.0.1 is larger than 1000 bytes; reading stopped there.',
    );
  });

  it('refuses addresses that are not http or https', async () => {
    const notUrl = await failure(client().postJson('api.example.com/x', {}));
    const ftp = await failure(client().postJson('ftp://example.com/x', {}));

    expect(notUrl.reason).toBe('invalid_url');
    expect(ftp.reason).toBe('invalid_url');
    expect(ftp.message).toBe('The address must start with http:// or https://, not ftp://.');
  });

  describe('over TLS', () => {
    let folder: string;
    let tls: { key: string; cert: string };

    beforeAll(() => {
      folder = mkdtempSync(join(tmpdir(), 'signoff-tls-'));
      execFileSync(
        'openssl',
        [
          'req',
          '-x509',
          '-newkey',
          'rsa:2048',
          '-nodes',
          '-days',
          '1',
          '-subj',
          '/CN=localhost',
          '-keyout',
          join(folder, 'key.pem'),
          '-out',
          join(folder, 'cert.pem'),
        ],
        { stdio: 'ignore' },
      );
      tls = {
        key: readFileSync(join(folder, 'key.pem'), 'utf8'),
        cert: readFileSync(join(folder, 'cert.pem'), 'utf8'),
      };
    });
    afterAll(() => rmSync(folder, { recursive: true, force: true }));

    it('refuses a self-signed certificate', async () => {
      const server = await serve((_, response) => sendJson(response, 200, {}), tls);

      const error = await failure(
        client().postJson(
          `https://localhost:${server.port}/`,
          {},
          { query: { accessToken: token } },
        ),
      );

      expect(error.reason).toBe('tls');
      expect(error.message).toBe(
        'The secure connection to localhost failed: its certificate is self-signed.',
      );
      expect(server.requests).toHaveLength(0);
    });

    it('reports https to a plain http port as a TLS failure', async () => {
      const server = await serve((_, response) => sendJson(response, 200, {}));

      const error = await failure(client().postJson(`https://127.0.0.1:${server.port}/`, {}));

      expect(error.reason).toBe('tls');
    });
  });
});
