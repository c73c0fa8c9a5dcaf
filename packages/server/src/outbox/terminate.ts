// A `terminate` job: end the external instance of a revoked request. The revoke is final
// already; whatever happens here is only recorded in the history, and never reopens anything.
import type { TerminateOutcome } from '../connectors/types.ts';
import { findRequestRow, stateOf, writeHistory } from '../engine/transitions.ts';
import type { OutboxRow } from '../store/schema.ts';
import { backoffMs } from './backoff.ts';
import { buildTerminateCommand } from './commands.ts';
import { describeError, type JobContext, OUTBOX_ACTOR } from './context.ts';
import { completeJob, markSent, settleFailure } from './jobs.ts';

type Ending = 'terminated' | 'terminate_not_served' | 'terminate_failed';

export async function runTerminate(ctx: JobContext, job: OutboxRow): Promise<void> {
  const db = ctx.store.db;
  const request = await findRequestRow(db, job.request_id);
  if (!request) return terminateFailed(ctx, job, 'The request no longer exists.', false);
  const externalId = request.external_id;
  if (externalId === null) {
    // Enqueued only for requests with an instance; nothing to end, nothing worth a history row.
    await ctx.store.write((tx) => completeJob(tx, job.id, ctx.clock()));
    return;
  }

  const system = await ctx.systems.resolve(request.system_id);
  if (!system) {
    const error = `The approval system ${request.system_id} is no longer configured.`;
    return terminateFailed(ctx, job, error, false);
  }
  const connector = ctx.connectors.has(system.kind) ? ctx.connectors.get(system.kind) : null;
  if (!connector?.terminate) {
    const note = `${system.name} offers no way to terminate an instance; the revoke stands.`;
    return finish(ctx, job, 'terminate_not_served', note);
  }
  const command = await buildTerminateCommand(db, { ...request, external_id: externalId });

  await markSent(db, job.id, ctx.clock());
  let outcome: TerminateOutcome;
  try {
    outcome = await connector.terminate(system, command);
  } catch (error) {
    outcome = { ok: false, retryable: true, error: describeError(error) };
  }

  if (outcome.ok) return finish(ctx, job, 'terminated', `Instance ${externalId} terminated.`);
  if (outcome.notServed) {
    return finish(ctx, job, 'terminate_not_served', `Not terminated: ${outcome.error}`);
  }
  return terminateFailed(ctx, job, outcome.error, outcome.retryable);
}

/** Retries while attempts remain and the failure may pass; otherwise records the failure. */
export async function terminateFailed(
  ctx: JobContext,
  job: OutboxRow,
  error: string,
  retryable: boolean,
): Promise<void> {
  const now = ctx.clock();
  const retry = retryable && job.attempts < ctx.maxAttempts;
  const retryInMs = backoffMs(job.attempts);

  if (retry) {
    const settled = await ctx.store.write((tx) =>
      settleFailure(tx, job, ctx.owner, { error, retryAt: now + retryInMs }, now),
    );
    const fields = { requestId: job.request_id, jobId: job.id, attempt: job.attempts, error };
    if (settled) ctx.log.warn({ ...fields, retryInMs }, 'terminate attempt failed; will retry');
    return;
  }
  const note = retryable
    ? `Could not terminate after ${job.attempts} attempts: ${error}`
    : `Could not terminate: ${error}`;
  return finish(ctx, job, 'terminate_failed', note);
}

/** Closes the job (`dead` for a failure, else `done`) and writes its outcome to the history. */
async function finish(ctx: JobContext, job: OutboxRow, ending: Ending, note: string) {
  const now = ctx.clock();

  const recorded = await ctx.store.write(async (tx) => {
    const closed =
      ending === 'terminate_failed'
        ? await settleFailure(tx, job, ctx.owner, { error: note, retryAt: null }, now)
        : await completeJob(tx, job.id, now);
    if (!closed) return false;
    const request = await findRequestRow(tx, job.request_id);
    if (!request) return true;
    await writeHistory(tx, {
      requestId: request.id,
      event: ending,
      from: stateOf(request),
      to: null,
      actor: OUTBOX_ACTOR,
      details: { externalId: request.external_id, note },
      now,
    });
    return true;
  });

  if (!recorded) return;
  const fields = { requestId: job.request_id, jobId: job.id, outcome: ending };
  if (ending === 'terminate_failed') ctx.log.error({ ...fields, error: note }, 'terminate failed');
  else ctx.log.info(fields, 'terminate finished');
}
