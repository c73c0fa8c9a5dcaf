import { describe, expect, it } from 'vitest';
import { judge, nodeState, progressOf, type Task } from './approval-nodes.ts';

const task = (
  nodeIndex: number,
  mode: Task['mode'],
  approverId: string,
  decision: Task['decision'] = null,
): Task => ({ nodeIndex, mode, approverId, decision });

describe('nodeState', () => {
  it.each([
    ['OR', [null, null], 'open'],
    ['OR', ['approved', null], 'approved'],
    ['OR', [null, 'rejected'], 'rejected'],
    ['OR', ['approved', 'rejected'], 'rejected'],
    ['AND', ['approved', null], 'open'],
    ['AND', ['approved', 'approved'], 'approved'],
    ['AND', ['approved', 'rejected'], 'rejected'],
    ['AND', [], 'open'],
  ] as const)('%s with %j is %s', (mode, decisions, expected) => {
    expect(nodeState(mode, decisions)).toBe(expected);
  });
});

describe('progressOf', () => {
  it('makes the first unsettled node current, in index order whatever the row order', () => {
    const tasks = [task(1, 'AND', 'bea'), task(0, 'OR', 'aaron', 'approved'), task(0, 'OR', 'cy')];

    const { nodes, current, outcome } = progressOf(tasks);

    expect(nodes.map((node) => [node.index, node.state])).toEqual([
      [0, 'approved'],
      [1, 'open'],
    ]);
    expect(current?.index).toBe(1);
    expect(outcome).toBe('pending');
  });

  it('is approved once every node is, and rejected as soon as one node is', () => {
    const approved = progressOf([
      task(0, 'OR', 'aaron', 'approved'),
      task(1, 'AND', 'bea', 'approved'),
    ]);
    const rejected = progressOf([task(0, 'OR', 'aaron', 'rejected'), task(1, 'AND', 'bea')]);

    expect(approved).toMatchObject({ current: null, outcome: 'approved' });
    expect(rejected).toMatchObject({ current: null, outcome: 'rejected' });
  });

  it('decides nothing without tasks', () => {
    expect(progressOf([])).toEqual({ nodes: [], current: null, outcome: 'pending' });
  });
});

describe('judge', () => {
  const twoNodes = [
    task(0, 'OR', 'aaron'),
    task(0, 'OR', 'bea'),
    task(1, 'AND', 'cy'),
    task(1, 'AND', 'dee'),
  ];

  it('lets an approver of the current node decide on their task', () => {
    expect(judge(twoNodes, 'bea')).toEqual({ ok: true, task: task(0, 'OR', 'bea') });
  });

  it('refuses someone named in no node', () => {
    expect(judge(twoNodes, 'rita')).toEqual({ ok: false, refusal: { kind: 'not_an_approver' } });
  });

  it('refuses a later node’s approver: not their turn', () => {
    expect(judge(twoNodes, 'cy')).toEqual({
      ok: false,
      refusal: { kind: 'not_your_turn', current: 0 },
    });
  });

  it('refuses a second decision on the same node', () => {
    const decided = [task(0, 'AND', 'aaron', 'approved'), task(0, 'AND', 'bea')];

    expect(judge(decided, 'aaron')).toEqual({
      ok: false,
      refusal: { kind: 'already_decided', node: 0, decision: 'approved' },
    });
  });

  it('refuses the other approver of an OR node that is already settled', () => {
    const settled = [task(0, 'OR', 'aaron', 'approved'), task(0, 'OR', 'bea'), task(1, 'OR', 'cy')];

    expect(judge(settled, 'bea')).toEqual({
      ok: false,
      refusal: { kind: 'node_settled', node: 0, current: 1 },
    });
  });

  it('keeps a decision on the node the approver saw, when they are named in two', () => {
    const both = [task(0, 'OR', 'aaron', 'approved'), task(1, 'OR', 'aaron'), task(1, 'OR', 'bea')];

    expect(judge(both, 'aaron', 0)).toMatchObject({
      ok: false,
      refusal: { kind: 'already_decided', node: 0 },
    });
    expect(judge(both, 'aaron', 1)).toEqual({ ok: true, task: task(1, 'OR', 'aaron') });
    expect(judge(both, 'aaron')).toEqual({ ok: true, task: task(1, 'OR', 'aaron') });
    expect(judge(both, 'bea', 2)).toMatchObject({ ok: false, refusal: { kind: 'not_your_turn' } });
  });
});
