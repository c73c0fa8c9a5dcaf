// How the built-in system walks a request's approval nodes (product.md, "Rules and templates"
// and "A request's life"). Pure: the caller reads the request's tasks inside its write
// transaction, asks here, and writes what it was told.
import type { ApprovalNode, ApproverDecision } from '@signoff/contracts';

/** One approver of one node, and what they decided so far. */
export interface Task {
  nodeIndex: number;
  mode: ApprovalNode['mode'];
  approverId: string;
  decision: ApproverDecision | null;
}

/** `open` until settled. OR: the first approval settles; AND: the last. A rejection always does. */
export type NodeState = 'open' | 'approved' | 'rejected';

export interface NodeProgress<T extends Task> {
  index: number;
  mode: ApprovalNode['mode'];
  tasks: T[];
  state: NodeState;
}

export interface Progress<T extends Task> {
  nodes: NodeProgress<T>[];
  /** The first node not yet settled: the only one that takes decisions. Null once settled. */
  current: NodeProgress<T> | null;
  /** `approved` once every node approved; `rejected` as soon as any node rejected. */
  outcome: 'pending' | 'approved' | 'rejected';
}

export function nodeState(
  mode: ApprovalNode['mode'],
  decisions: ReadonlyArray<ApproverDecision | null>,
): NodeState {
  if (decisions.includes('rejected')) return 'rejected';
  const approved =
    mode === 'OR'
      ? decisions.includes('approved')
      : decisions.length > 0 && decisions.every((decision) => decision === 'approved');
  return approved ? 'approved' : 'open';
}

/** Groups the tasks into nodes, in order, and finds the current node and the outcome. */
export function progressOf<T extends Task>(tasks: readonly T[]): Progress<T> {
  const byIndex = new Map<number, T[]>();
  for (const task of tasks) {
    const list = byIndex.get(task.nodeIndex) ?? [];
    list.push(task);
    byIndex.set(task.nodeIndex, list);
  }
  const nodes = [...byIndex.entries()]
    .sort(([a], [b]) => a - b)
    .map(([index, list]): NodeProgress<T> => {
      const mode = list[0]?.mode ?? 'AND';
      return {
        index,
        mode,
        tasks: list,
        state: nodeState(
          mode,
          list.map((t) => t.decision),
        ),
      };
    });

  if (nodes.some((node) => node.state === 'rejected')) {
    return { nodes, current: null, outcome: 'rejected' };
  }
  const current = nodes.find((node) => node.state === 'open') ?? null;
  // No nodes at all decides nothing: submit never creates such a request.
  const outcome = current === null && nodes.length > 0 ? 'approved' : 'pending';
  return { nodes, current, outcome };
}

/** Why an approver may not decide now. */
export type Refusal =
  /** They are named in no node of the request. */
  | { kind: 'not_an_approver' }
  /** They are named only in later nodes, or the node they saw has not come yet. */
  | { kind: 'not_your_turn'; current: number }
  /** They already decided in the node they are acting on. */
  | { kind: 'already_decided'; node: number; decision: ApproverDecision }
  /** Their node was settled by the others (OR), or the node they saw is no longer current. */
  | { kind: 'node_settled'; node: number; current: number | null };

export type Verdict<T extends Task> = { ok: true; task: T } | { ok: false; refusal: Refusal };

/**
 * Whether `approverId` may decide now, and on which of their tasks. `seenNode` is the node the
 * approver was shown; when given, a decision never lands on another node, which matters to
 * someone named in two nodes who clicks twice.
 */
export function judge<T extends Task>(
  tasks: readonly T[],
  approverId: string,
  seenNode?: number,
): Verdict<T> {
  const mine = tasks
    .filter((task) => task.approverId === approverId)
    .sort((a, b) => a.nodeIndex - b.nodeIndex);
  const last = mine.at(-1);
  if (!last) return refuse({ kind: 'not_an_approver' });
  const { current } = progressOf(tasks);
  if (current === null) return refuse({ kind: 'node_settled', node: last.nodeIndex, current });

  const target = seenNode ?? current.index;
  if (target > current.index) return refuse({ kind: 'not_your_turn', current: current.index });
  const task = mine.find((candidate) => candidate.nodeIndex === target);
  if (task?.decision) {
    return refuse({ kind: 'already_decided', node: target, decision: task.decision });
  }
  if (target < current.index) {
    return refuse({ kind: 'node_settled', node: target, current: current.index });
  }
  if (task) return { ok: true, task };

  // Not named in the current node: either their turn is still to come, or it has passed.
  if (last.nodeIndex > current.index) {
    return refuse({ kind: 'not_your_turn', current: current.index });
  }
  if (last.decision) {
    return refuse({ kind: 'already_decided', node: last.nodeIndex, decision: last.decision });
  }
  return refuse({ kind: 'node_settled', node: last.nodeIndex, current: current.index });
}

function refuse(refusal: Refusal): { ok: false; refusal: Refusal } {
  return { ok: false, refusal };
}
