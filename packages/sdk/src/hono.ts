// `@signoff/sdk/hono`: the proxy as a Hono app. The only module of the SDK that imports Hono,
// which stays an optional peer dependency: proxies on other stacks never load it.

import { Hono } from 'hono';
import { createProxyRoutes, type ProxyOptions } from './proxy.ts';

/**
 * The four calls of the third-party contract as a Hono app. Serve it as it is
 * (`export default signoffProxy(options)`), or mount it beside your own routes:
 * `app.route('/approvals', signoffProxy(options))` serves the calls under `/approvals`. Give
 * `basePath` only when serving the app itself under a prefix, not when mounting it.
 */
export function signoffProxy(options: ProxyOptions): Hono {
  const app = new Hono();
  for (const [path, handle] of createProxyRoutes(options)) {
    // `all`, so the core answers 405 to other methods; `raw` is the untouched WHATWG request.
    app.all(path, (c) => handle(c.req.raw));
  }
  // Served on its own, a path outside the contract answers like the core does. (Mounted with
  // `app.route`, the host app's own not-found handler applies instead.)
  app.notFound((c) =>
    c.json(
      {
        success: false,
        code: 'NOT_FOUND',
        message: 'No call of the Signoff contract is served here.',
      },
      404,
    ),
  );
  return app;
}
