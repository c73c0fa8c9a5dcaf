// The composition root: builds every part of the server from a validated configuration. Tests
// and main.ts both start Signoff through here, so what is tested is what runs.
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { type ServerType, serve } from '@hono/node-server';
import type { Logger } from 'pino';
import { createApp } from './app.ts';
import { Catalog } from './catalog/repository.ts';
import { seedCatalog } from './catalog/seed.ts';
import type { ServerConfig } from './config.ts';
import { builtinConnector } from './connectors/builtin.ts';
import { ConnectorRegistry } from './connectors/registry.ts';
import { createThirdPartyConnector } from './connectors/third-party.ts';
import { seedDemoUsers } from './directory/seed.ts';
import { Directory } from './directory/users.ts';
import { CallbackEventService } from './engine/callback-events.ts';
import { RequestService } from './engine/requests.ts';
import type { TokenOptions } from './http/auth.ts';
import { keySetFetcher, RemoteKeySet } from './http/jwks.ts';
import { createLogger } from './logger.ts';
import { createOutboundClient } from './outbound/guarded-fetch.ts';
import { OutboxWorker } from './outbox/worker.ts';
import { createSealer, loadOrCreateKey, loadOrCreateSecretsKey } from './secrets/sealer.ts';
import { createSettingsRepository } from './settings/repository.ts';
import { SettingsService } from './settings/service.ts';
import { openSqliteStore, type Store } from './store/db.ts';
import { migrateToLatest } from './store/migrate.ts';

export interface Signoff {
  app: ReturnType<typeof createApp>;
  store: Store;
  worker: OutboxWorker;
  tokens: TokenOptions;
  log: Logger;
  /** Listens on the configured host and port and starts the outbox worker. */
  listen(): Promise<{ url: string; server: ServerType }>;
  /** Stops the worker, then the HTTP server, then closes the store. */
  close(): Promise<void>;
}

export async function createSignoff(config: ServerConfig, log = createLogger(config.logLevel)) {
  await mkdir(config.dataDir, { recursive: true });

  const secretsKey = await loadOrCreateSecretsKey({
    configured: config.secretsKey,
    dataDir: config.dataDir,
  });
  if (secretsKey.generated) {
    log.warn(
      { path: secretsKey.path },
      'generated a key that seals approval-system secrets; back it up, or set SECRETS_KEY',
    );
  }
  const tokens = await tokenOptions(config, log);

  const store = openSqliteStore({ file: join(config.dataDir, 'signoff.db') });
  await migrateToLatest(store.db);
  const systems = createSettingsRepository({ store, sealer: createSealer(secretsKey.key) });
  await systems.ensureSettingsRow();
  await seedCatalog(store);
  // Demo users exist only where the development sign-in can use them.
  if (config.devSignIn) await seedDemoUsers(store.db);

  const outbound = createOutboundClient(config.outbound);
  const thirdParty = createThirdPartyConnector({ outbound });
  const connectors = new ConnectorRegistry().register(builtinConnector).register(thirdParty);

  const requests = new RequestService({ store, log });
  const worker = new OutboxWorker({
    store,
    connectors,
    systems,
    log,
    options: config.worker,
  });
  const app = createApp({
    log,
    tokens,
    devSignIn: config.devSignIn,
    corsOrigins: config.corsOrigins,
    streamPollMs: 500,
    directory: new Directory(store.db),
    catalog: new Catalog(store),
    settings: new SettingsService({
      repository: systems,
      connectors: { other: thirdParty },
      publicBaseUrl: config.publicBaseUrl,
    }),
    systems,
    requests,
    callbackEvents: new CallbackEventService({ store, log }),
    sdkTarball: config.sdkTarball,
  });

  let server: ServerType | null = null;
  const signoff: Signoff = {
    app,
    store,
    worker,
    tokens,
    log,
    listen: () =>
      new Promise((resolve) => {
        server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }, (info) => {
          worker.start();
          resolve({ url: `http://${config.host}:${info.port}`, server: server! });
        });
      }),
    async close() {
      await worker.stop();
      const listening = server as ServerType | null;
      if (listening) {
        // Live streams never end by themselves; drop them so close() can finish.
        if ('closeAllConnections' in listening) listening.closeAllConnections();
        await new Promise<void>((resolve) => listening.close(() => resolve()));
      }
      await store.close();
    },
  };
  return signoff;
}

/** How bearer tokens are checked: the HS256 secret, the host's key set, or both. */
async function tokenOptions(config: ServerConfig, log: Logger): Promise<TokenOptions> {
  const { issuer, audience, hs256, jwks } = config.auth;
  let secret: string | undefined;
  if (hs256 === 'generated') secret = await generatedTokenSecret(config, log);
  else if (hs256 !== 'off') secret = hs256.secret;
  // Logged without credentials or a query string, which a key set URL could carry.
  const jwksAt = jwks && `${new URL(jwks.url).origin}${new URL(jwks.url).pathname}`;

  // Fetched when the first token needs it, so a host that is not up yet does not stop a start.
  const keySet = jwks
    ? new RemoteKeySet({
        fetchKeySet: keySetFetcher(jwks.url, jwks.timeoutMs),
        maxAgeMs: jwks.maxAgeMs,
        cooldownMs: jwks.cooldownMs,
        log: log.child({ jwksUrl: jwksAt }),
      })
    : undefined;

  log.info({ hs256: secret !== undefined, jwksUrl: jwksAt }, 'bearer tokens accepted');
  return { issuer, audience, secret, keySet };
}

async function generatedTokenSecret(config: ServerConfig, log: Logger): Promise<string> {
  const key = await loadOrCreateKey({
    dataDir: config.dataDir,
    fileName: 'auth.key',
    variable: 'AUTH_HS256_SECRET',
  });
  if (key.generated) {
    log.warn(
      { path: key.path },
      'generated the secret that signs bearer tokens; set AUTH_HS256_SECRET to share it with your host',
    );
  }
  return Buffer.from(key.key).toString('base64');
}
