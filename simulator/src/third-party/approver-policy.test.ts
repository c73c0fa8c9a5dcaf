// Policies over real HTTP: Signoff's submits go to a listening simulator, and the policy's
// decisions come back to a plain node:http listener that decrypts them with the SDK.

import { describe, expect, it } from 'vitest';
import { submitBody } from '../testing/fixtures.ts';
import { approverPerTest } from './approver-per-test.ts';

const setup = approverPerTest();

/** A submit with its own applyId and the content fields the rules read. */
function submitWith(applyId: string, content: Record<string, unknown> = {}, title?: string) {
  return {
    ...submitBody,
    applyId,
    title: title ?? submitBody.title,
    content: JSON.stringify({ ...JSON.parse(submitBody.content), ...content }),
  };
}

const pause = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

describe('third-party approver: policy', () => {
  it('is manual by default: a request waits for a person', async () => {
    const { client, receiver } = await setup();

    const policy = await client.policy();
    const { body } = await client.submit(submitBody);
    await pause(300);

    expect(policy).toEqual({
      policy: {
        approveAfterSeconds: null,
        rejectWhen: { sensitivityLevels: [], projects: [], permissions: [], titlePattern: '' },
      },
      summary: 'Every request waits for a person.',
    });
    expect((await client.instance(String(body.processInstanceId)))?.status).toBe('RUNNING');
    expect(receiver.arrivals).toEqual([]);
  });

  it('approves automatically after the seconds set, not before', async () => {
    const { client, receiver } = await setup();
    const saved = await client.setPolicy({ approveAfterSeconds: 1 });
    const submittedAt = Date.now();

    const { body } = await client.submit(submitBody);
    const early = await client.instance(String(body.processInstanceId));

    expect(await saved.json()).toMatchObject({
      success: true,
      summary: 'Approves every request after 1 s.',
    });
    expect(early?.status).toBe('RUNNING');
    await expect.poll(() => receiver.received.length, { timeout: 3000 }).toBe(1);
    expect(receiver.received[0]).toMatchObject({
      applyId: submitBody.applyId,
      processInstanceId: body.processInstanceId,
      status: 'APPROVED',
      approver: { userSourceId: 'simulator', userName: 'Simulator Policy' },
      comment: "Approved automatically after 1 s by the simulator's policy.",
    });
    expect(Number(receiver.received[0]?.operateTime) - submittedAt).toBeGreaterThanOrEqual(950);
    // The receiver has it before the simulator reads the acknowledgement and records it.
    await expect
      .poll(() => client.instance(String(body.processInstanceId)))
      .toMatchObject({
        status: 'APPROVED',
        decision: { decidedBy: 'policy' },
        delivery: { state: 'delivered' },
      });
  });

  it.each([
    [
      'sensitivity level',
      { sensitivityLevels: ['L4'] },
      submitWith('req-p-1', { sensitivity: 'L4' }),
    ],
    ['project', { projects: ['finance'] }, submitWith('req-p-2', { project: 'finance' })],
    ['permission', { permissions: ['EXPORT'] }, submitWith('req-p-3', { permission: 'EXPORT' })],
    ['title', { titlePattern: '^export' }, submitWith('req-p-4', {}, 'Export of orders')],
  ])(
    'rejects by %s rule at once, and approves what no rule matches',
    async (_, rules, matching) => {
      const { client, receiver } = await setup({
        policy: { approveAfterSeconds: 0, rejectWhen: rules },
      });

      await client.submit(matching);
      await client.submit(submitWith('req-p-other'));

      await expect.poll(() => receiver.received.length, { timeout: 3000 }).toBe(2);
      const byApplyId = Object.fromEntries(receiver.received.map((p) => [p.applyId, p]));
      expect(byApplyId[matching.applyId]).toMatchObject({
        status: 'REJECTED',
        approver: { userName: 'Simulator Policy' },
        comment: expect.stringMatching(/^Rejected by the simulator's policy: /),
      });
      expect(byApplyId['req-p-other']?.status).toBe('APPROVED');
    },
  );

  it('lets a person decide before the automatic approval, which then does nothing', async () => {
    const { client, receiver } = await setup({ policy: { approveAfterSeconds: 1 } });
    const { body } = await client.submit(submitBody);

    await client.act(String(body.processInstanceId), 'reject', { comment: 'Not this time' });
    await pause(1300);

    expect(receiver.received.map((payload) => payload.status)).toEqual(['REJECTED']);
    expect((await client.instance(String(body.processInstanceId)))?.decision).toMatchObject({
      decidedBy: 'person',
      comment: 'Not this time',
    });
  });

  it("takes a comment up to the callback's 4000 characters, and no more", async () => {
    const { client } = await setup();
    const { body: first } = await client.submit(submitWith('req-c-long'));
    const { body: second } = await client.submit(submitWith('req-c-too-long'));

    const taken = await client.act(String(first.processInstanceId), 'approve', {
      comment: 'x'.repeat(4000),
    });
    const refused = await client.act(String(second.processInstanceId), 'approve', {
      comment: 'x'.repeat(4001),
    });

    expect(taken.status).toBe(200);
    expect(refused.status).toBe(400);
  });

  it('applies a saved policy to later submits only', async () => {
    const { client, receiver } = await setup();
    const { body: before } = await client.submit(submitWith('req-p-before'));

    await client.setPolicy({ approveAfterSeconds: 0 });
    await client.submit(submitWith('req-p-after'));

    await expect.poll(() => receiver.received.length, { timeout: 3000 }).toBe(1);
    expect(receiver.received[0]?.applyId).toBe('req-p-after');
    expect((await client.instance(String(before.processInstanceId)))?.status).toBe('RUNNING');
  });

  it('applies the policy once per instance, not again on a resubmit', async () => {
    const { client, receiver } = await setup({ policy: { approveAfterSeconds: 0 } });

    await client.submit(submitBody);
    await client.submit(submitBody);
    await pause(300);

    expect(receiver.received).toHaveLength(1);
  });

  it('refuses an invalid policy, naming each field, and keeps the one in force', async () => {
    const { client } = await setup({ policy: { approveAfterSeconds: 5 } });

    const response = await client.setPolicy({
      approveAfterSeconds: 1.5,
      rejectWhen: { titlePattern: '[' },
    });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({
      success: false,
      code: 'INVALID_POLICY',
      fieldErrors: {
        approveAfterSeconds: 'Seconds must be a whole number, or null to wait for a person.',
        titlePattern: 'Title pattern is not a valid regular expression.',
      },
    });
    expect((await client.policy()).policy.approveAfterSeconds).toBe(5);
  });

  it('drops a pending automatic approval when the simulator stops', async () => {
    const { client, receiver, simulator } = await setup({ policy: { approveAfterSeconds: 1 } });
    await client.submit(submitBody);

    await simulator.close();
    await pause(1300);

    expect(receiver.arrivals).toEqual([]);
  });
});
