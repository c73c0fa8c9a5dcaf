import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/db.ts';
import { approverEntryErrors, membersOf, parseApproverRef, resolveNodes } from './approvers.ts';
import { openTestStore, seedPerson } from './test-fixtures.ts';

let store: Store;

beforeEach(async () => {
  store = await openTestStore();
  await seedPerson(store.db, {
    id: 'aaron',
    name: 'Aaron',
    roles: ['approver'],
    groups: ['owners'],
  });
  await seedPerson(store.db, { id: 'bea', name: 'Bea', roles: ['approver'], groups: ['owners%'] });
  await seedPerson(store.db, {
    id: 'rita',
    name: 'Rita',
    roles: ['requester'],
    groups: ['owners'],
  });
});
afterEach(() => store.close());

describe('parseApproverRef', () => {
  it.each([
    ['aaron', { kind: 'user', id: 'aaron' }],
    ['group:data-owners', { kind: 'group', name: 'data-owners' }],
    ['role:approver', { kind: 'role', name: 'approver' }],
    ['group:', { kind: 'group', name: '' }],
    ['roles:x', { kind: 'user', id: 'roles:x' }],
  ])('reads %s', (entry, expected) => {
    expect(parseApproverRef(entry)).toEqual(expected);
  });
});

describe('membersOf', () => {
  it('finds a group’s and a role’s members exactly, not by a look-alike name', async () => {
    const members = await membersOf(store.db, [
      'group:owners',
      'group:owners%',
      'group:own',
      'group:OWNERS',
      'role:approver',
      'aaron',
      'ghost',
    ]);

    expect(Object.fromEntries(members)).toEqual({
      'group:owners': ['aaron', 'rita'],
      'group:owners%': ['bea'],
      'group:own': [],
      'group:OWNERS': [],
      'role:approver': ['aaron', 'bea'],
      aaron: ['aaron'],
      ghost: [],
    });
  });
});

describe('resolveNodes', () => {
  it('names each person once per node, first entry wins, without the excluded requester', async () => {
    const nodes = await resolveNodes(
      store.db,
      [
        { mode: 'AND', approverIds: ['group:owners', 'role:approver', 'aaron'] },
        { mode: 'OR', approverIds: ['rita'] },
      ],
      { exclude: 'rita' },
    );

    expect(nodes).toEqual([
      [
        { userId: 'aaron', via: 'group:owners' },
        { userId: 'bea', via: 'role:approver' },
      ],
      [],
    ]);
  });

  it('keeps a user id unknown to the directory only when asked to', async () => {
    const node = { mode: 'OR' as const, approverIds: ['ghost', 'group:nobody'] };

    expect(await resolveNodes(store.db, [node])).toEqual([[]]);
    expect(await resolveNodes(store.db, [node], { keepUnknownUsers: true })).toEqual([
      [{ userId: 'ghost', via: 'ghost' }],
    ]);
  });
});

describe('approverEntryErrors', () => {
  it('names every entry that names nobody, and why', async () => {
    const fields = await approverEntryErrors(store.db, [
      { mode: 'OR', approverIds: ['aaron', 'ghost', 'group:owners'] },
      { mode: 'AND', approverIds: ['group:empty', 'group:', 'role:security_admin', 'role:boss'] },
    ]);

    expect(fields).toEqual({
      'nodes.0.approverIds.1': {
        key: 'invalid',
        message: 'No user with this id in the directory.',
      },
      'nodes.1.approverIds.0': {
        key: 'invalid',
        message: 'Nobody in the directory belongs to the group "empty".',
      },
      'nodes.1.approverIds.1': { key: 'invalid', message: 'Name a group after "group:".' },
      'nodes.1.approverIds.2': {
        key: 'invalid',
        message: 'Nobody in the directory holds the role "security_admin".',
      },
      'nodes.1.approverIds.3': {
        key: 'invalid',
        message: expect.stringMatching(/^There is no role "boss"; roles are super_admin, /),
      },
    });
  });
});
