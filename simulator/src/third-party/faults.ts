import { z } from 'zod';

/** Faults of the submit call. */
export const SUBMIT_FAULT_KINDS = ['submit-error', 'submit-timeout'] as const;
/** Faults of the callbacks that report a decision. */
export const CALLBACK_FAULT_KINDS = [
  'callback-duplicate',
  'callback-delay',
  'callback-reorder',
  'callback-bad-signature',
] as const;
export const FAULT_KINDS = [...SUBMIT_FAULT_KINDS, ...CALLBACK_FAULT_KINDS] as const;

export type SubmitFaultKind = (typeof SUBMIT_FAULT_KINDS)[number];
export type CallbackFaultKind = (typeof CALLBACK_FAULT_KINDS)[number];
export type FaultKind = (typeof FAULT_KINDS)[number];

/** How the console names and explains each fault. */
export const FAULT_DESCRIPTIONS: Record<FaultKind, { label: string; description: string }> = {
  'submit-error': {
    label: 'Submit answers 5xx',
    description:
      'The submit fails with HTTP 500 before any instance is created, as when the approval ' +
      'system is down. Signoff should retry it.',
  },
  'submit-timeout': {
    label: 'Submit times out',
    description:
      'The instance is created, but the reply is held back until Signoff stops waiting (at ' +
      'most 10 minutes). A resubmit finds the same instance.',
  },
  'callback-duplicate': {
    label: 'Callback duplicated',
    description: 'The decision’s callback is sent twice, with the same eventId.',
  },
  'callback-delay': {
    label: 'Callback delayed',
    description: 'The decision’s callback leaves only after the delay.',
  },
  'callback-reorder': {
    label: 'Callbacks reordered',
    description:
      'The decision is followed by a REVOKED event, and the two are delivered in swapped ' +
      'order: REVOKED first. Signoff should end with the request revoked.',
  },
  'callback-bad-signature': {
    label: 'Callback wrongly signed',
    description:
      'The decision’s callback carries a signature that does not match. Signoff should refuse ' +
      'it; "Resend callback" then sends it correctly signed.',
  },
};

/** How long a delayed callback waits unless told otherwise. */
export const DEFAULT_DELAY_SECONDS = 10;

/** Body of a request to arm a fault: how many calls it applies to, and its delay. */
export const armFaultSchema = z.object({
  /** Omitted or null: until cleared. */
  times: z
    .number({ error: 'Times must be a whole number, or empty for "until cleared".' })
    .int('Times must be a whole number, or empty for "until cleared".')
    .min(1, 'Times must be at least 1.')
    .max(1000, 'Times must be at most 1000.')
    .nullable()
    .default(null),
  /** Only read by `callback-delay`. */
  delaySeconds: z
    .number({ error: 'Delay must be a whole number of seconds.' })
    .int('Delay must be a whole number of seconds.')
    .min(1, 'Delay must be at least 1 second.')
    .max(3600, 'Delay must be at most 3600 seconds.')
    .default(DEFAULT_DELAY_SECONDS),
});

/** A fault waiting to fire. */
export interface ArmedFault {
  kind: FaultKind;
  /** Calls (or decisions, for callback faults) it still applies to; `null` until cleared. */
  remaining: number | null;
  /** Set for `callback-delay` only. */
  delaySeconds?: number;
}

/** A fault that fired, for the console's log. */
export interface FiredFault {
  kind: FaultKind;
  at: string;
  applyId: string;
  processInstanceId?: string;
  /** What it did, in a sentence. */
  detail: string;
}

/** How many fired faults the log keeps; older ones drop off. */
const FIRED_LOG_SIZE = 100;

/**
 * The faults a person armed, and the log of those that fired. A fault is consumed one use at a
 * time with {@link take}, synchronously, so two calls at once never both take the last use.
 */
export class FaultBoard {
  readonly #armed = new Map<FaultKind, ArmedFault>();
  readonly #fired: FiredFault[] = [];

  arm(kind: FaultKind, options: z.infer<typeof armFaultSchema>): ArmedFault {
    const fault: ArmedFault = {
      kind,
      remaining: options.times,
      ...(kind === 'callback-delay' && { delaySeconds: options.delaySeconds }),
    };
    this.#armed.set(kind, fault);
    return fault;
  }

  clear(kind?: FaultKind): void {
    if (kind) this.#armed.delete(kind);
    else this.#armed.clear();
  }

  /** The armed faults, in the order of {@link FAULT_KINDS}. */
  armed(): ArmedFault[] {
    return FAULT_KINDS.flatMap((kind) => this.#armed.get(kind) ?? []);
  }

  /** Uses a fault once, if it is armed, and returns it as it was before this use. */
  take(kind: FaultKind): ArmedFault | undefined {
    const fault = this.#armed.get(kind);
    if (!fault) return undefined;
    if (fault.remaining !== null) {
      if (fault.remaining <= 1) this.#armed.delete(kind);
      else this.#armed.set(kind, { ...fault, remaining: fault.remaining - 1 });
    }
    return fault;
  }

  recordFired(fired: Omit<FiredFault, 'at'>): void {
    this.#fired.unshift({ ...fired, at: new Date().toISOString() });
    this.#fired.length = Math.min(this.#fired.length, FIRED_LOG_SIZE);
  }

  /** Faults that fired, the most recent first. */
  fired(): FiredFault[] {
    return [...this.#fired];
  }
}
