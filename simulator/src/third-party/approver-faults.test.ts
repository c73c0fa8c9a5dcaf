// Faults on demand over real HTTP: each one armed through the JSON API, provoked by Signoff's
// calls or a decision, seen by a plain node:http listener standing in for Signoff's callback
// endpoint, and recorded on the instance.

import { THIRD_PARTY_PATHS } from '@signoff/sdk';
import { describe, expect, it } from 'vitest';
import type { RunningApprover } from '../testing/approver.ts';
import { submitBody } from '../testing/fixtures.ts';
import { approverPerTest } from './approver-per-test.ts';

const setup = approverPerTest();

/** Submits and approves one request; resolves with the decision call's reply and its id. */
async function submitAndApprove(approver: RunningApprover, applyId = submitBody.applyId) {
  const { body } = await approver.client.submit({ ...submitBody, applyId });
  const processInstanceId = String(body.processInstanceId);
  const response = await approver.client.act(processInstanceId, 'approve');
  return { processInstanceId, response };
}

describe('third-party approver: submit faults', () => {
  it('answers 5xx for the next K submits, creating nothing, then serves normally', async () => {
    const { client } = await setup();
    await client.armFault('submit-error', { times: 2 });

    const first = await client.submit(submitBody);
    const second = await client.submit(submitBody);
    const third = await client.submit(submitBody);

    expect(first).toEqual({
      status: 500,
      body: { success: false, code: 'PROXY_ERROR', message: expect.any(String), retryable: true },
    });
    expect(second.status).toBe(500);
    expect(third).toMatchObject({ status: 200, body: { success: true } });
    const instances = await client.instances();
    expect(instances).toHaveLength(1);
    expect(instances[0]?.submits).toEqual([{ at: expect.any(String), withheld: false }]);
    const { faults, fired } = await client.faults();
    expect(faults).toEqual([]);
    expect(fired).toEqual([
      expect.objectContaining({ kind: 'submit-error', applyId: submitBody.applyId }),
      expect.objectContaining({ kind: 'submit-error', applyId: submitBody.applyId }),
    ]);
  });

  it('keeps answering 5xx until cleared when no count is given', async () => {
    const { client } = await setup();
    await client.armFault('submit-error');

    const statuses = [];
    for (let call = 0; call < 3; call++) statuses.push((await client.submit(submitBody)).status);
    await client.clearFault('submit-error');
    const after = await client.submit(submitBody);

    expect(statuses).toEqual([500, 500, 500]);
    expect(after.status).toBe(200);
  });

  it('holds a submit reply until the caller gives up; a resubmit gets the same instance', async () => {
    const { client, logLines } = await setup();
    await client.armFault('submit-timeout', { times: 1 });

    const held = client.call(
      THIRD_PARTY_PATHS.create,
      submitBody,
      {},
      {
        signal: AbortSignal.timeout(300),
      },
    );
    await expect(held).rejects.toThrow(/aborted due to timeout/);
    const resubmit = await client.submit(submitBody);

    const [instance] = await client.instances();
    expect(resubmit).toMatchObject({
      status: 200,
      body: { processInstanceId: instance?.processInstanceId },
    });
    expect(instance?.submits.map((submit) => submit.withheld)).toEqual([true, false]);
    // The held call ends once its caller leaves, rather than after the ten-minute limit.
    await expect
      .poll(() => logLines.some((line) => /processinstance\/create status=500/.test(line)))
      .toBe(true);
    expect((await client.faults()).fired).toEqual([
      expect.objectContaining({
        kind: 'submit-timeout',
        processInstanceId: instance?.processInstanceId,
      }),
    ]);
  });
});

describe('third-party approver: callback faults', () => {
  it('sends a duplicated callback twice with the same eventId', async () => {
    const approver = await setup();
    await approver.client.armFault('callback-duplicate', { times: 1 });

    const { processInstanceId } = await submitAndApprove(approver);
    const next = await submitAndApprove(approver, 'req-20240601-0002');

    const [first, second, third] = approver.receiver.received;
    expect(approver.receiver.received).toHaveLength(3);
    expect(second?.eventId).toBe(first?.eventId);
    expect(third?.processInstanceId).toBe(next.processInstanceId);
    expect((await approver.client.instance(processInstanceId))?.deliveries).toEqual([
      expect.objectContaining({
        copy: 1,
        faults: ['callback-duplicate'],
        outcome: expect.objectContaining({ state: 'delivered' }),
      }),
      expect.objectContaining({
        copy: 2,
        faults: ['callback-duplicate'],
        outcome: expect.objectContaining({ state: 'delivered' }),
      }),
    ]);
  });

  it('sends a delayed callback after the delay, answering the decision at once', async () => {
    const approver = await setup();
    await approver.client.armFault('callback-delay', { times: 1, delaySeconds: 1 });
    const started = Date.now();

    const { processInstanceId, response } = await submitAndApprove(approver);
    const reply = (await response.json()) as { instance: { delivery: { state: string } } };

    // Still delayed in the reply: the decision was answered before the callback left.
    expect(reply.instance.delivery.state).toBe('delayed');
    expect(approver.receiver.arrivals).toEqual([]);
    await expect.poll(() => approver.receiver.received.length, { timeout: 3000 }).toBe(1);
    expect(Date.now() - started).toBeGreaterThanOrEqual(1000);
    // The receiver has it before the simulator reads the acknowledgement and records it.
    await expect
      .poll(async () => (await approver.client.instance(processInstanceId))?.deliveries)
      .toEqual([
        expect.objectContaining({
          faults: ['callback-delay'],
          outcome: expect.objectContaining({ state: 'delivered' }),
        }),
      ]);
  });

  it('delivers a REVOKED event before the decision it follows, and ends revoked', async () => {
    const approver = await setup();
    await approver.client.armFault('callback-reorder', { times: 1 });

    const { processInstanceId } = await submitAndApprove(approver);
    const get = await approver.client.call(THIRD_PARTY_PATHS.get, {
      applyId: submitBody.applyId,
      processInstanceId,
    });

    const [revoked, approved] = approver.receiver.received;
    expect(approver.receiver.received.map((payload) => payload.status)).toEqual([
      'REVOKED',
      'APPROVED',
    ]);
    expect(revoked?.eventId).not.toBe(approved?.eventId);
    expect(Number(revoked?.operateTime)).toBeGreaterThan(Number(approved?.operateTime));
    const instance = await approver.client.instance(processInstanceId);
    expect(instance?.status).toBe('REVOKED');
    expect(instance?.deliveries.map((record) => [record.status, record.faults])).toEqual([
      ['REVOKED', ['callback-reorder']],
      ['APPROVED', ['callback-reorder']],
    ]);
    expect(await get.json()).toMatchObject({ success: true, status: 'REVOKED' });
  });

  it('sends a wrongly signed callback, which is refused, and resends it signed', async () => {
    const approver = await setup();
    await approver.client.armFault('callback-bad-signature', { times: 1 });

    const { processInstanceId } = await submitAndApprove(approver);
    const refused = await approver.client.instance(processInstanceId);
    await approver.client.act(processInstanceId, 'redeliver');

    expect(approver.receiver.arrivals).toEqual([
      { status: 401, error: 'signature_mismatch' },
      { status: 200, payload: expect.objectContaining({ status: 'APPROVED' }) },
    ]);
    expect(refused?.deliveries).toEqual([
      expect.objectContaining({
        faults: ['callback-bad-signature'],
        outcome: expect.objectContaining({
          state: 'failed',
          error: expect.stringContaining('HTTP 401'),
        }),
      }),
    ]);
    const resent = await approver.client.instance(processInstanceId);
    expect(resent?.delivery).toMatchObject({ state: 'delivered' });
    expect(resent?.deliveries[1]).toMatchObject({
      faults: [],
      eventId: refused?.decision?.eventId,
    });
  });

  it('shapes the policy’s decisions too, and combines faults armed together', async () => {
    const approver = await setup({ policy: { approveAfterSeconds: 0 } });
    await approver.client.armFault('callback-duplicate');
    await approver.client.armFault('callback-reorder');

    await approver.client.submit(submitBody);

    await expect.poll(() => approver.receiver.received.length, { timeout: 3000 }).toBe(4);
    expect(approver.receiver.received.map((payload) => payload.status)).toEqual([
      'REVOKED',
      'REVOKED',
      'APPROVED',
      'APPROVED',
    ]);
  });
});

describe('third-party approver: fault API', () => {
  it('lists armed faults with their remaining uses and delay', async () => {
    const { client } = await setup();

    await client.armFault('callback-delay', { times: 3, delaySeconds: 5 });
    const armed = await client.armFault('submit-timeout');

    expect(await armed.json()).toMatchObject({
      success: true,
      fault: { kind: 'submit-timeout', remaining: null },
      faults: [
        { kind: 'submit-timeout', remaining: null },
        { kind: 'callback-delay', remaining: 3, delaySeconds: 5 },
      ],
    });
  });

  it('clears every fault at once', async () => {
    const { client } = await setup();
    await client.armFault('submit-error');
    await client.armFault('callback-duplicate', { times: 2 });

    await client.clearFault();

    expect((await client.faults()).faults).toEqual([]);
  });

  it('answers 404 for an unknown fault and 400 for a bad count', async () => {
    const { client } = await setup();

    const unknown = await client.armFault('callback-lost');
    const badCount = await client.armFault('submit-error', { times: 0 });

    expect(unknown.status).toBe(404);
    expect(badCount.status).toBe(400);
    expect(await badCount.json()).toMatchObject({
      success: false,
      code: 'INVALID_FAULT',
      message: 'times: Times must be at least 1.',
    });
  });
});
