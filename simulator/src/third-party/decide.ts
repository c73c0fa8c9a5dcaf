import { type CallbackPayload, CallbackSendError, sendCallback } from '@signoff/sdk';
import type { Logger } from '../log.ts';
import type { ApprovalInstance, Approver, InstanceRefusal } from './instances.ts';
import type { ThirdPartyState } from './state.ts';

/** How the simulator delivers callbacks; tests shorten the retries. */
export interface CallbackDeliveryOptions {
  /** Defaults to the global `fetch`. */
  fetch?: typeof fetch;
  /** Further attempts after a network error or HTTP 5xx; the SDK's default when unset. */
  retries?: number;
  /** Wait before the first retry; the SDK's default when unset. */
  retryDelayMs?: number;
  /** Time allowed for one attempt; the SDK's default when unset. */
  timeoutMs?: number;
}

/** What a person decided on the console (or a test through the API). */
export interface DecisionInput {
  status: 'APPROVED' | 'REJECTED';
  comment: string;
  approverName: string;
}

/** Why a decision was not taken: the instance is unknown or final, or nowhere to report it. */
export type DecisionRefusal = InstanceRefusal | 'no-connection';

/**
 * Decides an instance and reports the decision to Signoff. The decision is recorded before the
 * callback leaves, so a second click is refused even while the first delivery is in flight; the
 * callback's outcome is then recorded on the instance, and a failed delivery can be sent again
 * with {@link redeliver}.
 */
export async function decide(
  state: ThirdPartyState,
  processInstanceId: string,
  input: DecisionInput,
  context: { delivery: CallbackDeliveryOptions; log: Logger },
): Promise<ApprovalInstance | DecisionRefusal> {
  if (!state.connection) return 'no-connection';
  const instance = state.instances.get(processInstanceId);
  const decided = state.instances.decide(processInstanceId, {
    eventId: crypto.randomUUID(),
    status: input.status,
    approver: resolveApprover(input.approverName, instance?.approvers ?? []),
    comment: input.comment,
    operateTime: Date.now(),
  });
  if (typeof decided === 'string') return decided;

  context.log({
    event: 'instance.decided',
    applyId: decided.applyId,
    processInstanceId: decided.processInstanceId,
    status: input.status,
  });
  await deliver(state, decided, context);
  return decided;
}

/**
 * Sends the callback of a decided instance again, with the same event id, as a real approval
 * system does after a failed push. Signoff is expected to treat it as a duplicate if the first one
 * did arrive.
 */
export async function redeliver(
  state: ThirdPartyState,
  processInstanceId: string,
  context: { delivery: CallbackDeliveryOptions; log: Logger },
): Promise<ApprovalInstance | DecisionRefusal | 'not-decided' | 'in-flight'> {
  if (!state.connection) return 'no-connection';
  const instance = state.instances.get(processInstanceId);
  if (!instance) return 'not-found';
  if (!instance.decision) return 'not-decided';
  if (instance.delivery?.state === 'sending') return 'in-flight';

  state.instances.recordDelivery(processInstanceId, { state: 'sending' });
  await deliver(state, instance, context);
  return instance;
}

async function deliver(
  state: ThirdPartyState,
  instance: ApprovalInstance,
  context: { delivery: CallbackDeliveryOptions; log: Logger },
): Promise<void> {
  const { connection } = state;
  const { decision } = instance;
  if (!connection || !decision) return;

  const payload: CallbackPayload = {
    eventId: decision.eventId,
    applyId: instance.applyId,
    processInstanceId: instance.processInstanceId,
    status: decision.status,
    approver: decision.approver,
    comment: decision.comment,
    operateTime: decision.operateTime,
  };
  const fields = {
    applyId: instance.applyId,
    processInstanceId: instance.processInstanceId,
    eventId: decision.eventId,
  };

  try {
    const result = await sendCallback({
      callbackUrl: connection.callbackUrl,
      accessToken: connection.accessToken,
      encodingAesKey: connection.encodingAesKey,
      tenantId: connection.tenantId,
      payload,
      ...context.delivery,
    });
    state.instances.recordDelivery(instance.processInstanceId, {
      state: 'delivered',
      attempts: result.attempts,
      httpStatus: result.status,
      at: new Date().toISOString(),
    });
    context.log({ event: 'callback.delivered', ...fields, attempts: result.attempts });
  } catch (error) {
    const message = describeDeliveryError(error);
    state.instances.recordDelivery(instance.processInstanceId, {
      state: 'failed',
      error: message,
      at: new Date().toISOString(),
    });
    context.log({ event: 'callback.failed', ...fields, error: message });
  }
}

/**
 * Names the approver in the callback. When the name is one the submit listed, its source id goes
 * back to Signoff, which can then match the person; any other name is reported as the simulator.
 */
function resolveApprover(userName: string, listed: Approver[]): Approver {
  const match = listed.find((approver) => approver.userName === userName);
  return match ?? { userSourceId: 'simulator', userName };
}

/** A sentence for the console: what failed, the low-level reason when there is one, attempts. */
function describeDeliveryError(error: unknown): string {
  if (!(error instanceof CallbackSendError)) {
    return error instanceof Error ? error.message : String(error);
  }

  // fetch reports "fetch failed" and keeps the useful part (ECONNREFUSED…) in its own cause.
  const networkCause = error.cause instanceof Error ? error.cause.cause : undefined;
  const code =
    typeof networkCause === 'object' && networkCause !== null && 'code' in networkCause
      ? ` [${String(networkCause.code)}]`
      : '';
  const attempts = error.attempts === 1 ? '1 attempt' : `${error.attempts} attempts`;
  return `${error.message}${code} (after ${attempts})`;
}
