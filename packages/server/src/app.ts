import { THIRD_PARTY_CALLBACK_PATH } from '@signoff/contracts';
import { Hono, type MiddlewareHandler } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { cors } from 'hono/cors';
import { HTTPException } from 'hono/http-exception';
import { requestId } from 'hono/request-id';
import type { Logger } from 'pino';
import type { Catalog } from './catalog/repository.ts';
import { catalogRoutes, ruleRoutes, templateRoutes } from './catalog/routes.ts';
import type { SystemResolver } from './connectors/types.ts';
import type { Directory } from './directory/users.ts';
import type { CallbackEventService } from './engine/callback-events.ts';
import type { RequestService } from './engine/requests.ts';
import { authenticate, type TokenOptions } from './http/auth.ts';
import type { AppEnv } from './http/env.ts';
import { ApiError } from './http/errors.ts';
import { thirdPartyCallbackRoutes } from './routes/callbacks.ts';
import { devRoutes } from './routes/dev.ts';
import { inboxRoutes } from './routes/inbox.ts';
import { requestRoutes } from './routes/requests.ts';
import { sdkRoutes } from './routes/sdk.ts';
import { settingsRoutes } from './settings/routes.ts';
import type { SettingsService } from './settings/service.ts';

/** Largest JSON body any API route accepts; callbacks have a smaller limit of their own. */
export const API_BODY_LIMIT = 256 * 1024;

export interface AppDependencies {
  log: Logger;
  tokens: TokenOptions;
  devSignIn: boolean;
  corsOrigins: string[];
  streamPollMs: number;
  directory: Directory;
  catalog: Catalog;
  settings: SettingsService;
  systems: SystemResolver;
  requests: RequestService;
  callbackEvents: CallbackEventService;
  /** Path of the SDK tarball served at /api/sdk/download. */
  sdkTarball: string;
}

/** Assembles the HTTP API. Routes validate and authorise; the services behind them decide. */
export function createApp(deps: AppDependencies) {
  const { log } = deps;
  const signedIn = authenticate({
    ...deps.tokens,
    onClaims: (claims) => deps.directory.syncFromClaims(claims),
  });
  const guarded = (routes: Hono<AppEnv>) => new Hono<AppEnv>().use(signedIn).route('/', routes);

  const app = new Hono<AppEnv>()
    .use(requestId())
    .use(requestLog(log))
    .use(
      '/api/*',
      cors({ origin: deps.corsOrigins, allowHeaders: ['Authorization', 'Content-Type'] }),
    )
    .use(
      '/api/*',
      bodyLimit({
        maxSize: API_BODY_LIMIT,
        onError: () => {
          throw new ApiError(413, 'payload_too_large', 'The request body is larger than 256 KiB.');
        },
      }),
    )
    .get('/api/health', (c) => c.json({ ok: true }))
    .route(
      THIRD_PARTY_CALLBACK_PATH,
      thirdPartyCallbackRoutes({ systems: deps.systems, events: deps.callbackEvents }),
    )
    // Public: the SDK is open source, and a proxy author may have no Signoff account.
    .route('/api/sdk', sdkRoutes({ tarball: deps.sdkTarball }));

  if (deps.devSignIn) app.route('/api/dev', devRoutes(deps.directory, deps.tokens));

  app
    .route('/api/me', guarded(new Hono<AppEnv>().get('/', (c) => c.json({ user: c.get('user') }))))
    .route('/api/settings', guarded(settingsRoutes({ service: deps.settings })))
    .route('/api/catalog', guarded(catalogRoutes(deps.catalog)))
    .route('/api/templates', guarded(templateRoutes(deps.catalog)))
    .route('/api/rules', guarded(ruleRoutes(deps.catalog)))
    .route(
      '/api/requests',
      guarded(requestRoutes({ requests: deps.requests, streamPollMs: deps.streamPollMs })),
    )
    .route(
      '/api/inbox',
      guarded(inboxRoutes({ requests: deps.requests, streamPollMs: deps.streamPollMs })),
    );

  app.notFound((c) =>
    c.json(
      new ApiError(
        404,
        'not_found',
        `No route for ${c.req.method} ${truncate(c.req.path, 200)}.`,
      ).toBody(),
      404,
    ),
  );
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    if (error instanceof HTTPException && error.status === 400) {
      // Hono's JSON validator throws this for a body that does not parse.
      return c.json(
        new ApiError(400, 'malformed_json', 'The request body is not valid JSON.').toBody(),
        400,
      );
    }
    // Unexpected: logged once here, with the request id, and answered without details.
    c.get('log').error({ err: error }, 'unhandled error');
    return c.json(
      new ApiError(500, 'internal', 'Something went wrong on the server.').toBody(),
      500,
    );
  });
  return app;
}

/** One structured line per request: method, path (never the query), status, duration. */
function requestLog(log: Logger): MiddlewareHandler<AppEnv> {
  return async (c, next) => {
    const started = performance.now();
    // `reqId` names the HTTP exchange; `requestId` in other lines names a permission request.
    const child = log.child({ reqId: c.get('requestId') });
    c.set('log', child);
    await next();
    child.info(
      {
        method: c.req.method,
        path: c.req.path,
        status: c.res.status,
        ms: Math.round((performance.now() - started) * 10) / 10,
      },
      'request',
    );
  };
}

/** Echoing a caller's input is fine; echoing ten kilobytes of it is not. */
function truncate(text: string, max: number): string {
  return text.length > max ? `${text.slice(0, max)}…` : text;
}
