// What connectors are told, built from the request, its template and the directory.
import type { ApprovalNode } from '@signoff/contracts';
import type { DirectoryPerson, SubmitCommand, TerminateCommand } from '../connectors/types.ts';
import { toPerson } from '../directory/users.ts';
import { resolveNodes } from '../engine/approvers.ts';
import type { Db } from '../store/db.ts';
import type { RequestRow } from '../store/schema.ts';

/** The request as a connector submits it, with approvers named as the directory knows them. */
export async function buildSubmitCommand(
  db: Db,
  request: RequestRow,
  maybeSentBefore: boolean,
): Promise<SubmitCommand> {
  const template = request.template_id
    ? await db
        .selectFrom('templates')
        .select(['template_code', 'process_code', 'nodes'])
        .where('id', '=', request.template_id)
        .executeTakeFirst()
    : undefined;
  const nodes = template ? (JSON.parse(template.nodes) as ApprovalNode[]) : [];
  // Groups and roles are sent as the people they name at dispatch; the external system keeps
  // its own approver list from then on.
  const approvers = await resolveNodes(db, nodes, { keepUnknownUsers: true });
  const people = await findPeople(db, [
    request.requester_id,
    ...approvers.flatMap((node) => node.map(({ userId }) => userId)),
  ]);
  const requester = people(request.requester_id);
  const asset = JSON.parse(request.asset) as SubmitCommand['asset'];

  return {
    requestId: request.id,
    title: `${requester.name}: ${request.permission} access to ${asset.name}`,
    requester,
    asset,
    permission: request.permission,
    periodType: request.period_type,
    periodEnd: request.period_end,
    reason: request.reason,
    templateCode: template?.template_code ?? '',
    processCode: template?.process_code ?? '',
    nodes: nodes.map((node, index) => ({
      mode: node.mode,
      approvers: (approvers[index] ?? []).map(({ userId }) => people(userId)),
    })),
    maybeSentBefore,
  };
}

/**
 * Looks people up in the directory; returns a function naming each id. Someone missing from the
 * directory is still named by their id, so a stale approver list does not block a dispatch.
 */
export async function findPeople(
  db: Db,
  ids: readonly string[],
): Promise<(id: string) => DirectoryPerson> {
  const unique = [...new Set(ids)];
  const rows =
    unique.length === 0
      ? []
      : await db.selectFrom('users').selectAll().where('id', 'in', unique).execute();
  const byId = new Map(rows.map((row) => [row.id, toPerson(row)]));
  return (id) => byId.get(id) ?? { id, name: id, sourceUserId: id, dingtalkUserId: null };
}

/** Who revoked the request and why, from its history; null when it was never revoked. */
export async function findRevocation(db: Db, requestId: string) {
  const row = await db
    .selectFrom('request_history')
    .select(['actor_type', 'actor_id', 'note'])
    .where('request_id', '=', requestId)
    .where('to_state', 'in', ['revoked', 'force_revoked'])
    .orderBy('id', 'desc')
    .executeTakeFirst();
  return row ?? null;
}

/**
 * The terminate call for a revoked request. The operator is whoever revoked it; when that was
 * not a person (the system or the reconciler), the requester stands in, since third parties
 * expect a user id here.
 */
export async function buildTerminateCommand(
  db: Db,
  request: RequestRow & { external_id: string },
): Promise<TerminateCommand> {
  const revocation = await findRevocation(db, request.id);
  const operatorId =
    revocation?.actor_type === 'user' && revocation.actor_id
      ? revocation.actor_id
      : request.requester_id;
  const people = await findPeople(db, [operatorId]);
  return {
    requestId: request.id,
    externalId: request.external_id,
    operator: people(operatorId),
    reason: revocation?.note ?? '',
  };
}
