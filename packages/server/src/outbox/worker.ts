import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { SystemResolver } from '../connectors/types.ts';
import type { Store } from '../store/db.ts';
import type { OutboxRow } from '../store/schema.ts';
import { describeError, type JobContext } from './context.ts';
import { dispatchFailed, runDispatch } from './dispatch.ts';
import { claimJob } from './jobs.ts';
import { runTerminate, terminateFailed } from './terminate.ts';

export interface OutboxWorkerOptions {
  /** How long to wait before looking again when no job was due. */
  pollMs: number;
  /** How long a claimed job is this worker's; after that another worker may take it over. */
  leaseMs: number;
  /** Attempts before a job gives up (the dispatch then moves its request to `dispatch_failed`). */
  maxAttempts: number;
  /** The lease owner's name; a random id by default, distinct per process. */
  owner?: string;
}

export interface OutboxWorkerDeps {
  store: Store;
  connectors: ConnectorRegistry;
  systems: SystemResolver;
  log: Logger;
  options: OutboxWorkerOptions;
  /** Milliseconds since the epoch; tests pass their own. */
  clock?: () => number;
}

/**
 * Runs outbox jobs one at a time: claims a due job with a lease, calls the connector outside any
 * transaction, then settles the job and its request in one. Every process may run one; the
 * leases keep them from running the same job at once, and an expired lease (a crashed or stuck
 * worker) lets another take the job over, telling the connector it may have been sent.
 */
export class OutboxWorker {
  /** This worker's lease owner name. */
  readonly owner: string;
  private readonly ctx: JobContext;
  private readonly pollMs: number;
  private readonly leaseMs: number;
  private loop: Promise<void> | undefined;
  private stopping = false;
  private wake: (() => void) | undefined;

  constructor({ store, connectors, systems, log, options, clock = Date.now }: OutboxWorkerDeps) {
    this.owner = options.owner ?? `worker-${crypto.randomUUID()}`;
    this.pollMs = options.pollMs;
    this.leaseMs = options.leaseMs;
    this.ctx = {
      store,
      connectors,
      systems,
      log: log.child({ worker: this.owner }),
      owner: this.owner,
      maxAttempts: options.maxAttempts,
      clock,
    };
  }

  /** Starts polling; calling it again while running does nothing. */
  start(): void {
    if (this.loop) return;
    this.stopping = false;
    this.loop = this.poll();
  }

  /** Stops polling and resolves once the job in flight, if any, has settled. */
  async stop(): Promise<void> {
    this.stopping = true;
    this.wake?.();
    await this.loop;
    this.loop = undefined;
  }

  /** Claims and runs at most one due job; true when it ran one. */
  async runOnce(): Promise<boolean> {
    const job = await claimJob(this.ctx.store, this.owner, this.leaseMs, this.ctx.clock());
    if (!job) return false;

    try {
      await (job.kind === 'dispatch' ? runDispatch(this.ctx, job) : runTerminate(this.ctx, job));
    } catch (error) {
      await this.failUnexpectedly(job, error);
    }
    return true;
  }

  private async poll(): Promise<void> {
    while (!this.stopping) {
      let ran = false;
      try {
        ran = await this.runOnce();
      } catch (error) {
        this.ctx.log.error({ err: error }, 'outbox worker could not claim a job');
      }
      if (!ran && !this.stopping) await this.sleep(this.pollMs);
    }
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done() {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    });
  }

  /**
   * A bug or a database error while running a job counts as a failed attempt that may pass, so
   * the job is retried and, in the end, given up like any other. If even that fails, the lease
   * runs out and another worker takes the job over.
   */
  private async failUnexpectedly(job: OutboxRow, error: unknown): Promise<void> {
    const message = `Unexpected error: ${describeError(error)}`;
    this.ctx.log.error({ requestId: job.request_id, jobId: job.id, err: error }, message);
    try {
      const fail = job.kind === 'dispatch' ? dispatchFailed : terminateFailed;
      await fail(this.ctx, job, message, true);
    } catch (again) {
      this.ctx.log.error(
        { requestId: job.request_id, jobId: job.id, err: again },
        'could not record the failure; the job is retried when its lease expires',
      );
    }
  }
}
