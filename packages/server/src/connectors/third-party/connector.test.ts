import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOutboundClient } from '../../outbound/guarded-fetch.ts';
import {
  closedPort,
  type Handler,
  type LocalServer,
  sendJson,
  startServer,
} from '../../outbound/test-support.ts';
import type { ResolvedSystem, SubmitCommand, TerminateCommand } from '../types.ts';
import { createThirdPartyConnector } from './connector.ts';

const ACCESS_TOKEN = 'at-0f3c9a7e51b2';
const AES_KEY = 'abcdefghijABCDEFGHIJ0123456789klmnopqrstUVW';
const SENT_AT = 1_736_933_400_000;

function systemAt(submitUrl: string): ResolvedSystem {
  return {
    id: '11111111-1111-4111-8111-111111111111',
    name: 'Finance approvals',
    status: 'active',
    kind: 'other',
    tenantId: 'tenant-5d1e-77aa',
    config: { submitUrl, callbackUrl: '' },
    secrets: { accessToken: ACCESS_TOKEN, encodingAesKey: AES_KEY },
  };
}

const li = { id: 'u-li', name: 'Li Lei', sourceUserId: 'sso-li', dingtalkUserId: null };
const wang = { id: 'u-wang', name: 'Wang Fang', sourceUserId: 'sso-wang', dingtalkUserId: null };
const zhao = { id: 'u-zhao', name: 'Zhao Min', sourceUserId: 'sso-zhao', dingtalkUserId: null };

const command: SubmitCommand = {
  requestId: 'req-20250115-0001',
  title: 'SELECT on sales.orders for Li Lei',
  requester: li,
  asset: {
    id: 'db.sales.orders',
    name: 'orders',
    type: 'TABLE',
    sensitivity: 'L3',
    project: 'sales',
    environment: 'PROD',
  },
  permission: 'SELECT',
  periodType: 'DAYS_30',
  periodEnd: '2025-02-14',
  reason: 'Quarterly report',
  templateCode: 'TPL-FIN-01',
  processCode: '',
  nodes: [
    { mode: 'OR', approvers: [wang] },
    { mode: 'AND', approvers: [] },
    { mode: 'AND', approvers: [wang, zhao] },
  ],
  maybeSentBefore: false,
};

describe('third-party connector', () => {
  let server: LocalServer;
  let answer: Handler;
  const connector = createThirdPartyConnector({
    outbound: createOutboundClient({
      allow: ['127.0.0.1'],
      timeoutMs: 500,
      maxResponseBytes: 1 << 20,
    }),
    now: () => SENT_AT,
  });
  const system = () => systemAt(`${server.origin}/proxy/`);

  beforeEach(async () => {
    answer = (_, response) => sendJson(response, 200, { checkResult: 'success' });
    server = await startServer((request, response) => answer(request, response));
  });
  afterEach(async () => {
    await server.close();
  });

  describe('testConnection', () => {
    it('sends the connectivity check of the published format and passes on success', async () => {
      const result = await connector.testConnection(system());

      expect(result).toMatchObject({ ok: true });
      expect(server.requests).toHaveLength(1);
      const [request] = server.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/proxy/dataphin/bpms/check/connect');
      expect(Object.keys(request?.query ?? {}).sort()).toEqual(['accessToken', 'timestamp']);
      expect(request?.query).toEqual({ accessToken: ACCESS_TOKEN, timestamp: '1736933400000' });
      expect(request?.headers['content-type']).toBe('application/json');
      expect(JSON.parse(request?.text ?? '')).toEqual({ checkEvent: 'connectivity' });
    });

    it('sends the current time in milliseconds when no clock is given', async () => {
      const live = createThirdPartyConnector({
        outbound: createOutboundClient({
          allow: ['127.0.0.1'],
          timeoutMs: 500,
          maxResponseBytes: 1024,
        }),
      });
      const before = Date.now();

      await live.testConnection(system());

      const timestamp = server.requests[0]?.query.timestamp ?? '';
      expect(timestamp).toMatch(/^\d{13}$/);
      expect(Number(timestamp)).toBeGreaterThanOrEqual(before);
      expect(Number(timestamp)).toBeLessThanOrEqual(Date.now());
    });

    it('reports a rejected Access Token with the remote code', async () => {
      answer = (_, response) =>
        sendJson(response, 401, {
          success: false,
          code: 'ACCESS_TOKEN_INVALID',
          message: 'unknown token',
        });

      const result = await connector.testConnection(system());

      expect(result).toMatchObject({
        ok: false,
        reason: 'bad_credentials',
        remoteCode: 'ACCESS_TOKEN_INVALID',
        httpStatus: 401,
      });
      expect(result.message).toMatch(
        /refused the call \(ACCESS_TOKEN_INVALID\): the proxy does not accept this Access Token/,
      );
      expect(result.message).not.toContain(ACCESS_TOKEN);
    });

    it('explains a timestamp outside the proxy window as a clock problem', async () => {
      answer = (_, response) =>
        sendJson(response, 401, {
          success: false,
          code: 'TIMESTAMP_OUT_OF_WINDOW',
          message: 'late',
        });

      const result = await connector.testConnection(system());

      expect(result).toMatchObject({
        reason: 'bad_credentials',
        remoteCode: 'TIMESTAMP_OUT_OF_WINDOW',
      });
      expect(result.message).toContain('Synchronise both clocks');
    });

    it('reports a reply that is not JSON as unexpected, quoting it without secrets', async () => {
      answer = (_, response) => {
        response.writeHead(200, { 'content-type': 'text/html' });
        response.end(`<html>Login required for ${ACCESS_TOKEN}</html>`);
      };

      const result = await connector.testConnection(system());

      expect(result).toMatchObject({ ok: false, reason: 'unexpected_reply' });
      expect(result.message).toBe(
        `127.0.0.1:${server.port} answered the connectivity check with "<html>Login required for [redacted]</html>"; a pass is JSON {"checkResult": "success"}.`,
      );
    });

    it('fails a checkResult other than success', async () => {
      answer = (_, response) => sendJson(response, 200, { checkResult: 'fail' });

      const result = await connector.testConnection(system());

      expect(result).toMatchObject({ ok: false, reason: 'unexpected_reply' });
      expect(result.message).toContain('"checkResult": "fail"');
    });

    it('reports a server error with its status', async () => {
      answer = (_, response) => sendJson(response, 500, { code: 'BOOM', message: 'database down' });

      const result = await connector.testConnection(system());

      expect(result).toMatchObject({ ok: false, reason: 'http_status', httpStatus: 500 });
      expect(result.message).toBe(
        `127.0.0.1:${server.port} answered the connectivity check with HTTP 500 (BOOM: database down).`,
      );
    });

    it('passes on outbound failures with their reason', async () => {
      const port = await closedPort();

      const result = await connector.testConnection(systemAt(`http://127.0.0.1:${port}`));

      expect(result).toMatchObject({ ok: false, reason: 'refused' });
      expect(result.message).not.toContain(ACCESS_TOKEN);
    });
  });

  describe('submit', () => {
    it('sends exactly the published submit body', async () => {
      answer = (_, response) =>
        sendJson(response, 200, { success: true, processInstanceId: 'pi-42' });

      const outcome = await connector.submit(system(), command);

      expect(outcome).toEqual({ ok: true, externalId: 'pi-42' });
      const [request] = server.requests;
      expect(request?.method).toBe('POST');
      expect(request?.path).toBe('/proxy/dataphin/bpms/processinstance/create');
      expect(request?.query).toEqual({ accessToken: ACCESS_TOKEN, timestamp: '1736933400000' });
      const body = JSON.parse(request?.text ?? '');
      expect(body).toEqual({
        applyId: 'req-20250115-0001',
        applyUser: 'sso-li',
        applyUserInfo: { userId: 'u-li', userSourceId: 'sso-li', userName: 'Li Lei' },
        tenantId: 'tenant-5d1e-77aa',
        title: 'SELECT on sales.orders for Li Lei',
        content: expect.any(String),
        type: 'AUTH',
        templateCode: 'TPL-FIN-01',
        approveNodes: [
          {
            approveOrder: 1,
            approveOperator: 'OR',
            approveUsers: [{ userId: 'u-wang', userSourceId: 'sso-wang', userName: 'Wang Fang' }],
          },
          {
            approveOrder: 2,
            approveOperator: 'AND',
            approveUsers: [
              { userId: 'u-wang', userSourceId: 'sso-wang', userName: 'Wang Fang' },
              { userId: 'u-zhao', userSourceId: 'sso-zhao', userName: 'Zhao Min' },
            ],
          },
        ],
      });
      expect(JSON.parse(body.content)).toEqual({
        resourceType: 'TABLE',
        resource: { id: 'db.sales.orders', name: 'orders' },
        permission: 'SELECT',
        grantees: [
          {
            userId: 'u-li',
            userName: 'Li Lei',
            period: { periodType: 'DAYS_30', periodEnd: '2025-02-14' },
          },
        ],
        environment: 'PROD',
        project: 'sales',
        reason: 'Quarterly report',
        sensitivity: 'L3',
      });
    });

    it('passes on the proxy refusal with its retryable flag', async () => {
      answer = (_, response) =>
        sendJson(response, 200, {
          success: false,
          code: 'QUEUE_FULL',
          message: 'try later',
          retryable: true,
        });

      const outcome = await connector.submit(system(), command);

      expect(outcome).toEqual({
        ok: false,
        retryable: true,
        error: `127.0.0.1:${server.port} did not create the approval instance (HTTP 200): QUEUE_FULL: try later.`,
      });
    });

    it.each([
      [401, false, { success: false, code: 'ACCESS_TOKEN_INVALID', message: 'no' }],
      [400, false, { error: 'bad request' }],
      [404, false, ''],
      [503, true, ''],
      [500, true, { success: false, code: 'DB', message: 'down' }],
    ])('after HTTP %i, retryable is %s', async (status, retryable, reply) => {
      answer = (_, response) => sendJson(response, status, reply);

      const outcome = await connector.submit(system(), command);

      expect(outcome).toMatchObject({ ok: false, retryable });
      if (!outcome.ok) expect(outcome.error).not.toContain(ACCESS_TOKEN);
    });

    it('retries a malformed success reply', async () => {
      answer = (_, response) => sendJson(response, 200, { ok: 'yes' });

      const outcome = await connector.submit(system(), command);

      expect(outcome).toMatchObject({ ok: false, retryable: true });
      if (!outcome.ok) expect(outcome.error).toContain('not {success, processInstanceId}');
    });

    it('retries after a timeout', async () => {
      answer = () => {
        // Never answers.
      };

      const outcome = await connector.submit(system(), command);

      expect(outcome).toEqual({
        ok: false,
        retryable: true,
        error: '127.0.0.1 did not answer within 500 ms.',
      });
    });
  });

  describe('terminate', () => {
    const terminate: TerminateCommand = {
      requestId: 'req-20250115-0001',
      externalId: 'pi-42',
      operator: li,
      reason: 'No longer needed',
    };

    it('sends the terminate call and accepts success', async () => {
      answer = (_, response) => sendJson(response, 200, { success: true });

      const outcome = await connector.terminate(system(), terminate);

      expect(outcome).toEqual({ ok: true });
      const [request] = server.requests;
      expect(request?.path).toBe('/proxy/signoff/processinstance/terminate');
      expect(Object.keys(request?.query ?? {}).sort()).toEqual(['accessToken', 'timestamp']);
      expect(JSON.parse(request?.text ?? '')).toEqual({
        applyId: 'req-20250115-0001',
        processInstanceId: 'pi-42',
        operator: 'sso-li',
        reason: 'No longer needed',
      });
    });

    it('reads a 404 as a call the proxy does not serve', async () => {
      answer = (_, response) => sendJson(response, 404, { message: 'no route' });

      const outcome = await connector.terminate(system(), terminate);

      expect(outcome).toMatchObject({ ok: false, notServed: true });
    });
  });
});
