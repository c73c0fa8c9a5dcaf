import type {
  CreateRequestInput,
  RequestChangedEvent,
  RequestDetail,
  RequestState,
  RequestView,
  Role,
} from '@signoff/contracts';
import type { Logger } from 'pino';
import type { AuthUser } from '../http/env.ts';
import { ApiError, conflict, forbidden, notFound } from '../http/errors.ts';
import type { Db, Store } from '../store/db.ts';
import type { AssetRow } from '../store/schema.ts';
import { BuiltinApprovals, planApprovals, writeTasks } from './builtin-approvals.ts';
import { decideRoute, type RouteDecision } from './decide.ts';
import { BUILTIN_TARGET, RoutingError } from './routing.ts';
import { nextState, type RequestEvent } from './state-machine.ts';
import { recordSubmit } from './submit-history.ts';
import {
  type Actor,
  applyTransition,
  type EventDetails,
  enqueueJob,
  logTransition,
  readRequest,
  stateOf,
} from './transitions.ts';
import { historyEntry, requestView, selectNamedRequests } from './views.ts';

/** Roles that may revoke anyone's request, force-revoke, and retry a failed dispatch. */
/** Whose request changes a live stream follows: a requester's own, or an approver's tasks. */
export interface ChangeFilter {
  requesterId?: string | undefined;
  approverId?: string | undefined;
}

export const REQUEST_ADMIN_ROLES: readonly Role[] = ['super_admin', 'system_admin'];

export const LIST_LIMIT_MAX = 200;

export interface RequestServiceOptions {
  store: Store;
  log: Logger;
  /** Milliseconds since the epoch; tests pass a fixed clock. */
  clock?: () => number;
}

export interface ApplyResult {
  changed: boolean;
  from: RequestState;
  /** Equal to `from` when nothing changed. */
  to: RequestState;
  request: RequestView;
}

export interface ListQuery {
  requesterId?: string;
  states?: readonly RequestState[];
  /** At most `LIST_LIMIT_MAX`; 50 when absent. */
  limit?: number;
  offset?: number;
}

/**
 * Requests from submit to a final state. Every change is a conditional update with its history
 * row in the same write transaction; nothing here is kept in memory between calls, so several
 * server processes can share one database.
 */
export class RequestService {
  /** The built-in system's inbox and decisions, on the same store and clock. */
  readonly inbox: BuiltinApprovals;
  private readonly store: Store;
  private readonly log: Logger;
  private readonly clock: () => number;

  constructor({ store, log, clock = Date.now }: RequestServiceOptions) {
    this.store = store;
    this.log = log;
    this.clock = clock;
    this.inbox = new BuiltinApprovals({ store, log, clock });
  }

  /**
   * Creates a request as the rules decide: refused (422, nothing written), approved at once,
   * pending in the built-in inbox with its approvers resolved and kept, or pending dispatch with
   * its outbox job in the same transaction. An automatic approval writes two history rows: the
   * user's submission, which sets no state, then the system's approval, which creates the
   * request as `approved`.
   */
  async submit(user: AuthUser, input: CreateRequestInput): Promise<RequestView> {
    const now = this.clock();

    const view = await this.store.write(async (tx) => {
      const asset = await tx
        .selectFrom('assets')
        .selectAll()
        .where('id', '=', input.assetId)
        .executeTakeFirst();
      if (!asset) throw notFound('asset', input.assetId);
      const decision = await decide(tx, asset, input.permission);
      const { outcome, rule } = decision;
      if (outcome.kind === 'not_requestable') {
        const by = rule ? ` (rule "${rule.name}")` : '';
        throw new ApiError(
          422,
          'not_requestable',
          `"${asset.name}" cannot be requested with ${input.permission} permission${by}.`,
        );
      }

      const id = crypto.randomUUID();
      const target = outcome.kind === 'template' ? outcome.target : BUILTIN_TARGET;
      const state: RequestState =
        outcome.kind === 'auto_approve'
          ? 'approved'
          : target.kind === 'builtin'
            ? 'pending'
            : 'pending_dispatch';
      // Resolved before anything is written: a node left with nobody refuses the request.
      const approvals =
        state === 'pending' && outcome.kind === 'template'
          ? await planApprovals(tx, outcome.template, user.id)
          : null;
      await tx
        .insertInto('requests')
        .values({
          id,
          requester_id: user.id,
          asset_id: asset.id,
          asset: JSON.stringify(assetSnapshot(asset)),
          permission: input.permission,
          period_type: input.periodType,
          period_end: periodEnd(input.periodType, now),
          reason: input.reason.trim(),
          state,
          system_id: target.id,
          system_kind: target.kind,
          settings_version: decision.settingsVersion,
          template_id: outcome.template?.id ?? null,
          rule_id: rule?.id ?? null,
          external_id: null,
          last_error: null,
          created_at: now,
          updated_at: now,
        })
        .execute();
      await recordSubmit(tx, id, state, user, decision, now);
      if (approvals) await writeTasks(tx, id, approvals, now);
      if (state === 'pending_dispatch') await enqueueJob(tx, 'dispatch', id, now);

      return this.viewIn(tx, id);
    });

    this.log.info(
      { requestId: view.id, state: view.state, systemId: view.system.id, ruleId: view.ruleId },
      'request submitted',
    );
    return view;
  }

  /**
   * Applies an event through the state machine. `changed` is false when the event changes
   * nothing in the current state; that is recorded in the history unless a user caused it.
   */
  async apply(
    requestId: string,
    event: RequestEvent,
    actor: Actor,
    details: EventDetails = {},
  ): Promise<ApplyResult> {
    const now = this.clock();

    const { result, request } = await this.store.write(async (tx) => {
      const result = await applyTransition(tx, requestId, event, actor, details, now);
      return { result, request: await this.viewIn(tx, requestId) };
    });

    logTransition(this.log, result);
    return { changed: result.changed, from: result.from, to: result.to, request };
  }

  /** The requester (or an admin) withdraws a request that is not final yet. */
  revoke(user: AuthUser, id: string, reason: string): Promise<RequestView> {
    return this.act(user, id, 'revoke', reason, (request) => {
      if (request.requester_id !== user.id && !isRequestAdmin(user)) {
        throw forbidden('Only the requester or an administrator may revoke this request.');
      }
    });
  }

  /** An admin ends a request whatever its progress; its external instance is terminated. */
  async forceRevoke(admin: AuthUser, id: string, reason: string): Promise<RequestView> {
    if (!isRequestAdmin(admin)) {
      throw forbidden('Only super and system administrators may force-revoke a request.');
    }
    return this.act(admin, id, 'force_revoke', reason, () => {});
  }

  /** Sends a request whose dispatch failed once more, from the first attempt. */
  retry(user: AuthUser, id: string): Promise<RequestView> {
    return this.act(user, id, 'retry', '', (request) => {
      if (request.requester_id !== user.id && !isRequestAdmin(user)) {
        throw forbidden('Only the requester or an administrator may retry this request.');
      }
    });
  }

  async get(id: string): Promise<RequestDetail> {
    const db = this.store.db;
    const request = await this.viewIn(db, id);
    const history = await db
      .selectFrom('request_history')
      .selectAll()
      .where('request_id', '=', id)
      .orderBy('id')
      .execute();
    return { ...request, history: history.map(historyEntry) };
  }

  /** Newest first. */
  async list({
    requesterId,
    states,
    limit = 50,
    offset = 0,
  }: ListQuery = {}): Promise<RequestView[]> {
    let query = selectNamedRequests(this.store.db);
    if (requesterId !== undefined) query = query.where('requests.requester_id', '=', requesterId);
    if (states !== undefined) {
      if (states.length === 0) return [];
      query = query.where('requests.state', 'in', states);
    }
    const rows = await query
      .orderBy('requests.created_at', 'desc')
      .orderBy('requests.id', 'desc')
      .limit(clamp(limit, 1, LIST_LIMIT_MAX))
      .offset(Math.max(0, Math.trunc(offset)))
      .execute();
    return rows.map(requestView);
  }

  /**
   * Requests that changed after history row `cursor`, oldest change first, one event per request
   * carrying its current view and its latest cursor. The live stream polls this from the
   * database, so a change made by any process reaches every browser.
   */
  async changesSince(
    cursor: number,
    filter: ChangeFilter,
    limit = 100,
  ): Promise<RequestChangedEvent[]> {
    let query = this.store.db
      .selectFrom('request_history')
      .innerJoin('requests', 'requests.id', 'request_history.request_id')
      .leftJoin('users', 'users.id', 'requests.requester_id')
      .leftJoin('systems', 'systems.id', 'requests.system_id')
      .selectAll('requests')
      .select([
        'request_history.id as cursor',
        'users.name as requester_name',
        'systems.name as system_name',
      ])
      .where('request_history.id', '>', cursor);
    if (filter.requesterId !== undefined) {
      query = query.where('requests.requester_id', '=', filter.requesterId);
    }
    if (filter.approverId !== undefined) {
      // Requests naming the user as a built-in approver in any node, decided or not.
      const named = this.store.db
        .selectFrom('builtin_tasks')
        .select('request_id')
        .where('approver_id', '=', filter.approverId);
      query = query.where('requests.id', 'in', named);
    }
    const rows = await query
      .orderBy('request_history.id')
      .limit(clamp(limit, 1, LIST_LIMIT_MAX))
      .execute();

    const latest = new Map<string, (typeof rows)[number]>();
    for (const row of rows) {
      latest.delete(row.id);
      latest.set(row.id, row);
    }
    return [...latest.values()].map((row) => ({
      cursor: Number(row.cursor),
      request: requestView(row),
    }));
  }

  /** The newest history row's id: where a live stream starts when the client gives no cursor. */
  async latestCursor(): Promise<number> {
    const row = await this.store.db
      .selectFrom('request_history')
      .select('id')
      .orderBy('id', 'desc')
      .limit(1)
      .executeTakeFirst();
    return row ? Number(row.id) : 0;
  }

  /**
   * A user's action: checks access and state inside the write transaction that applies it, so
   * the answer cannot go stale between the check and the change.
   */
  private async act(
    user: AuthUser,
    id: string,
    event: 'revoke' | 'force_revoke' | 'retry',
    reason: string,
    authorise: (request: { requester_id: string }) => void,
  ): Promise<RequestView> {
    const now = this.clock();
    const actor: Actor = { type: 'user', id: user.id, name: user.name };

    const { result, view } = await this.store.write(async (tx) => {
      const request = await readRequest(tx, id);
      authorise(request);
      const state = stateOf(request);
      if (nextState(state, event) === null) throw refusal(event, state);
      const result = await applyTransition(tx, id, event, actor, { note: reason || null }, now);
      return { result, view: await this.viewIn(tx, id) };
    });

    logTransition(this.log, result);
    return view;
  }

  private async viewIn(db: Db, id: string): Promise<RequestView> {
    const row = await selectNamedRequests(db).where('requests.id', '=', id).executeTakeFirst();
    if (!row) throw notFound('request', id);
    return requestView(row);
  }
}

async function decide(tx: Db, asset: AssetRow, permission: string): Promise<RouteDecision> {
  try {
    return await decideRoute(tx, { ...asset, permission });
  } catch (error) {
    if (!(error instanceof RoutingError)) throw error;
    throw new ApiError(
      422,
      'not_available',
      `${error.message} Ask an administrator to fix the approval rules or templates.`,
    );
  }
}

function refusal(event: RequestEvent, state: RequestState): ApiError {
  if (event === 'retry') {
    return conflict(`Only a request whose dispatch failed can be retried; this one is ${state}.`);
  }
  return conflict(`The request is already ${state}; it can no longer be revoked.`);
}

function isRequestAdmin(user: AuthUser): boolean {
  return user.roles.some((role) => REQUEST_ADMIN_ROLES.includes(role));
}

function assetSnapshot(asset: AssetRow) {
  const { id, name, type, sensitivity, project, environment } = asset;
  return { id, name, type, sensitivity, project, environment };
}

/** The day the access ends, for a period such as `DAYS_30`, as an ISO date (UTC). */
export function periodEnd(periodType: string, now: number): string {
  const days = /^DAYS_(\d{1,4})$/.exec(periodType)?.[1];
  if (days === undefined) throw new Error(`Unknown period type ${JSON.stringify(periodType)}.`);
  return new Date(now + Number(days) * 86_400_000).toISOString().slice(0, 10);
}

function clamp(value: number, min: number, max: number): number {
  return Math.min(max, Math.max(min, Math.trunc(value)));
}
