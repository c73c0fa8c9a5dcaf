import type { ThirdPartyConnection } from './connection.ts';
import { FaultBoard } from './faults.ts';
import { InstanceStore } from './instances.ts';
import { MANUAL_POLICY, type Policy } from './policy.ts';

/** What the third-party approver starts with; everything can be changed later on the console. */
export interface ThirdPartyStateOptions {
  connection?: ThirdPartyConnection;
  policy?: Policy;
  /** Aborted when the simulator stops: pending timers are dropped and waits end. */
  signal?: AbortSignal;
}

/**
 * Everything the third-party approver remembers, in memory: the connection saved on its console,
 * the instances Signoff submitted, the policy and the armed faults. One object, shared by the wire
 * calls and the console API.
 */
export class ThirdPartyState {
  /** Unset until someone saves the connection form (or a test passes one in). */
  connection: ThirdPartyConnection | undefined;
  policy: Policy;
  readonly instances = new InstanceStore();
  readonly faults = new FaultBoard();
  readonly signal: AbortSignal;
  readonly #timers = new Set<ReturnType<typeof setTimeout>>();

  constructor(options: ThirdPartyStateOptions = {}) {
    this.connection = options.connection;
    this.policy = options.policy ?? MANUAL_POLICY;
    this.signal = options.signal ?? new AbortController().signal;
    this.signal.addEventListener('abort', () => {
      for (const timer of this.#timers) clearTimeout(timer);
      this.#timers.clear();
    });
  }

  /** Runs `task` after `ms`, unless the simulator stops first. */
  later(ms: number, task: () => void): void {
    if (this.signal.aborted) return;
    const timer = setTimeout(() => {
      this.#timers.delete(timer);
      task();
    }, ms);
    this.#timers.add(timer);
  }

  /**
   * Waits `ms`; resolves `true` when the time ran out, `false` when the simulator stopped or
   * `until` was aborted first (the caller of a held request went away, say).
   */
  wait(ms: number, until?: AbortSignal): Promise<boolean> {
    const signal = until ? AbortSignal.any([this.signal, until]) : this.signal;
    if (signal.aborted) return Promise.resolve(false);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        signal.removeEventListener('abort', onAbort);
        resolve(true);
      }, ms);
      const onAbort = () => {
        clearTimeout(timer);
        resolve(false);
      };
      signal.addEventListener('abort', onAbort, { once: true });
    });
  }
}
