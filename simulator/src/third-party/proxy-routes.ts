import {
  createProxyRoutes,
  type GetRequest,
  type ProxyHandlers,
  type SubmitRequest,
  THIRD_PARTY_PATHS,
} from '@signoff/sdk';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import type { Logger, SimulatorEnv } from '../log.ts';
import type { ThirdPartyConnection } from './connection.ts';
import { applyPolicy, type DeliveryContext } from './decide.ts';
import type { SubmitFaultKind } from './faults.ts';
import type { ApprovalInstance, Approver } from './instances.ts';
import { judgeSubmit } from './policy.ts';
import type { ThirdPartyState } from './state.ts';

/** The longest the timeout fault holds a submit's reply; Signoff stops waiting long before. */
export const SUBMIT_HOLD_LIMIT_MS = 10 * 60_000;

/** What the wire calls need besides the state. */
export interface ProxyRoutesContext extends DeliveryContext {
  bodyLimitBytes: number;
}

/** One call as the handlers see it: the connection it was checked against, its log, its caller. */
interface CallContext {
  connection: ThirdPartyConnection;
  log: Logger;
  /** Aborted when the caller goes away. */
  signal: AbortSignal;
  /** An untouched copy of a submit, to keep its body exactly as received. */
  copy: Request | undefined;
}

/**
 * The calls Signoff makes to a third-party approval system (docs/third-party-contract.md), served by
 * the SDK's proxy core as any proxy built with it is: the SDK checks the Access Token and the
 * timestamp, validates the bodies and shapes the replies; the simulator's handlers add the tenant
 * check, the policy and the faults. Mounted under `/third-party`, so the admin's Submit Approval
 * Request URL is `<simulator>/third-party`.
 */
export function proxyRoutes(state: ThirdPartyState, context: ProxyRoutesContext) {
  const app = new Hono<SimulatorEnv>();
  for (const path of Object.values(THIRD_PARTY_PATHS)) {
    // `all`, so the SDK answers another method with its 405.
    app.all(path, requireConnection(state), (c) => {
      const requestId = c.get('requestId');
      const call: CallContext = {
        connection: c.get('connection'),
        log: (fields) => context.log({ requestId, ...fields }),
        signal: c.req.raw.signal,
        copy: path === THIRD_PARTY_PATHS.create ? c.req.raw.clone() : undefined,
      };
      // Built per call, which costs a few closures: the Access Token can change on the console
      // between two calls, and the handlers need this call's log and signal.
      const routes = createProxyRoutes({
        accessToken: call.connection.accessToken,
        handlers: simulatorHandlers(state, call, context),
        bodyLimitBytes: context.bodyLimitBytes,
        onError: (error) => {
          // A simulated fault was logged when it fired; anything else is a bug, logged once.
          if (!(error instanceof SimulatedFault)) {
            call.log({ event: 'error', error: String(error) });
          }
        },
      });
      return routes.get(path)!(c.req.raw);
    });
  }
  return app;
}

/** Thrown by a handler to make the SDK answer HTTP 500, as a failing proxy does. */
class SimulatedFault extends Error {
  constructor(readonly kind: SubmitFaultKind) {
    super(`simulated fault: ${kind}`);
  }
}

function simulatorHandlers(
  state: ThirdPartyState,
  call: CallContext,
  context: ProxyRoutesContext,
): ProxyHandlers {
  const fire = (
    kind: SubmitFaultKind,
    fields: { applyId: string; processInstanceId?: string },
    detail: string,
  ) => {
    state.faults.recordFired({ kind, ...fields, detail });
    call.log({ event: 'fault.fired', fault: kind, applyId: fields.applyId });
  };

  return {
    async submit(request) {
      if (request.tenantId !== call.connection.tenantId) {
        return {
          success: false,
          code: 'TENANT_MISMATCH',
          message: `tenantId "${request.tenantId}" is not the Tenant ID saved on the simulator's connection form.`,
          retryable: false,
        };
      }
      if (state.faults.take('submit-error')) {
        fire('submit-error', request, 'The submit was answered HTTP 500; no instance was created.');
        throw new SimulatedFault('submit-error');
      }

      const submitBody: unknown = await call.copy?.json();
      const { instance, created } = state.instances.createOnce(request.applyId, (id) =>
        newInstance(id, request, submitBody),
      );
      call.log({
        event: created ? 'instance.created' : 'instance.resubmitted',
        applyId: instance.applyId,
        processInstanceId: instance.processInstanceId,
      });
      if (created) applyPolicy(state, instance, judgeSubmit(state.policy, request), context);

      const timeout = state.faults.take('submit-timeout');
      state.instances.recordSubmit(instance, {
        at: new Date().toISOString(),
        withheld: timeout !== undefined,
      });
      if (timeout) {
        fire(
          'submit-timeout',
          instance,
          `The instance was ${created ? 'created' : 'found again'}; its reply was held back until the caller stopped waiting.`,
        );
        await state.wait(SUBMIT_HOLD_LIMIT_MS, call.signal);
        throw new SimulatedFault('submit-timeout');
      }
      return { processInstanceId: instance.processInstanceId };
    },

    async get(request) {
      const instance = findInstance(state, request);
      // Not a 404: on this call a 404 means "the proxy does not serve it".
      if (!instance) return instanceNotFound(request);

      const { termination } = instance;
      const event = instance.revocation ?? instance.decision;
      return {
        success: true,
        status: instance.status,
        ...(event && {
          approver: event.approver,
          comment: event.comment,
          operateTime: event.operateTime,
        }),
        ...(termination && { operateTime: Date.parse(termination.at) }),
      };
    },

    async terminate(request) {
      const instance = findInstance(state, request);
      if (!instance) return instanceNotFound(request);

      const outcome = state.instances.terminate(instance.processInstanceId, {
        operator: request.operator,
        reason: request.reason,
        at: new Date().toISOString(),
      });
      if (outcome === 'already-final') {
        return {
          success: false,
          code: 'ALREADY_DECIDED',
          message: `The instance was already ${instance.status.toLowerCase()}; it cannot be terminated.`,
        };
      }
      call.log({
        event: 'instance.terminated',
        applyId: instance.applyId,
        processInstanceId: instance.processInstanceId,
      });
      return { success: true };
    },
  };
}

/**
 * Refuses every call while no connection is saved, with the contract's 401: there is no Access
 * Token to compare with. Otherwise hands the connection of this moment to the handler.
 */
function requireConnection(state: ThirdPartyState) {
  return createMiddleware<SimulatorEnv & { Variables: { connection: ThirdPartyConnection } }>(
    async (c, next) => {
      if (!state.connection) {
        return c.json(
          {
            success: false,
            code: 'ACCESS_TOKEN_INVALID',
            message:
              'The simulator has no connection configured: save one on its console (or PUT /third-party/api/connection) first.',
          },
          401,
        );
      }
      c.set('connection', state.connection);
      await next();
    },
  );
}

function newInstance(
  processInstanceId: string,
  request: SubmitRequest,
  submitBody: unknown,
): Omit<ApprovalInstance, 'submits' | 'deliveries'> {
  return {
    processInstanceId,
    applyId: request.applyId,
    title: request.title,
    requesterName: request.applyUserInfo.userName,
    approvers: listApprovers(request.approveNodes),
    status: 'RUNNING',
    receivedAt: new Date().toISOString(),
    submitBody,
  };
}

/** The instance both ids name; a pair that does not belong together finds nothing. */
function findInstance(state: ThirdPartyState, ids: GetRequest): ApprovalInstance | undefined {
  const instance = state.instances.get(ids.processInstanceId);
  return instance?.applyId === ids.applyId ? instance : undefined;
}

function instanceNotFound(ids: GetRequest) {
  return {
    success: false as const,
    code: 'INSTANCE_NOT_FOUND',
    message: `No instance ${ids.processInstanceId} for applyId ${ids.applyId}.`,
  };
}

/** Everyone named in the approval nodes, in node order, each once. */
function listApprovers(nodes: { approveOrder: number; approveUsers: Approver[] }[]): Approver[] {
  const seen = new Map<string, Approver>();
  const ordered = [...nodes].sort((a, b) => a.approveOrder - b.approveOrder);
  for (const user of ordered.flatMap((node) => node.approveUsers)) {
    if (!seen.has(user.userSourceId)) {
      seen.set(user.userSourceId, { userSourceId: user.userSourceId, userName: user.userName });
    }
  }
  return [...seen.values()];
}
