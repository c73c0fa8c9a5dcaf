// Table types for kysely. Times are milliseconds since the epoch (integers) so that SQLite and
// PostgreSQL compare and index them the same way; JSON columns hold text that the store parses.
import type { Generated, Insertable, Selectable, Updateable } from 'kysely';

export interface UsersTable {
  id: string;
  name: string;
  /** JSON array of role names. */
  roles: string;
  /** JSON array of group ids. */
  groups: string;
  /** The user's id in the host's own account system, sent to third parties as `userSourceId`. */
  source_user_id: string | null;
  dingtalk_user_id: string | null;
  created_at: number;
  updated_at: number;
}

/** The one current settings row (id = 1); every save also writes a `settings_versions` row. */
export interface SettingsTable {
  id: number;
  version: number;
  external_enabled: number;
  default_system_id: string;
  updated_at: number | null;
  updated_by: string | null;
}

export interface SettingsVersionsTable {
  version: number;
  created_at: number;
  actor_id: string;
  /** JSON: which fields changed; secrets appear only as "changed". */
  changes: string;
  /** JSON: the settings as saved, without secrets. */
  snapshot: string;
}

export type SystemRowStatus = 'active' | 'retired' | 'removed';

export interface SystemsTable {
  id: string;
  kind: 'dingtalk' | 'other';
  name: string;
  status: SystemRowStatus;
  /** JSON: the non-secret fields of the configuration. */
  config: string;
  /** The secret fields as one sealed (encrypted) JSON blob; see secrets/sealer.ts. */
  secrets: string;
  /** Third-party configurations only: made once at creation, never changed. */
  tenant_id: string | null;
  created_at: number;
  updated_at: number;
  retired_at: number | null;
}

export interface AssetsTable {
  id: string;
  name: string;
  type: string;
  sensitivity: string;
  project: string;
  environment: string;
  created_at: number;
  updated_at: number;
}

export interface TemplatesTable {
  id: string;
  name: string;
  /** `default`, `builtin`, or a system id. */
  system_ref: string;
  template_code: string;
  process_code: string;
  /** JSON array of approval nodes. */
  nodes: string;
  built_in: number;
  created_at: number;
  updated_at: number;
}

export interface RulesTable {
  id: string;
  position: number;
  name: string;
  /** JSON RuleMatch. */
  match: string;
  /** JSON RuleAction. */
  action: string;
  is_default: number;
}

export interface RequestsTable {
  id: string;
  requester_id: string;
  asset_id: string;
  /** JSON snapshot of the asset as it was when requested (its level included). */
  asset: string;
  permission: string;
  period_type: string;
  period_end: string;
  reason: string;
  state: string;
  /** `builtin` or the id of the configuration the request is bound to. */
  system_id: string;
  system_kind: string;
  settings_version: number;
  template_id: string | null;
  rule_id: string | null;
  external_id: string | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

export interface RequestHistoryTable {
  id: Generated<number>;
  request_id: string;
  at: number;
  event: string;
  from_state: string | null;
  /** Null when the event was recorded without changing the state. */
  to_state: string | null;
  actor_type: string;
  actor_id: string | null;
  actor_name: string | null;
  external_id: string | null;
  event_id: string | null;
  note: string | null;
}

/**
 * Every verified callback event, claimed by the unique (system_id, event_key) pair before it has
 * any effect. An event whose request or instance is not recorded yet stays here with
 * `applied_at` null until it can be applied; it is never dropped.
 */
export interface CallbackEventsTable {
  system_id: string;
  event_key: string;
  received_at: number;
  apply_id: string | null;
  external_id: string | null;
  /** JSON: the normalised event (never the raw, encrypted body). */
  payload: string;
  request_id: string | null;
  applied_at: number | null;
  /** What applying it did: `transition`, `no_change`, or null while waiting. */
  outcome: string | null;
}

export type OutboxKind = 'dispatch' | 'terminate';
export type OutboxState = 'ready' | 'done' | 'dead';

export interface OutboxTable {
  id: Generated<number>;
  kind: OutboxKind;
  request_id: string;
  state: OutboxState;
  attempts: number;
  next_attempt_at: number;
  lease_owner: string | null;
  lease_until: number | null;
  /** Set just before an external call is made, so a job claimed again knows it may have been sent. */
  sent_at: number | null;
  last_error: string | null;
  created_at: number;
  updated_at: number;
}

/**
 * The approvers of a request on the built-in system, resolved from its template's nodes (user
 * ids, groups and roles, without the requester) when it was submitted: one row per node and
 * approver, so that a later change in the directory or the template never moves a request in
 * flight. A row's decision is written once; a node's state, and which node is current, follow
 * from its rows (engine/approval-nodes.ts).
 */
export interface BuiltinTasksTable {
  request_id: string;
  /** Counted from 0, in the template's order. */
  node_index: number;
  mode: 'OR' | 'AND';
  approver_id: string;
  /** The template entry that named the approver: their id, `group:<name>` or `role:<name>`. */
  via: string;
  /** Null while undecided, then `approved` or `rejected`. */
  decision: 'approved' | 'rejected' | null;
  comment: string | null;
  decided_at: number | null;
  created_at: number;
}

export interface Database {
  users: UsersTable;
  settings: SettingsTable;
  settings_versions: SettingsVersionsTable;
  systems: SystemsTable;
  assets: AssetsTable;
  templates: TemplatesTable;
  rules: RulesTable;
  requests: RequestsTable;
  request_history: RequestHistoryTable;
  callback_events: CallbackEventsTable;
  outbox: OutboxTable;
  builtin_tasks: BuiltinTasksTable;
}

export type UserRow = Selectable<UsersTable>;
export type SystemRow = Selectable<SystemsTable>;
export type RequestRow = Selectable<RequestsTable>;
export type NewRequestRow = Insertable<RequestsTable>;
export type RequestUpdate = Updateable<RequestsTable>;
export type HistoryRow = Selectable<RequestHistoryTable>;
export type OutboxRow = Selectable<OutboxTable>;
export type AssetRow = Selectable<AssetsTable>;
export type TemplateRow = Selectable<TemplatesTable>;
export type RuleRow = Selectable<RulesTable>;
export type BuiltinTaskRow = Selectable<BuiltinTasksTable>;
