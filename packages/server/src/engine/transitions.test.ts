import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import type { Store } from '../store/db.ts';
import { RequestService } from './requests.ts';
import {
  historyOf,
  insertRequest,
  jobsOf,
  openTestStore,
  raceProcesses,
  requester,
  silentLog,
  stateOfRequest,
  tempDatabaseFile,
  testClock,
} from './test-fixtures.ts';
import { moveState, readRequest } from './transitions.ts';

describe('RequestService.apply', () => {
  let store: Store;
  let service: RequestService;
  const clock = testClock();
  const user = { type: 'user' as const, id: requester.id, name: requester.name };

  beforeEach(async () => {
    store = await openTestStore();
    service = new RequestService({ store, log: silentLog, clock: clock.now });
  });
  afterEach(() => store.close());

  it('records who caused a change, when, and what they said', async () => {
    const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });

    await service.apply(
      id,
      'approve',
      { type: 'callback', name: 'Li Wei' },
      {
        externalId: 'inst-1',
        eventId: 'evt-9',
        note: 'Looks fine',
      },
    );

    expect(await historyOf(store.db, id)).toEqual([
      {
        id: expect.any(Number),
        request_id: id,
        at: clock.now(),
        event: 'approve',
        from_state: 'pending',
        to_state: 'approved',
        actor_type: 'callback',
        actor_id: null,
        actor_name: 'Li Wei',
        external_id: 'inst-1',
        event_id: 'evt-9',
        note: 'Looks fine',
      },
    ]);
  });

  it('does not record a user repeating an action, and reports no change', async () => {
    const id = await insertRequest(store.db, { state: 'revoked' });

    const result = await service.apply(id, 'revoke', user);

    expect(result).toMatchObject({ changed: false, from: 'revoked', to: 'revoked' });
    expect(await historyOf(store.db, id)).toEqual([]);
  });

  it('keeps the error when a dispatch gives up, and clears it on retry', async () => {
    const id = await insertRequest(store.db, { state: 'pending_dispatch' });

    const failed = await service.apply(
      id,
      'dispatch_gave_up',
      { type: 'system' },
      {
        error: 'connect ECONNREFUSED',
      },
    );
    const retried = await service.apply(id, 'retry', user);

    expect(failed.request).toMatchObject({
      state: 'dispatch_failed',
      lastError: 'connect ECONNREFUSED',
    });
    expect(retried.request).toMatchObject({ state: 'pending_dispatch', lastError: null });
  });

  it('enqueues a fresh dispatch job with a retry, in the same transaction', async () => {
    const id = await insertRequest(store.db, { state: 'dispatch_failed' });

    await service.apply(id, 'retry', user);

    const jobs = await jobsOf(store.db, id);
    expect(jobs).toMatchObject([
      { kind: 'dispatch', state: 'ready', attempts: 0, next_attempt_at: clock.now() },
    ]);
  });

  it.each(['revoke', 'force_revoke'] as const)(
    'enqueues a terminate job when a person %ss a request with an external instance',
    async (event) => {
      const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });

      await service.apply(id, event, user);

      expect(await jobsOf(store.db, id)).toMatchObject([{ kind: 'terminate', state: 'ready' }]);
    },
  );

  it('enqueues no terminate without an instance, or when the external system revoked', async () => {
    const noInstance = await insertRequest(store.db, { state: 'pending_dispatch' });
    const revokedOutside = await insertRequest(store.db, { state: 'pending', externalId: 'i-2' });

    await service.apply(noInstance, 'revoke', user);
    await service.apply(revokedOutside, 'revoke', { type: 'callback' }, { externalId: 'i-2' });

    expect(await jobsOf(store.db, noInstance)).toEqual([]);
    expect(await jobsOf(store.db, revokedOutside)).toEqual([]);
  });

  it('answers 404 for an unknown request', async () => {
    const applying = service.apply('nope', 'approve', user);

    await expect(applying).rejects.toBeInstanceOf(ApiError);
    await expect(applying).rejects.toMatchObject({ status: 404, code: 'not_found' });
  });
});

describe('a transition as a conditional update', () => {
  let store: Store;

  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('changes nothing when the state is no longer the one read', async () => {
    const id = await insertRequest(store.db, { state: 'pending' });
    const stale = await readRequest(store.db, id);
    await store.db.updateTable('requests').set({ state: 'revoked' }).where('id', '=', id).execute();

    const moved = await moveState(store.db, stale, 'approved', null, Date.now());

    expect(moved).toBeUndefined();
    expect(await stateOfRequest(store.db, id)).toBe('revoked');
  });

  it('lets exactly one of two concurrent conflicting events win in one process', async () => {
    const id = await insertRequest(store.db, { state: 'pending' });
    const first = new RequestService({ store, log: silentLog });
    const second = new RequestService({ store, log: silentLog });

    const results = await Promise.all([
      first.apply(id, 'approve', { type: 'callback' }),
      second.apply(id, 'revoke', { type: 'reconciler' }),
    ]);

    expect(results.filter((result) => result.changed)).toHaveLength(1);
    const transitions = (await historyOf(store.db, id)).filter((row) => row.to_state !== null);
    expect(transitions).toHaveLength(1);
    expect(await stateOfRequest(store.db, id)).toBe(transitions[0]?.to_state);
  });
});

describe('two server processes on one database file', () => {
  it('let exactly one of approve and revoke win', async () => {
    const { file, remove } = tempDatabaseFile();
    const store = await openTestStore(file);
    const id = await insertRequest(store.db, { state: 'pending' });

    try {
      const results = (await raceProcesses(file, [
        { op: 'apply', requestId: id, event: 'approve' },
        { op: 'apply', requestId: id, event: 'revoke' },
      ])) as Array<{ changed: boolean; to: string }>;

      expect(results.filter((result) => result.changed)).toHaveLength(1);
      const history = await historyOf(store.db, id);
      const transitions = history.filter((row) => row.to_state !== null);
      expect(transitions).toHaveLength(1);
      expect(history).toHaveLength(2);
      expect(['approved', 'revoked']).toContain(await stateOfRequest(store.db, id));
      expect(await stateOfRequest(store.db, id)).toBe(transitions[0]?.to_state);
    } finally {
      await store.close();
      remove();
    }
  });
});
