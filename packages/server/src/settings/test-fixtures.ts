// Shared set-up for the settings tests: a real SQLite store in memory, the production routes
// behind a stand-in for `authenticate`, and a logger whose lines the tests can search.
// Test-only: nothing in the server imports this module.
import { randomBytes } from 'node:crypto';
import type { DingtalkSystemInput, OtherSystemInput } from '@signoff/contracts';
import { Hono } from 'hono';
import pino from 'pino';
import type { Connector } from '../connectors/types.ts';
import type { AppEnv, AuthUser } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { createSealer } from '../secrets/sealer.ts';
import { openSqliteStore } from '../store/db.ts';
import { migrateToLatest } from '../store/migrate.ts';
import { createSettingsRepository } from './repository.ts';
import { settingsRoutes } from './routes.ts';
import { SettingsService } from './service.ts';

export const PUBLIC_BASE_URL = 'https://signoff.example.com';
export const NOW = Date.UTC(2025, 0, 15, 9, 30);

export const users = {
  superAdmin: { id: 'u-super', name: 'Sun Li', roles: ['super_admin'], groups: [] },
  systemAdmin: { id: 'u-system', name: 'Wang Fang', roles: ['system_admin'], groups: [] },
  securityAdmin: { id: 'u-security', name: 'Zhao Min', roles: ['security_admin'], groups: [] },
  requester: { id: 'u-requester', name: 'Chen Jie', roles: ['requester'], groups: [] },
} satisfies Record<string, AuthUser>;

/** Secrets used across the tests; no reply or log line may contain any of them. */
export const secrets = {
  accessToken: 'at-7c1f0e9b2d4a',
  otherAccessToken: 'at-55aa93e1c0d7',
  encodingAesKey: 'Q1w2E3r4T5y6U7i8O9p0A1s2D3f4G5h6J7k8L9z0X1c',
  otherEncodingAesKey: 'Mn8Bv7Cx6Zl5Kj4Hg3Fd2Sa1Po9Iu8Yt7Re6Wq5Ab4Z',
  appSecret: 'app-secret-93jd02kd',
  dingtalkToken: 'dtTok3n2025',
};

export const ids = {
  other: '11111111-1111-4111-8111-111111111111',
  second: '22222222-2222-4222-8222-222222222222',
  dingtalk: '33333333-3333-4333-8333-333333333333',
};

export function otherInput(overrides: Partial<OtherSystemInput> = {}): OtherSystemInput {
  return {
    id: ids.other,
    kind: 'other',
    name: 'Finance approvals',
    submitUrl: 'https://proxy.example.com/bpms',
    tenantId: 'tenant-0001-aaaa',
    accessToken: secrets.accessToken,
    encodingAesKey: secrets.encodingAesKey,
    ...overrides,
  };
}

export function dingtalkInput(overrides: Partial<DingtalkSystemInput> = {}): DingtalkSystemInput {
  return {
    id: ids.dingtalk,
    kind: 'dingtalk',
    name: 'DingTalk OA',
    apiBaseUrl: 'https://api.dingtalk.com',
    appKey: 'dingappkey01',
    agentId: '123456',
    appSecret: secrets.appSecret,
    token: secrets.dingtalkToken,
    encodingAesKey: secrets.otherEncodingAesKey,
    ...overrides,
  };
}

export interface FixtureOptions {
  connectors?: Partial<Record<'other' | 'dingtalk', Pick<Connector, 'testConnection'>>>;
}

/** A migrated in-memory store, the repository and the service, and the routes in a small app. */
export async function settingsFixture({ connectors = {} }: FixtureOptions = {}) {
  const store = openSqliteStore({ file: ':memory:' });
  await migrateToLatest(store.db);
  const repository = createSettingsRepository({ store, sealer: createSealer(randomBytes(32)) });
  await repository.ensureSettingsRow();
  for (const user of Object.values(users)) {
    await store.db
      .insertInto('users')
      .values({
        id: user.id,
        name: user.name,
        roles: JSON.stringify(user.roles),
        groups: '[]',
        source_user_id: null,
        dingtalk_user_id: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
  }
  const service = new SettingsService({
    repository,
    connectors,
    publicBaseUrl: `${PUBLIC_BASE_URL}/`,
    now: () => NOW,
  });

  const logLines: string[] = [];
  const log = pino({ level: 'info' }, { write: (line: string) => logLines.push(line) });
  const app = new Hono<AppEnv>()
    .use(async (c, next) => {
      // Stands in for `authenticate`: the test names the user in a header.
      const name = (c.req.header('x-test-user') ?? 'superAdmin') as keyof typeof users;
      c.set('user', users[name]);
      c.set('requestId', 'req-test');
      c.set('log', log);
      await next();
    })
    .route('/api/settings', settingsRoutes({ service }));
  app.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    throw error;
  });

  const request = (
    method: string,
    path: string,
    { body, as = 'superAdmin' }: { body?: unknown; as?: keyof typeof users } = {},
  ) =>
    app.request(`/api/settings${path === '/' ? '' : path}`, {
      method,
      headers: { 'content-type': 'application/json', 'x-test-user': as },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });

  return { store, repository, service, app, request, logLines };
}

export type SettingsFixture = Awaited<ReturnType<typeof settingsFixture>>;
