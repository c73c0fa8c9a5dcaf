import { type Kysely, type Migration, sql } from 'kysely';

// The built-in system's approvers, snapshotted per request (see `BuiltinTasksTable`). Schema
// builder and query builder only, like 0001, so that it runs on SQLite and PostgreSQL alike.
export const builtinApprovals: Migration = {
  async up(db: Kysely<unknown>) {
    await db.schema
      .createTable('builtin_tasks')
      .addColumn('request_id', 'text', (c) => c.notNull())
      .addColumn('node_index', 'integer', (c) => c.notNull())
      .addColumn('mode', 'text', (c) => c.notNull())
      .addColumn('approver_id', 'text', (c) => c.notNull())
      .addColumn('via', 'text', (c) => c.notNull())
      .addColumn('decision', 'text')
      .addColumn('comment', 'text')
      .addColumn('decided_at', 'bigint')
      .addColumn('created_at', 'bigint', (c) => c.notNull())
      // One row per approver and node: a second decision cannot hide in a second row.
      .addPrimaryKeyConstraint('builtin_tasks_pk', ['request_id', 'node_index', 'approver_id'])
      .execute();
    // The inbox: an approver's undecided tasks.
    await db.schema
      .createIndex('builtin_tasks_open')
      .on('builtin_tasks')
      .columns(['approver_id', 'request_id'])
      .where(sql.ref('decision'), 'is', null)
      .execute();

    await backfillWaitingRequests(db as Kysely<BackfillTables>, Date.now());
  },
};

// The tables as they were when this migration was written; later columns do not matter here.
interface BackfillTables {
  requests: {
    id: string;
    requester_id: string;
    state: string;
    system_id: string;
    template_id: string | null;
  };
  templates: { id: string; nodes: string };
  builtin_tasks: {
    request_id: string;
    node_index: number;
    mode: string;
    approver_id: string;
    via: string;
    created_at: number;
  };
}

/**
 * Requests that were waiting on the built-in system before it had an inbox get their approvers
 * now, from their template. Until this migration a template could only name user ids of the
 * directory, so each entry is taken as one. A request left with a node that has nobody but its
 * requester gets no tasks: nobody could decide it, and it can still be revoked.
 */
async function backfillWaitingRequests(db: Kysely<BackfillTables>, now: number): Promise<void> {
  const waiting = await db
    .selectFrom('requests')
    .innerJoin('templates', 'templates.id', 'requests.template_id')
    .select(['requests.id', 'requests.requester_id', 'templates.nodes'])
    .where('requests.system_id', '=', 'builtin')
    .where('requests.state', '=', 'pending')
    .execute();

  for (const request of waiting) {
    const nodes = JSON.parse(request.nodes) as Array<{ mode: string; approverIds: string[] }>;
    const rows = nodes.flatMap((node, index) =>
      [...new Set(node.approverIds)]
        .filter((id) => id !== request.requester_id)
        .map((id) => ({
          request_id: request.id,
          node_index: index,
          mode: node.mode,
          approver_id: id,
          via: id,
          created_at: now,
        })),
    );
    const everyNodeServed = nodes.every((_, index) => rows.some((r) => r.node_index === index));
    if (nodes.length > 0 && everyNodeServed) {
      await db.insertInto('builtin_tasks').values(rows).execute();
    }
  }
}
