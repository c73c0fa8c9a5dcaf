// The one place a request's state changes. Every caller (routes, callbacks, the outbox worker)
// passes its own write transaction, so a transition commits together with whatever caused it.
import type { ActorType, RequestState } from '@signoff/contracts';
import type { Logger } from 'pino';
import { notFound } from '../http/errors.ts';
import type { Db } from '../store/db.ts';
import type { OutboxKind, RequestRow } from '../store/schema.ts';
import { isRequestState, nextState, type RequestEvent } from './state-machine.ts';

/** Who or what caused an event; kept in the history. */
export interface Actor {
  type: ActorType;
  id?: string | null;
  name?: string | null;
}

/** What the source of an event said about it. */
export interface EventDetails {
  externalId?: string | null;
  eventId?: string | null;
  note?: string | null;
  /** Why a dispatch gave up; stored as the request's `last_error`. */
  error?: string | null;
  /**
   * The history's name for the event, where it says more than the engine's: a built-in
   * approver's decision that settles the request is one `approver_decided` row, like the others.
   */
  recordAs?: string;
}

export interface TransitionResult {
  requestId: string;
  event: RequestEvent;
  actor: ActorType;
  changed: boolean;
  from: RequestState;
  /** Equal to `from` when nothing changed. */
  to: RequestState;
  row: RequestRow;
}

// Each round re-reads the state that a concurrent writer changed. One round is all SQLite ever
// needs (its write transactions are serial); PostgreSQL may need more under contention.
const MAX_ROUNDS = 5;

/**
 * Applies `event` to a request: a conditional update that only succeeds if the state is still
 * the one read, so exactly one of several concurrent writers wins. Each change writes a history
 * row. An event that changes nothing is recorded too, unless a user repeated an action: then the
 * caller answers 409 instead, and the history stays free of noise.
 */
export async function applyTransition(
  tx: Db,
  requestId: string,
  event: RequestEvent,
  actor: Actor,
  details: EventDetails,
  now: number,
): Promise<TransitionResult> {
  const recorded = details.recordAs ?? event;
  for (let round = 0; round < MAX_ROUNDS; round++) {
    const current = await readRequest(tx, requestId);
    const from = stateOf(current);
    const to = nextState(from, event);

    if (to === null) {
      if (actor.type !== 'user') {
        await writeHistory(tx, { requestId, event: recorded, from, to: null, actor, details, now });
      }
      return { requestId, event, actor: actor.type, changed: false, from, to: from, row: current };
    }

    const updated = await moveState(tx, current, to, lastErrorAfter(event, current, details), now);
    if (!updated) continue;

    await writeHistory(tx, { requestId, event: recorded, from, to, actor, details, now });
    await enqueueFollowUp(tx, updated, event, actor, now);
    return { requestId, event, actor: actor.type, changed: true, from, to, row: updated };
  }
  throw new Error(`Request ${requestId} kept changing; ${event} was not applied.`);
}

/**
 * `UPDATE requests SET state = to WHERE id = ? AND state = <the state read>`: returns the
 * updated row, or undefined when another writer moved the request first.
 */
export async function moveState(
  tx: Db,
  current: RequestRow,
  to: RequestState,
  lastError: string | null,
  now: number,
): Promise<RequestRow | undefined> {
  return tx
    .updateTable('requests')
    .set({ state: to, last_error: lastError, updated_at: now })
    .where('id', '=', current.id)
    .where('state', '=', current.state)
    .returningAll()
    .executeTakeFirst();
}

function lastErrorAfter(event: RequestEvent, current: RequestRow, details: EventDetails) {
  if (event === 'dispatch_gave_up') return details.error ?? 'The dispatch gave up.';
  if (event === 'retry') return null;
  return current.last_error;
}

/**
 * Work a transition leaves for the outbox: a retry dispatches again, and a revoke terminates the
 * external instance. A revoke that came from the external system itself needs no terminate.
 */
async function enqueueFollowUp(
  tx: Db,
  request: RequestRow,
  event: RequestEvent,
  actor: Actor,
  now: number,
): Promise<void> {
  if (event === 'retry') {
    await enqueueJob(tx, 'dispatch', request.id, now);
  }
  const revoked = event === 'revoke' || event === 'force_revoke';
  if (revoked && request.external_id !== null && actor.type !== 'callback') {
    await enqueueJob(tx, 'terminate', request.id, now);
  }
}

export async function enqueueJob(
  tx: Db,
  kind: OutboxKind,
  requestId: string,
  now: number,
): Promise<void> {
  await tx
    .insertInto('outbox')
    .values({
      kind,
      request_id: requestId,
      state: 'ready',
      attempts: 0,
      next_attempt_at: now,
      lease_owner: null,
      lease_until: null,
      sent_at: null,
      last_error: null,
      created_at: now,
      updated_at: now,
    })
    .execute();
}

/** The request row, or undefined when there is none (a job or event about a deleted id). */
export function findRequestRow(db: Db, requestId: string): Promise<RequestRow | undefined> {
  return db.selectFrom('requests').selectAll().where('id', '=', requestId).executeTakeFirst();
}

/** The request row; an unknown id is a 404. */
export async function readRequest(db: Db, requestId: string): Promise<RequestRow> {
  const row = await findRequestRow(db, requestId);
  if (!row) throw notFound('request', requestId);
  return row;
}

export function stateOf(row: RequestRow): RequestState {
  if (!isRequestState(row.state)) {
    throw new Error(`Request ${row.id} has an unknown state ${JSON.stringify(row.state)}.`);
  }
  return row.state;
}

export interface HistoryInput {
  requestId: string;
  /** An engine event, or a record such as `submitted` or `dispatch_attempt_failed`. */
  event: string;
  from: RequestState | null;
  /** Null when the state did not change. */
  to: RequestState | null;
  actor: Actor;
  details?: EventDetails;
  now: number;
}

export async function writeHistory(tx: Db, entry: HistoryInput): Promise<void> {
  const details = entry.details ?? {};
  await tx
    .insertInto('request_history')
    .values({
      request_id: entry.requestId,
      at: entry.now,
      event: entry.event,
      from_state: entry.from,
      to_state: entry.to,
      actor_type: entry.actor.type,
      actor_id: entry.actor.id ?? null,
      actor_name: entry.actor.name ?? null,
      external_id: details.externalId ?? null,
      event_id: details.eventId ?? null,
      note: details.note ?? details.error ?? null,
    })
    .execute();
}

/** One log line per state change, after the transaction that made it has committed. */
export function logTransition(log: Logger, result: TransitionResult): void {
  if (!result.changed) return;
  log.info(
    {
      requestId: result.requestId,
      event: result.event,
      from: result.from,
      to: result.to,
      actor: result.actor,
    },
    'request state changed',
  );
}
