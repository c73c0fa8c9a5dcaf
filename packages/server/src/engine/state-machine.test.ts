import type { RequestState } from '@signoff/contracts';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/db.ts';
import { RequestService } from './requests.ts';
import { nextState, type RequestEvent } from './state-machine.ts';
import {
  historyOf,
  insertRequest,
  openTestStore,
  silentLog,
  stateOfRequest,
} from './test-fixtures.ts';

// product.md, "A request's life", written out cell by cell: every state against every event.
const table: Array<[RequestState, RequestEvent, RequestState | 'no change']> = [
  ['pending_dispatch', 'dispatched', 'pending'],
  ['pending_dispatch', 'dispatch_gave_up', 'dispatch_failed'],
  ['pending_dispatch', 'approve', 'approved'],
  ['pending_dispatch', 'reject', 'rejected'],
  ['pending_dispatch', 'revoke', 'revoked'],
  ['pending_dispatch', 'force_revoke', 'force_revoked'],
  ['pending_dispatch', 'retry', 'no change'],
  ['pending', 'dispatched', 'no change'],
  ['pending', 'dispatch_gave_up', 'no change'],
  ['pending', 'approve', 'approved'],
  ['pending', 'reject', 'rejected'],
  ['pending', 'revoke', 'revoked'],
  ['pending', 'force_revoke', 'force_revoked'],
  ['pending', 'retry', 'no change'],
  ['dispatch_failed', 'dispatched', 'no change'],
  ['dispatch_failed', 'dispatch_gave_up', 'no change'],
  ['dispatch_failed', 'approve', 'approved'],
  ['dispatch_failed', 'reject', 'rejected'],
  ['dispatch_failed', 'revoke', 'revoked'],
  ['dispatch_failed', 'force_revoke', 'force_revoked'],
  ['dispatch_failed', 'retry', 'pending_dispatch'],
  ['approved', 'dispatched', 'no change'],
  ['approved', 'dispatch_gave_up', 'no change'],
  ['approved', 'approve', 'no change'],
  ['approved', 'reject', 'no change'],
  ['approved', 'revoke', 'no change'],
  ['approved', 'force_revoke', 'no change'],
  ['approved', 'retry', 'no change'],
  ['rejected', 'dispatched', 'no change'],
  ['rejected', 'dispatch_gave_up', 'no change'],
  ['rejected', 'approve', 'no change'],
  ['rejected', 'reject', 'no change'],
  ['rejected', 'revoke', 'no change'],
  ['rejected', 'force_revoke', 'no change'],
  ['rejected', 'retry', 'no change'],
  ['revoked', 'dispatched', 'no change'],
  ['revoked', 'dispatch_gave_up', 'no change'],
  ['revoked', 'approve', 'no change'],
  ['revoked', 'reject', 'no change'],
  ['revoked', 'revoke', 'no change'],
  ['revoked', 'force_revoke', 'no change'],
  ['revoked', 'retry', 'no change'],
  ['force_revoked', 'dispatched', 'no change'],
  ['force_revoked', 'dispatch_gave_up', 'no change'],
  ['force_revoked', 'approve', 'no change'],
  ['force_revoked', 'reject', 'no change'],
  ['force_revoked', 'revoke', 'no change'],
  ['force_revoked', 'force_revoke', 'no change'],
  ['force_revoked', 'retry', 'no change'],
];

describe('the request state machine', () => {
  it('has a row for each of the 7 states × 7 events', () => {
    const cells = new Set(table.map(([state, event]) => `${state}/${event}`));

    expect(cells.size).toBe(49);
  });

  it.each(table)('nextState(%s, %s) is %s', (state, event, expected) => {
    expect(nextState(state, event)).toBe(expected === 'no change' ? null : expected);
  });

  describe('applied to a stored request by a callback', () => {
    let store: Store;
    let service: RequestService;

    beforeEach(async () => {
      store = await openTestStore();
      service = new RequestService({ store, log: silentLog });
    });
    afterEach(() => store.close());

    it.each(table)('%s + %s → %s', async (state, event, expected) => {
      const id = await insertRequest(store.db, { state, externalId: 'inst-1' });

      const result = await service.apply(
        id,
        event,
        { type: 'callback', name: 'OA' },
        {
          externalId: 'inst-1',
          eventId: 'evt-1',
        },
      );

      const history = await historyOf(store.db, id);
      expect(history).toHaveLength(1);
      expect(history[0]).toMatchObject({
        event,
        from_state: state,
        actor_type: 'callback',
        actor_name: 'OA',
        external_id: 'inst-1',
        event_id: 'evt-1',
      });
      if (expected === 'no change') {
        expect(result).toMatchObject({ changed: false, from: state, to: state });
        expect(await stateOfRequest(store.db, id)).toBe(state);
        expect(history[0]?.to_state).toBeNull();
      } else {
        expect(result).toMatchObject({ changed: true, from: state, to: expected });
        expect(result.request.state).toBe(expected);
        expect(await stateOfRequest(store.db, id)).toBe(expected);
        expect(history[0]?.to_state).toBe(expected);
      }
    });
  });
});
