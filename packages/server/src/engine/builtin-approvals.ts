// The built-in approval system: approvers resolved and kept with each request at submit, an
// inbox per approver, and decisions that walk the nodes in order. A decision that settles the
// last node (or rejects) moves the request through the engine's conditional transition, in the
// same write transaction as the decision itself.
import {
  type ApprovalNode,
  type ApproverDecision,
  BUILTIN_SYSTEM_ID,
  type DecisionResult,
  type InboxTask,
} from '@signoff/contracts';
import type { Logger } from 'pino';
import type { AuthUser } from '../http/env.ts';
import { ApiError, conflict, forbidden } from '../http/errors.ts';
import type { Db, Store } from '../store/db.ts';
import type { BuiltinTaskRow, TemplateRow } from '../store/schema.ts';
import { judge, progressOf, type Refusal } from './approval-nodes.ts';
import { type ResolvedApprover, resolveNodes } from './approvers.ts';
import { groupByRequest, inboxTask, selectNamedTasks, toTask } from './inbox-views.ts';
import {
  type Actor,
  applyTransition,
  logTransition,
  readRequest,
  stateOf,
  type TransitionResult,
  writeHistory,
} from './transitions.ts';
import { requestView, selectNamedRequests } from './views.ts';

/** The most tasks one inbox answer lists, oldest request first. */
export const INBOX_LIMIT = 200;

/** What the history calls every decision of a built-in approver. */
export const APPROVER_DECIDED = 'approver_decided';

/** A built-in request's approvers, node by node, before they are written. */
export interface ApprovalPlan {
  nodes: Array<{ mode: ApprovalNode['mode']; approvers: ResolvedApprover[] }>;
}

/**
 * Resolves a built-in template's nodes for one requester, who is never among their own approvers.
 * Refuses (422) a template with no nodes, and a node left with nobody, so that no request is
 * created that nobody could decide.
 */
export async function planApprovals(
  db: Db,
  template: TemplateRow,
  requesterId: string,
): Promise<ApprovalPlan> {
  const nodes = JSON.parse(template.nodes) as ApprovalNode[];
  const fix = 'Ask an administrator to name approvers in the template.';
  if (nodes.length === 0) {
    throw new ApiError(
      422,
      'not_available',
      `Template "${template.name}" has no approval node, and the built-in system needs at ` +
        `least one. ${fix}`,
    );
  }

  const resolved = await resolveNodes(db, nodes, { exclude: requesterId });
  const empty = resolved.findIndex((approvers) => approvers.length === 0);
  if (empty >= 0) {
    const named = (await resolveNodes(db, [nodes[empty]!]))[0]!;
    const why =
      named.length > 0
        ? 'has no approver other than you, and nobody approves their own request'
        : 'names nobody who is in the directory now';
    throw new ApiError(
      422,
      'not_available',
      `Approval node ${empty + 1} of template "${template.name}" ${why}. ${fix}`,
    );
  }
  return { nodes: nodes.map((node, index) => ({ mode: node.mode, approvers: resolved[index]! })) };
}

/** Keeps the plan with the request: one undecided task per node and approver. */
export async function writeTasks(
  tx: Db,
  requestId: string,
  plan: ApprovalPlan,
  now: number,
): Promise<void> {
  const rows = plan.nodes.flatMap((node, index) =>
    node.approvers.map(({ userId, via }) => ({
      request_id: requestId,
      node_index: index,
      mode: node.mode,
      approver_id: userId,
      via,
      decision: null,
      comment: null,
      decided_at: null,
      created_at: now,
    })),
  );
  if (rows.length > 0) await tx.insertInto('builtin_tasks').values(rows).execute();
}

export interface DecisionInput {
  comment: string;
  /** The node the approver was shown; see `judge`. */
  nodeIndex?: number | undefined;
}

export interface BuiltinApprovalsOptions {
  store: Store;
  log: Logger;
  clock?: () => number;
}

/** The inbox and the decisions of the built-in system. Nothing is kept between calls. */
export class BuiltinApprovals {
  private readonly store: Store;
  private readonly log: Logger;
  private readonly clock: () => number;

  constructor({ store, log, clock = Date.now }: BuiltinApprovalsOptions) {
    this.store = store;
    this.log = log;
    this.clock = clock;
  }

  /**
   * The user's open tasks: pending requests whose current node names them and that they have not
   * decided yet. A task in a later node appears once the nodes before it are settled.
   */
  async tasksFor(user: AuthUser): Promise<InboxTask[]> {
    const db = this.store.db;
    const open = await db
      .selectFrom('builtin_tasks')
      .innerJoin('requests', 'requests.id', 'builtin_tasks.request_id')
      .select('builtin_tasks.request_id')
      .where('builtin_tasks.approver_id', '=', user.id)
      .where('builtin_tasks.decision', 'is', null)
      .where('requests.state', '=', 'pending')
      .execute();
    const candidates = [...new Set(open.map((row) => row.request_id))];
    if (candidates.length === 0) return [];

    const rows = await selectNamedTasks(db)
      .where('builtin_tasks.request_id', 'in', candidates)
      .execute();
    const byRequest = groupByRequest(rows);
    const due = [...byRequest.keys()].filter((id) => {
      const { current } = progressOf(byRequest.get(id)!.map(toTask));
      return current?.tasks.some((task) => task.approverId === user.id && !task.decision);
    });
    if (due.length === 0) return [];

    const requests = await selectNamedRequests(db)
      .where('requests.id', 'in', due)
      .orderBy('requests.created_at')
      .orderBy('requests.id')
      .limit(INBOX_LIMIT)
      .execute();
    return requests.map((request) => inboxTask(requestView(request), byRequest.get(request.id)!));
  }

  approve(user: AuthUser, requestId: string, input: DecisionInput): Promise<DecisionResult> {
    return this.decide(user, requestId, 'approved', input);
  }

  reject(user: AuthUser, requestId: string, input: DecisionInput): Promise<DecisionResult> {
    return this.decide(user, requestId, 'rejected', input);
  }

  /**
   * Records one approver's decision on the current node. Checks and writes happen in one write
   * transaction, so two approvers deciding at the same moment are applied one after the other:
   * the second sees what the first did (a settled node, a final request) and is answered 409.
   */
  private async decide(
    user: AuthUser,
    requestId: string,
    decision: ApproverDecision,
    input: DecisionInput,
  ): Promise<DecisionResult> {
    const now = this.clock();
    const actor: Actor = { type: 'user', id: user.id, name: user.name };
    const note = input.comment === '' ? null : input.comment;

    const outcome = await this.store.write(async (tx) => {
      const request = await readRequest(tx, requestId);
      if (request.system_id !== BUILTIN_SYSTEM_ID) {
        throw conflict('This request is decided in its external approval system, not here.');
      }
      const rows = await selectNamedTasks(tx)
        .where('builtin_tasks.request_id', '=', requestId)
        .execute();
      if (!rows.some((row) => row.approver_id === user.id)) {
        throw forbidden('You are not an approver of this request.');
      }
      const state = stateOf(request);
      if (state !== 'pending') {
        throw conflict(`The request is already ${state}; it can no longer be decided.`);
      }
      const verdict = judge(rows.map(toTask), user.id, input.nodeIndex);
      if (!verdict.ok) throw refusalError(verdict.refusal);
      const nodeIndex = verdict.task.nodeIndex;

      const updated = await tx
        .updateTable('builtin_tasks')
        .set({ decision, comment: note, decided_at: now })
        .where('request_id', '=', requestId)
        .where('node_index', '=', nodeIndex)
        .where('approver_id', '=', user.id)
        .where('decision', 'is', null)
        .returningAll()
        .executeTakeFirst();
      if (!updated) throw conflict(`You have already decided on approval node ${nodeIndex + 1}.`);

      const after = progressOf(rows.map((row) => toTask(sameTask(row, updated) ? updated : row)));
      const node = after.nodes.find((candidate) => candidate.index === nodeIndex)!;
      let transition: TransitionResult | null = null;
      if (after.outcome === 'pending') {
        await writeHistory(tx, {
          requestId,
          event: APPROVER_DECIDED,
          from: state,
          to: null,
          actor,
          details: { note },
          now,
        });
      } else {
        const event = after.outcome === 'approved' ? 'approve' : 'reject';
        const details = { note, recordAs: APPROVER_DECIDED };
        transition = await applyTransition(tx, requestId, event, actor, details, now);
      }
      const view = await selectNamedRequests(tx)
        .where('requests.id', '=', requestId)
        .executeTakeFirstOrThrow();
      return { nodeIndex, nodeSettled: node.state !== 'open', transition, view };
    });

    this.log.info(
      {
        requestId,
        node: outcome.nodeIndex,
        decision,
        approverId: user.id,
        nodeSettled: outcome.nodeSettled,
      },
      'approver decided',
    );
    if (outcome.transition) logTransition(this.log, outcome.transition);
    return {
      request: requestView(outcome.view),
      nodeIndex: outcome.nodeIndex,
      decision,
      nodeSettled: outcome.nodeSettled,
    };
  }
}

function sameTask(a: BuiltinTaskRow, b: BuiltinTaskRow): boolean {
  return a.node_index === b.node_index && a.approver_id === b.approver_id;
}

/** Refusals as people read them: nodes are counted from 1. */
function refusalError(refusal: Refusal): ApiError {
  switch (refusal.kind) {
    case 'not_an_approver':
      return forbidden('You are not an approver of this request.');
    case 'not_your_turn':
      return forbidden(
        `Not your turn yet: approval node ${refusal.current + 1} has to be settled first.`,
      );
    case 'already_decided':
      return conflict(
        `You have already ${refusal.decision} on approval node ${refusal.node + 1} ` +
          'of this request.',
      );
    case 'node_settled':
      return conflict(`Approval node ${refusal.node + 1} of this request is already settled.`);
  }
}
