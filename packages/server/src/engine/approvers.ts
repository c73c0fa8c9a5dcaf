// Who a template's approver entries name. An entry is a user id, `group:<name>` (every member of
// a directory group) or `role:<name>` (every holder of a role). Template saves check that each
// names somebody; a built-in submit resolves them once and keeps the result with the request.
import {
  APPROVER_GROUP_PREFIX,
  APPROVER_ROLE_PREFIX,
  type ApprovalNode,
  type FieldError,
  type Role,
  roles,
} from '@signoff/contracts';
import { sql } from 'kysely';
import type { Db } from '../store/db.ts';

export type ApproverRef =
  | { kind: 'user'; id: string }
  | { kind: 'group'; name: string }
  | { kind: 'role'; name: string };

/** Reads one approver entry. Anything without a known prefix is a user id. */
export function parseApproverRef(entry: string): ApproverRef {
  if (entry.startsWith(APPROVER_GROUP_PREFIX)) {
    return { kind: 'group', name: entry.slice(APPROVER_GROUP_PREFIX.length) };
  }
  if (entry.startsWith(APPROVER_ROLE_PREFIX)) {
    return { kind: 'role', name: entry.slice(APPROVER_ROLE_PREFIX.length) };
  }
  return { kind: 'user', id: entry };
}

/** One person a node names, and the entry that named them first. */
export interface ResolvedApprover {
  userId: string;
  via: string;
}

/**
 * The members of each distinct entry, as the directory has them now: user ids, sorted. A user id
 * missing from the directory, an empty group and a role nobody holds all resolve to nobody.
 */
export async function membersOf(
  db: Db,
  entries: readonly string[],
): Promise<Map<string, string[]>> {
  const members = new Map<string, string[]>();
  for (const entry of new Set(entries)) {
    const ref = parseApproverRef(entry);
    members.set(entry, await lookUp(db, ref));
  }
  return members;
}

async function lookUp(db: Db, ref: ApproverRef): Promise<string[]> {
  if (ref.kind === 'user') {
    const row = await db
      .selectFrom('users')
      .select('id')
      .where('id', '=', ref.id)
      .executeTakeFirst();
    return row ? [row.id] : [];
  }
  if (ref.name === '') return [];
  const column = ref.kind === 'group' ? 'groups' : 'roles';
  // Both columns hold JSON arrays of strings. LIKE on the quoted name narrows the scan portably
  // (a `%` or `_` in a name only widens it); the parsed array then decides exactly.
  const quoted = JSON.stringify(ref.name);
  const rows = await db
    .selectFrom('users')
    .select(['id', column])
    .where(sql.ref(column), 'like', `%${quoted}%`)
    .orderBy('id')
    .execute();
  return rows
    .filter((row) => (JSON.parse(row[column]) as string[]).includes(ref.name))
    .map((row) => row.id);
}

export interface ResolveOptions {
  /** Left out wherever they appear, named directly or through a group or a role. */
  exclude?: string;
  /**
   * Keeps a user id that is not in the directory instead of dropping it. An external system may
   * know people Signoff has not seen yet; the built-in system can only ask people it knows.
   */
  keepUnknownUsers?: boolean;
}

/** Resolves every node to the people it names, each once per node, in the order named. */
export async function resolveNodes(
  db: Db,
  nodes: readonly ApprovalNode[],
  { exclude, keepUnknownUsers = false }: ResolveOptions = {},
): Promise<ResolvedApprover[][]> {
  const members = await membersOf(
    db,
    nodes.flatMap((node) => node.approverIds),
  );
  const namedBy = (entry: string): string[] => {
    const found = members.get(entry) ?? [];
    const ref = parseApproverRef(entry);
    return found.length === 0 && keepUnknownUsers && ref.kind === 'user' ? [ref.id] : found;
  };
  return nodes.map((node) => {
    const seen = new Map<string, ResolvedApprover>();
    for (const entry of node.approverIds) {
      for (const userId of namedBy(entry)) {
        if (userId !== exclude && !seen.has(userId)) seen.set(userId, { userId, via: entry });
      }
    }
    return [...seen.values()];
  });
}

/**
 * Field errors for entries that name nobody, keyed like the template input
 * (`nodes.0.approverIds.1`). Connectors and the built-in system both need real people.
 */
export async function approverEntryErrors(
  db: Db,
  nodes: readonly ApprovalNode[],
): Promise<Record<string, FieldError>> {
  const members = await membersOf(
    db,
    nodes.flatMap((node) => node.approverIds),
  );
  const fields: Record<string, FieldError> = {};
  nodes.forEach((node, n) => {
    node.approverIds.forEach((entry, a) => {
      const problem = members.get(entry)?.length ? null : whyNobody(parseApproverRef(entry));
      if (problem) fields[`nodes.${n}.approverIds.${a}`] = { key: 'invalid', message: problem };
    });
  });
  return fields;
}

function whyNobody(ref: ApproverRef): string {
  switch (ref.kind) {
    case 'user':
      return 'No user with this id in the directory.';
    case 'group':
      return ref.name === ''
        ? `Name a group after "${APPROVER_GROUP_PREFIX}".`
        : `Nobody in the directory belongs to the group "${ref.name}".`;
    case 'role':
      if (!roles.includes(ref.name as Role)) {
        return `There is no role "${ref.name}"; roles are ${roles.join(', ')}.`;
      }
      return `Nobody in the directory holds the role "${ref.name}".`;
  }
}
