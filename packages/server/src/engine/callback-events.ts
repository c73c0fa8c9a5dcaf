// Decisions that external systems call back with. Senders redeliver and reorder (protocols.md,
// section 4), so each event is claimed once by an atomic insert before it has any effect, and a
// decision that outran the reply to its submit waits in the table until its instance is known.
import type { Logger } from 'pino';
import type { NormalisedEvent } from '../connectors/types.ts';
import { ApiError } from '../http/errors.ts';
import type { Db, Store } from '../store/db.ts';
import type { RequestRow } from '../store/schema.ts';
import type { RequestEvent } from './state-machine.ts';
import {
  type Actor,
  applyTransition,
  findRequestRow,
  logTransition,
  stateOf,
  type TransitionResult,
  writeHistory,
} from './transitions.ts';

/**
 * `applied`: the request's state moved. `no_change`: recorded without moving it (a late or
 * repeated decision, an approver's intermediate decision). `duplicate`: this event was seen
 * before and nothing happened. `waiting`: the request is not known yet; the event is kept.
 */
export type CallbackOutcome = 'applied' | 'no_change' | 'duplicate' | 'waiting';

const engineEvents: Record<NormalisedEvent['kind'], RequestEvent | null> = {
  approved: 'approve',
  rejected: 'reject',
  revoked: 'revoke',
  approver_decided: null,
};

interface Recorded {
  outcome: CallbackOutcome;
  requestId?: string;
  result?: TransitionResult;
}

export interface CallbackEventServiceOptions {
  store: Store;
  log: Logger;
  clock?: () => number;
}

export class CallbackEventService {
  private readonly store: Store;
  private readonly log: Logger;
  private readonly clock: () => number;

  constructor({ store, log, clock = Date.now }: CallbackEventServiceOptions) {
    this.store = store;
    this.log = log;
    this.clock = clock;
  }

  /**
   * Claims and applies one verified event in one write transaction. Two processes receiving the
   * same event both try the insert; only one claims it, so it takes effect exactly once.
   */
  async record(systemId: string, event: NormalisedEvent): Promise<{ outcome: CallbackOutcome }> {
    const now = this.clock();

    const { outcome, requestId, result } = await this.store.write<Recorded>(async (tx) => {
      const claimed = await tx
        .insertInto('callback_events')
        .values({
          system_id: systemId,
          event_key: event.eventKey,
          received_at: now,
          apply_id: event.applyId,
          external_id: event.externalId,
          payload: JSON.stringify(event),
          request_id: null,
          applied_at: null,
          outcome: null,
        })
        .onConflict((oc) => oc.columns(['system_id', 'event_key']).doNothing())
        .returning('event_key')
        .executeTakeFirst();
      if (!claimed) return { outcome: 'duplicate' };

      const found = await findRequest(tx, systemId, event);
      if (found === 'mismatch') {
        // Refused rather than recorded: the sender must learn that this decision did not land.
        // Throwing rolls the claim back, so a corrected redelivery is not taken for a duplicate.
        throw new ApiError(
          400,
          'validation_failed',
          'The callback names a request (applyId) and an instance (processInstanceId) that do ' +
            'not belong together; nothing was applied.',
        );
      }
      if (found === 'other_system') {
        await closeEvent(tx, systemId, event.eventKey, null, 'no_change', now);
        return { outcome: 'no_change' };
      }
      if (!found) return { outcome: 'waiting' };
      const applied = await applyEvent(tx, systemId, event, found, now);
      return { ...applied, requestId: found.id };
    });

    this.log.info(
      { systemId, requestId, eventKind: event.kind, eventId: event.eventId, outcome },
      'callback event recorded',
    );
    if (result) logTransition(this.log, result);
    return { outcome };
  }

  /** See `applyWaitingEvents`; for callers that hold this service rather than the function. */
  applyWaiting(
    tx: Db,
    requestId: string,
    systemId: string,
    externalId: string,
  ): Promise<WaitingApplied> {
    return applyWaitingEvents(tx, requestId, systemId, externalId, this.clock());
  }

  /**
   * Applies waiting events whose request has meanwhile become known. The outbox worker applies
   * them as it records an external id; this sweep catches an event that committed concurrently
   * with that (possible on PostgreSQL, where the two transactions do not queue on one lock).
   * Returns how many events it applied or recorded.
   */
  async applyMatchedWaiting(limit = 100): Promise<number> {
    const now = this.clock();

    const applied = await this.store.write(async (tx) => {
      const matches = await tx
        .selectFrom('callback_events')
        .innerJoin('requests', (join) =>
          join
            .onRef('requests.system_id', '=', 'callback_events.system_id')
            .onRef('requests.external_id', '=', 'callback_events.external_id'),
        )
        .select(['requests.id', 'requests.system_id', 'requests.external_id'])
        .where('callback_events.applied_at', 'is', null)
        .limit(limit)
        .execute();
      const requests = new Map(matches.map((match) => [match.id, match]));
      const total: WaitingApplied = { count: 0, transitions: [] };
      for (const request of requests.values()) {
        const { count, transitions } = await applyWaitingEvents(
          tx,
          request.id,
          request.system_id,
          request.external_id ?? '',
          now,
        );
        total.count += count;
        total.transitions.push(...transitions);
      }
      return total;
    });

    for (const result of applied.transitions) logTransition(this.log, result);
    return applied.count;
  }
}

/** What applying the waiting events of one request did. */
export interface WaitingApplied {
  /** Events applied or recorded. */
  count: number;
  /** The transitions they attempted, changed or not (log the changed ones after commit). */
  transitions: TransitionResult[];
}

/**
 * Applies, in arrival order, the events that waited for a request of `systemId`: those naming
 * its external instance, or its id as `applyId`. Runs in the caller's transaction, so the
 * worker records the instance and applies what waited for it in one commit.
 */
export async function applyWaitingEvents(
  tx: Db,
  requestId: string,
  systemId: string,
  externalId: string,
  now: number,
): Promise<WaitingApplied> {
  const waiting = await tx
    .selectFrom('callback_events')
    .select(['event_key', 'payload'])
    .where('system_id', '=', systemId)
    .where('applied_at', 'is', null)
    .where((eb) => eb.or([eb('external_id', '=', externalId), eb('apply_id', '=', requestId)]))
    .orderBy('received_at')
    .orderBy('event_key')
    .execute();

  const transitions: TransitionResult[] = [];
  for (const row of waiting) {
    const event = JSON.parse(row.payload) as NormalisedEvent;
    // Read again for each event: the one before may have moved the request.
    const request = await tx
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', requestId)
      .executeTakeFirstOrThrow();
    const { result } = await applyEvent(tx, systemId, event, request, now);
    if (result) transitions.push(result);
  }
  return { count: waiting.length, transitions };
}

async function findRequest(
  tx: Db,
  systemId: string,
  event: NormalisedEvent,
): Promise<RequestRow | 'other_system' | 'mismatch' | undefined> {
  if (event.externalId !== null) {
    const byInstance = await tx
      .selectFrom('requests')
      .selectAll()
      .where('system_id', '=', systemId)
      .where('external_id', '=', event.externalId)
      .executeTakeFirst();
    if (byInstance) {
      // An event that carries both ids must name one request with both.
      return event.applyId !== null && event.applyId !== byInstance.id ? 'mismatch' : byInstance;
    }
  }
  if (event.applyId === null) return undefined;

  const byId = await findRequestRow(tx, event.applyId);
  // A system may only decide the requests bound to it, whatever id its event carries.
  if (byId && byId.system_id !== systemId) return 'other_system';
  if (byId?.external_id != null && event.externalId !== null) return 'mismatch';
  return byId;
}

/** Applies a claimed event to its request and marks the event applied. */
async function applyEvent(
  tx: Db,
  systemId: string,
  event: NormalisedEvent,
  request: RequestRow,
  now: number,
): Promise<{ outcome: 'applied' | 'no_change'; result?: TransitionResult }> {
  const actor: Actor = { type: 'callback', id: null, name: event.actorName };
  const details = {
    externalId: event.externalId ?? request.external_id,
    eventId: event.eventId,
    note: event.comment,
  };
  const engineEvent = engineEvents[event.kind];
  const otherInstance =
    event.externalId !== null &&
    request.external_id !== null &&
    event.externalId !== request.external_id;

  let result: TransitionResult | undefined;
  if (engineEvent === null || otherInstance) {
    const note = otherInstance
      ? `Ignored: the event is about instance ${event.externalId}, not ${request.external_id}.`
      : details.note;
    const from = stateOf(request);
    await writeHistory(tx, {
      requestId: request.id,
      event: engineEvent ?? event.kind,
      from,
      to: null,
      actor,
      details: { ...details, note },
      now,
    });
  } else {
    result = await applyTransition(tx, request.id, engineEvent, actor, details, now);
  }

  const outcome = result?.changed ? 'applied' : 'no_change';
  await closeEvent(tx, systemId, event.eventKey, request.id, outcome, now);
  return result ? { outcome, result } : { outcome };
}

async function closeEvent(
  tx: Db,
  systemId: string,
  eventKey: string,
  requestId: string | null,
  outcome: 'applied' | 'no_change',
  now: number,
): Promise<void> {
  await tx
    .updateTable('callback_events')
    .set({
      request_id: requestId,
      applied_at: now,
      outcome: outcome === 'applied' ? 'transition' : 'no_change',
    })
    .where('system_id', '=', systemId)
    .where('event_key', '=', eventKey)
    .execute();
}
