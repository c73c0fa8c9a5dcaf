// The built-in system over HTTP: templates naming users, groups and roles, the approver's inbox,
// and decisions, on a real server with its SQLite file.
import type {
  ApprovalNode,
  DecisionResult,
  InboxList,
  RequestDetail,
  RequestView,
  TemplateView,
} from '@signoff/contracts';
import { issueToken } from '@signoff/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignoff, startSignoff } from '../fixtures/signoff.ts';

let signoff: RunningSignoff;

// People beyond the demo's five: the directory learns them from their first token.
const newcomers = [
  { sub: 'bea', name: 'Bea Novak', roles: ['approver'], groups: ['data-owners'] },
  { sub: 'cy', name: 'Cy Moreau', roles: ['approver'], groups: ['auditors'] },
];

beforeAll(async () => {
  signoff = await startSignoff();
  for (const claims of newcomers) {
    const token = await issueToken(claims, signoff.signoff.tokens);
    await fetch(`${signoff.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });
  }
});

afterAll(async () => {
  await signoff?.close();
});

async function json<T>(response: Response, status = 200): Promise<T> {
  const body = (await response.json()) as T;
  expect(response.status, JSON.stringify(body)).toBe(status);
  return body;
}

const errorOf = async (response: Response) =>
  ((await response.json()) as { error: { code: string; message: string; fields?: object } }).error;

async function createTemplate(nodes: ApprovalNode[], systemRef = 'builtin'): Promise<string> {
  const response = await signoff.call('sara', '/api/templates', {
    body: { name: `Steps ${crypto.randomUUID().slice(0, 8)}`, systemRef, nodes },
  });
  return (await json<TemplateView>(response, 201)).id;
}

/** Routes every request to `templateId`, then submits one for the L3 ledger as `userId`. */
async function submitVia(templateId: string, userId = 'rita'): Promise<Response> {
  await json(
    await signoff.call('sara', '/api/rules', {
      method: 'PUT',
      body: { rules: [], defaultAction: { kind: 'template', templateId } },
    }),
  );
  return signoff.call(userId, '/api/requests', {
    body: { assetId: 'finance.ledger', permission: 'read', periodType: 'DAYS_30', reason: 'Audit' },
  });
}

async function submitted(nodes: ApprovalNode[]): Promise<string> {
  const response = await submitVia(await createTemplate(nodes));
  return (await json<RequestView>(response, 201)).id;
}

const decide = (userId: string, requestId: string, verb: 'approve' | 'reject', body?: object) =>
  signoff.call(userId, `/api/inbox/${requestId}/${verb}`, { method: 'POST', body });

const inboxOf = async (userId: string) =>
  (await json<InboxList>(await signoff.call(userId, '/api/inbox'))).tasks;

const detailOf = async (requestId: string) =>
  json<RequestDetail>(await signoff.call('alice', `/api/requests/${requestId}`));

describe('/api/templates with groups and roles', () => {
  it('accepts entries naming a group and a role that have members', async () => {
    const response = await signoff.call('sara', '/api/templates', {
      body: {
        name: 'Owners, then security',
        systemRef: 'builtin',
        nodes: [
          { mode: 'OR', approverIds: ['group:data-owners'] },
          { mode: 'AND', approverIds: ['role:security_admin', 'cy'] },
        ],
      },
    });

    expect(response.status).toBe(201);
  });

  it('refuses a group or a role with no members, and an unknown role, by field', async () => {
    const response = await signoff.call('sara', '/api/templates', {
      body: {
        name: 'Nobody',
        systemRef: 'builtin',
        nodes: [{ mode: 'OR', approverIds: ['group:ghosts', 'role:boss', 'aaron'] }],
      },
    });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields).toEqual({
      'nodes.0.approverIds.0': {
        key: 'invalid',
        message: 'Nobody in the directory belongs to the group "ghosts".',
      },
      'nodes.0.approverIds.1': {
        key: 'invalid',
        message: expect.stringContaining('There is no role "boss"'),
      },
    });
  });

  it.each([
    ['builtin', 'A template on the built-in system needs at least one approval node.'],
    [
      'default',
      'The default approval system is the built-in one, which needs at least one approval node.',
    ],
  ])('refuses a %s template without nodes', async (systemRef, message) => {
    const response = await signoff.call('sara', '/api/templates', {
      body: { name: 'Empty', systemRef, nodes: [] },
    });

    expect(response.status).toBe(400);
    expect((await errorOf(response)).fields).toEqual({ nodes: { key: 'required', message } });
  });
});

describe('/api/inbox', () => {
  it('lists the seeded data owner’s task, approves it with a comment, and records it', async () => {
    const id = (await json<RequestView>(await submitVia('default-system'), 201)).id;

    const tasks = await inboxOf('aaron');
    const approved = await json<DecisionResult>(
      await decide('aaron', id, 'approve', { comment: 'Fine for the audit' }),
    );

    expect(tasks.map((task) => [task.request.id, task.node.index, task.nodeCount])).toContainEqual([
      id,
      0,
      1,
    ]);
    expect(await inboxOf('rita')).toEqual([]);
    expect(approved).toMatchObject({ request: { id, state: 'approved' }, nodeSettled: true });
    expect((await detailOf(id)).history.at(-1)).toMatchObject({
      event: 'approver_decided',
      fromState: 'pending',
      toState: 'approved',
      actor: { type: 'user', id: 'aaron', name: 'Aaron Patel' },
      note: 'Fine for the audit',
    });
    expect((await inboxOf('aaron')).map((task) => task.request.id)).not.toContain(id);
  });

  it('approves without a body, and needs a comment of at most 2000 characters to reject', async () => {
    const id = await submitted([{ mode: 'AND', approverIds: ['aaron', 'bea'] }]);

    const bare = await fetch(`${signoff.url}/api/inbox/${id}/approve`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signoff.tokenFor('aaron')}` },
    });
    const silent = await decide('bea', id, 'reject', {});
    const long = await decide('bea', id, 'reject', { comment: 'x'.repeat(2001) });

    expect(await json<DecisionResult>(bare)).toMatchObject({ request: { state: 'pending' } });
    expect(silent.status).toBe(400);
    expect((await errorOf(silent)).fields).toEqual({
      comment: { key: 'required', message: 'This field is required.' },
    });
    expect(long.status).toBe(400);
    expect((await errorOf(long)).fields).toMatchObject({ comment: { key: 'textTooLong' } });
  });

  it('rejects the request on one rejection in an AND node, the comment kept', async () => {
    const id = await submitted([{ mode: 'AND', approverIds: ['aaron', 'bea'] }]);
    await json(await decide('aaron', id, 'approve'));

    const rejected = await json<DecisionResult>(
      await decide('bea', id, 'reject', { comment: 'Not this quarter' }),
    );

    expect(rejected.request.state).toBe('rejected');
    const decisions = (await detailOf(id)).history.filter((e) => e.event === 'approver_decided');
    expect(decisions.map((e) => [e.actor.id, e.toState, e.note])).toEqual([
      ['aaron', null, null],
      ['bea', 'rejected', 'Not this quarter'],
    ]);
  });

  it('walks two nodes in order: the second node’s approver waits, then decides', async () => {
    const id = await submitted([
      { mode: 'OR', approverIds: ['group:data-owners'] },
      { mode: 'OR', approverIds: ['cy'] },
    ]);

    const early = await decide('cy', id, 'approve');
    const inboxBefore = await inboxOf('cy');
    await json(await decide('bea', id, 'approve'));
    const [task] = (await inboxOf('cy')).filter((t) => t.request.id === id);
    const done = await json<DecisionResult>(await decide('cy', id, 'approve', { nodeIndex: 1 }));

    expect(early.status).toBe(403);
    expect((await errorOf(early)).message).toMatch(/^Not your turn yet/);
    expect(inboxBefore.map((t) => t.request.id)).not.toContain(id);
    expect(task).toMatchObject({
      node: { index: 1, mode: 'OR', approvers: [{ id: 'cy', decision: null }] },
      decisions: [{ nodeIndex: 0, approver: { id: 'bea', name: 'Bea Novak' } }],
    });
    expect(done.request.state).toBe('approved');
  });

  it('answers 409 to the same approver twice and 403 to someone who is not an approver', async () => {
    const id = await submitted([{ mode: 'AND', approverIds: ['aaron', 'bea'] }]);
    await json(await decide('aaron', id, 'approve'));

    const twice = await decide('aaron', id, 'approve');
    const stranger = await decide('cy', id, 'approve');
    const requester = await decide('rita', id, 'approve');

    expect(twice.status).toBe(409);
    expect(stranger.status).toBe(403);
    expect(requester.status).toBe(403);
    expect((await detailOf(id)).state).toBe('pending');
  });

  it('answers 409 naming the state after a revoke, and nothing changes', async () => {
    const id = await submitted([{ mode: 'OR', approverIds: ['aaron'] }]);
    await json(await signoff.call('rita', `/api/requests/${id}/revoke`, { body: {} }));
    const before = await detailOf(id);

    const late = await decide('aaron', id, 'approve', { comment: 'Too late' });

    expect(late.status).toBe(409);
    expect((await errorOf(late)).message).toBe(
      'The request is already revoked; it can no longer be decided.',
    );
    expect(await detailOf(id)).toEqual(before);
  });

  it('applies exactly one transition when two OR approvers decide at the same moment', async () => {
    const id = await submitted([{ mode: 'OR', approverIds: ['aaron', 'bea'] }]);
    const [aaronToken, beaToken] = await Promise.all([
      signoff.tokenFor('aaron'),
      signoff.tokenFor('bea'),
    ]);
    const approve = (token: string) =>
      fetch(`${signoff.url}/api/inbox/${id}/approve`, {
        method: 'POST',
        headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
        body: JSON.stringify({ comment: 'Same moment' }),
      });

    const responses = await Promise.all([approve(aaronToken), approve(beaToken)]);

    expect(responses.map((r) => r.status).sort()).toEqual([200, 409]);
    const { state, history } = await detailOf(id);
    expect(state).toBe('approved');
    expect(history.filter((entry) => entry.toState === 'approved')).toHaveLength(1);
    expect(history.filter((entry) => entry.event === 'approver_decided')).toHaveLength(1);
  });
});

describe('nobody approves their own request', () => {
  it('leaves the requester out of a group and a role they belong to', async () => {
    const token = await issueToken(
      {
        sub: 'rita',
        name: 'Rita Alvarez',
        roles: ['requester', 'approver'],
        groups: ['data-owners'],
      },
      signoff.signoff.tokens,
    );
    await fetch(`${signoff.url}/api/me`, { headers: { authorization: `Bearer ${token}` } });

    const id = await submitted([
      { mode: 'AND', approverIds: ['group:data-owners'] },
      { mode: 'AND', approverIds: ['role:approver'] },
    ]);
    const [task] = (await inboxOf('aaron')).filter((t) => t.request.id === id);
    const self = await decide('rita', id, 'approve');

    expect(task?.node.approvers.map((a) => a.id)).toEqual(['aaron', 'bea']);
    expect(self.status).toBe(403);
    expect(await inboxOf('rita')).toEqual([]);
  });

  it('refuses with 422 a request whose node would name only its requester', async () => {
    const templateId = await createTemplate([
      { mode: 'OR', approverIds: ['aaron'] },
      { mode: 'OR', approverIds: ['role:requester'] },
    ]);
    const before = (
      await json<{ requests: RequestView[] }>(await signoff.call('rita', '/api/requests'))
    ).requests.length;

    const response = await submitVia(templateId);

    expect(response.status).toBe(422);
    expect((await errorOf(response)).message).toMatch(
      /^Approval node 2 of template "Steps \w+" has no approver other than you/,
    );
    const after = await json<{ requests: RequestView[] }>(
      await signoff.call('rita', '/api/requests'),
    );
    expect(after.requests).toHaveLength(before);
  });
});

describe('/api/inbox/stream', () => {
  it('tells an approver when a request that names them changes', async () => {
    const controller = new AbortController();
    const response = await fetch(`${signoff.url}/api/inbox/stream`, {
      headers: { authorization: `Bearer ${await signoff.tokenFor('cy')}` },
      signal: controller.signal,
    });
    const reader = response.body!.pipeThrough(new TextDecoderStream()).getReader();
    let received = '';
    const readUntil = async (text: string) => {
      while (!received.includes(text)) {
        const { value, done } = await reader.read();
        if (done) throw new Error(`The stream ended before "${text}".`);
        received += value;
      }
    };
    await readUntil('event: ready');

    const id = await submitted([{ mode: 'OR', approverIds: ['cy'] }]);
    await submitted([{ mode: 'OR', approverIds: ['aaron'] }]);
    await readUntil(id);
    controller.abort();

    expect(received).toContain('event: request');
    expect(received.match(/event: request/g)).toHaveLength(1);
  });
});
