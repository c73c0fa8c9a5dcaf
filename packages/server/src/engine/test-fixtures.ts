// Seeds for the engine and outbox tests: a migrated SQLite store and the rows each test needs,
// written straight through kysely so that tests do not depend on the code they check.
import { fork } from 'node:child_process';
import { once } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { RequestState, RuleAction, RuleMatch } from '@signoff/contracts';
import pino from 'pino';
import type { AuthUser } from '../http/env.ts';
import { type Db, openSqliteStore, type Store } from '../store/db.ts';
import { migrateToLatest } from '../store/migrate.ts';
import type { SystemRowStatus } from '../store/schema.ts';
import type { RaceCall } from './race-child.ts';

export const silentLog = pino({ level: 'silent' });

/** 2025-01-15 12:00 UTC. */
export const T0 = Date.UTC(2025, 0, 15, 12);

/** A clock that moves only when told to. */
export function testClock(start = T0) {
  let now = start;
  return {
    now: () => now,
    advance(ms: number) {
      now += ms;
    },
  };
}

export async function openTestStore(file = ':memory:'): Promise<Store> {
  const store = openSqliteStore({ file });
  await migrateToLatest(store.db);
  return store;
}

/** A database file in a fresh temporary folder, for tests that open it twice. */
export function tempDatabaseFile(): { file: string; remove(): void } {
  const dir = mkdtempSync(join(tmpdir(), 'signoff-engine-'));
  return { file: join(dir, 'signoff.db'), remove: () => rmSync(dir, { recursive: true }) };
}

export const requester: AuthUser = {
  id: 'rita',
  name: 'Rita Alvarez',
  roles: ['requester'],
  groups: [],
};
export const otherRequester: AuthUser = {
  id: 'omar',
  name: 'Omar Haddad',
  roles: ['requester'],
  groups: [],
};
export const systemAdmin: AuthUser = {
  id: 'sam',
  name: 'Sam Okafor',
  roles: ['system_admin'],
  groups: [],
};
export const securityAdmin: AuthUser = {
  id: 'sara',
  name: 'Sara Lindqvist',
  roles: ['security_admin'],
  groups: [],
};

const people = [
  { user: requester, sourceUserId: 'src-rita', dingtalkUserId: 'dt-rita' },
  { user: otherRequester, sourceUserId: null, dingtalkUserId: null },
  { user: systemAdmin, sourceUserId: 'src-sam', dingtalkUserId: null },
  { user: securityAdmin, sourceUserId: null, dingtalkUserId: null },
  {
    user: { id: 'aaron', name: 'Aaron Patel', roles: ['approver'], groups: [] },
    sourceUserId: 'src-aaron',
    dingtalkUserId: 'dt-aaron',
  },
  {
    user: { id: 'bea', name: 'Bea Novak', roles: ['approver'], groups: [] },
    sourceUserId: null,
    dingtalkUserId: null,
  },
] as const;

export async function seedUsers(db: Db): Promise<void> {
  await db
    .insertInto('users')
    .values(
      people.map(({ user, sourceUserId, dingtalkUserId }) => ({
        id: user.id,
        name: user.name,
        roles: JSON.stringify(user.roles),
        groups: '[]',
        source_user_id: sourceUserId,
        dingtalk_user_id: dingtalkUserId,
        created_at: T0,
        updated_at: T0,
      })),
    )
    .execute();
}

/** Adds a person to the directory, or replaces their roles and groups. */
export async function seedPerson(db: Db, user: AuthUser): Promise<void> {
  const values = {
    name: user.name,
    roles: JSON.stringify([...user.roles].sort()),
    groups: JSON.stringify([...user.groups].sort()),
    updated_at: T0,
  };
  await db
    .insertInto('users')
    .values({
      id: user.id,
      ...values,
      source_user_id: null,
      dingtalk_user_id: null,
      created_at: T0,
    })
    .onConflict((oc) => oc.column('id').doUpdateSet(values))
    .execute();
}

export async function seedSettings(
  db: Db,
  settings: { version: number; externalEnabled: boolean; defaultSystemId: string },
): Promise<void> {
  await db
    .insertInto('settings')
    .values({
      id: 1,
      version: settings.version,
      external_enabled: settings.externalEnabled ? 1 : 0,
      default_system_id: settings.defaultSystemId,
      updated_at: T0,
      updated_by: 'sam',
    })
    .execute();
}

export async function seedSystem(
  db: Db,
  system: { id: string; name: string; kind?: 'other' | 'dingtalk'; status?: SystemRowStatus },
): Promise<void> {
  await db
    .insertInto('systems')
    .values({
      id: system.id,
      kind: system.kind ?? 'other',
      name: system.name,
      status: system.status ?? 'active',
      config: '{}',
      secrets: 'sealed',
      tenant_id: null,
      created_at: T0,
      updated_at: T0,
      retired_at: null,
    })
    .execute();
}

export const asset = {
  id: 'finance.ledger',
  name: 'General ledger',
  type: 'table',
  sensitivity: 'L3',
  project: 'finance',
  environment: 'prod',
} as const;

export async function seedAsset(db: Db, values: Partial<typeof asset> = {}): Promise<void> {
  await db
    .insertInto('assets')
    .values({ ...asset, ...values, created_at: T0, updated_at: T0 })
    .execute();
}

export async function seedTemplate(
  db: Db,
  template: {
    id: string;
    systemRef: string;
    nodes?: Array<{ mode: 'OR' | 'AND'; approverIds: string[] }>;
    builtIn?: boolean;
    templateCode?: string;
    processCode?: string;
  },
): Promise<void> {
  await db
    .insertInto('templates')
    .values({
      id: template.id,
      name: `Template ${template.id}`,
      system_ref: template.systemRef,
      template_code: template.templateCode ?? '',
      process_code: template.processCode ?? '',
      nodes: JSON.stringify(template.nodes ?? []),
      built_in: template.builtIn ? 1 : 0,
      created_at: T0,
      updated_at: T0,
    })
    .execute();
}

/** Replaces the rules: `rules` in order, then the default rule. */
export async function seedRules(
  db: Db,
  rules: Array<{ id: string; match: RuleMatch; action: RuleAction }>,
  defaultAction: RuleAction | null,
): Promise<void> {
  const rows = rules.map((rule, position) => ({
    id: rule.id,
    position,
    name: `Rule ${rule.id}`,
    match: JSON.stringify(rule.match),
    action: JSON.stringify(rule.action),
    is_default: 0,
  }));
  if (defaultAction) {
    rows.push({
      id: 'default-rule',
      position: rules.length,
      name: 'Default',
      match: '{}',
      action: JSON.stringify(defaultAction),
      is_default: 1,
    });
  }
  if (rows.length > 0) await db.insertInto('rules').values(rows).execute();
}

/** Inserts a request directly in `state`, bound to `systemId` (an external system by default). */
export async function insertRequest(
  db: Db,
  values: {
    id?: string;
    state: RequestState;
    systemId?: string;
    systemKind?: string;
    externalId?: string | null;
    requesterId?: string;
    templateId?: string | null;
    createdAt?: number;
  },
): Promise<string> {
  const id = values.id ?? crypto.randomUUID();
  await db
    .insertInto('requests')
    .values({
      id,
      requester_id: values.requesterId ?? requester.id,
      asset_id: asset.id,
      asset: JSON.stringify(asset),
      permission: 'read',
      period_type: 'DAYS_30',
      period_end: '2025-02-14',
      reason: 'Quarter close',
      state: values.state,
      system_id: values.systemId ?? 'sys-other',
      system_kind: values.systemKind ?? 'other',
      settings_version: 1,
      template_id: values.templateId ?? null,
      rule_id: null,
      external_id: values.externalId === undefined ? null : values.externalId,
      last_error: null,
      created_at: values.createdAt ?? T0,
      updated_at: values.createdAt ?? T0,
    })
    .execute();
  return id;
}

export async function historyOf(db: Db, requestId: string) {
  return db
    .selectFrom('request_history')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('id')
    .execute();
}

export async function jobsOf(db: Db, requestId: string) {
  return db
    .selectFrom('outbox')
    .selectAll()
    .where('request_id', '=', requestId)
    .orderBy('id')
    .execute();
}

export async function stateOfRequest(db: Db, requestId: string): Promise<string> {
  const row = await db
    .selectFrom('requests')
    .select('state')
    .where('id', '=', requestId)
    .executeTakeFirstOrThrow();
  return row.state;
}

const raceChild = fileURLToPath(new URL('./race-child.ts', import.meta.url));

/**
 * Runs each call in its own process against the database `file`, all released at the same
 * moment, and returns their results in order. Each process has its own SQLite connection, so
 * they contend for the write lock as separate server processes would.
 */
export async function raceProcesses(file: string, calls: RaceCall[]): Promise<unknown[]> {
  const children = calls.map((call) =>
    fork(raceChild, [file, JSON.stringify(call)], { execArgv: ['--import', 'tsx'] }),
  );
  try {
    await Promise.all(children.map((child) => once(child, 'message')));
    const replies = children.map((child) => once(child, 'message'));
    for (const child of children) child.send('go');
    const messages = (await Promise.all(replies)).map(([message]) => message as RaceReply);
    return messages.map((message) => {
      if ('error' in message) throw new Error(`A racing process failed: ${message.error}`);
      return message.result;
    });
  } finally {
    for (const child of children) child.kill();
  }
}

type RaceReply = { result: unknown } | { error: string };
