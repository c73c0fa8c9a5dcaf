import { type Kysely, type Migration, sql } from 'kysely';

// Written with kysely's schema builder only (no dialect-specific SQL), so that the same
// migration runs on SQLite and PostgreSQL. `bigint` holds millisecond timestamps.
export const initial: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('users')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('roles', 'text', (c) => c.notNull())
      .addColumn('groups', 'text', (c) => c.notNull())
      .addColumn('source_user_id', 'text')
      .addColumn('dingtalk_user_id', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('settings')
      .addColumn('id', 'integer', (c) => c.primaryKey())
      .addColumn('version', 'integer', (c) => c.notNull())
      .addColumn('external_enabled', 'integer', (c) => c.notNull())
      .addColumn('default_system_id', 'text', (c) => c.notNull())
      .addColumn('updated_at', 'bigint')
      .addColumn('updated_by', 'text')
      .execute();

    await db.schema
      .createTable('settings_versions')
      .addColumn('version', 'integer', (c) => c.primaryKey())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('actor_id', 'text', (c) => c.notNull())
      .addColumn('changes', 'text', (c) => c.notNull())
      .addColumn('snapshot', 'text', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('systems')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('status', 'text', (c) => c.notNull())
      .addColumn('config', 'text', (c) => c.notNull())
      .addColumn('secrets', 'text', (c) => c.notNull())
      .addColumn('tenant_id', 'text', (c) => c.unique())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .addColumn('retired_at', 'bigint')
      .execute();

    await db.schema
      .createTable('assets')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('type', 'text', (c) => c.notNull())
      .addColumn('sensitivity', 'text', (c) => c.notNull())
      .addColumn('project', 'text', (c) => c.notNull())
      .addColumn('environment', 'text', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('templates')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('system_ref', 'text', (c) => c.notNull())
      .addColumn('template_code', 'text', (c) => c.notNull())
      .addColumn('process_code', 'text', (c) => c.notNull())
      .addColumn('nodes', 'text', (c) => c.notNull())
      .addColumn('built_in', 'integer', (c) => c.notNull())
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('rules')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('position', 'integer', (c) => c.notNull())
      .addColumn('name', 'text', (c) => c.notNull())
      .addColumn('match', 'text', (c) => c.notNull())
      .addColumn('action', 'text', (c) => c.notNull())
      .addColumn('is_default', 'integer', (c) => c.notNull())
      .execute();

    await db.schema
      .createTable('requests')
      .addColumn('id', 'text', (c) => c.primaryKey())
      .addColumn('requester_id', 'text', (c) => c.notNull())
      .addColumn('asset_id', 'text', (c) => c.notNull())
      .addColumn('asset', 'text', (c) => c.notNull())
      .addColumn('permission', 'text', (c) => c.notNull())
      .addColumn('period_type', 'text', (c) => c.notNull())
      .addColumn('period_end', 'text', (c) => c.notNull())
      .addColumn('reason', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('system_id', 'text', (c) => c.notNull())
      .addColumn('system_kind', 'text', (c) => c.notNull())
      .addColumn('settings_version', 'integer', (c) => c.notNull())
      .addColumn('template_id', 'text')
      .addColumn('rule_id', 'text')
      .addColumn('external_id', 'text')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('requests_requester')
      .on('requests')
      .columns(['requester_id', 'created_at'])
      .execute();
    await db.schema.createIndex('requests_state').on('requests').columns(['state']).execute();
    // One request per external instance of a system; callbacks find their request through it.
    await db.schema
      .createIndex('requests_external')
      .on('requests')
      .columns(['system_id', 'external_id'])
      .unique()
      .where('external_id', 'is not', null)
      .execute();

    await db.schema
      .createTable('request_history')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('at', 'bigint', (c) => c.notNull())
      .addColumn('event', 'text', (c) => c.notNull())
      .addColumn('from_state', 'text')
      .addColumn('to_state', 'text')
      .addColumn('actor_type', 'text', (c) => c.notNull())
      .addColumn('actor_id', 'text')
      .addColumn('actor_name', 'text')
      .addColumn('external_id', 'text')
      .addColumn('event_id', 'text')
      .addColumn('note', 'text')
      .execute();
    await db.schema
      .createIndex('request_history_request')
      .on('request_history')
      .columns(['request_id', 'id'])
      .execute();

    await db.schema
      .createTable('callback_events')
      .addColumn('system_id', 'text', (c) => c.notNull())
      .addColumn('event_key', 'text', (c) => c.notNull())
      .addColumn('received_at', 'bigint', (c) => c.notNull())
      .addColumn('apply_id', 'text')
      .addColumn('external_id', 'text')
      .addColumn('payload', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text')
      .addColumn('applied_at', 'bigint')
      .addColumn('outcome', 'text')
      .addPrimaryKeyConstraint('callback_events_pk', ['system_id', 'event_key'])
      .execute();
    await db.schema
      .createIndex('callback_events_waiting')
      .on('callback_events')
      .columns(['system_id', 'external_id'])
      .where(sql.ref('applied_at'), 'is', null)
      .execute();

    await db.schema
      .createTable('outbox')
      .addColumn('id', 'integer', (c) => c.primaryKey().autoIncrement())
      .addColumn('kind', 'text', (c) => c.notNull())
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('state', 'text', (c) => c.notNull())
      .addColumn('attempts', 'integer', (c) => c.notNull())
      .addColumn('next_attempt_at', 'bigint', (c) => c.notNull())
      .addColumn('lease_owner', 'text')
      .addColumn('lease_until', 'bigint')
      .addColumn('sent_at', 'bigint')
      .addColumn('last_error', 'text')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      .addColumn('updated_at', 'bigint', (c) => c.notNull())
      .execute();
    await db.schema
      .createIndex('outbox_due')
      .on('outbox')
      .columns(['state', 'next_attempt_at'])
      .execute();
  },
};
