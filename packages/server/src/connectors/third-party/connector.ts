// The third-party ("Other") connector: the calls of protocols.md section 1, sent to the proxy
// at the configured Submit Approval Request URL. Paths, query parameters and body fields follow
// the published Dataphin format exactly, so a proxy that already serves it only adds callbacks.
import type { TestConnectionResult } from '@signoff/contracts';
import {
  CONNECT_SUCCESS,
  type ConnectRequest,
  connectReplySchema,
  MAX_THIRD_PARTY_REPLY_BYTES,
  type RefusalCode,
  refusalSchema,
  type SubmitContent,
  type SubmitRequest,
  submitReplySchema,
  type TerminateRequest,
  THIRD_PARTY_PATHS,
  type ThirdPartyUser,
  terminateReplySchema,
} from '@signoff/sdk';
import {
  type OutboundClient,
  OutboundError,
  type OutboundFailureReason,
  type OutboundResponse,
} from '../../outbound/guarded-fetch.ts';
import type {
  Connector,
  DirectoryPerson,
  ResolvedSystem,
  SubmitCommand,
  SubmitOutcome,
  TerminateCommand,
  TerminateOutcome,
} from '../types.ts';
import { hostOf, joinUrl, remoteError, snippet } from './replies.ts';

type OtherSystem = Extract<ResolvedSystem, { kind: 'other' }>;

export interface ThirdPartyConnectorOptions {
  outbound: OutboundClient;
  /** Milliseconds since the epoch, sent as `timestamp`; tests fix it. */
  now?: () => number;
}

/** Outbound failures worth another attempt: the proxy may be back, or the name may resolve. */
const RETRYABLE_REASONS = new Set<OutboundFailureReason>([
  'dns',
  'refused',
  'timeout',
  'network',
  'unexpected_reply',
]);

const refusalAdvice: Record<RefusalCode, string> = {
  ACCESS_TOKEN_INVALID:
    'the proxy does not accept this Access Token. Enter the Access Token the proxy is ' +
    'configured with, or set this one on the proxy',
  TIMESTAMP_OUT_OF_WINDOW:
    "the call's timestamp is outside the window the proxy accepts, so the clocks of Signoff " +
    'and the proxy disagree. Synchronise both clocks (NTP)',
};

export function createThirdPartyConnector({
  outbound,
  now = Date.now,
}: ThirdPartyConnectorOptions) {
  const call = (system: ResolvedSystem, path: string, body: unknown) => {
    const other = asOther(system);
    return outbound.postJson(joinUrl(other.config.submitUrl, path), body, {
      query: { accessToken: other.secrets.accessToken, timestamp: String(now()) },
      maxResponseBytes: MAX_THIRD_PARTY_REPLY_BYTES,
    });
  };

  return {
    kind: 'other',

    async testConnection(system: ResolvedSystem): Promise<TestConnectionResult> {
      const host = hostOf(asOther(system).config.submitUrl);
      const started = performance.now();
      const body: ConnectRequest = { checkEvent: 'connectivity' };
      let reply: OutboundResponse;
      try {
        reply = await call(system, THIRD_PARTY_PATHS.connect, body);
      } catch (error) {
        if (!(error instanceof OutboundError)) throw error;
        const latencyMs = Math.round(performance.now() - started);
        return { ok: false, reason: error.reason, message: error.message, latencyMs };
      }
      return judgeConnectReply(reply, host, system);
    },

    async submit(system: ResolvedSystem, command: SubmitCommand): Promise<SubmitOutcome> {
      const other = asOther(system);
      const host = hostOf(other.config.submitUrl);
      const reply = await callOrFailure(() =>
        call(system, THIRD_PARTY_PATHS.create, submitBody(other, command)),
      );
      if ('failure' in reply) return reply.failure;

      const refusal = refusalOf(reply, host);
      if (refusal) return { ok: false, retryable: false, error: refusal };
      const parsed = submitReplySchema.safeParse(reply.body);
      if (isSuccess(reply) && parsed.success && parsed.data.success) {
        return { ok: true, externalId: parsed.data.processInstanceId };
      }
      if (parsed.success && !parsed.data.success) {
        const detail = remoteError(parsed.data, system) ?? 'no reason given';
        return {
          ok: false,
          retryable: parsed.data.retryable ?? retryableStatus(reply.status),
          error: `${host} did not create the approval instance (HTTP ${reply.status}): ${detail}.`,
        };
      }
      if (isSuccess(reply)) {
        // The proxy may have created the instance; a resubmit with the same applyId is safe.
        return {
          ok: false,
          retryable: true,
          error:
            `${host} answered the submit with HTTP ${reply.status} and ` +
            `${snippet(reply.text, system)}, not {success, processInstanceId}.`,
        };
      }
      return {
        ok: false,
        retryable: retryableStatus(reply.status),
        error: `${host} answered the submit with HTTP ${reply.status}${detailOf(reply, system)}.`,
      };
    },

    async terminate(system: ResolvedSystem, command: TerminateCommand): Promise<TerminateOutcome> {
      const host = hostOf(asOther(system).config.submitUrl);
      const body: TerminateRequest = {
        applyId: command.requestId,
        processInstanceId: command.externalId,
        operator: command.operator.sourceUserId,
        reason: command.reason,
      };
      const reply = await callOrFailure(() => call(system, THIRD_PARTY_PATHS.terminate, body));
      if ('failure' in reply) return reply.failure;

      if (reply.status === 404) {
        return {
          ok: false,
          notServed: true,
          error: `${host} does not serve the terminate call (HTTP 404).`,
        };
      }
      const refusal = refusalOf(reply, host);
      if (refusal) return { ok: false, retryable: false, error: refusal };
      const parsed = terminateReplySchema.safeParse(reply.body);
      if (isSuccess(reply) && parsed.success && parsed.data.success) return { ok: true };
      if (isSuccess(reply) && parsed.success) {
        const detail = remoteError(parsed.data, system) ?? 'no reason given';
        return { ok: false, retryable: false, error: `${host} did not terminate it: ${detail}.` };
      }
      return {
        ok: false,
        retryable: isSuccess(reply) || retryableStatus(reply.status),
        error: `${host} answered the terminate call with HTTP ${reply.status}${detailOf(reply, system)}.`,
      };
    },
  } satisfies Connector;
}

/** The submit body of protocols.md section 1, field for field. */
function submitBody(system: OtherSystem, command: SubmitCommand): SubmitRequest {
  const { requester, asset } = command;
  const content: SubmitContent = {
    resourceType: asset.type,
    resource: { id: asset.id, name: asset.name },
    permission: command.permission,
    grantees: [
      {
        userId: requester.id,
        userName: requester.name,
        period: {
          periodType: command.periodType,
          ...(command.periodEnd ? { periodEnd: command.periodEnd } : {}),
        },
      },
    ],
    environment: asset.environment,
    project: asset.project,
    reason: command.reason,
    // Not in the published shape; extra fields are allowed, and approvers need the level.
    sensitivity: asset.sensitivity,
  };
  // The wire contract wants at least one approver per node; a node without any is left to the
  // external flow, so it is not sent, and the remaining nodes are numbered from 1.
  const nodes = command.nodes.filter((node) => node.approvers.length > 0);
  return {
    applyId: command.requestId,
    applyUser: requester.sourceUserId,
    applyUserInfo: thirdPartyUser(requester),
    tenantId: system.tenantId,
    title: command.title,
    content: JSON.stringify(content),
    type: 'AUTH',
    templateCode: command.templateCode,
    approveNodes: nodes.map((node, index) => ({
      approveOrder: index + 1,
      approveOperator: node.mode,
      approveUsers: node.approvers.map(thirdPartyUser),
    })),
  };
}

function thirdPartyUser(person: DirectoryPerson): ThirdPartyUser {
  return { userId: person.id, userSourceId: person.sourceUserId, userName: person.name };
}

function judgeConnectReply(
  reply: OutboundResponse,
  host: string,
  system: ResolvedSystem,
): TestConnectionResult {
  const { latencyMs, status } = reply;
  const refusal = refusalSchema.safeParse(reply.body);
  if (status === 401 && refusal.success) {
    return {
      ok: false,
      reason: 'bad_credentials',
      remoteCode: refusal.data.code,
      httpStatus: status,
      latencyMs,
      message: refusalMessage(host, refusal.data.code),
    };
  }
  if (!isSuccess(reply)) {
    return {
      ok: false,
      reason: 'http_status',
      httpStatus: status,
      latencyMs,
      message: `${host} answered the connectivity check with HTTP ${status}${detailOf(reply, system)}.`,
    };
  }

  const parsed = connectReplySchema.safeParse(reply.body);
  if (parsed.success && parsed.data.checkResult === CONNECT_SUCCESS) {
    return {
      ok: true,
      latencyMs,
      message: `Connected to ${host}: the proxy passed the connectivity check.`,
    };
  }
  const answer = parsed.success
    ? `"checkResult": ${snippet(parsed.data.checkResult, system)}`
    : snippet(reply.text, system);
  return {
    ok: false,
    reason: 'unexpected_reply',
    latencyMs,
    message:
      `${host} answered the connectivity check with ${answer}; ` +
      'a pass is JSON {"checkResult": "success"}.',
  };
}

function isSuccess(reply: OutboundResponse): boolean {
  return reply.status >= 200 && reply.status < 300;
}

/** A server error, a timeout answered by a gateway, or "slow down" may pass on a later try. */
function retryableStatus(status: number): boolean {
  return status >= 500 || status === 408 || status === 429;
}

/** The proxy's 401 refusal as a sentence, or null when the reply is not one. */
function refusalOf(reply: OutboundResponse, host: string): string | null {
  if (reply.status !== 401) return null;
  const refusal = refusalSchema.safeParse(reply.body);
  if (!refusal.success) return `${host} refused the call (HTTP 401) without a refusal code.`;
  return refusalMessage(host, refusal.data.code);
}

function refusalMessage(host: string, code: RefusalCode): string {
  return `${host} refused the call (${code}): ${refusalAdvice[code]}.`;
}

/** Where a non-2xx reply points or what it says, as a clause to append to a message. */
function detailOf(reply: OutboundResponse, system: ResolvedSystem): string {
  if (reply.status >= 300 && reply.status < 400) {
    return (
      `, a redirect to ${reply.location ?? 'another address'} that is not followed; ` +
      'enter the final address as the Submit Approval Request URL'
    );
  }
  const remote = remoteError(reply.body, system);
  if (remote) return ` (${remote})`;
  return reply.text.trim() === '' ? '' : ` and ${snippet(reply.text, system)}`;
}

async function callOrFailure(
  send: () => Promise<OutboundResponse>,
): Promise<OutboundResponse | { failure: { ok: false; retryable: boolean; error: string } }> {
  try {
    return await send();
  } catch (error) {
    if (!(error instanceof OutboundError)) throw error;
    return {
      failure: { ok: false, retryable: RETRYABLE_REASONS.has(error.reason), error: error.message },
    };
  }
}

function asOther(system: ResolvedSystem): OtherSystem {
  if (system.kind !== 'other') {
    throw new TypeError(`The third-party connector got a ${system.kind} configuration.`);
  }
  return system;
}
