import { type CallbackPayload, CallbackSendError, sendCallback } from '@signoff/sdk';
import type { Logger } from '../log.ts';
import type { CallbackFaultKind } from './faults.ts';
import type { ApprovalInstance, CallbackEvent, DeliveryRecord } from './instances.ts';
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

/** What sending needs besides the state: how to deliver, and where to log. */
export interface DeliveryContext {
  delivery: CallbackDeliveryOptions;
  log: Logger;
}

/** How the faults taken for one decision shape its callbacks. */
export interface DeliveryPlan {
  /** Recorded on every send, so the console shows why it went as it did. */
  faults: CallbackFaultKind[];
  delayMs: number;
  copies: 1 | 2;
  wrongSignature: boolean;
}

/** Callbacks as a well-behaved approval system sends them. */
export const CLEAN_PLAN: DeliveryPlan = {
  faults: [],
  delayMs: 0,
  copies: 1,
  wrongSignature: false,
};

/**
 * Sends `events` in the order given, each `plan.copies` times, after `plan.delay`. Every send is
 * added to the instance's record before anything leaves and updated as it ends, so each fault's
 * effect can be seen there. Never rejects: a failure is recorded, not thrown.
 */
export async function sendEvents(
  state: ThirdPartyState,
  instance: ApprovalInstance,
  events: CallbackEvent[],
  plan: DeliveryPlan,
  context: DeliveryContext,
): Promise<void> {
  const until = plan.delayMs > 0 ? new Date(Date.now() + plan.delayMs).toISOString() : undefined;
  const sends = events.flatMap((event) =>
    Array.from({ length: plan.copies }, (_, index) => ({
      event,
      record: state.instances.addDelivery(instance, {
        eventId: event.eventId,
        status: event.status,
        faults: plan.faults,
        ...(plan.copies > 1 && { copy: index + 1 }),
        outcome: until ? { state: 'delayed', until } : { state: 'queued' },
      }),
    })),
  );

  if (plan.delayMs > 0 && !(await state.wait(plan.delayMs))) {
    for (const { record } of sends) {
      state.instances.updateDelivery(instance, record, {
        state: 'failed',
        error: 'The simulator stopped before the delayed callback left.',
        at: new Date().toISOString(),
      });
    }
    return;
  }
  for (const { event, record } of sends) {
    await sendOne(state, instance, event, record, plan, context);
  }
}

async function sendOne(
  state: ThirdPartyState,
  instance: ApprovalInstance,
  event: CallbackEvent,
  record: DeliveryRecord,
  plan: DeliveryPlan,
  context: DeliveryContext,
): Promise<void> {
  const fields = {
    applyId: instance.applyId,
    processInstanceId: instance.processInstanceId,
    eventId: event.eventId,
    status: event.status,
  };
  const fail = (error: string) => {
    state.instances.updateDelivery(instance, record, {
      state: 'failed',
      error,
      at: new Date().toISOString(),
    });
    context.log({ event: 'callback.failed', ...fields, error });
  };
  // Read at the moment of sending: the connection may have been saved again meanwhile.
  const { connection } = state;
  if (!connection) return fail('No connection is saved, so there is nowhere to send it.');

  state.instances.updateDelivery(instance, record, { state: 'sending' });
  const send = context.delivery.fetch ?? globalThis.fetch;
  try {
    const result = await sendCallback({
      ...context.delivery,
      fetch: plan.wrongSignature ? withWrongSignature(send) : send,
      callbackUrl: connection.callbackUrl,
      accessToken: connection.accessToken,
      encodingAesKey: connection.encodingAesKey,
      tenantId: connection.tenantId,
      payload: toPayload(instance, event),
    });
    state.instances.updateDelivery(instance, record, {
      state: 'delivered',
      attempts: result.attempts,
      httpStatus: result.status,
      at: new Date().toISOString(),
    });
    context.log({ event: 'callback.delivered', ...fields, attempts: result.attempts });
  } catch (error) {
    fail(describeDeliveryError(error));
  }
}

function toPayload(instance: ApprovalInstance, event: CallbackEvent): CallbackPayload {
  return {
    eventId: event.eventId,
    applyId: instance.applyId,
    processInstanceId: instance.processInstanceId,
    status: event.status,
    approver: event.approver,
    comment: event.comment,
    operateTime: event.operateTime,
  };
}

/**
 * A `fetch` that changes one hex digit of the signature on the way out: the SDK signs correctly,
 * and the fault is that the receiver sees a signature that does not match.
 */
function withWrongSignature(send: typeof fetch): typeof fetch {
  return (input, init) => {
    const url = new URL(input instanceof Request ? input.url : input);
    for (const name of ['signature', 'msg_signature']) {
      const signature = url.searchParams.get(name);
      if (signature) {
        url.searchParams.set(name, `${signature.slice(0, -1)}${signature.endsWith('0') ? 1 : 0}`);
      }
    }
    return send(url, init);
  };
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
