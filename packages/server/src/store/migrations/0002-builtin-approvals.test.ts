import { Migrator } from 'kysely';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertRequest, seedTemplate } from '../../engine/test-fixtures.ts';
import { openSqliteStore, type Store } from '../db.ts';
import { migrateToLatest } from '../migrate.ts';
import { initial } from './0001-initial.ts';

let store: Store;

beforeEach(async () => {
  store = openSqliteStore({ file: ':memory:' });
  const onlyInitial = new Migrator({
    db: store.db,
    provider: { getMigrations: async () => ({ '0001-initial': initial }) },
  });
  const { error } = await onlyInitial.migrateToLatest();
  if (error) throw error;
});
afterEach(() => store.close());

describe('0002-builtin-approvals', () => {
  it('gives requests already waiting in the built-in system their approvers', async () => {
    await seedTemplate(store.db, {
      id: 'two',
      systemRef: 'builtin',
      nodes: [
        { mode: 'OR', approverIds: ['aaron', 'rita'] },
        { mode: 'AND', approverIds: ['bea', 'bea'] },
      ],
    });
    await seedTemplate(store.db, {
      id: 'self',
      systemRef: 'builtin',
      nodes: [{ mode: 'OR', approverIds: ['rita'] }],
    });
    const builtin = { systemId: 'builtin', systemKind: 'builtin' } as const;
    const waiting = await insertRequest(store.db, {
      ...builtin,
      state: 'pending',
      templateId: 'two',
    });
    await insertRequest(store.db, { ...builtin, state: 'approved', templateId: 'two' });
    await insertRequest(store.db, { state: 'pending', templateId: 'two' });
    await insertRequest(store.db, { ...builtin, state: 'pending', templateId: 'self' });

    await migrateToLatest(store.db);

    const tasks = await store.db
      .selectFrom('builtin_tasks')
      .select(['request_id', 'node_index', 'mode', 'approver_id', 'via', 'decision'])
      .orderBy('node_index')
      .execute();
    expect(tasks).toEqual([
      {
        request_id: waiting,
        node_index: 0,
        mode: 'OR',
        approver_id: 'aaron',
        via: 'aaron',
        decision: null,
      },
      {
        request_id: waiting,
        node_index: 1,
        mode: 'AND',
        approver_id: 'bea',
        via: 'bea',
        decision: null,
      },
    ]);
  });
});
