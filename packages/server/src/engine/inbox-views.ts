// Task rows to the inbox's API shapes. Approvers' names are joined in at read time, like the
// requester's name on a request.
import type {
  InboxApprover,
  InboxDecision,
  InboxNode,
  InboxTask,
  RequestView,
} from '@signoff/contracts';
import type { Db } from '../store/db.ts';
import type { BuiltinTaskRow } from '../store/schema.ts';
import { progressOf, type Task } from './approval-nodes.ts';

/** A task row with its approver's name from the directory. */
export interface NamedTaskRow extends BuiltinTaskRow {
  approver_name: string | null;
}

/** Selects tasks in node order with their approvers' names; add `where` clauses to taste. */
export function selectNamedTasks(db: Db) {
  return db
    .selectFrom('builtin_tasks')
    .leftJoin('users', 'users.id', 'builtin_tasks.approver_id')
    .selectAll('builtin_tasks')
    .select('users.name as approver_name')
    .orderBy('builtin_tasks.request_id')
    .orderBy('builtin_tasks.node_index')
    .orderBy('builtin_tasks.approver_id');
}

export function toTask(row: BuiltinTaskRow): Task {
  return {
    nodeIndex: row.node_index,
    mode: row.mode,
    approverId: row.approver_id,
    decision: row.decision,
  };
}

export function groupByRequest<T extends BuiltinTaskRow>(rows: readonly T[]): Map<string, T[]> {
  const groups = new Map<string, T[]>();
  for (const row of rows) {
    const group = groups.get(row.request_id);
    if (group) group.push(row);
    else groups.set(row.request_id, [row]);
  }
  return groups;
}

/** One inbox entry: the request, its current node with everyone in it, and earlier decisions. */
export function inboxTask(request: RequestView, rows: readonly NamedTaskRow[]): InboxTask {
  const { nodes, current } = progressOf(rows.map((row) => ({ ...toTask(row), row })));
  const node = current ?? nodes.at(-1);
  const decisions = rows
    .filter((row) => row.decision !== null && row.decided_at !== null)
    .sort((a, b) => Number(a.decided_at) - Number(b.decided_at))
    .map(decisionView);
  return {
    request,
    node: {
      index: node?.index ?? 0,
      mode: node?.mode ?? 'OR',
      approvers: node ? node.tasks.map(({ row }) => approverView(row)) : [],
    } satisfies InboxNode,
    nodeCount: nodes.length,
    decisions,
  };
}

function approverView(row: NamedTaskRow): InboxApprover {
  return {
    id: row.approver_id,
    name: row.approver_name ?? row.approver_id,
    via: row.via,
    decision: row.decision,
    comment: row.comment,
    decidedAt: row.decided_at === null ? null : iso(row.decided_at),
  };
}

function decisionView(row: NamedTaskRow): InboxDecision {
  return {
    nodeIndex: row.node_index,
    approver: { id: row.approver_id, name: row.approver_name ?? row.approver_id },
    decision: row.decision!,
    comment: row.comment,
    decidedAt: iso(row.decided_at!),
  };
}

// Millisecond columns can come back from a driver as bigint or string (PostgreSQL's int8).
function iso(ms: number | bigint | string): string {
  return new Date(Number(ms)).toISOString();
}
