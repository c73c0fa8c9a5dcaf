// A seeded store, a controllable clock and scripted connectors for the outbox worker's tests.
import { ConnectorRegistry } from '../connectors/registry.ts';
import type {
  Connector,
  ResolvedSystem,
  SubmitCommand,
  SubmitOutcome,
  SystemResolver,
  TerminateCommand,
  TerminateOutcome,
} from '../connectors/types.ts';
import { RequestService } from '../engine/requests.ts';
import {
  asset,
  openTestStore,
  requester,
  seedAsset,
  seedRules,
  seedSettings,
  seedSystem,
  seedTemplate,
  seedUsers,
  silentLog,
  testClock,
} from '../engine/test-fixtures.ts';
import type { Db, Store } from '../store/db.ts';
import { OutboxWorker } from './worker.ts';

export const SYSTEM: ResolvedSystem = {
  id: 'oa-1',
  name: 'Acme OA',
  status: 'active',
  kind: 'other',
  tenantId: 'tenant-0001',
  config: { submitUrl: 'https://oa.example/submit', callbackUrl: '' },
  secrets: { accessToken: 'token-never-logged', encodingAesKey: 'k'.repeat(43) },
};
export const LEASE_MS = 30_000;

/** An answer, a thrown error, or a function run at call time (to act while a call is open). */
type Answer<T> = T | Error | (() => Promise<T>);

/** A third-party connector that answers from a script and remembers what it was asked. */
export class ScriptedConnector implements Connector {
  readonly kind = 'other' as const;
  readonly submits: SubmitCommand[] = [];
  readonly terminates: TerminateCommand[] = [];

  constructor(
    private readonly submitAnswers: Array<Answer<SubmitOutcome>>,
    private readonly terminateAnswers: Array<Answer<TerminateOutcome>> = [],
  ) {}

  async testConnection() {
    return { ok: true as const, latencyMs: 1, message: 'ok' };
  }

  async submit(_system: ResolvedSystem, command: SubmitCommand): Promise<SubmitOutcome> {
    this.submits.push(command);
    return answer(this.submitAnswers.shift());
  }

  async terminate(_system: ResolvedSystem, command: TerminateCommand): Promise<TerminateOutcome> {
    this.terminates.push(command);
    return answer(this.terminateAnswers.shift());
  }
}

async function answer<T>(next: Answer<T> | undefined): Promise<T> {
  if (next === undefined) throw new Error('The script has no answer left.');
  if (next instanceof Error) throw next;
  return typeof next === 'function' ? (next as () => Promise<T>)() : next;
}

export const retryable = (error: string): SubmitOutcome => ({ ok: false, retryable: true, error });

const resolver = (systems: ResolvedSystem[]): SystemResolver => ({
  resolve: async (id) => systems.find((system) => system.id === id) ?? null,
  listForCallbacks: async () => systems,
});

/**
 * Requests for `finance.ledger` go through the template `owners` (two nodes) to the external
 * default system `oa-1`.
 */
export class OutboxScene {
  readonly clock = testClock();
  readonly requests: RequestService;

  private constructor(readonly store: Store) {
    this.requests = new RequestService({ store, log: silentLog, clock: this.clock.now });
  }

  static async open(): Promise<OutboxScene> {
    const store = await openTestStore();
    await seedUsers(store.db);
    await seedAsset(store.db);
    await seedSettings(store.db, { version: 3, externalEnabled: true, defaultSystemId: 'oa-1' });
    await seedSystem(store.db, { id: 'oa-1', name: 'Acme OA' });
    await seedTemplate(store.db, {
      id: 'owners',
      systemRef: 'default',
      templateCode: 'TPL-7',
      nodes: [
        { mode: 'OR', approverIds: ['aaron', 'bea'] },
        { mode: 'AND', approverIds: ['sam'] },
      ],
    });
    await seedRules(store.db, [], { kind: 'template', templateId: 'owners' });
    return new OutboxScene(store);
  }

  get db(): Db {
    return this.store.db;
  }

  close(): Promise<void> {
    return this.store.close();
  }

  worker(
    connector: Connector,
    options: { owner?: string; maxAttempts?: number; systems?: ResolvedSystem[] } = {},
  ): OutboxWorker {
    return new OutboxWorker({
      store: this.store,
      connectors: new ConnectorRegistry([connector]),
      systems: resolver(options.systems ?? [SYSTEM]),
      log: silentLog,
      options: {
        pollMs: 10,
        leaseMs: LEASE_MS,
        maxAttempts: options.maxAttempts ?? 3,
        owner: options.owner ?? 'worker-a',
      },
      clock: this.clock.now,
    });
  }

  /** Submits a request as Rita; it waits in `pending_dispatch` with its dispatch job. */
  async submit(): Promise<string> {
    const view = await this.requests.submit(requester, {
      assetId: asset.id,
      permission: 'export',
      periodType: 'DAYS_7',
      reason: 'Audit sample',
    });
    return view.id;
  }

  request(id: string) {
    return this.db
      .selectFrom('requests')
      .selectAll()
      .where('id', '=', id)
      .executeTakeFirstOrThrow();
  }
}
