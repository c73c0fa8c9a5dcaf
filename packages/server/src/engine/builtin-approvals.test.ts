import type { ApprovalNode, RequestState } from '@signoff/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AuthUser } from '../http/env.ts';
import type { Store } from '../store/db.ts';
import type { BuiltinApprovals } from './builtin-approvals.ts';
import { RequestService } from './requests.ts';
import {
  asset,
  historyOf,
  insertRequest,
  openTestStore,
  raceProcesses,
  requester,
  seedAsset,
  seedPerson,
  seedRules,
  seedTemplate,
  silentLog,
  stateOfRequest,
  T0,
  tempDatabaseFile,
  testClock,
} from './test-fixtures.ts';

const person = (id: string, roles: AuthUser['roles'], groups: string[] = []): AuthUser => ({
  id,
  name: id.charAt(0).toUpperCase() + id.slice(1),
  roles,
  groups,
});
const aaron = person('aaron', ['approver'], ['owners']);
const bea = person('bea', ['approver'], ['owners']);
const cy = person('cy', ['security_admin'], ['auditors']);
const dee = person('dee', ['approver'], ['auditors']);

let store: Store;
let service: RequestService;
let inbox: BuiltinApprovals;
let clock: ReturnType<typeof testClock>;

beforeEach(async () => {
  clock = testClock();
  store = await openTestStore();
  service = new RequestService({ store, log: silentLog, clock: clock.now });
  inbox = service.inbox;
  for (const user of [requester, aaron, bea, cy, dee]) await seedPerson(store.db, user);
  await seedAsset(store.db);
});
afterEach(() => store.close());

/** A built-in template with `nodes` that the default rule picks; returns the submitted id. */
async function submitThrough(nodes: ApprovalNode[], by: AuthUser = requester): Promise<string> {
  await store.db.deleteFrom('rules').execute();
  await store.db.deleteFrom('templates').execute();
  await seedTemplate(store.db, { id: 'steps', systemRef: 'builtin', nodes });
  await seedRules(store.db, [], { kind: 'template', templateId: 'steps' });
  const view = await service.submit(by, {
    assetId: asset.id,
    permission: 'read',
    periodType: 'DAYS_30',
    reason: 'Quarter close',
  });
  return view.id;
}

async function tasksOf(requestId: string) {
  return store.db
    .selectFrom('builtin_tasks')
    .select(['node_index', 'mode', 'approver_id', 'via', 'decision', 'comment'])
    .where('request_id', '=', requestId)
    .orderBy('node_index')
    .orderBy('approver_id')
    .execute();
}

async function countRows() {
  return {
    requests: (await store.db.selectFrom('requests').select('id').execute()).length,
    history: (await store.db.selectFrom('request_history').select('id').execute()).length,
    tasks: (await store.db.selectFrom('builtin_tasks').select('request_id').execute()).length,
  };
}

const decisionsOf = async (requestId: string) =>
  (await historyOf(store.db, requestId)).filter((row) => row.event === 'approver_decided');

describe('submit to the built-in system', () => {
  it('keeps each node’s approvers with the request, resolved from ids, groups and roles', async () => {
    const id = await submitThrough([
      { mode: 'OR', approverIds: ['group:owners', 'aaron'] },
      { mode: 'AND', approverIds: ['role:security_admin', 'dee'] },
    ]);

    expect(await tasksOf(id)).toEqual([
      {
        node_index: 0,
        mode: 'OR',
        approver_id: 'aaron',
        via: 'group:owners',
        decision: null,
        comment: null,
      },
      {
        node_index: 0,
        mode: 'OR',
        approver_id: 'bea',
        via: 'group:owners',
        decision: null,
        comment: null,
      },
      {
        node_index: 1,
        mode: 'AND',
        approver_id: 'cy',
        via: 'role:security_admin',
        decision: null,
        comment: null,
      },
      { node_index: 1, mode: 'AND', approver_id: 'dee', via: 'dee', decision: null, comment: null },
    ]);
  });

  it.each([
    ['directly', ['rita', 'aaron']],
    ['through a group', ['group:owners']],
    ['through a role', ['role:approver']],
  ])('leaves the requester out of their own approvers %s', async (_how, approverIds) => {
    await seedPerson(store.db, {
      ...requester,
      roles: ['requester', 'approver'],
      groups: ['owners'],
    });

    const id = await submitThrough([{ mode: 'AND', approverIds }]);

    const approvers = (await tasksOf(id)).map((task) => task.approver_id);
    expect(approvers).not.toContain('rita');
    expect(approvers.length).toBeGreaterThan(0);
  });

  it.each([
    ['directly', ['rita']],
    ['through a group', ['group:analysts']],
    ['through a role', ['role:requester']],
  ])(
    'refuses with 422, writing nothing, when a node names only the requester %s',
    async (_how, approverIds) => {
      await seedPerson(store.db, { ...requester, groups: ['analysts'] });

      const submitting = submitThrough([
        { mode: 'OR', approverIds: ['aaron'] },
        { mode: 'OR', approverIds },
      ]);

      await expect(submitting).rejects.toMatchObject({
        status: 422,
        code: 'not_available',
        message:
          'Approval node 2 of template "Template steps" has no approver other than you, and ' +
          'nobody approves their own request. Ask an administrator to name approvers in the template.',
      });
      expect(await countRows()).toEqual({ requests: 0, history: 0, tasks: 0 });
    },
  );

  it('refuses with 422 a node whose group has emptied since the template was saved', async () => {
    await expect(
      submitThrough([{ mode: 'OR', approverIds: ['group:gone'] }]),
    ).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('node 1 of template "Template steps" names nobody'),
    });
  });

  it('refuses with 422 a built-in template without nodes', async () => {
    await expect(submitThrough([])).rejects.toMatchObject({
      status: 422,
      message: expect.stringContaining('has no approval node'),
    });
    expect(await countRows()).toEqual({ requests: 0, history: 0, tasks: 0 });
  });

  it('keeps the approvers it resolved when the directory changes later', async () => {
    const id = await submitThrough([{ mode: 'AND', approverIds: ['group:owners'] }]);
    await seedPerson(store.db, { ...bea, groups: [] });
    await seedPerson(store.db, { ...dee, groups: ['owners'] });

    await inbox.approve(aaron, id, { comment: '' });
    await expect(inbox.approve(dee, id, { comment: '' })).rejects.toMatchObject({ status: 403 });
    const result = await inbox.approve(bea, id, { comment: '' });

    expect(result.request.state).toBe('approved');
  });
});

describe('decisions', () => {
  it('settles an OR node with the first approval and approves the request', async () => {
    const id = await submitThrough([{ mode: 'OR', approverIds: ['aaron', 'bea'] }]);
    clock.advance(1000);

    const result = await inbox.approve(aaron, id, { comment: 'Fine for the audit' });

    expect(result).toMatchObject({
      request: { id, state: 'approved' },
      nodeIndex: 0,
      decision: 'approved',
      nodeSettled: true,
    });
    expect(await decisionsOf(id)).toMatchObject([
      {
        from_state: 'pending',
        to_state: 'approved',
        actor_type: 'user',
        actor_id: 'aaron',
        actor_name: 'Aaron',
        note: 'Fine for the audit',
        at: T0 + 1000,
      },
    ]);
    expect((await historyOf(store.db, id)).map((row) => row.event)).toEqual([
      'submitted',
      'approver_decided',
    ]);
  });

  it('needs every approval of an AND node', async () => {
    const id = await submitThrough([{ mode: 'AND', approverIds: ['aaron', 'bea'] }]);

    const first = await inbox.approve(aaron, id, { comment: '' });
    const second = await inbox.approve(bea, id, { comment: 'Me too' });

    expect(first).toMatchObject({ request: { state: 'pending' }, nodeSettled: false });
    expect(second).toMatchObject({ request: { state: 'approved' }, nodeSettled: true });
    expect(await decisionsOf(id)).toMatchObject([
      { actor_id: 'aaron', from_state: 'pending', to_state: null, note: null },
      { actor_id: 'bea', from_state: 'pending', to_state: 'approved', note: 'Me too' },
    ]);
  });

  it.each([
    ['in an AND node after an approval', 0],
    ['in a later node', 1],
  ])('rejects the request on any rejection, %s', async (_where, node) => {
    const id = await submitThrough([
      { mode: 'AND', approverIds: ['aaron', 'bea'] },
      { mode: 'OR', approverIds: ['dee'] },
    ]);
    await inbox.approve(aaron, id, { comment: '' });
    if (node === 1) await inbox.approve(bea, id, { comment: '' });

    const result = await inbox.reject(node === 0 ? bea : dee, id, { comment: 'Not this quarter' });

    expect(result).toMatchObject({ request: { state: 'rejected' }, nodeIndex: node });
    expect((await decisionsOf(id)).at(-1)).toMatchObject({
      to_state: 'rejected',
      note: 'Not this quarter',
    });
  });

  it('enforces node order: a later node’s approver waits for their turn', async () => {
    const id = await submitThrough([
      { mode: 'OR', approverIds: ['aaron'] },
      { mode: 'OR', approverIds: ['dee'] },
    ]);

    const early = inbox.approve(dee, id, { comment: '' });
    await expect(early).rejects.toMatchObject({
      status: 403,
      message: 'Not your turn yet: approval node 1 has to be settled first.',
    });
    const first = await inbox.approve(aaron, id, { comment: '' });
    const second = await inbox.approve(dee, id, { comment: '' });

    expect(first).toMatchObject({ request: { state: 'pending' }, nodeSettled: true });
    expect(second).toMatchObject({ request: { state: 'approved' }, nodeIndex: 1 });
  });

  it('answers 409 to a second decision by the same approver, and records nothing', async () => {
    const id = await submitThrough([{ mode: 'AND', approverIds: ['aaron', 'bea'] }]);
    await inbox.approve(aaron, id, { comment: '' });

    const again = inbox.reject(aaron, id, { comment: 'Changed my mind' });

    await expect(again).rejects.toMatchObject({
      status: 409,
      message: 'You have already approved on approval node 1 of this request.',
    });
    expect(await decisionsOf(id)).toHaveLength(1);
  });

  it('answers 409 to the other approver of an OR node that another approver settled', async () => {
    const id = await submitThrough([
      { mode: 'OR', approverIds: ['aaron', 'bea'] },
      { mode: 'OR', approverIds: ['dee'] },
    ]);
    await inbox.approve(aaron, id, { comment: '' });

    await expect(inbox.approve(bea, id, { comment: '' })).rejects.toMatchObject({
      status: 409,
      message: 'Approval node 1 of this request is already settled.',
    });
  });

  it('refuses a decision on a node the approver no longer sees', async () => {
    const id = await submitThrough([
      { mode: 'OR', approverIds: ['aaron'] },
      { mode: 'OR', approverIds: ['aaron', 'bea'] },
    ]);
    await inbox.approve(aaron, id, { comment: '', nodeIndex: 0 });

    const doubleClick = inbox.approve(aaron, id, { comment: '', nodeIndex: 0 });

    await expect(doubleClick).rejects.toMatchObject({ status: 409 });
    expect(await stateOfRequest(store.db, id)).toBe('pending');
  });

  it('answers 403 to someone who is not an approver, the requester included', async () => {
    const id = await submitThrough([{ mode: 'OR', approverIds: ['aaron'] }]);

    for (const user of [bea, requester]) {
      await expect(inbox.approve(user, id, { comment: '' })).rejects.toMatchObject({
        status: 403,
        message: 'You are not an approver of this request.',
      });
    }
    expect(await decisionsOf(id)).toEqual([]);
  });

  it.each<[string, (id: string) => Promise<unknown>, RequestState]>([
    ['revoked', (id) => service.revoke(requester, id, 'No longer needed'), 'revoked'],
    [
      'force revoked',
      (id) => service.apply(id, 'force_revoke', { type: 'system' }),
      'force_revoked',
    ],
  ])(
    'answers 409 naming the state once the request was %s, and changes nothing',
    async (_how, end, state) => {
      const id = await submitThrough([{ mode: 'OR', approverIds: ['aaron'] }]);
      await end(id);
      const before = await historyOf(store.db, id);

      await expect(inbox.approve(aaron, id, { comment: '' })).rejects.toMatchObject({
        status: 409,
        message: `The request is already ${state}; it can no longer be decided.`,
      });
      expect(await historyOf(store.db, id)).toEqual(before);
      expect((await tasksOf(id)).map((task) => task.decision)).toEqual([null]);
    },
  );

  it('applies two OR approvals made at the same moment one after the other: one transition', async () => {
    const id = await submitThrough([{ mode: 'OR', approverIds: ['aaron', 'bea'] }]);

    const results = await Promise.allSettled([
      inbox.approve(aaron, id, { comment: 'A' }),
      inbox.approve(bea, id, { comment: 'B' }),
    ]);

    expect(results.map((result) => result.status).sort()).toEqual(['fulfilled', 'rejected']);
    const refused = results.find((result) => result.status === 'rejected');
    expect(refused?.reason).toMatchObject({ status: 409 });
    const moved = (await historyOf(store.db, id)).filter((row) => row.to_state === 'approved');
    expect(moved).toHaveLength(1);
  });

  it('answers 409 for a request on an external system, and 404 for an unknown one', async () => {
    const external = await insertRequest(store.db, { state: 'pending' });

    await expect(inbox.approve(aaron, external, { comment: '' })).rejects.toMatchObject({
      status: 409,
    });
    await expect(inbox.approve(aaron, 'nope', { comment: '' })).rejects.toMatchObject({
      status: 404,
    });
  });
});

describe('the inbox', () => {
  it('lists what waits for the user in the current node, with the node and earlier decisions', async () => {
    const id = await submitThrough([
      { mode: 'AND', approverIds: ['aaron', 'bea'] },
      { mode: 'OR', approverIds: ['dee', 'group:owners'] },
    ]);
    clock.advance(5000);
    await inbox.approve(aaron, id, { comment: 'Looks right' });

    const forAaron = await inbox.tasksFor(aaron);
    const forBea = await inbox.tasksFor(bea);
    const forDee = await inbox.tasksFor(dee);

    expect(forAaron).toEqual([]);
    expect(forDee).toEqual([]);
    expect(forBea).toEqual([
      {
        request: expect.objectContaining({
          id,
          state: 'pending',
          requester: { id: 'rita', name: 'Rita Alvarez' },
        }),
        node: {
          index: 0,
          mode: 'AND',
          approvers: [
            {
              id: 'aaron',
              name: 'Aaron',
              via: 'aaron',
              decision: 'approved',
              comment: 'Looks right',
              decidedAt: new Date(T0 + 5000).toISOString(),
            },
            { id: 'bea', name: 'Bea', via: 'bea', decision: null, comment: null, decidedAt: null },
          ],
        },
        nodeCount: 2,
        decisions: [
          {
            nodeIndex: 0,
            approver: { id: 'aaron', name: 'Aaron' },
            decision: 'approved',
            comment: 'Looks right',
            decidedAt: new Date(T0 + 5000).toISOString(),
          },
        ],
      },
    ]);
  });

  it('moves a task to the next node’s approvers once a node settles, and empties when final', async () => {
    const id = await submitThrough([
      { mode: 'OR', approverIds: ['aaron'] },
      { mode: 'OR', approverIds: ['dee', 'aaron'] },
    ]);

    expect((await inbox.tasksFor(dee)).length).toBe(0);
    await inbox.approve(aaron, id, { comment: '' });
    const [task] = await inbox.tasksFor(dee);
    expect(task?.node.index).toBe(1);
    expect((await inbox.tasksFor(aaron)).map((t) => t.node.index)).toEqual([1]);

    await service.revoke(requester, id, '');

    expect(await inbox.tasksFor(dee)).toEqual([]);
    expect(await inbox.tasksFor(aaron)).toEqual([]);
  });

  it('lists the oldest request first', async () => {
    const older = await submitThrough([{ mode: 'OR', approverIds: ['aaron'] }]);
    clock.advance(1000);
    const newer = await submitThrough([{ mode: 'OR', approverIds: ['aaron'] }]);

    expect((await inbox.tasksFor(aaron)).map((task) => task.request.id)).toEqual([older, newer]);
  });

  it('streams changes of the requests that name the user as an approver', async () => {
    const mine = await submitThrough([{ mode: 'OR', approverIds: ['aaron'] }]);
    await submitThrough([{ mode: 'OR', approverIds: ['bea'] }]);

    const changes = await service.changesSince(0, { approverId: 'aaron' });

    expect(changes.map((change) => change.request.id)).toEqual([mine]);
  });
});

describe('two server processes on one database file', () => {
  it('let exactly one of an approval and the requester’s revoke win', async () => {
    const { file, remove } = tempDatabaseFile();
    const shared = await openTestStore(file);
    const onFile = new RequestService({ store: shared, log: silentLog });
    for (const user of [requester, aaron]) await seedPerson(shared.db, user);
    await seedAsset(shared.db);
    await seedTemplate(shared.db, {
      id: 'owner',
      systemRef: 'builtin',
      nodes: [{ mode: 'OR', approverIds: ['aaron'] }],
    });
    await seedRules(shared.db, [], { kind: 'template', templateId: 'owner' });
    const { id } = await onFile.submit(requester, {
      assetId: asset.id,
      permission: 'read',
      periodType: 'DAYS_30',
      reason: 'Quarter close',
    });

    try {
      const results = await raceProcesses(file, [
        { op: 'approve', requestId: id, user: aaron },
        { op: 'revoke', requestId: id, user: requester },
      ]);

      const winners = results.filter((result) => 'state' in (result as object));
      expect(winners).toHaveLength(1);
      expect(results).toContainEqual({ status: 409 });
      const history = await historyOf(shared.db, id);
      const moves = history.filter((row) => row.event !== 'submitted' && row.to_state !== null);
      expect(moves).toHaveLength(1);
      expect(history).toHaveLength(2);
      expect(await stateOfRequest(shared.db, id)).toBe(moves[0]?.to_state);
    } finally {
      await shared.close();
      remove();
    }
  });
});
