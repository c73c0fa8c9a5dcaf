/** Where an instance stands, in the words of the third-party wire contract. */
export type InstanceStatus = 'RUNNING' | 'APPROVED' | 'REJECTED' | 'REVOKED';

/** Who decided, as the callback names them. */
export interface Approver {
  userSourceId: string;
  userName: string;
}

/** A decision taken in the simulator; `eventId` is the one its callback carries. */
export interface Decision {
  eventId: string;
  status: 'APPROVED' | 'REJECTED';
  approver: Approver;
  comment: string;
  /** Milliseconds since the epoch. */
  operateTime: number;
}

/** What became of the callback that reported a decision. */
export type Delivery =
  | { state: 'sending' }
  | { state: 'delivered'; attempts: number; httpStatus: number; at: string }
  | { state: 'failed'; error: string; at: string };

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
  decision?: Decision;
  delivery?: Delivery;
  termination?: Termination;
}

/** Why a state change was refused. */
export type InstanceRefusal = 'not-found' | 'already-final';

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
    build: (processInstanceId: string) => ApprovalInstance,
  ): { instance: ApprovalInstance; created: boolean } {
    const existingId = this.#idByApplyId.get(applyId);
    const existing = existingId === undefined ? undefined : this.#byId.get(existingId);
    if (existing) {
      return { instance: existing, created: false };
    }

    const instance = build(`sim-${crypto.randomUUID()}`);
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

  /** Records a decision on a running instance. Synchronous, so two clicks cannot both win. */
  decide(processInstanceId: string, decision: Decision): ApprovalInstance | InstanceRefusal {
    const instance = this.#byId.get(processInstanceId);
    if (!instance) return 'not-found';
    if (instance.status !== 'RUNNING') return 'already-final';

    instance.status = decision.status;
    instance.decision = decision;
    instance.delivery = { state: 'sending' };
    return instance;
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

  recordDelivery(processInstanceId: string, delivery: Delivery): void {
    const instance = this.#byId.get(processInstanceId);
    if (instance) instance.delivery = delivery;
  }
}
