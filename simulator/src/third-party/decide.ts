import { CLEAN_PLAN, type DeliveryContext, type DeliveryPlan, sendEvents } from './delivery.ts';
import { CALLBACK_FAULT_KINDS, DEFAULT_DELAY_SECONDS } from './faults.ts';
import {
  type ApprovalInstance,
  type Approver,
  type CallbackEvent,
  type DecidedInstance,
  type Decision,
  type InstanceRefusal,
  inFlight,
} from './instances.ts';
import type { PolicyVerdict } from './policy.ts';
import type { ThirdPartyState } from './state.ts';

export type { CallbackDeliveryOptions, DeliveryContext } from './delivery.ts';

/** The approver named in the callbacks of the policy's decisions. */
export const POLICY_APPROVER_NAME = 'Simulator Policy';

/** What a person decided on the console (or a test through the API), or what the policy did. */
export interface DecisionInput {
  status: 'APPROVED' | 'REJECTED';
  comment: string;
  approverName: string;
  decidedBy?: Decision['decidedBy'];
}

/** Why a decision was not taken: the instance is unknown or final, or nowhere to report it. */
export type DecisionRefusal = InstanceRefusal | 'no-connection';

/**
 * Decides an instance and reports the decision to Signoff, shaped by whatever callback faults are
 * armed. The decision is recorded before the callback leaves, so a second click is refused even
 * while the first delivery is in flight. Resolves once the callbacks are delivered or failed,
 * except for a delayed one, which is left to leave on its own: the console would hang otherwise.
 */
export async function decide(
  state: ThirdPartyState,
  processInstanceId: string,
  input: DecisionInput,
  context: DeliveryContext,
): Promise<ApprovalInstance | DecisionRefusal> {
  if (!state.connection) return 'no-connection';
  const listed = state.instances.get(processInstanceId)?.approvers ?? [];
  const decided = state.instances.decide(processInstanceId, {
    eventId: crypto.randomUUID(),
    status: input.status,
    approver: resolveApprover(input.approverName, listed),
    comment: input.comment,
    operateTime: Date.now(),
    decidedBy: input.decidedBy ?? 'person',
  });
  if (typeof decided === 'string') return decided;

  context.log({
    event: 'instance.decided',
    applyId: decided.applyId,
    processInstanceId: decided.processInstanceId,
    status: input.status,
    decidedBy: input.decidedBy ?? 'person',
  });
  const { plan, events } = planCallbacks(state, decided, context);
  const sending = sendEvents(state, decided, events, plan, context);
  if (plan.delayMs === 0) await sending;
  return decided;
}

/** Lets the policy act on a new instance: reject it at once, approve it later, or leave it. */
export function applyPolicy(
  state: ThirdPartyState,
  instance: ApprovalInstance,
  verdict: PolicyVerdict,
  context: DeliveryContext,
): void {
  if (verdict.action === 'wait') return;
  const input: DecisionInput =
    verdict.action === 'reject'
      ? {
          status: 'REJECTED',
          comment: `Rejected by the simulator's policy: ${verdict.reason}.`,
          approverName: POLICY_APPROVER_NAME,
          decidedBy: 'policy',
        }
      : {
          status: 'APPROVED',
          comment: `Approved automatically after ${verdict.afterMs / 1000} s by the simulator's policy.`,
          approverName: POLICY_APPROVER_NAME,
          decidedBy: 'policy',
        };

  // Even a rejection waits for the next turn, so the submit's reply leaves first.
  state.later(verdict.action === 'approve' ? verdict.afterMs : 0, () => {
    decide(state, instance.processInstanceId, input, context).then(
      (outcome) => {
        // A person (or Signoff's terminate) got there first: nothing is left to do.
        if (typeof outcome === 'string' && outcome !== 'already-final') {
          context.log({ event: 'policy.skipped', applyId: instance.applyId, reason: outcome });
        }
      },
      (error: unknown) => context.log({ event: 'error', error: String(error) }),
    );
  });
}

/**
 * Sends the callbacks of a decided instance again, cleanly, with their event ids, as a real
 * approval system does after a failed push. Signoff treats each one it already has as a duplicate.
 */
export async function redeliver(
  state: ThirdPartyState,
  processInstanceId: string,
  context: DeliveryContext,
): Promise<ApprovalInstance | DecisionRefusal | 'not-decided' | 'in-flight'> {
  if (!state.connection) return 'no-connection';
  const instance = state.instances.get(processInstanceId);
  if (!instance) return 'not-found';
  if (!instance.decision) return 'not-decided';
  if (instance.deliveries.some((record) => inFlight(record.outcome))) return 'in-flight';

  const events: CallbackEvent[] = [instance.decision];
  if (instance.revocation) events.push(instance.revocation);
  await sendEvents(state, instance, events, CLEAN_PLAN, context);
  return instance;
}

/**
 * Takes one use of every armed callback fault and turns them into a plan. The reorder fault adds
 * a REVOKED event after the decision and puts it first; the instance ends revoked, as a receiver
 * that keeps only forward moves should too.
 */
function planCallbacks(
  state: ThirdPartyState,
  instance: DecidedInstance,
  context: DeliveryContext,
): { plan: DeliveryPlan; events: CallbackEvent[] } {
  const { decision } = instance;
  const plan: DeliveryPlan = { ...CLEAN_PLAN, faults: [] };
  let events: CallbackEvent[] = [decision];

  for (const kind of CALLBACK_FAULT_KINDS) {
    const fault = state.faults.take(kind);
    if (!fault) continue;
    plan.faults.push(kind);
    let detail: string;
    switch (kind) {
      case 'callback-duplicate':
        plan.copies = 2;
        detail = `The ${decision.status} callback is sent twice with eventId ${decision.eventId}.`;
        break;
      case 'callback-delay': {
        const seconds = fault.delaySeconds ?? DEFAULT_DELAY_SECONDS;
        plan.delayMs = seconds * 1000;
        detail = `The ${decision.status} callback leaves after ${seconds} s.`;
        break;
      }
      case 'callback-reorder': {
        const revocation: CallbackEvent = {
          eventId: crypto.randomUUID(),
          status: 'REVOKED',
          approver: decision.approver,
          comment: 'Revoked after the decision (the simulator’s reorder fault).',
          operateTime: decision.operateTime + 1,
        };
        state.instances.revoke(instance, revocation);
        events = [revocation, decision];
        detail = `REVOKED (${revocation.eventId}) is sent before ${decision.status} (${decision.eventId}).`;
        break;
      }
      case 'callback-bad-signature':
        plan.wrongSignature = true;
        detail = `The ${decision.status} callback is sent with a signature that does not match.`;
        break;
    }
    state.faults.recordFired({
      kind,
      applyId: instance.applyId,
      processInstanceId: instance.processInstanceId,
      detail,
    });
    context.log({ event: 'fault.fired', fault: kind, applyId: instance.applyId });
  }
  return { plan, events };
}

/**
 * Names the approver in the callback. When the name is one the submit listed, its source id goes
 * back to Signoff, which can then match the person; any other name is reported as the simulator.
 */
function resolveApprover(userName: string, listed: Approver[]): Approver {
  const match = listed.find((approver) => approver.userName === userName);
  return match ?? { userSourceId: 'simulator', userName };
}
