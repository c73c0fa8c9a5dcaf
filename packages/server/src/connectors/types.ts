// The one seam between the engine and the outside world. The engine decides; connectors talk.
// Every approval system, the built-in one included, sits behind `Connector`.
import type { ApprovalNode, SystemKind, TestConnectionResult } from '@signoff/contracts';

/** Non-secret fields of a third-party configuration, as stored. */
export interface OtherConfig {
  submitUrl: string;
  /** Empty when the generated callback URL is used. */
  callbackUrl: string;
}
export interface OtherSecrets {
  accessToken: string;
  encodingAesKey: string;
}

/** Non-secret fields of a DingTalk configuration, as stored. */
export interface DingtalkConfig {
  apiBaseUrl: string;
  appKey: string;
  agentId: string;
  corpId: string;
  callbackUrl: string;
}
export interface DingtalkSecrets {
  appSecret: string;
  token: string;
  encodingAesKey: string;
}

interface ResolvedSystemBase {
  id: string;
  name: string;
  status: 'active' | 'retired';
}

/** A configuration with its secrets decrypted: only ever held in memory, never returned. */
export type ResolvedSystem =
  | (ResolvedSystemBase & {
      kind: 'other';
      tenantId: string;
      config: OtherConfig;
      secrets: OtherSecrets;
    })
  | (ResolvedSystemBase & {
      kind: 'dingtalk';
      tenantId: null;
      config: DingtalkConfig;
      secrets: DingtalkSecrets;
    });

/** Looks configurations up by id, with current secrets (settings/repository.ts implements it). */
export interface SystemResolver {
  resolve(systemId: string): Promise<ResolvedSystem | null>;
  /** Every active and retired configuration of a kind: the candidates a callback is tried against. */
  listForCallbacks(kind: SystemKind): Promise<ResolvedSystem[]>;
}

/** A person as the connectors need them: names and ids in each account system. */
export interface DirectoryPerson {
  id: string;
  name: string;
  sourceUserId: string;
  dingtalkUserId: string | null;
}

/** What a connector gets to submit one request. */
export interface SubmitCommand {
  requestId: string;
  title: string;
  requester: DirectoryPerson;
  asset: {
    id: string;
    name: string;
    type: string;
    sensitivity: string;
    project: string;
    environment: string;
  };
  permission: string;
  periodType: string;
  /** ISO date (yyyy-mm-dd) on which the access ends. */
  periodEnd: string;
  reason: string;
  templateCode: string;
  processCode: string;
  nodes: Array<{ mode: ApprovalNode['mode']; approvers: DirectoryPerson[] }>;
  /** True when an earlier attempt may have reached the system (crash or timeout after sending). */
  maybeSentBefore: boolean;
}

export type SubmitOutcome =
  | { ok: true; externalId: string }
  | { ok: false; retryable: boolean; error: string };

/** A decision or update from an external system, normalised for the engine. */
export interface NormalisedEvent {
  /** Unique per event and system: the sender's event id, or a key built from its content. */
  eventKey: string;
  eventId: string | null;
  kind: 'approved' | 'rejected' | 'revoked' | 'approver_decided';
  /** Our request id, where the system echoes it (third party: `applyId`). */
  applyId: string | null;
  /** The external instance id. */
  externalId: string | null;
  actorName: string | null;
  comment: string | null;
  /** When the external system says it happened (ms since the epoch), if it says. */
  occurredAt: number | null;
}

export interface Connector {
  readonly kind: SystemKind | 'builtin';
  /** Checks the system with the given values, before they are saved. */
  testConnection(system: ResolvedSystem): Promise<TestConnectionResult>;
  /** Creates the external instance for a request; must be safe to repeat for the same request. */
  submit(system: ResolvedSystem, command: SubmitCommand): Promise<SubmitOutcome>;
  /**
   * Ends the external instance of a revoked request, where the system allows it. `not_served`
   * means the system offers no such call; the revoke stands either way.
   */
  terminate?(system: ResolvedSystem, command: TerminateCommand): Promise<TerminateOutcome>;
}

export interface TerminateCommand {
  requestId: string;
  externalId: string;
  operator: DirectoryPerson;
  reason: string;
}

export type TerminateOutcome =
  | { ok: true }
  | { ok: false; notServed: true; error: string }
  | { ok: false; notServed?: false; retryable: boolean; error: string };
