import type { CallbackStatus } from '@signoff/sdk';
import type { CallbackFaultKind } from './faults.ts';

/** Where an instance stands, in the words of the third-party wire contract. */
export type InstanceStatus = 'RUNNING' | CallbackStatus;

/** Who decided, as the callback names them. */
export interface Approver {
  userSourceId: string;
  userName: string;
}

/** An outcome the simulator reports to Signoff; `eventId` is the one its callback carries. */
export interface CallbackEvent {
  eventId: string;
  status: CallbackStatus;
  approver: Approver;
  comment: string;
  /** Milliseconds since the epoch. */
  operateTime: number;
}

/** The decision on an instance, taken by a person (console or API) or by the policy. */
export interface Decision extends CallbackEvent {
  status: 'APPROVED' | 'REJECTED';
  decidedBy: 'person' | 'policy';
}

/** Where one callback is: waiting its turn or its delay, on the wire, or finished. */
export type Delivery =
  | { state: 'queued' }
  | { state: 'delayed'; until: string }
  | { state: 'sending' }
  | { state: 'delivered'; attempts: number; httpStatus: number; at: string }
  | { state: 'failed'; error: string; at: string };

/** One callback the simulator sent (or is about to send) for an instance. */
export interface DeliveryRecord {
  eventId: string;
  status: CallbackStatus;
  /** The faults that shaped this send; empty for a clean one. */
  faults: CallbackFaultKind[];
  /** Which copy this is (1 or 2) when the callback was duplicated. */
  copy?: number;
  outcome: Delivery;
}

/** One submit call that reached this instance; `withheld` when a fault kept its reply back. */
export interface SubmitRecord {
  at: string;
  withheld: boolean;
}

/** Signoff asked the simulator to end the instance (the optional terminate call). */
export interface Termination {
  operator: string;
  reason: string;
  at: string;
}

/** One approval instance, created by a submit and kept with the body that created it. */
export interface ApprovalInstance {
  processInstanceId: string;
  applyId: string;
  title: string;
  requesterName: string;
  /** Everyone the submit named as an approver, in node order, without repeats. */
  approvers: Approver[];
  status: InstanceStatus;
  receivedAt: string;
  /** The submit body exactly as it was parsed from the wire, unknown fields included. */
  submitBody: unknown;
  /** Every submit for this `applyId`, the first one included. */
  submits: SubmitRecord[];
  decision?: Decision;
  /** A REVOKED event that followed the decision (the reorder fault sends it first). */
  revocation?: CallbackEvent;
  /** Every callback sent for this instance, in the order they were sent. */
  deliveries: DeliveryRecord[];
  /** The callbacks' state at a glance: the one in flight, else a failure, else the last one. */
  delivery?: Delivery;
  termination?: Termination;
}

/** An instance once decided. */
export type DecidedInstance = ApprovalInstance & { decision: Decision };

/** Why a state change was refused. */
export type InstanceRefusal = 'not-found' | 'already-final';

type NewInstance = Omit<ApprovalInstance, 'submits' | 'deliveries'>;

/**
 * The simulator's instances, in memory: a stand-in needs no durability, and a restart starting
 * empty is what a person trying the loop expects. Every change goes through here so that the
 * checks (one instance per `applyId`, one decision per instance) sit in one place.
 */
export class InstanceStore {
  readonly #byId = new Map<string, ApprovalInstance>();
  readonly #idByApplyId = new Map<string, string>();

  /**
   * Returns the instance for `applyId`, creating it with `build` only if there is none: a repeated
   * submit is the same instance, whatever its body says this time.
   */
  createOnce(
    applyId: string,
    build: (processInstanceId: string) => NewInstance,
  ): { instance: ApprovalInstance; created: boolean } {
    const existingId = this.#idByApplyId.get(applyId);
    const existing = existingId === undefined ? undefined : this.#byId.get(existingId);
    if (existing) {
      return { instance: existing, created: false };
    }

    const instance = { ...build(`sim-${crypto.randomUUID()}`), submits: [], deliveries: [] };
    this.#byId.set(instance.processInstanceId, instance);
    this.#idByApplyId.set(applyId, instance.processInstanceId);
    return { instance, created: true };
  }

  get(processInstanceId: string): ApprovalInstance | undefined {
    return this.#byId.get(processInstanceId);
  }

  /** Every instance, the most recently received first. */
  list(): ApprovalInstance[] {
    // Map keeps insertion order, which is arrival order.
    return [...this.#byId.values()].reverse();
  }

  recordSubmit(instance: ApprovalInstance, submit: SubmitRecord): void {
    instance.submits.push(submit);
  }

  /** Records a decision on a running instance. Synchronous, so two clicks cannot both win. */
  decide(processInstanceId: string, decision: Decision): DecidedInstance | InstanceRefusal {
    const instance = this.#byId.get(processInstanceId);
    if (!instance) return 'not-found';
    if (instance.status !== 'RUNNING') return 'already-final';

    instance.status = decision.status;
    return Object.assign(instance, { decision });
  }

  /** Withdraws a decided instance from the simulator's side: the last word is then REVOKED. */
  revoke(instance: ApprovalInstance, revocation: CallbackEvent): void {
    instance.status = 'REVOKED';
    instance.revocation = revocation;
  }

  /** Ends a running instance at Signoff's request; ending a revoked one again changes nothing. */
  terminate(
    processInstanceId: string,
    termination: Termination,
  ): ApprovalInstance | InstanceRefusal {
    const instance = this.#byId.get(processInstanceId);
    if (!instance) return 'not-found';
    if (instance.status === 'REVOKED') return instance;
    if (instance.status !== 'RUNNING') return 'already-final';

    instance.status = 'REVOKED';
    instance.termination = termination;
    return instance;
  }

  /** Adds a callback to the instance's record; the returned record is updated as it travels. */
  addDelivery(instance: ApprovalInstance, record: DeliveryRecord): DeliveryRecord {
    instance.deliveries.push(record);
    instance.delivery = summarise(instance.deliveries);
    return record;
  }

  updateDelivery(instance: ApprovalInstance, record: DeliveryRecord, outcome: Delivery): void {
    record.outcome = outcome;
    instance.delivery = summarise(instance.deliveries);
  }
}

/** True while a callback has not finished: queued, delayed or on the wire. */
export function inFlight(delivery: Delivery): boolean {
  return (
    delivery.state === 'queued' || delivery.state === 'delayed' || delivery.state === 'sending'
  );
}

/**
 * The state the console shows in one line. Only each event's latest send counts, so a failure
 * repaired by a resend no longer shows; then anything in flight, else a failure, else the last.
 */
function summarise(records: DeliveryRecord[]): Delivery | undefined {
  const latestByEvent = new Map<string, Delivery>();
  for (const record of records) latestByEvent.set(record.eventId, record.outcome);
  const latest = [...latestByEvent.values()];
  return (
    latest.find(inFlight) ??
    latest.find((outcome) => outcome.state === 'failed') ??
    records.at(-1)?.outcome
  );
}
