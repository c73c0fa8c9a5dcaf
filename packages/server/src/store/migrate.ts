import { type Kysely, type Migration, type MigrationProvider, Migrator } from 'kysely';
import { initial } from './migrations/0001-initial.ts';
import { builtinApprovals } from './migrations/0002-builtin-approvals.ts';
import type { Database } from './schema.ts';

// Migrations live in code rather than in a folder read at run time, so they work the same from
// TypeScript sources, a bundle, or a test. Names sort in the order they must run.
const migrations: Record<string, Migration> = {
  '0001-initial': initial,
  '0002-builtin-approvals': builtinApprovals,
};

const provider: MigrationProvider = { getMigrations: async () => migrations };

/** Brings the schema up to date; safe to run from several processes at once. */
export async function migrateToLatest(db: Kysely<Database>): Promise<void> {
  const migrator = new Migrator({ db, provider });
  const { error, results } = await migrator.migrateToLatest();
  const failed = results?.find((result) => result.status === 'Error');
  if (error || failed) {
    const name = failed ? ` (${failed.migrationName})` : '';
    throw new Error(`Database migration failed${name}: ${String(error)}`, { cause: error });
  }
}
