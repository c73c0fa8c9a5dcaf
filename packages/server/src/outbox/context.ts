import type { Logger } from 'pino';
import type { ConnectorRegistry } from '../connectors/registry.ts';
import type { SystemResolver } from '../connectors/types.ts';
import type { Actor } from '../engine/transitions.ts';
import type { Store } from '../store/db.ts';

/** What a job needs from the worker that claimed it. */
export interface JobContext {
  store: Store;
  connectors: ConnectorRegistry;
  systems: SystemResolver;
  log: Logger;
  /** The lease owner: settling a failure checks the lease is still this worker's. */
  owner: string;
  maxAttempts: number;
  clock: () => number;
}

/** How the outbox appears in a request's history. */
export const OUTBOX_ACTOR: Actor = { type: 'system', id: null, name: 'Outbox' };

export function describeError(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
