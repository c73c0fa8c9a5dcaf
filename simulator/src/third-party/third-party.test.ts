// The third-party approver over real HTTP: Signoff's calls go to a listening simulator, and the
// decisions come back to a plain node:http listener that decrypts them with the SDK.

import { THIRD_PARTY_PATHS } from '@signoff/sdk';
import { describe, expect, it } from 'vitest';
import { connectionValues, submitBody } from '../testing/fixtures.ts';
import { approverPerTest } from './approver-per-test.ts';

const setup = approverPerTest();

describe('third-party approver: access check', () => {
  it('refuses every call while no connection is configured', async () => {
    const { client } = await setup({ connected: false });

    const connect = await client.call(THIRD_PARTY_PATHS.connect, {
      checkEvent: 'connectivity',
    });
    const create = await client.call(THIRD_PARTY_PATHS.create, submitBody);

    expect(connect.status).toBe(401);
    expect(await connect.json()).toEqual({
      success: false,
      code: 'ACCESS_TOKEN_INVALID',
      message: expect.stringContaining('no connection configured'),
    });
    expect(create.status).toBe(401);
    expect(await client.instances()).toEqual([]);
  });

  it('refuses a wrong access token', async () => {
    const { client } = await setup();

    const response = await client.call(
      THIRD_PARTY_PATHS.connect,
      { checkEvent: 'connectivity' },
      { accessToken: 'not-the-token' },
    );

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({ success: false, code: 'ACCESS_TOKEN_INVALID' });
  });

  it('refuses a timestamp outside the window', async () => {
    const { client } = await setup();
    const anHourAgo = String(Date.now() - 60 * 60_000);

    const response = await client.call(THIRD_PARTY_PATHS.create, submitBody, {
      timestamp: anHourAgo,
    });

    expect(response.status).toBe(401);
    expect(await response.json()).toMatchObject({
      success: false,
      code: 'TIMESTAMP_OUT_OF_WINDOW',
    });
    expect(await client.instances()).toEqual([]);
  });
});

describe('third-party approver: connection test and submit', () => {
  it('passes the connection test', async () => {
    const { client } = await setup();

    const response = await client.call(THIRD_PARTY_PATHS.connect, {
      checkEvent: 'connectivity',
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ checkResult: 'success' });
  });

  it('refuses a connection test with the wrong body', async () => {
    const { client } = await setup();

    const response = await client.call(THIRD_PARTY_PATHS.connect, { checkEvent: 'ping' });

    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
  });

  it('creates one instance per applyId and keeps the body it received', async () => {
    const { client } = await setup();

    const first = await client.submit(submitBody);
    const repeat = await client.submit(submitBody);

    expect(first).toEqual({
      status: 200,
      body: { success: true, processInstanceId: expect.any(String) },
    });
    expect(repeat.body.processInstanceId).toBe(first.body.processInstanceId);
    const instances = await client.instances();
    expect(instances).toHaveLength(1);
    expect(instances[0]).toMatchObject({
      processInstanceId: first.body.processInstanceId,
      applyId: submitBody.applyId,
      title: submitBody.title,
      requesterName: 'Li Lei',
      status: 'RUNNING',
      submitBody,
    });
  });

  it('records every submit of an applyId on its one instance', async () => {
    const { client } = await setup();

    await client.submit(submitBody);
    await client.submit(submitBody);

    const [instance] = await client.instances();
    expect(instance?.submits).toEqual([
      { at: expect.any(String), withheld: false },
      { at: expect.any(String), withheld: false },
    ]);
    expect(instance?.deliveries).toEqual([]);
  });

  it('answers another method than POST with the SDK’s 405', async () => {
    const { simulator } = await setup();

    const response = await fetch(`${simulator.url}/third-party${THIRD_PARTY_PATHS.create}`);

    expect(response.status).toBe(405);
    expect(response.headers.get('allow')).toBe('POST');
  });

  it('lists instances newest first', async () => {
    const { client } = await setup();

    await client.submit(submitBody);
    await client.submit({ ...submitBody, applyId: 'req-20240601-0002' });

    const instances = await client.instances();
    expect(instances.map((instance) => instance.applyId)).toEqual([
      'req-20240601-0002',
      submitBody.applyId,
    ]);
  });

  it('declines a submit for another tenant and creates nothing', async () => {
    const { client } = await setup();

    const result = await client.submit({ ...submitBody, tenantId: 'tenant-other' });

    // The SDK answers a declined submit with HTTP 200: the call worked, the system said no.
    expect(result).toEqual({
      status: 200,
      body: {
        success: false,
        code: 'TENANT_MISMATCH',
        message: expect.stringContaining('tenant-other'),
        retryable: false,
      },
    });
    expect(await client.instances()).toEqual([]);
  });

  it('refuses a submit that misses a field, naming the field', async () => {
    const { client } = await setup();
    const { title: _omitted, ...withoutTitle } = submitBody;

    const result = await client.submit(withoutTitle);

    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ success: false, code: 'INVALID_REQUEST' });
    expect(result.body.message).toMatch(/^title: /);
  });

  it('refuses malformed JSON with 400', async () => {
    const { client } = await setup();

    const result = await client.submit('{"applyId": "req-1",');

    expect(result.status).toBe(400);
    expect(result.body).toMatchObject({ success: false, code: 'MALFORMED_JSON' });
  });

  it('refuses a body over the limit with 413', async () => {
    const { client } = await setup({ bodyLimitBytes: 4096 });
    const oversized = { ...submitBody, title: 'x'.repeat(5000) };

    const result = await client.submit(oversized);

    expect(result.status).toBe(413);
    expect(result.body).toMatchObject({ success: false, code: 'PAYLOAD_TOO_LARGE' });
    expect(await client.instances()).toEqual([]);
  });

  it('refuses a body over the default 256 KiB limit', async () => {
    const { client } = await setup();

    const result = await client.submit({ ...submitBody, content: 'x'.repeat(300 * 1024) });

    expect(result.status).toBe(413);
  });
});

describe('third-party approver: decisions', () => {
  it('sends one callback for an approval', async () => {
    const { client, receiver } = await setup();
    const { body } = await client.submit(submitBody);
    const processInstanceId = String(body.processInstanceId);

    const response = await client.act(processInstanceId, 'approve', {
      comment: 'Fine for the quarter',
      approver: 'Han Meimei',
    });

    expect(response.status).toBe(200);
    expect(receiver.received).toEqual([
      {
        eventId: expect.stringMatching(/^[0-9a-f-]{36}$/),
        applyId: submitBody.applyId,
        processInstanceId,
        status: 'APPROVED',
        // A name the submit listed comes back with its source id.
        approver: { userSourceId: 'src-2001', userName: 'Han Meimei' },
        comment: 'Fine for the quarter',
        operateTime: expect.any(Number),
      },
    ]);
    const [instance] = await client.instances();
    expect(instance).toMatchObject({
      status: 'APPROVED',
      delivery: { state: 'delivered', attempts: 1, httpStatus: 200 },
    });
  });

  it('sends one callback for a rejection, from the default approver', async () => {
    const { client, receiver } = await setup();
    const { body } = await client.submit(submitBody);
    const processInstanceId = String(body.processInstanceId);

    const response = await client.act(processInstanceId, 'reject');

    expect(response.status).toBe(200);
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]).toMatchObject({
      applyId: submitBody.applyId,
      processInstanceId,
      status: 'REJECTED',
      approver: { userSourceId: 'simulator', userName: 'Simulator Approver' },
      comment: '',
    });
    const [instance] = await client.instances();
    expect(instance?.status).toBe('REJECTED');
  });

  it('refuses a second decision with 409 and sends nothing more', async () => {
    const { client, receiver } = await setup();
    const { body } = await client.submit(submitBody);
    const processInstanceId = String(body.processInstanceId);
    await client.act(processInstanceId, 'approve');

    const again = await client.act(processInstanceId, 'reject');

    expect(again.status).toBe(409);
    expect(await again.json()).toMatchObject({ success: false, code: 'ALREADY_DECIDED' });
    expect(receiver.received.map((payload) => payload.status)).toEqual(['APPROVED']);
    const [instance] = await client.instances();
    expect(instance?.status).toBe('APPROVED');
  });

  it('answers 404 for a decision on an unknown instance', async () => {
    const { client } = await setup();

    const response = await client.act('sim-unknown', 'approve');

    expect(response.status).toBe(404);
  });

  it('records a failed delivery and sends the same event again on request', async () => {
    const { client, receiver } = await setup();
    const { body } = await client.submit(submitBody);
    const processInstanceId = String(body.processInstanceId);
    receiver.failWithStatus = 503;

    await client.act(processInstanceId, 'approve');
    const [failed] = await client.instances();
    receiver.failWithStatus = undefined;
    const resend = await client.act(processInstanceId, 'redeliver');
    const [delivered] = await client.instances();

    expect(failed?.delivery).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('HTTP 503'),
    });
    expect(resend.status).toBe(200);
    expect(delivered?.delivery).toMatchObject({ state: 'delivered' });
    expect(receiver.received).toHaveLength(1);
    expect(receiver.received[0]?.eventId).toBe(failed?.decision?.eventId);
  });

  it('records a delivery to an address nobody listens on as failed', async () => {
    const { client, receiver } = await setup();
    const { body } = await client.submit(submitBody);
    await receiver.close();

    await client.act(String(body.processInstanceId), 'approve');

    const [instance] = await client.instances();
    expect(instance?.delivery).toMatchObject({
      state: 'failed',
      error: expect.stringContaining('not delivered'),
    });
  });
});

describe('third-party approver: optional get and terminate', () => {
  it('reports the status and, once terminated, refuses a decision', async () => {
    const { client, receiver } = await setup();
    const { body } = await client.submit(submitBody);
    const ids = { applyId: submitBody.applyId, processInstanceId: String(body.processInstanceId) };

    const before = await client.call(THIRD_PARTY_PATHS.get, ids);
    const terminate = await client.call(THIRD_PARTY_PATHS.terminate, {
      ...ids,
      operator: 'u-1001',
      reason: 'No longer needed',
    });
    const after = await client.call(THIRD_PARTY_PATHS.get, ids);
    const decision = await client.act(ids.processInstanceId, 'approve');

    expect(await before.json()).toEqual({ success: true, status: 'RUNNING' });
    expect(await terminate.json()).toEqual({ success: true });
    expect(await after.json()).toMatchObject({ success: true, status: 'REVOKED' });
    expect(decision.status).toBe(409);
    expect(receiver.received).toEqual([]);
  });

  it('reports the decision of a decided instance and refuses to terminate it', async () => {
    const { client } = await setup();
    const { body } = await client.submit(submitBody);
    const ids = { applyId: submitBody.applyId, processInstanceId: String(body.processInstanceId) };
    await client.act(ids.processInstanceId, 'reject', { comment: 'Too broad' });

    const get = await client.call(THIRD_PARTY_PATHS.get, ids);
    const terminate = await client.call(THIRD_PARTY_PATHS.terminate, {
      ...ids,
      operator: 'u-1001',
      reason: '',
    });

    expect(await get.json()).toEqual({
      success: true,
      status: 'REJECTED',
      approver: { userSourceId: 'simulator', userName: 'Simulator Approver' },
      comment: 'Too broad',
      operateTime: expect.any(Number),
    });
    expect(terminate.status).toBe(200);
    expect(await terminate.json()).toMatchObject({ success: false, code: 'ALREADY_DECIDED' });
  });

  it('answers an unknown instance without a 404, which would mean "not served"', async () => {
    const { client } = await setup();

    const response = await client.call(THIRD_PARTY_PATHS.get, {
      applyId: 'req-unknown',
      processInstanceId: 'sim-unknown',
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ success: false, code: 'INSTANCE_NOT_FOUND' });
  });
});

describe('third-party approver: logs', () => {
  it('prints one line per call, without the access token or the key', async () => {
    const { client, logLines } = await setup();

    await client.call(THIRD_PARTY_PATHS.connect, { checkEvent: 'connectivity' });
    const { body } = await client.submit(submitBody);
    await client.act(String(body.processInstanceId), 'approve');

    const requestLines = logLines.filter((line) => line.includes(' method='));
    expect(requestLines).toHaveLength(3);
    expect(requestLines[0]).toMatch(
      /method=POST path=\/third-party\/dataphin\/bpms\/check\/connect status=200/,
    );
    for (const line of logLines) {
      expect(line).not.toContain(connectionValues.accessToken);
      expect(line).not.toContain(connectionValues.encodingAesKey);
    }
  });
});
