import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { insertRequest, openTestStore, seedPerson, seedTemplate } from '../engine/test-fixtures.ts';
import type { Store } from '../store/db.ts';
import { buildSubmitCommand } from './commands.ts';

let store: Store;

beforeEach(async () => {
  store = await openTestStore();
  await seedPerson(store.db, { id: 'rita', name: 'Rita', roles: ['requester'], groups: [] });
  await seedPerson(store.db, {
    id: 'aaron',
    name: 'Aaron',
    roles: ['approver'],
    groups: ['owners'],
  });
  await seedPerson(store.db, { id: 'bea', name: 'Bea', roles: ['approver'], groups: ['owners'] });
});
afterEach(() => store.close());

describe('buildSubmitCommand', () => {
  it('names the members of a group or role as approvers, and keeps ids it does not know', async () => {
    await seedTemplate(store.db, {
      id: 'owners',
      systemRef: 'oa-1',
      nodes: [
        { mode: 'OR', approverIds: ['group:owners', 'aaron'] },
        { mode: 'AND', approverIds: ['role:requester', 'someone-in-oa'] },
      ],
    });
    const id = await insertRequest(store.db, { state: 'pending_dispatch', templateId: 'owners' });
    const request = await store.db
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();

    const command = await buildSubmitCommand(store.db, request, false);

    expect(command.nodes.map((node) => [node.mode, node.approvers.map((a) => a.id)])).toEqual([
      ['OR', ['aaron', 'bea']],
      ['AND', ['rita', 'someone-in-oa']],
    ]);
  });
});
