// The history rows a submit writes: who submitted and how the request was routed, and, for an
// automatic approval, the system's approval that created it as `approved`.
import type { RequestState } from '@signoff/contracts';
import type { AuthUser } from '../http/env.ts';
import type { Db } from '../store/db.ts';
import type { RouteDecision } from './decide.ts';
import { type Actor, writeHistory } from './transitions.ts';

export async function recordSubmit(
  tx: Db,
  requestId: string,
  state: RequestState,
  user: AuthUser,
  { rule, outcome }: RouteDecision,
  now: number,
): Promise<void> {
  const ruleName = rule ? `rule "${rule.name}"` : 'no rule';
  const submitter: Actor = { type: 'user', id: user.id, name: user.name };

  if (state !== 'approved') {
    const via = outcome.kind === 'template' ? `, template "${outcome.template.name}"` : '';
    const note = `Routed by ${ruleName}${via}.`;
    await writeHistory(tx, {
      requestId,
      event: 'submitted',
      from: null,
      to: state,
      actor: submitter,
      details: { note },
      now,
    });
    return;
  }
  await writeHistory(tx, {
    requestId,
    event: 'submitted',
    from: null,
    to: null,
    actor: submitter,
    details: { note: `Routed by ${ruleName}, which approves automatically.` },
    now,
  });
  await writeHistory(tx, {
    requestId,
    event: 'approve',
    from: null,
    to: 'approved',
    actor: { type: 'system', id: rule?.id ?? null, name: 'Automatic approval' },
    now,
  });
}
