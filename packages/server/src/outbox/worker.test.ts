import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SubmitOutcome } from '../connectors/types.ts';
import { CallbackEventService } from '../engine/callback-events.ts';
import { asset, historyOf, jobsOf, requester, silentLog, T0 } from '../engine/test-fixtures.ts';
import { claimJob, markSent } from './jobs.ts';
import { LEASE_MS, OutboxScene, retryable, ScriptedConnector } from './test-scene.ts';

let scene: OutboxScene;

beforeEach(async () => {
  scene = await OutboxScene.open();
});
afterEach(() => scene.close());

describe('OutboxWorker dispatch', () => {
  it('submits the request, records its instance and moves it to pending', async () => {
    const id = await scene.submit();
    const connector = new ScriptedConnector([{ ok: true, externalId: 'inst-1' }]);
    const worker = scene.worker(connector);

    expect(await worker.runOnce()).toBe(true);

    expect(connector.submits).toEqual([
      {
        requestId: id,
        title: 'Rita Alvarez: export access to General ledger',
        requester: {
          id: 'rita',
          name: 'Rita Alvarez',
          sourceUserId: 'src-rita',
          dingtalkUserId: 'dt-rita',
        },
        asset: { ...asset },
        permission: 'export',
        periodType: 'DAYS_7',
        periodEnd: '2025-01-22',
        reason: 'Audit sample',
        templateCode: 'TPL-7',
        processCode: '',
        nodes: [
          {
            mode: 'OR',
            approvers: [
              {
                id: 'aaron',
                name: 'Aaron Patel',
                sourceUserId: 'src-aaron',
                dingtalkUserId: 'dt-aaron',
              },
              { id: 'bea', name: 'Bea Novak', sourceUserId: 'bea', dingtalkUserId: null },
            ],
          },
          {
            mode: 'AND',
            approvers: [
              { id: 'sam', name: 'Sam Okafor', sourceUserId: 'src-sam', dingtalkUserId: null },
            ],
          },
        ],
        maybeSentBefore: false,
      },
    ]);
    expect(await scene.request(id)).toMatchObject({ state: 'pending', external_id: 'inst-1' });
    expect((await historyOf(scene.db, id)).at(-1)).toMatchObject({
      event: 'dispatched',
      from_state: 'pending_dispatch',
      to_state: 'pending',
      actor_type: 'system',
      external_id: 'inst-1',
    });
    expect(await jobsOf(scene.db, id)).toMatchObject([
      { state: 'done', attempts: 1, lease_owner: null, sent_at: T0 },
    ]);
    expect(await worker.runOnce()).toBe(false);
  });

  it('backs off after a retryable failure, then succeeds', async () => {
    const id = await scene.submit();
    const connector = new ScriptedConnector([
      retryable('HTTP 503'),
      { ok: true, externalId: 'inst-1' },
    ]);
    const worker = scene.worker(connector);

    await worker.runOnce();
    const [job] = await jobsOf(scene.db, id);
    const tooEarly = await worker.runOnce();
    scene.clock.advance(1_000);
    await worker.runOnce();

    expect(job).toMatchObject({
      state: 'ready',
      attempts: 1,
      next_attempt_at: T0 + 1_000,
      last_error: 'HTTP 503',
      lease_owner: null,
    });
    expect(tooEarly).toBe(false);
    expect(connector.submits.map((command) => command.maybeSentBefore)).toEqual([false, true]);
    expect(await scene.request(id)).toMatchObject({ state: 'pending', external_id: 'inst-1' });
    expect((await historyOf(scene.db, id)).map((row) => [row.event, row.to_state])).toEqual([
      ['submitted', 'pending_dispatch'],
      ['dispatch_attempt_failed', null],
      ['dispatched', 'pending'],
    ]);
  });

  it('gives up after maxAttempts: dispatch_failed with the last error, job dead', async () => {
    const id = await scene.submit();
    const connector = new ScriptedConnector([
      retryable('timeout'),
      new Error('socket hang up'),
      retryable('HTTP 502'),
    ]);
    const worker = scene.worker(connector, { maxAttempts: 3 });

    await worker.runOnce();
    scene.clock.advance(1_000);
    await worker.runOnce();
    scene.clock.advance(2_000);
    await worker.runOnce();
    scene.clock.advance(60_000);

    expect(await worker.runOnce()).toBe(false);
    expect(connector.submits).toHaveLength(3);
    expect(await scene.request(id)).toMatchObject({
      state: 'dispatch_failed',
      last_error: 'HTTP 502',
    });
    expect(await jobsOf(scene.db, id)).toMatchObject([
      { state: 'dead', attempts: 3, last_error: 'HTTP 502' },
    ]);
    const history = await historyOf(scene.db, id);
    expect(history.map((row) => [row.event, row.to_state])).toEqual([
      ['submitted', 'pending_dispatch'],
      ['dispatch_attempt_failed', null],
      ['dispatch_attempt_failed', null],
      ['dispatch_gave_up', 'dispatch_failed'],
    ]);
    expect(history[2]?.note).toBe('Attempt 2 of 3 failed: socket hang up');
    expect(history[3]?.note).toBe('Gave up after 3 attempts: HTTP 502');
  });

  it('gives up at once on a failure that will not pass', async () => {
    const id = await scene.submit();
    const connector = new ScriptedConnector([
      { ok: false, retryable: false, error: 'Access token rejected (code 40014)' },
    ]);

    await scene.worker(connector).runOnce();

    expect(await scene.request(id)).toMatchObject({
      state: 'dispatch_failed',
      last_error: 'Access token rejected (code 40014)',
    });
    expect(await jobsOf(scene.db, id)).toMatchObject([{ state: 'dead', attempts: 1 }]);
  });

  it('gives up at once when the system is no longer configured', async () => {
    const id = await scene.submit();
    const connector = new ScriptedConnector([]);

    await scene.worker(connector, { systems: [] }).runOnce();

    expect(connector.submits).toEqual([]);
    expect(await scene.request(id)).toMatchObject({
      state: 'dispatch_failed',
      last_error: 'The approval system oa-1 is no longer configured.',
    });
  });

  it('takes over a job whose lease expired, telling the connector it may have been sent', async () => {
    const id = await scene.submit();
    // Worker "crashed" claims the job and marks it sent, then dies before the call returns.
    const [crashed] = await Promise.all([claimJob(scene.store, 'crashed', LEASE_MS, T0)]);
    await markSent(scene.db, crashed!.id, T0);
    const connector = new ScriptedConnector([{ ok: true, externalId: 'inst-1' }]);
    const worker = scene.worker(connector, { owner: 'worker-b' });

    scene.clock.advance(LEASE_MS + 1);
    expect(await worker.runOnce()).toBe(true);

    expect(connector.submits).toMatchObject([{ requestId: id, maybeSentBefore: true }]);
    expect(await jobsOf(scene.db, id)).toMatchObject([{ state: 'done', attempts: 2 }]);
    expect(await scene.request(id)).toMatchObject({ state: 'pending', external_id: 'inst-1' });
  });

  it('leaves alone a job another worker holds an unexpired lease on', async () => {
    const id = await scene.submit();
    await claimJob(scene.store, 'worker-a', LEASE_MS, T0);
    const connector = new ScriptedConnector([{ ok: true, externalId: 'inst-1' }]);
    const worker = scene.worker(connector, { owner: 'worker-b' });

    scene.clock.advance(LEASE_MS - 1);

    expect(await worker.runOnce()).toBe(false);
    expect(connector.submits).toEqual([]);
    expect(await jobsOf(scene.db, id)).toMatchObject([
      { state: 'ready', lease_owner: 'worker-a', attempts: 1 },
    ]);
  });

  it('leaves the outcome to the worker that took over once its own lease is gone', async () => {
    const id = await scene.submit();
    const late = new ScriptedConnector([
      async () => {
        scene.clock.advance(LEASE_MS + 1);
        await scene.worker(fast, { owner: 'worker-b' }).runOnce();
        return retryable('timeout');
      },
    ]);
    const fast = new ScriptedConnector([{ ok: true, externalId: 'inst-1' }]);

    await scene.worker(late, { owner: 'worker-a' }).runOnce();

    expect(await jobsOf(scene.db, id)).toMatchObject([
      { state: 'done', attempts: 2, last_error: null },
    ]);
    expect(await scene.request(id)).toMatchObject({ state: 'pending', external_id: 'inst-1' });
    const events = (await historyOf(scene.db, id)).map((row) => row.event);
    expect(events).not.toContain('dispatch_attempt_failed');
  });

  it('counts an unexpected error as a failed attempt and retries', async () => {
    const taken = await scene.submit();
    const id = await scene.submit();
    const connector = new ScriptedConnector([
      { ok: true, externalId: 'inst-1' },
      { ok: true, externalId: 'inst-1' },
    ]);
    const worker = scene.worker(connector);

    await worker.runOnce();
    await worker.runOnce();

    expect(await scene.request(taken)).toMatchObject({ external_id: 'inst-1' });
    expect(await scene.request(id)).toMatchObject({ state: 'pending_dispatch', external_id: null });
    expect(await jobsOf(scene.db, id)).toMatchObject([
      {
        state: 'ready',
        attempts: 1,
        last_error: expect.stringMatching(/^Unexpected error: .*UNIQUE/),
      },
    ]);
  });

  it('applies a decision that arrived before the instance was recorded', async () => {
    const id = await scene.submit();
    const callbacks = new CallbackEventService({
      store: scene.store,
      log: silentLog,
      clock: scene.clock.now,
    });
    const early = await callbacks.record('oa-1', {
      eventKey: 'evt-1',
      eventId: 'evt-1',
      kind: 'approved',
      applyId: null,
      externalId: 'inst-1',
      actorName: 'Aaron Patel',
      comment: null,
      occurredAt: null,
    });

    await scene.worker(new ScriptedConnector([{ ok: true, externalId: 'inst-1' }])).runOnce();

    expect(early.outcome).toBe('waiting');
    expect(await scene.request(id)).toMatchObject({ state: 'approved', external_id: 'inst-1' });
    expect((await historyOf(scene.db, id)).map((row) => [row.event, row.to_state])).toEqual([
      ['submitted', 'pending_dispatch'],
      ['dispatched', 'pending'],
      ['approve', 'approved'],
    ]);
    const event = await scene.db
      .selectFrom('callback_events')
      .selectAll()
      .executeTakeFirstOrThrow();
    expect(event).toMatchObject({ request_id: id, outcome: 'transition', applied_at: T0 });
  });

  it('records the instance of a request approved before the reply came, without moving it', async () => {
    const id = await scene.submit();
    const connector = new ScriptedConnector([
      async () => {
        await scene.requests.apply(id, 'approve', { type: 'callback' });
        return { ok: true, externalId: 'inst-1' };
      },
    ]);

    await scene.worker(connector).runOnce();

    expect(await scene.request(id)).toMatchObject({ state: 'approved', external_id: 'inst-1' });
    expect(await jobsOf(scene.db, id)).toMatchObject([{ kind: 'dispatch', state: 'done' }]);
    expect((await historyOf(scene.db, id)).at(-1)).toMatchObject({
      event: 'dispatched',
      from_state: 'approved',
      to_state: null,
    });
  });

  it('does not send a request revoked before its dispatch', async () => {
    const id = await scene.submit();
    await scene.requests.revoke(requester, id, 'Changed my mind');
    const connector = new ScriptedConnector([]);

    await scene.worker(connector).runOnce();

    expect(connector.submits).toEqual([]);
    expect(await jobsOf(scene.db, id)).toMatchObject([{ kind: 'dispatch', state: 'done' }]);
    expect((await historyOf(scene.db, id)).at(-1)).toMatchObject({
      event: 'dispatch_cancelled',
      to_state: null,
    });
  });

  it('terminates the instance of a request revoked while its dispatch was in flight', async () => {
    const id = await scene.submit();
    const connector = new ScriptedConnector(
      [
        async () => {
          await scene.requests.revoke(requester, id, 'Wrong table');
          return { ok: true, externalId: 'inst-1' };
        },
      ],
      [{ ok: true }],
    );
    const worker = scene.worker(connector);

    await worker.runOnce();
    await worker.runOnce();

    expect(await scene.request(id)).toMatchObject({ state: 'revoked', external_id: 'inst-1' });
    expect(connector.terminates).toEqual([
      {
        requestId: id,
        externalId: 'inst-1',
        operator: {
          id: 'rita',
          name: 'Rita Alvarez',
          sourceUserId: 'src-rita',
          dingtalkUserId: 'dt-rita',
        },
        reason: 'Wrong table',
      },
    ]);
    expect((await jobsOf(scene.db, id)).map((job) => [job.kind, job.state])).toEqual([
      ['dispatch', 'done'],
      ['terminate', 'done'],
    ]);
    expect((await historyOf(scene.db, id)).at(-1)).toMatchObject({
      event: 'terminated',
      from_state: 'revoked',
      to_state: null,
    });
  });
});

describe('OutboxWorker start and stop', () => {
  it('polls for jobs and, when stopped, waits for the one in flight', async () => {
    const id = await scene.submit();
    let release: () => void = () => {};
    let called: () => void = () => {};
    const submitCalled = new Promise<void>((resolve) => {
      called = resolve;
    });
    const connector = new ScriptedConnector([
      () =>
        new Promise<SubmitOutcome>((resolve) => {
          called();
          release = () => resolve({ ok: true, externalId: 'inst-1' });
        }),
    ]);
    const worker = scene.worker(connector);

    worker.start();
    await submitCalled;
    const stopping = worker.stop();
    release();
    await stopping;

    expect(await scene.request(id)).toMatchObject({ state: 'pending', external_id: 'inst-1' });
  });
});
