// A `dispatch` job: send a request to its external system and record the instance it got.
import type { SubmitOutcome } from '../connectors/types.ts';
import { applyWaitingEvents } from '../engine/callback-events.ts';
import { isFinal } from '../engine/state-machine.ts';
import {
  applyTransition,
  enqueueJob,
  findRequestRow,
  logTransition,
  stateOf,
  type TransitionResult,
  writeHistory,
} from '../engine/transitions.ts';
import type { Db } from '../store/db.ts';
import type { OutboxRow, RequestRow } from '../store/schema.ts';
import { backoffMs } from './backoff.ts';
import { buildSubmitCommand, findRevocation } from './commands.ts';
import { describeError, type JobContext, OUTBOX_ACTOR } from './context.ts';
import { completeJob, markSent, settleFailure } from './jobs.ts';

export async function runDispatch(ctx: JobContext, job: OutboxRow): Promise<void> {
  const db = ctx.store.db;
  const request = await findRequestRow(db, job.request_id);
  if (!request) return dispatchFailed(ctx, job, 'The request no longer exists.', false);
  if (request.external_id !== null) return closeAlreadyDispatched(ctx, job);

  const state = stateOf(request);
  // A request that became final before anything was sent needs no instance. One that may have
  // been sent is submitted again (connectors make that safe) to learn its instance, so that a
  // revoke can terminate it.
  const maybeSent = job.sent_at !== null;
  if (state !== 'pending_dispatch' && !(isFinal(state) && maybeSent)) {
    return cancel(ctx, job, request);
  }

  const system = await ctx.systems.resolve(request.system_id);
  if (!system) {
    const error = `The approval system ${request.system_id} is no longer configured.`;
    return dispatchFailed(ctx, job, error, false);
  }
  if (!ctx.connectors.has(system.kind)) {
    return dispatchFailed(ctx, job, `No connector handles ${system.kind} systems.`, false);
  }
  const command = await buildSubmitCommand(db, request, maybeSent);

  await markSent(db, job.id, ctx.clock());
  let outcome: SubmitOutcome;
  try {
    outcome = await ctx.connectors.get(system.kind).submit(system, command);
  } catch (error) {
    outcome = { ok: false, retryable: true, error: describeError(error) };
  }

  if (outcome.ok) return dispatched(ctx, job, request, outcome.externalId);
  return dispatchFailed(ctx, job, outcome.error, outcome.retryable);
}

/**
 * Records the instance, moves the request to `pending` (a no-op if it was decided or revoked
 * meanwhile), closes the job, and applies the decisions that waited for this instance: all in
 * one commit.
 */
async function dispatched(
  ctx: JobContext,
  job: OutboxRow,
  request: RequestRow,
  externalId: string,
): Promise<void> {
  const now = ctx.clock();

  const transitions = await ctx.store.write(async (tx) => {
    const recorded = await recordExternalId(tx, request.id, externalId, now);
    const result = await applyTransition(
      tx,
      request.id,
      'dispatched',
      OUTBOX_ACTOR,
      { externalId },
      now,
    );
    if (recorded && (await revokedBeforeDispatch(tx, result))) {
      await enqueueJob(tx, 'terminate', request.id, now);
    }
    await completeJob(tx, job.id, now);
    const waiting = await applyWaitingEvents(tx, request.id, request.system_id, externalId, now);
    return [result, ...waiting.transitions];
  });

  ctx.log.info(
    { requestId: request.id, jobId: job.id, externalId, attempt: job.attempts },
    'request dispatched',
  );
  for (const result of transitions) logTransition(ctx.log, result);
}

/** Sets the external id once. False when the request already had one (a repeated dispatch). */
async function recordExternalId(
  tx: Db,
  requestId: string,
  externalId: string,
  now: number,
): Promise<boolean> {
  const updated = await tx
    .updateTable('requests')
    .set({ external_id: externalId, updated_at: now })
    .where('id', '=', requestId)
    .where('external_id', 'is', null)
    .returning('id')
    .executeTakeFirst();
  return updated !== undefined;
}

/** A request revoked by a person while its dispatch was in flight: its new instance must go. */
async function revokedBeforeDispatch(tx: Db, result: TransitionResult): Promise<boolean> {
  if (result.to !== 'revoked' && result.to !== 'force_revoked') return false;
  const revocation = await findRevocation(tx, result.requestId);
  return revocation?.actor_type !== 'callback';
}

async function closeAlreadyDispatched(ctx: JobContext, job: OutboxRow): Promise<void> {
  await ctx.store.write((tx) => completeJob(tx, job.id, ctx.clock()));
  ctx.log.info(
    { requestId: job.request_id, jobId: job.id },
    'dispatch skipped: the request already has its external instance',
  );
}

async function cancel(ctx: JobContext, job: OutboxRow, request: RequestRow): Promise<void> {
  const now = ctx.clock();
  const state = stateOf(request);

  await ctx.store.write(async (tx) => {
    if (!(await completeJob(tx, job.id, now))) return;
    await writeHistory(tx, {
      requestId: request.id,
      event: 'dispatch_cancelled',
      from: state,
      to: null,
      actor: OUTBOX_ACTOR,
      details: { note: `Not sent: the request was already ${state}.` },
      now,
    });
  });

  ctx.log.info({ requestId: request.id, jobId: job.id, state }, 'dispatch cancelled');
}

/**
 * A failed attempt: retried after a backoff while attempts remain and the failure may pass;
 * otherwise the job is buried and the request moves to `dispatch_failed` with the error.
 */
export async function dispatchFailed(
  ctx: JobContext,
  job: OutboxRow,
  error: string,
  retryable: boolean,
): Promise<void> {
  const now = ctx.clock();
  const retry = retryable && job.attempts < ctx.maxAttempts;
  const retryInMs = backoffMs(job.attempts);

  const settled = await ctx.store.write(async (tx) => {
    const retryAt = retry ? now + retryInMs : null;
    if (!(await settleFailure(tx, job, ctx.owner, { error, retryAt }, now))) return null;
    const request = await findRequestRow(tx, job.request_id);
    if (!request) return { result: null };

    if (retry) {
      const note = `Attempt ${job.attempts} of ${ctx.maxAttempts} failed: ${error}`;
      await writeHistory(tx, {
        requestId: request.id,
        event: 'dispatch_attempt_failed',
        from: stateOf(request),
        to: null,
        actor: OUTBOX_ACTOR,
        details: { note },
        now,
      });
      return { result: null };
    }
    const note = retryable
      ? `Gave up after ${job.attempts} attempts: ${error}`
      : `Gave up: ${error}`;
    const result = await applyTransition(
      tx,
      request.id,
      'dispatch_gave_up',
      OUTBOX_ACTOR,
      { error, note },
      now,
    );
    return { result };
  });

  const fields = { requestId: job.request_id, jobId: job.id, attempt: job.attempts, error };
  if (settled === null) {
    ctx.log.warn(fields, 'dispatch failed after its lease passed to another worker');
  } else if (retry) {
    ctx.log.warn({ ...fields, retryInMs }, 'dispatch attempt failed; will retry');
  } else {
    ctx.log.error({ ...fields, retryable }, 'dispatch gave up');
    if (settled.result) logTransition(ctx.log, settled.result);
  }
}
