import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Store } from '../store/db.ts';
import { RequestService } from './requests.ts';
import {
  historyOf,
  insertRequest,
  jobsOf,
  openTestStore,
  otherRequester,
  requester,
  securityAdmin,
  silentLog,
  systemAdmin,
} from './test-fixtures.ts';

let store: Store;
let service: RequestService;

beforeEach(async () => {
  store = await openTestStore();
  service = new RequestService({ store, log: silentLog });
});
afterEach(() => store.close());

describe('RequestService.revoke', () => {
  it('lets the requester revoke a request that is not final, with a reason', async () => {
    const id = await insertRequest(store.db, { state: 'pending', externalId: 'inst-1' });

    const view = await service.revoke(requester, id, 'Not needed any more');

    expect(view.state).toBe('revoked');
    expect(await historyOf(store.db, id)).toMatchObject([
      {
        event: 'revoke',
        from_state: 'pending',
        to_state: 'revoked',
        actor_id: 'rita',
        note: 'Not needed any more',
      },
    ]);
    expect(await jobsOf(store.db, id)).toMatchObject([{ kind: 'terminate' }]);
  });

  it('lets a system administrator revoke anyone’s request', async () => {
    const id = await insertRequest(store.db, { state: 'pending_dispatch' });

    expect((await service.revoke(systemAdmin, id, '')).state).toBe('revoked');
  });

  it.each([
    ['another requester', otherRequester],
    ['a security administrator', securityAdmin],
  ])('refuses %s with 403', async (_who, user) => {
    const id = await insertRequest(store.db, { state: 'pending' });

    await expect(service.revoke(user, id, '')).rejects.toMatchObject({ status: 403 });
    expect(await historyOf(store.db, id)).toEqual([]);
  });

  it('answers 409 with the state for a final request', async () => {
    const id = await insertRequest(store.db, { state: 'approved' });

    await expect(service.revoke(requester, id, '')).rejects.toMatchObject({
      status: 409,
      code: 'conflict',
      message: 'The request is already approved; it can no longer be revoked.',
    });
  });

  it('answers 404 for an unknown request', async () => {
    await expect(service.revoke(requester, 'nope', '')).rejects.toMatchObject({ status: 404 });
  });
});

describe('RequestService.forceRevoke', () => {
  it('is for super and system administrators only', async () => {
    const id = await insertRequest(store.db, { state: 'pending' });

    await expect(service.forceRevoke(requester, id, '')).rejects.toMatchObject({ status: 403 });
    await expect(service.forceRevoke(securityAdmin, id, '')).rejects.toMatchObject({ status: 403 });
    const view = await service.forceRevoke(systemAdmin, id, 'Stuck for a week');

    expect(view.state).toBe('force_revoked');
  });

  it('answers 409 for a final request', async () => {
    const id = await insertRequest(store.db, { state: 'rejected' });

    await expect(service.forceRevoke(systemAdmin, id, '')).rejects.toMatchObject({
      status: 409,
      message: expect.stringContaining('rejected'),
    });
  });
});

describe('RequestService.retry', () => {
  it('sends a failed dispatch again', async () => {
    const id = await insertRequest(store.db, { state: 'dispatch_failed' });

    const view = await service.retry(requester, id);

    expect(view.state).toBe('pending_dispatch');
    expect(await jobsOf(store.db, id)).toMatchObject([{ kind: 'dispatch', state: 'ready' }]);
  });

  it('shows the dispatch error only while the request is dispatch_failed', async () => {
    const id = await insertRequest(store.db, { state: 'dispatch_failed' });
    await store.db
      .updateTable('requests')
      .set({ last_error: 'The proxy answered HTTP 503.' })
      .where('id', '=', id)
      .execute();

    const failed = await service.get(id);
    const revoked = await service.revoke(requester, id, 'Giving up');

    expect(failed.lastError).toBe('The proxy answered HTTP 503.');
    expect(revoked.lastError).toBeNull();
  });

  it('answers 409 unless the dispatch failed', async () => {
    const id = await insertRequest(store.db, { state: 'pending' });

    await expect(service.retry(requester, id)).rejects.toMatchObject({
      status: 409,
      message: 'Only a request whose dispatch failed can be retried; this one is pending.',
    });
    expect(await jobsOf(store.db, id)).toEqual([]);
  });

  it('refuses someone else’s request with 403', async () => {
    const id = await insertRequest(store.db, { state: 'dispatch_failed' });

    await expect(service.retry(otherRequester, id)).rejects.toMatchObject({ status: 403 });
  });
});
