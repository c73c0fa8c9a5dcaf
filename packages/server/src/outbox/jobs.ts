// The outbox table's own moves: claim with a lease, mark sent, settle. Each is one conditional
// statement, so several workers in several processes can share the table without a lock of
// their own.
import type { Db, Store } from '../store/db.ts';
import type { OutboxRow } from '../store/schema.ts';

// A worker that checks a few candidates finds a free job even when others hold the first ones.
const CANDIDATES = 5;

/**
 * Claims one due job: `ready`, due, and with no lease or an expired one. The claim is a
 * conditional update, so of several workers racing for a job exactly one gets it; the returned
 * row still carries the `sent_at` of earlier attempts. (PostgreSQL can later select the
 * candidates `FOR UPDATE SKIP LOCKED`; the update stays the same.)
 */
export async function claimJob(
  store: Store,
  owner: string,
  leaseMs: number,
  now: number,
): Promise<OutboxRow | undefined> {
  return store.write(async (tx) => {
    const candidates = await tx
      .selectFrom('outbox')
      .select('id')
      .where('state', '=', 'ready')
      .where('next_attempt_at', '<=', now)
      .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
      .orderBy('next_attempt_at')
      .orderBy('id')
      .limit(CANDIDATES)
      .execute();

    for (const { id } of candidates) {
      const claimed = await tx
        .updateTable('outbox')
        .set((eb) => ({
          lease_owner: owner,
          lease_until: now + leaseMs,
          attempts: eb('attempts', '+', 1),
          updated_at: now,
        }))
        .where('id', '=', id)
        .where('state', '=', 'ready')
        .where((eb) => eb.or([eb('lease_until', 'is', null), eb('lease_until', '<', now)]))
        .returningAll()
        .executeTakeFirst();
      if (claimed) return claimed;
    }
    return undefined;
  });
}

/** Notes that an external call is about to be made, before it is made. */
export async function markSent(db: Db, jobId: number, now: number): Promise<void> {
  await db
    .updateTable('outbox')
    .set({ sent_at: now, updated_at: now })
    .where('id', '=', jobId)
    .where('sent_at', 'is', null)
    .execute();
}

/**
 * Marks a job done whoever holds its lease: its effect has happened, and a worker that took the
 * job over after a lease expired must not repeat it. True when this call closed it.
 */
export async function completeJob(tx: Db, jobId: number, now: number): Promise<boolean> {
  const row = await tx
    .updateTable('outbox')
    .set({ state: 'done', lease_owner: null, lease_until: null, updated_at: now })
    .where('id', '=', jobId)
    .where('state', '=', 'ready')
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}

/**
 * Puts a failed job back for a later attempt, or buries it (`dead`), but only while `owner`
 * still holds its lease: after the lease passed to another worker, the outcome is theirs to
 * record. True when this call settled it.
 */
export async function settleFailure(
  tx: Db,
  job: OutboxRow,
  owner: string,
  settle: { error: string; retryAt: number | null },
  now: number,
): Promise<boolean> {
  const row = await tx
    .updateTable('outbox')
    .set({
      state: settle.retryAt === null ? 'dead' : 'ready',
      next_attempt_at: settle.retryAt ?? job.next_attempt_at,
      last_error: settle.error,
      lease_owner: null,
      lease_until: null,
      updated_at: now,
    })
    .where('id', '=', job.id)
    .where('state', '=', 'ready')
    .where('lease_owner', '=', owner)
    .returning('id')
    .executeTakeFirst();
  return row !== undefined;
}
