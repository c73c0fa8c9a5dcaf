// The built-in system's inbox (`/api/inbox`): the tasks waiting for the signed-in approver, and
// their decisions. Approvers are resolved when a request is submitted and kept with it, so a
// later change in the directory does not move a request that is already waiting.
import { z } from 'zod';
import type { ApprovalNode } from './catalog.ts';
import { characterCount, TEXT_MAX_LENGTH } from './field-rules.ts';
import type { RequestView } from './requests.ts';

/** What an approver decided. */
export const approverDecisions = ['approved', 'rejected'] as const;
export type ApproverDecision = (typeof approverDecisions)[number];

const comment = z
  .string()
  .trim()
  .refine((v) => characterCount(v) <= TEXT_MAX_LENGTH, 'textTooLong');

/**
 * The node the approver saw, counted from 0. When it is given and another node has become
 * current meanwhile, the decision is refused instead of landing on a node the approver never saw.
 */
const nodeIndex = z.number().int().min(0).max(99).optional();

/** `POST /api/inbox/:requestId/approve`: the comment is optional. */
export const approveInputSchema = z.object({ comment: comment.default(''), nodeIndex });
export type ApproveInput = z.input<typeof approveInputSchema>;

/** `POST /api/inbox/:requestId/reject`: a rejection says why. */
export const rejectInputSchema = z.object({
  comment: comment.default('').refine((v) => v.length > 0, 'required'),
  nodeIndex,
});
export type RejectInput = z.input<typeof rejectInputSchema>;

/** One approver of a node as the request was submitted, and what they decided so far. */
export interface InboxApprover {
  id: string;
  name: string;
  /** The template entry that named them: their user id, `group:<name>` or `role:<name>`. */
  via: string;
  decision: ApproverDecision | null;
  comment: string | null;
  decidedAt: string | null;
}

/** An approval node of a request, with the approvers snapshotted at submit. */
export interface InboxNode {
  /** Counted from 0; people read it as "step index + 1". */
  index: number;
  mode: ApprovalNode['mode'];
  approvers: InboxApprover[];
}

/** A decision already made on the request, in any node. */
export interface InboxDecision {
  nodeIndex: number;
  approver: { id: string; name: string };
  decision: ApproverDecision;
  comment: string | null;
  decidedAt: string;
}

/** A request waiting for the signed-in user: they approve in its current node and have not yet. */
export interface InboxTask {
  request: RequestView;
  /** The current node, the one this user decides in, with everyone else named in it. */
  node: InboxNode;
  /** How many nodes the request goes through. */
  nodeCount: number;
  /** Decisions made so far, oldest first. */
  decisions: InboxDecision[];
}

/** `GET /api/inbox`: oldest request first. */
export interface InboxList {
  tasks: InboxTask[];
}

/** The answer to an approve or a reject. */
export interface DecisionResult {
  /** The request after the decision: still `pending`, or `approved` / `rejected` if it settled. */
  request: RequestView;
  nodeIndex: number;
  decision: ApproverDecision;
  /** True when the decision settled its node (OR: the first approval; AND: the last one). */
  nodeSettled: boolean;
}
