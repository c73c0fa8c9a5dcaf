import { sql } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/db.ts';
import { periodEnd, RequestService } from './requests.ts';
import {
  asset,
  historyOf,
  insertRequest,
  jobsOf,
  openTestStore,
  requester,
  seedAsset,
  seedRules,
  seedSettings,
  seedSystem,
  seedTemplate,
  seedUsers,
  silentLog,
  T0,
  testClock,
} from './test-fixtures.ts';

const input = {
  assetId: asset.id,
  permission: 'read',
  periodType: 'DAYS_30',
  reason: '  Quarter close  ',
} as const;

let store: Store;
let service: RequestService;
const clock = testClock();

beforeEach(async () => {
  store = await openTestStore();
  service = new RequestService({ store, log: silentLog, clock: clock.now });
  await seedUsers(store.db);
  await seedAsset(store.db);
});
afterEach(() => store.close());

async function countRows() {
  const count = async (table: 'requests' | 'request_history' | 'outbox') =>
    (await store.db.selectFrom(table).select('request_id').execute()).length;
  return {
    requests: (await store.db.selectFrom('requests').select('id').execute()).length,
    history: await count('request_history'),
    outbox: await count('outbox'),
  };
}

describe('RequestService.submit', () => {
  it('approves at once when the rule says so, recording submit and approval', async () => {
    await seedSettings(store.db, {
      version: 4,
      externalEnabled: false,
      defaultSystemId: 'builtin',
    });
    await seedRules(
      store.db,
      [{ id: 'l3-auto', match: { levels: ['L3'] }, action: { kind: 'auto_approve' } }],
      {
        kind: 'not_requestable',
      },
    );

    const view = await service.submit(requester, input);

    expect(view).toMatchObject({
      state: 'approved',
      ruleId: 'l3-auto',
      templateId: null,
      system: { id: 'builtin', kind: 'builtin', name: 'Built-in' },
      settingsVersion: 4,
      reason: 'Quarter close',
    });
    expect(await historyOf(store.db, view.id)).toMatchObject([
      {
        event: 'submitted',
        from_state: null,
        to_state: null,
        actor_type: 'user',
        actor_id: 'rita',
      },
      { event: 'approve', from_state: null, to_state: 'approved', actor_type: 'system' },
    ]);
    expect(await jobsOf(store.db, view.id)).toEqual([]);
  });

  it('approves at once through the built-in "approve automatically" template', async () => {
    await seedTemplate(store.db, { id: 'auto', systemRef: 'builtin', builtIn: true });
    await seedRules(store.db, [], { kind: 'template', templateId: 'auto' });

    const view = await service.submit(requester, input);

    expect(view).toMatchObject({ state: 'approved', templateId: 'auto', ruleId: 'default-rule' });
  });

  it('refuses a not requestable asset with 422 and writes nothing', async () => {
    await seedRules(
      store.db,
      [{ id: 'no-l3', match: { levels: ['L3'] }, action: { kind: 'not_requestable' } }],
      {
        kind: 'auto_approve',
      },
    );

    const submitting = service.submit(requester, input);

    await expect(submitting).rejects.toMatchObject({
      status: 422,
      code: 'not_requestable',
      message: '"General ledger" cannot be requested with read permission (rule "Rule no-l3").',
    });
    expect(await countRows()).toEqual({ requests: 0, history: 0, outbox: 0 });
  });

  it('sends a "default system" template to the external default: pending_dispatch and one job', async () => {
    await seedSettings(store.db, { version: 7, externalEnabled: true, defaultSystemId: 'oa-1' });
    await seedSystem(store.db, { id: 'oa-1', name: 'Acme OA' });
    await seedTemplate(store.db, {
      id: 'owner',
      systemRef: 'default',
      nodes: [{ mode: 'OR', approverIds: ['aaron'] }],
    });
    await seedRules(
      store.db,
      [{ id: 'l1', match: { levels: ['L1'] }, action: { kind: 'auto_approve' } }],
      {
        kind: 'template',
        templateId: 'owner',
      },
    );

    const view = await service.submit(requester, input);

    expect(view).toMatchObject({
      state: 'pending_dispatch',
      requester: { id: 'rita', name: 'Rita Alvarez' },
      asset: { ...asset },
      permission: 'read',
      period: { periodType: 'DAYS_30', periodEnd: '2025-02-14' },
      system: { id: 'oa-1', kind: 'other', name: 'Acme OA' },
      templateId: 'owner',
      ruleId: 'default-rule',
      externalId: null,
      settingsVersion: 7,
      createdAt: new Date(T0).toISOString(),
    });
    expect(await jobsOf(store.db, view.id)).toMatchObject([
      { kind: 'dispatch', state: 'ready', attempts: 0, next_attempt_at: T0 },
    ]);
    expect(await countRows()).toEqual({ requests: 1, history: 1, outbox: 1 });
  });

  it('writes the request and its job in one transaction: no job, no request', async () => {
    await seedSettings(store.db, { version: 1, externalEnabled: true, defaultSystemId: 'oa-1' });
    await seedSystem(store.db, { id: 'oa-1', name: 'Acme OA' });
    await seedTemplate(store.db, { id: 'owner', systemRef: 'default' });
    await seedRules(store.db, [], { kind: 'template', templateId: 'owner' });
    // Test-only SQLite trigger standing in for a failure between the two inserts.
    await sql`create trigger outbox_down before insert on outbox begin select raise(abort, 'outbox down'); end`.execute(
      store.db,
    );

    await expect(service.submit(requester, input)).rejects.toThrow(/outbox down/);

    expect(await countRows()).toEqual({ requests: 0, history: 0, outbox: 0 });
  });

  it('puts a built-in template request in the inbox as pending, with no job', async () => {
    await seedTemplate(store.db, {
      id: 'inbox',
      systemRef: 'builtin',
      nodes: [{ mode: 'AND', approverIds: ['aaron'] }],
    });
    await seedRules(store.db, [], { kind: 'template', templateId: 'inbox' });

    const view = await service.submit(requester, input);

    expect(view).toMatchObject({ state: 'pending', system: { id: 'builtin', name: 'Built-in' } });
    expect(view.settingsVersion).toBe(0);
    expect(await jobsOf(store.db, view.id)).toEqual([]);
    expect(await historyOf(store.db, view.id)).toMatchObject([
      { event: 'submitted', from_state: null, to_state: 'pending', actor_id: 'rita' },
    ]);
  });

  it('follows the settings default to the built-in system when external systems are off', async () => {
    await seedSettings(store.db, {
      version: 2,
      externalEnabled: false,
      defaultSystemId: 'builtin',
    });
    await seedTemplate(store.db, {
      id: 'owner',
      systemRef: 'default',
      nodes: [{ mode: 'OR', approverIds: ['aaron'] }],
    });
    await seedRules(store.db, [], { kind: 'template', templateId: 'owner' });

    expect(await service.submit(requester, input)).toMatchObject({ state: 'pending' });
  });

  it('answers 422 not_available when the template names a retired system', async () => {
    await seedSystem(store.db, {
      id: 'dt-1',
      name: 'Old DingTalk',
      kind: 'dingtalk',
      status: 'retired',
    });
    await seedTemplate(store.db, { id: 'dt', systemRef: 'dt-1' });
    await seedRules(store.db, [], { kind: 'template', templateId: 'dt' });

    await expect(service.submit(requester, input)).rejects.toMatchObject({
      status: 422,
      code: 'not_available',
      message: expect.stringContaining('"Old DingTalk", is retired'),
    });
    expect(await countRows()).toEqual({ requests: 0, history: 0, outbox: 0 });
  });

  it('answers 404 for an asset missing from the catalog', async () => {
    await seedRules(store.db, [], { kind: 'auto_approve' });

    await expect(service.submit(requester, { ...input, assetId: 'nope' })).rejects.toMatchObject({
      status: 404,
      code: 'not_found',
    });
  });

  it('takes the level from the catalog, not from anything the requester sends', async () => {
    await seedRules(
      store.db,
      [{ id: 'l1', match: { levels: ['L1'] }, action: { kind: 'auto_approve' } }],
      {
        kind: 'not_requestable',
      },
    );
    const claimsL1 = { ...input, sensitivity: 'L1' } as typeof input;

    await expect(service.submit(requester, claimsL1)).rejects.toMatchObject({ status: 422 });
  });
});

describe('periodEnd', () => {
  it.each([
    ['DAYS_7', '2025-01-22'],
    ['DAYS_30', '2025-02-14'],
    ['DAYS_365', '2026-01-15'],
  ])('ends %s on %s', (periodType, expected) => {
    expect(periodEnd(periodType, T0)).toBe(expected);
  });
});

describe('RequestService.get and list', () => {
  it('returns the request with its history, oldest first', async () => {
    const id = await insertRequest(store.db, { state: 'pending' });
    await service.apply(id, 'approve', { type: 'callback', name: 'Aaron' });
    await service.apply(id, 'revoke', { type: 'callback' });

    const detail = await service.get(id);

    expect(detail.state).toBe('approved');
    expect(detail.history.map((entry) => [entry.event, entry.toState])).toEqual([
      ['approve', 'approved'],
      ['revoke', null],
    ]);
    expect(detail.history[0]).toMatchObject({
      actor: { type: 'callback', id: null, name: 'Aaron' },
      at: new Date(clock.now()).toISOString(),
    });
  });

  it('answers 404 for an unknown request', async () => {
    await expect(service.get('nope')).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });

  it('lists newest first, filtered by requester and state', async () => {
    const older = await insertRequest(store.db, { state: 'pending', createdAt: T0 });
    const newer = await insertRequest(store.db, { state: 'approved', createdAt: T0 + 1000 });
    await insertRequest(store.db, { state: 'pending', requesterId: 'omar', createdAt: T0 + 2000 });

    const mine = await service.list({ requesterId: 'rita' });
    const pending = await service.list({ requesterId: 'rita', states: ['pending'] });
    const page = await service.list({ limit: 1, offset: 1 });

    expect(mine.map((view) => view.id)).toEqual([newer, older]);
    expect(pending.map((view) => view.id)).toEqual([older]);
    expect(page.map((view) => view.id)).toEqual([newer]);
  });
});

describe('RequestService.changesSince', () => {
  it('returns each changed request once, with its latest cursor, after the cursor given', async () => {
    const first = await insertRequest(store.db, { state: 'pending' });
    const second = await insertRequest(store.db, { state: 'pending', requesterId: 'omar' });
    await service.apply(first, 'approve', { type: 'callback' });
    const [{ id: cursor } = { id: 0 }] = await historyOf(store.db, first);
    await service.apply(second, 'reject', { type: 'callback' });
    await service.apply(first, 'revoke', { type: 'reconciler' });

    const all = await service.changesSince(0, {});
    const later = await service.changesSince(cursor, {});
    const rita = await service.changesSince(0, { requesterId: 'rita' });

    expect(all.map((event) => event.request.id)).toEqual([second, first]);
    expect(all.map((event) => event.cursor)).toEqual([cursor + 1, cursor + 2]);
    expect(later.map((event) => event.request.id)).toEqual([second, first]);
    expect(rita).toEqual([
      { cursor: cursor + 2, request: expect.objectContaining({ id: first, state: 'approved' }) },
    ]);
    expect(await service.changesSince(cursor + 2, {})).toEqual([]);
  });

  it('starts a stream after the latest change', async () => {
    const empty = await service.latestCursor();
    const id = await insertRequest(store.db, { state: 'pending' });
    await service.apply(id, 'approve', { type: 'callback' });

    const latest = await service.latestCursor();

    expect(empty).toBe(0);
    expect(await service.changesSince(latest, {})).toEqual([]);
    expect(await service.changesSince(latest - 1, {})).toHaveLength(1);
  });
});
