import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NormalisedEvent } from '../connectors/types.ts';
import type { Store } from '../store/db.ts';
import { applyWaitingEvents, CallbackEventService } from './callback-events.ts';
import {
  historyOf,
  insertRequest,
  openTestStore,
  raceProcesses,
  silentLog,
  stateOfRequest,
  tempDatabaseFile,
  testClock,
} from './test-fixtures.ts';

const SYSTEM = 'sys-other';

const event = (values: Partial<NormalisedEvent>): NormalisedEvent => ({
  eventKey: 'evt-1',
  eventId: 'evt-1',
  kind: 'approved',
  applyId: null,
  externalId: 'inst-1',
  actorName: 'Li Wei',
  comment: 'Fine by me',
  occurredAt: null,
  ...values,
});

async function callbackRow(store: Store, eventKey: string) {
  return store.db
    .selectFrom('callback_events')
    .selectAll()
    .where('system_id', '=', SYSTEM)
    .where('event_key', '=', eventKey)
    .executeTakeFirstOrThrow();
}

describe('CallbackEventService.record', () => {
  let store: Store;
  let service: CallbackEventService;
  const clock = testClock();

  beforeEach(async () => {
    store = await openTestStore();
    service = new CallbackEventService({ store, log: silentLog, clock: clock.now });
  });
  afterEach(() => store.close());

  it('applies a decision to the request bound to its instance', async () => {
    const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });

    const { outcome } = await service.record(SYSTEM, event({}));

    expect(outcome).toBe('applied');
    expect(await stateOfRequest(store.db, id)).toBe('approved');
    expect(await historyOf(store.db, id)).toMatchObject([
      {
        event: 'approve',
        from_state: 'pending',
        to_state: 'approved',
        actor_type: 'callback',
        actor_name: 'Li Wei',
        note: 'Fine by me',
        external_id: 'inst-1',
        event_id: 'evt-1',
      },
    ]);
    expect(await callbackRow(store, 'evt-1')).toMatchObject({
      request_id: id,
      applied_at: clock.now(),
      outcome: 'transition',
    });
  });

  it('treats a repeated event key as a duplicate that changes nothing', async () => {
    const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });
    await service.record(SYSTEM, event({}));

    const again = await service.record(SYSTEM, event({ kind: 'rejected' }));

    expect(again.outcome).toBe('duplicate');
    expect(await historyOf(store.db, id)).toHaveLength(1);
    expect(await stateOfRequest(store.db, id)).toBe('approved');
  });

  it('records a late approval of a revoked request without reviving it', async () => {
    const id = await insertRequest(store.db, { state: 'revoked', externalId: 'inst-1' });

    const { outcome } = await service.record(SYSTEM, event({}));

    expect(outcome).toBe('no_change');
    expect(await stateOfRequest(store.db, id)).toBe('revoked');
    expect(await historyOf(store.db, id)).toMatchObject([
      { event: 'approve', from_state: 'revoked', to_state: null, actor_type: 'callback' },
    ]);
    expect((await callbackRow(store, 'evt-1')).outcome).toBe('no_change');
  });

  it('keeps an event for an instance not recorded yet, waiting', async () => {
    const id = await insertRequest(store.db, { state: 'pending_dispatch' });

    const { outcome } = await service.record(SYSTEM, event({ externalId: 'inst-new' }));

    expect(outcome).toBe('waiting');
    expect(await stateOfRequest(store.db, id)).toBe('pending_dispatch');
    expect(await callbackRow(store, 'evt-1')).toMatchObject({
      external_id: 'inst-new',
      applied_at: null,
      outcome: null,
    });
  });

  it('applies a decision carrying our request id before the instance is recorded', async () => {
    const id = await insertRequest(store.db, { state: 'pending_dispatch' });

    const { outcome } = await service.record(SYSTEM, event({ applyId: id, externalId: 'inst-9' }));

    expect(outcome).toBe('applied');
    expect(await stateOfRequest(store.db, id)).toBe('approved');
  });

  it('does not let a system decide a request bound to another system', async () => {
    const id = await insertRequest(store.db, { state: 'pending', systemId: 'sys-elsewhere' });

    const { outcome } = await service.record(SYSTEM, event({ applyId: id, externalId: null }));

    expect(outcome).toBe('no_change');
    expect(await stateOfRequest(store.db, id)).toBe('pending');
    expect(await historyOf(store.db, id)).toEqual([]);
  });

  it('refuses a decision about another instance of the same request, and keeps nothing', async () => {
    const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });

    const refused = service.record(SYSTEM, event({ applyId: id, externalId: 'inst-2' }));

    await expect(refused).rejects.toMatchObject({ status: 400 });
    expect(await stateOfRequest(store.db, id)).toBe('pending');
    expect(await historyOf(store.db, id)).toEqual([]);
    const kept = await store.db.selectFrom('callback_events').selectAll().execute();
    expect(kept).toEqual([]);
  });

  it('refuses a decision whose applyId and instance name two different requests', async () => {
    const a = await insertRequest(store.db, { state: 'pending', externalId: 'inst-a' });
    const b = await insertRequest(store.db, { state: 'pending', externalId: 'inst-b' });

    const refused = service.record(SYSTEM, event({ applyId: a, externalId: 'inst-b' }));

    await expect(refused).rejects.toMatchObject({ status: 400 });
    expect(await stateOfRequest(store.db, a)).toBe('pending');
    expect(await stateOfRequest(store.db, b)).toBe('pending');
  });

  it('records an approver’s intermediate decision in the history only', async () => {
    const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });

    const { outcome } = await service.record(SYSTEM, event({ kind: 'approver_decided' }));

    expect(outcome).toBe('no_change');
    expect(await stateOfRequest(store.db, id)).toBe('pending');
    expect(await historyOf(store.db, id)).toMatchObject([
      { event: 'approver_decided', to_state: null, actor_name: 'Li Wei', note: 'Fine by me' },
    ]);
  });
});

describe('waiting events', () => {
  let store: Store;
  const clock = testClock();

  beforeEach(async () => {
    store = await openTestStore();
  });
  afterEach(() => store.close());

  it('are applied in arrival order once the instance is recorded', async () => {
    const service = new CallbackEventService({ store, log: silentLog, clock: clock.now });
    const id = await insertRequest(store.db, { state: 'pending_dispatch' });
    await service.record(SYSTEM, event({ eventKey: 'b-first', kind: 'approver_decided' }));
    clock.advance(10);
    await service.record(SYSTEM, event({ eventKey: 'a-second', kind: 'rejected' }));
    clock.advance(10);
    await service.record(SYSTEM, event({ eventKey: 'c-third', kind: 'approved' }));

    const applied = await store.write(async (tx) => {
      await tx
        .updateTable('requests')
        .set({ external_id: 'inst-1' })
        .where('id', '=', id)
        .execute();
      return applyWaitingEvents(tx, id, SYSTEM, 'inst-1', clock.now());
    });

    expect(applied.count).toBe(3);
    expect(await stateOfRequest(store.db, id)).toBe('rejected');
    const history = await historyOf(store.db, id);
    expect(history.map((row) => [row.event, row.to_state])).toEqual([
      ['approver_decided', null],
      ['reject', 'rejected'],
      ['approve', null],
    ]);
    const waiting = await store.db
      .selectFrom('callback_events')
      .select('event_key')
      .where('applied_at', 'is', null)
      .execute();
    expect(waiting).toEqual([]);
  });

  it('are picked up by the sweep when their instance became known some other way', async () => {
    const service = new CallbackEventService({ store, log: silentLog, clock: clock.now });
    const id = await insertRequest(store.db, { state: 'pending_dispatch' });
    await service.record(SYSTEM, event({}));
    await store.db
      .updateTable('requests')
      .set({ external_id: 'inst-1' })
      .where('id', '=', id)
      .execute();

    const count = await service.applyMatchedWaiting();

    expect(count).toBe(1);
    expect(await stateOfRequest(store.db, id)).toBe('approved');
    expect(await service.applyMatchedWaiting()).toBe(0);
  });
});

describe('the same event received by two server processes at once', () => {
  it('is applied exactly once', async () => {
    const { file, remove } = tempDatabaseFile();
    const store = await openTestStore(file);
    const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });

    try {
      const results = await raceProcesses(file, [
        { op: 'callback', systemId: SYSTEM, event: event({}) },
        { op: 'callback', systemId: SYSTEM, event: event({}) },
      ]);

      expect(results.map((result) => (result as { outcome: string }).outcome).sort()).toEqual([
        'applied',
        'duplicate',
      ]);
      expect(await historyOf(store.db, id)).toHaveLength(1);
      expect(await stateOfRequest(store.db, id)).toBe('approved');
    } finally {
      await store.close();
      remove();
    }
  });
});
