import {
  CONNECT_SUCCESS,
  connectRequestSchema,
  getRequestSchema,
  submitRequestSchema,
  THIRD_PARTY_PATHS,
  terminateRequestSchema,
  verifyProxyCall,
} from '@signoff/sdk';
import { Hono } from 'hono';
import { createMiddleware } from 'hono/factory';
import { readJsonBody } from '../body.ts';
import type { Logger, SimulatorEnv } from '../log.ts';
import type { ApprovalInstance, Approver } from './instances.ts';
import type { ThirdPartyState } from './state.ts';

/**
 * The calls Signoff makes to a third-party approval system, served the way a proxy built with the
 * SDK serves them (protocols.md, section 1). Mounted under `/third-party`, so the admin's Submit
 * Approval Request URL is `<simulator>/third-party`.
 */
export function proxyRoutes(state: ThirdPartyState, log: Logger) {
  const checkAccess = accessCheck(state);

  return new Hono<SimulatorEnv>()
    .post(THIRD_PARTY_PATHS.connect, checkAccess, async (c) => {
      const body = await readJsonBody(c, connectRequestSchema);
      if (!body.ok) return c.json({ success: false, code: body.code, message: body.message }, 400);

      return c.json({ checkResult: CONNECT_SUCCESS });
    })
    .post(THIRD_PARTY_PATHS.create, checkAccess, async (c) => {
      const body = await readJsonBody(c, submitRequestSchema);
      if (!body.ok) {
        return c.json(
          { success: false, code: body.code, message: body.message, retryable: false },
          400,
        );
      }
      const submit = body.value;
      // checkAccess ran, so a connection is configured.
      const tenantId = state.connection?.tenantId;
      if (submit.tenantId !== tenantId) {
        return c.json(
          {
            success: false,
            code: 'TENANT_MISMATCH',
            message: `tenantId "${submit.tenantId}" is not the Tenant ID saved on the simulator's connection form.`,
            retryable: false,
          },
          400,
        );
      }

      const { instance, created } = state.instances.createOnce(submit.applyId, (id) => ({
        processInstanceId: id,
        applyId: submit.applyId,
        title: submit.title,
        requesterName: submit.applyUserInfo.userName,
        approvers: listApprovers(submit.approveNodes),
        status: 'RUNNING',
        receivedAt: new Date().toISOString(),
        submitBody: body.raw,
      }));
      log({
        requestId: c.get('requestId'),
        event: created ? 'instance.created' : 'instance.resubmitted',
        applyId: instance.applyId,
        processInstanceId: instance.processInstanceId,
      });

      return c.json({ success: true, processInstanceId: instance.processInstanceId });
    })
    .post(THIRD_PARTY_PATHS.get, checkAccess, async (c) => {
      const body = await readJsonBody(c, getRequestSchema);
      if (!body.ok) return c.json({ success: false, code: body.code, message: body.message }, 400);
      const instance = findInstance(state, body.value);
      // Not 404: on this call a 404 means "the proxy does not serve it".
      if (!instance) return c.json(instanceNotFound(body.value), 422);

      const { decision, termination } = instance;
      return c.json({
        success: true,
        status: instance.status,
        ...(decision && {
          approver: decision.approver,
          comment: decision.comment,
          operateTime: decision.operateTime,
        }),
        ...(termination && { operateTime: Date.parse(termination.at) }),
      });
    })
    .post(THIRD_PARTY_PATHS.terminate, checkAccess, async (c) => {
      const body = await readJsonBody(c, terminateRequestSchema);
      if (!body.ok) return c.json({ success: false, code: body.code, message: body.message }, 400);
      const instance = findInstance(state, body.value);
      if (!instance) return c.json(instanceNotFound(body.value), 422);

      const { operator, reason } = body.value;
      const outcome = state.instances.terminate(instance.processInstanceId, {
        operator,
        reason,
        at: new Date().toISOString(),
      });
      if (outcome === 'already-final') {
        return c.json(
          {
            success: false,
            code: 'ALREADY_DECIDED',
            message: `The instance was already ${instance.status.toLowerCase()}; it cannot be terminated.`,
          },
          409,
        );
      }
      log({
        requestId: c.get('requestId'),
        event: 'instance.terminated',
        applyId: instance.applyId,
        processInstanceId: instance.processInstanceId,
      });

      return c.json({ success: true });
    });
}

/**
 * Refuses a call whose query fails the SDK's access check, with the HTTP 401 body the contract
 * defines. Before any connection is saved, every call is refused: there is no token to match.
 */
function accessCheck(state: ThirdPartyState) {
  return createMiddleware<SimulatorEnv>(async (c, next) => {
    const { connection } = state;
    if (!connection) {
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

    const verdict = verifyProxyCall({
      accessToken: connection.accessToken,
      query: { accessToken: c.req.query('accessToken'), timestamp: c.req.query('timestamp') },
    });
    if (!verdict.ok) {
      return c.json({ success: false, code: verdict.code, message: verdict.message }, 401);
    }
    await next();
  });
}

/** The instance both ids name; a pair that does not belong together finds nothing. */
function findInstance(
  state: ThirdPartyState,
  ids: { applyId: string; processInstanceId: string },
): ApprovalInstance | undefined {
  const instance = state.instances.get(ids.processInstanceId);
  return instance?.applyId === ids.applyId ? instance : undefined;
}

function instanceNotFound(ids: { applyId: string; processInstanceId: string }) {
  return {
    success: false,
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
