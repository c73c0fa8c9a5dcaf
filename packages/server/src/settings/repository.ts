// The settings tables: the one current settings row, its version history, and the approval
// system configurations. Secrets are sealed on the way in and opened on the way out; nothing
// above this module sees a sealed blob, and nothing outside the server sees an opened one.
import { BUILTIN_SYSTEM_ID, finalStates, type SystemKind } from '@signoff/contracts';
import type {
  DingtalkConfig,
  DingtalkSecrets,
  OtherConfig,
  OtherSecrets,
  ResolvedSystem,
  SystemResolver,
} from '../connectors/types.ts';
import type { Sealer } from '../secrets/sealer.ts';
import type { Db, Store } from '../store/db.ts';
import type { SystemRow, SystemRowStatus } from '../store/schema.ts';

const SETTINGS_ROW_ID = 1;

/** The current settings row, as the service reads it. */
export interface SettingsRecord {
  version: number;
  externalEnabled: boolean;
  defaultSystemId: string;
  updatedAt: number | null;
  updatedBy: { id: string; name: string } | null;
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** A stored configuration of any status (removed ones included), secrets opened. */
export type StoredSystem = DistributiveOmit<ResolvedSystem, 'status'> & {
  status: SystemRowStatus;
  createdAt: number;
  retiredAt: number | null;
};

/** A configuration as the service writes it. */
export type SystemToStore = DistributiveOmit<StoredSystem, 'createdAt'>;

/** One row of the settings history. */
export interface SettingsVersionRecord {
  version: number;
  createdAt: number;
  actorId: string;
  changes: unknown;
  snapshot: unknown;
}

/** Reads that both the shared handle and a write transaction offer. */
export interface SettingsQueries {
  /** The current settings; the initial defaults while nothing has been saved. */
  settings(): Promise<SettingsRecord>;
  /** Every configuration ever stored, removed ones included, oldest first. */
  systems(): Promise<StoredSystem[]>;
  /** One configuration of any status, or null. */
  system(id: string): Promise<StoredSystem | null>;
  /** Templates whose `system_ref` names this configuration. */
  templatesNaming(systemId: string): Promise<Array<{ id: string; name: string }>>;
  /** Requests bound to this configuration that are not in a final state. */
  unfinishedRequestCount(systemId: string): Promise<number>;
}

/** What a save may do, all inside one write transaction. */
export interface SettingsTransaction extends SettingsQueries {
  saveSystem(system: SystemToStore, at: number): Promise<void>;
  saveSettings(record: Omit<SettingsRecord, 'updatedBy'> & { updatedBy: string }): Promise<void>;
  addVersion(record: SettingsVersionRecord): Promise<void>;
}

export interface SettingsRepository extends SystemResolver {
  /** Writes the initial settings row (version 0, external off, built-in default) if absent. */
  ensureSettingsRow(): Promise<void>;
  /** Reads outside any transaction. */
  readonly read: SettingsQueries;
  /** Runs `work` in one write transaction (see `Store.write`). */
  write<T>(work: (tx: SettingsTransaction) => Promise<T>): Promise<T>;
}

export interface SettingsRepositoryOptions {
  store: Store;
  sealer: Sealer;
}

export function createSettingsRepository({
  store,
  sealer,
}: SettingsRepositoryOptions): SettingsRepository {
  const toSystem = (row: SystemRow): StoredSystem => openSystem(row, sealer);
  const read = queries(store.db, toSystem);

  return {
    read,

    async ensureSettingsRow() {
      await store.db
        .insertInto('settings')
        .values(initialSettingsRow())
        .onConflict((conflict) => conflict.column('id').doNothing())
        .execute();
    },

    write: (work) => store.write((tx) => work(transaction(tx, toSystem, sealer))),

    async resolve(systemId) {
      const row = await store.db
        .selectFrom('systems')
        .selectAll()
        .where('id', '=', systemId)
        .where('status', '!=', 'removed')
        .executeTakeFirst();
      return row ? toResolved(toSystem(row)) : null;
    },

    async listForCallbacks(kind: SystemKind) {
      const rows = await store.db
        .selectFrom('systems')
        .selectAll()
        .where('kind', '=', kind)
        .where('status', 'in', ['active', 'retired'])
        .orderBy('created_at')
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map((row) => toResolved(toSystem(row)));
    },
  };
}

function initialSettingsRow() {
  return {
    id: SETTINGS_ROW_ID,
    version: 0,
    external_enabled: 0,
    default_system_id: BUILTIN_SYSTEM_ID,
    updated_at: null,
    updated_by: null,
  };
}

function queries(db: Db, toSystem: (row: SystemRow) => StoredSystem): SettingsQueries {
  return {
    async settings() {
      const row = await db
        .selectFrom('settings')
        .leftJoin('users', 'users.id', 'settings.updated_by')
        .select([
          'settings.version',
          'settings.external_enabled',
          'settings.default_system_id',
          'settings.updated_at',
          'settings.updated_by',
          'users.name as updated_by_name',
        ])
        .where('settings.id', '=', SETTINGS_ROW_ID)
        .executeTakeFirst();
      const current = row ?? { ...initialSettingsRow(), updated_by_name: null };
      return {
        version: current.version,
        externalEnabled: current.external_enabled === 1,
        defaultSystemId: current.default_system_id,
        updatedAt: current.updated_at === null ? null : Number(current.updated_at),
        updatedBy: current.updated_by
          ? { id: current.updated_by, name: current.updated_by_name ?? current.updated_by }
          : null,
      };
    },

    async systems() {
      // Configurations added in one save share a time; the name then gives a stable order.
      const rows = await db
        .selectFrom('systems')
        .selectAll()
        .orderBy('created_at')
        .orderBy('name')
        .orderBy('id')
        .execute();
      return rows.map(toSystem);
    },

    async system(id) {
      const row = await db
        .selectFrom('systems')
        .selectAll()
        .where('id', '=', id)
        .executeTakeFirst();
      return row ? toSystem(row) : null;
    },

    templatesNaming(systemId) {
      return db
        .selectFrom('templates')
        .select(['id', 'name'])
        .where('system_ref', '=', systemId)
        .orderBy('name')
        .execute();
    },

    async unfinishedRequestCount(systemId) {
      const row = await db
        .selectFrom('requests')
        .select((eb) => eb.fn.countAll<number>().as('count'))
        .where('system_id', '=', systemId)
        .where('state', 'not in', [...finalStates])
        .executeTakeFirstOrThrow();
      return Number(row.count);
    },
  };
}

function transaction(
  tx: Db,
  toSystem: (row: SystemRow) => StoredSystem,
  sealer: Sealer,
): SettingsTransaction {
  return {
    ...queries(tx, toSystem),

    async saveSystem(system, at) {
      const columns = {
        kind: system.kind,
        name: system.name,
        status: system.status,
        config: JSON.stringify(system.config),
        secrets: sealer.seal(system.secrets),
        tenant_id: system.tenantId,
        updated_at: at,
        retired_at: system.retiredAt,
      };
      await tx
        .insertInto('systems')
        .values({ id: system.id, created_at: at, ...columns })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(columns))
        .execute();
    },

    async saveSettings(record) {
      const columns = {
        version: record.version,
        external_enabled: record.externalEnabled ? 1 : 0,
        default_system_id: record.defaultSystemId,
        updated_at: record.updatedAt,
        updated_by: record.updatedBy,
      };
      await tx
        .insertInto('settings')
        .values({ id: SETTINGS_ROW_ID, ...columns })
        .onConflict((conflict) => conflict.column('id').doUpdateSet(columns))
        .execute();
    },

    async addVersion(record) {
      await tx
        .insertInto('settings_versions')
        .values({
          version: record.version,
          created_at: record.createdAt,
          actor_id: record.actorId,
          changes: JSON.stringify(record.changes),
          snapshot: JSON.stringify(record.snapshot),
        })
        .execute();
    },
  };
}

function openSystem(row: SystemRow, sealer: Sealer): StoredSystem {
  const common = {
    id: row.id,
    name: row.name,
    status: row.status,
    createdAt: Number(row.created_at),
    retiredAt: row.retired_at === null ? null : Number(row.retired_at),
  };
  if (row.kind === 'other') {
    return {
      ...common,
      kind: 'other',
      tenantId: row.tenant_id ?? '',
      config: JSON.parse(row.config) as OtherConfig,
      secrets: sealer.open<OtherSecrets>(row.secrets),
    };
  }
  return {
    ...common,
    kind: 'dingtalk',
    tenantId: null,
    config: JSON.parse(row.config) as DingtalkConfig,
    secrets: sealer.open<DingtalkSecrets>(row.secrets),
  };
}

/** The in-memory shape connectors take; a removed configuration never gets this far. */
export function toResolved(system: StoredSystem | SystemToStore): ResolvedSystem {
  const common = {
    id: system.id,
    name: system.name,
    status: system.status === 'retired' ? ('retired' as const) : ('active' as const),
  };
  return system.kind === 'other'
    ? {
        ...common,
        kind: 'other',
        tenantId: system.tenantId,
        config: system.config,
        secrets: system.secrets,
      }
    : {
        ...common,
        kind: 'dingtalk',
        tenantId: null,
        config: system.config,
        secrets: system.secrets,
      };
}
