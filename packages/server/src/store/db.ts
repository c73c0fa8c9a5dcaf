import SQLite from 'better-sqlite3';
import {
  Kysely,
  type Kysely as KyselyType,
  type SqliteDatabase,
  SqliteDialect,
  type SqliteStatement,
  sql,
  type Transaction,
} from 'kysely';
import type { Database } from './schema.ts';

export type Db = KyselyType<Database>;
export type Tx = Transaction<Database>;

/** The store: a kysely handle and a write transaction that takes the write lock up front. */
export interface Store {
  readonly db: Db;
  readonly dialect: 'sqlite';
  /**
   * Runs `work` in one write transaction. On SQLite it begins IMMEDIATE, so that two processes
   * sharing the file queue on the lock at the start instead of failing half way with BUSY.
   */
  write<T>(work: (tx: Db) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface SqliteOptions {
  /** Path of the database file, or `:memory:` for a throwaway store. */
  file: string;
  /** How long a writer waits for another process's lock, in ms. */
  busyTimeoutMs?: number;
}

/**
 * Opens the SQLite store. WAL lets readers run beside one writer and several processes share
 * the file; `synchronous = FULL` makes every commit durable before it returns, which is what
 * lets a callback be acknowledged right after its write.
 */
export function openSqliteStore({ file, busyTimeoutMs = 5000 }: SqliteOptions): Store {
  const connection = new SQLite(file);
  connection.pragma('journal_mode = WAL');
  connection.pragma('synchronous = FULL');
  connection.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  connection.pragma('foreign_keys = ON');

  const db = new Kysely<Database>({
    dialect: new SqliteDialect({ database: withStatementCache(connection) }),
  });

  return {
    db,
    dialect: 'sqlite',
    async write(work) {
      // kysely's own transaction() issues a plain BEGIN; a dedicated connection lets us choose.
      return db.connection().execute(async (conn) => {
        await sql`begin immediate`.execute(conn);
        try {
          const result = await work(conn);
          await sql`commit`.execute(conn);
          return result;
        } catch (error) {
          await sql`rollback`.execute(conn);
          throw error;
        }
      });
    },
    async close() {
      await db.destroy();
    },
  };
}

/** How many distinct SQL texts keep a prepared statement. Queries are built from a few shapes. */
const STATEMENT_CACHE_SIZE = 256;

/**
 * kysely prepares every query anew, which a profile of the callback endpoint showed at about a
 * tenth of its CPU time. The same SQL text always prepares to an equivalent statement, so a
 * small LRU of statements keyed by text is safe; statements are only run, never iterated
 * concurrently, on this one connection.
 */
function withStatementCache(connection: SQLite.Database): SqliteDatabase {
  const cache = new Map<string, SqliteStatement>();
  return {
    close: () => connection.close(),
    prepare(text) {
      const cached = cache.get(text);
      if (cached) {
        // Move to the back: a Map iterates in insertion order, so the front is least recent.
        cache.delete(text);
        cache.set(text, cached);
        return cached;
      }
      const statement = connection.prepare(text);
      cache.set(text, statement);
      if (cache.size > STATEMENT_CACHE_SIZE) {
        const oldest = cache.keys().next().value;
        if (oldest !== undefined) cache.delete(oldest);
      }
      return statement;
    },
  };
}
