// Rows to API shapes. The requester's and the system's names are joined in at read time, so a
// renamed configuration shows its current name on every request bound to it.
import {
  type ActorType,
  type AssetView,
  BUILTIN_SYSTEM_ID,
  type HistoryEntry,
  type Permission,
  type RequestView,
} from '@signoff/contracts';
import type { Db } from '../store/db.ts';
import type { HistoryRow, RequestRow } from '../store/schema.ts';
import { BUILTIN_TARGET } from './routing.ts';
import { isRequestState } from './state-machine.ts';
import { stateOf } from './transitions.ts';

/** A request row with the names that its view shows. */
export interface NamedRequestRow extends RequestRow {
  requester_name: string | null;
  system_name: string | null;
}

/** Selects requests with their requester's and system's names; add `where` clauses to taste. */
export function selectNamedRequests(db: Db) {
  return db
    .selectFrom('requests')
    .leftJoin('users', 'users.id', 'requests.requester_id')
    .leftJoin('systems', 'systems.id', 'requests.system_id')
    .selectAll('requests')
    .select(['users.name as requester_name', 'systems.name as system_name']);
}

export function requestView(row: NamedRequestRow): RequestView {
  const builtin = row.system_id === BUILTIN_SYSTEM_ID;
  const state = stateOf(row);
  return {
    id: row.id,
    requester: { id: row.requester_id, name: row.requester_name ?? row.requester_id },
    asset: JSON.parse(row.asset) as AssetView,
    permission: row.permission as Permission,
    period: { periodType: row.period_type, periodEnd: row.period_end },
    reason: row.reason,
    state,
    system: {
      id: row.system_id,
      kind: row.system_kind as RequestView['system']['kind'],
      name: builtin ? BUILTIN_TARGET.name : (row.system_name ?? row.system_id),
    },
    templateId: row.template_id,
    ruleId: row.rule_id,
    externalId: row.external_id,
    // The error stays in the row and the history for the audit trail; the view shows it only
    // while it explains the state.
    lastError: state === 'dispatch_failed' ? row.last_error : null,
    settingsVersion: row.settings_version,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
  };
}

export function historyEntry(row: HistoryRow): HistoryEntry {
  return {
    id: row.id,
    at: iso(row.at),
    event: row.event,
    fromState: row.from_state !== null && isRequestState(row.from_state) ? row.from_state : null,
    toState: row.to_state !== null && isRequestState(row.to_state) ? row.to_state : null,
    actor: { type: row.actor_type as ActorType, id: row.actor_id, name: row.actor_name },
    externalId: row.external_id,
    eventId: row.event_id,
    note: row.note,
  };
}

// Millisecond columns can come back from a driver as bigint or string (PostgreSQL's int8).
function iso(ms: number | bigint | string): string {
  return new Date(Number(ms)).toISOString();
}
