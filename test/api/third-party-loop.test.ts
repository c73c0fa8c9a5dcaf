// The third-party loop through the real HTTP API: settings saved, a request dispatched by the
// worker to a plain node:http listener standing in for a proxy, and callbacks posted back,
// including the bad and the duplicate ones.
import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { RequestDetail, SettingsView, SystemDraft } from '@signoff/contracts';
import { buildCallback, CallbackCrypto, generateEncodingAesKey } from '@signoff/sdk';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  draftOtherSystem,
  eventually,
  type RunningSignoff,
  saveOtherSystemAsDefault,
  startSignoff,
} from '../fixtures/signoff.ts';

interface Captured {
  method: string;
  path: string;
  query: Record<string, string>;
  body: unknown;
}

const accessToken = 'proxy-access-token-0001';
const encodingAesKey = generateEncodingAesKey();
const captured: Captured[] = [];
let proxy: Server;
let proxyUrl: string;
let signoff: RunningSignoff;
let draft: SystemDraft;
let callbackUrl: string;

async function readBody(req: IncomingMessage): Promise<unknown> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return JSON.parse(Buffer.concat(chunks).toString('utf8'));
}

beforeAll(async () => {
  proxy = createServer(async (req, res) => {
    const url = new URL(req.url ?? '/', 'http://proxy');
    const body = await readBody(req);
    captured.push({
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      body,
    });
    res.setHeader('content-type', 'application/json');
    if (url.searchParams.get('accessToken') !== accessToken) {
      res.statusCode = 401;
      res.end(JSON.stringify({ success: false, code: 'ACCESS_TOKEN_INVALID', message: 'no' }));
    } else if (url.pathname.endsWith('/check/connect')) {
      res.end(JSON.stringify({ checkResult: 'success' }));
    } else {
      res.end(JSON.stringify({ success: true, processInstanceId: 'PI-1001' }));
    }
  });
  await new Promise<void>((resolve) => proxy.listen(0, '127.0.0.1', resolve));
  const { port } = proxy.address() as AddressInfo;
  proxyUrl = `http://127.0.0.1:${port}/proxy`;
  signoff = await startSignoff({ OUTBOUND_ALLOW: `127.0.0.1:${port}` });

  draft = await draftOtherSystem(signoff);
  await saveOtherSystemAsDefault(signoff, draft, {
    name: 'Acme approvals',
    submitUrl: proxyUrl,
    accessToken,
    encodingAesKey,
  });
  callbackUrl = `${signoff.url}/api/oa/bpms/integration/thirdparty/callback`;
});

afterAll(async () => {
  await signoff?.close();
  proxy?.close();
});

async function detail(id: string): Promise<RequestDetail> {
  return (await (await signoff.call('rita', `/api/requests/${id}`)).json()) as RequestDetail;
}

async function postCallback(
  status: 'APPROVED' | 'REJECTED',
  eventId: string,
  applyId: string,
  options: { key?: string; tamper?: boolean } = {},
) {
  const crypto = new CallbackCrypto({
    token: accessToken,
    encodingAesKey: options.key ?? encodingAesKey,
    ownerKey: draft.tenantId,
  });
  const { query, body } = await buildCallback(crypto, {
    eventId,
    applyId,
    processInstanceId: 'PI-1001',
    status,
    approver: { userSourceId: 'src-aaron', userName: 'Aaron Patel' },
    comment: 'ok',
    operateTime: Date.now(),
  });
  const signature = options.tamper
    ? query.signature.replace(/^./, (c) => (c === 'a' ? 'b' : 'a'))
    : query.signature;
  const params = new URLSearchParams({ ...query, signature, msg_signature: signature });
  return fetch(`${callbackUrl}?${params}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

/** A callback reply must be the encrypted `success`, signed with the configuration's token. */
async function expectEncryptedSuccess(response: Response): Promise<void> {
  expect(response.status).toBe(200);
  const reply = (await response.json()) as Record<string, string>;
  const crypto = new CallbackCrypto({
    token: accessToken,
    encodingAesKey,
    ownerKey: draft.tenantId,
  });
  const plaintext = await crypto.decrypt({
    signature: reply.msg_signature ?? '',
    timestamp: reply.timeStamp ?? '',
    nonce: reply.nonce ?? '',
    encrypt: reply.encrypt ?? '',
  });
  expect(plaintext).toBe('success');
}

describe('third-party loop over HTTP', () => {
  let requestId: string;

  it('tests the connection with the values of a saved configuration', async () => {
    const response = await signoff.call('sam', '/api/settings/test-connection', {
      body: {
        system: {
          id: draft.id,
          kind: 'other',
          name: 'Acme approvals',
          submitUrl: proxyUrl,
          tenantId: draft.tenantId,
        },
      },
    });

    expect(await response.json()).toMatchObject({ ok: true });
    const connect = captured.find((c) => c.path.endsWith('/check/connect'));
    expect(connect?.body).toEqual({ checkEvent: 'connectivity' });
    expect(connect?.query.accessToken).toBe(accessToken);
  });

  it('dispatches a request to the default system and records its instance', async () => {
    const response = await signoff.call('rita', '/api/requests', {
      body: {
        assetId: 'finance.ledger',
        permission: 'read',
        periodType: 'DAYS_30',
        reason: 'Q4 audit',
      },
    });
    expect(response.status).toBe(201);
    requestId = ((await response.json()) as { id: string }).id;

    const dispatched = await eventually(async () => {
      const current = await detail(requestId);
      return current.state === 'pending' ? current : undefined;
    });

    expect(dispatched.externalId).toBe('PI-1001');
    expect(dispatched.system).toEqual({ id: draft.id, kind: 'other', name: 'Acme approvals' });
    const submit = captured.find((c) => c.path.endsWith('/processinstance/create'));
    expect(submit?.path).toBe('/proxy/dataphin/bpms/processinstance/create');
    expect(Object.keys(submit?.query ?? {}).sort()).toEqual(['accessToken', 'timestamp']);
    expect(submit?.body).toMatchObject({
      applyId: requestId,
      tenantId: draft.tenantId,
      type: 'AUTH',
    });
  });

  it('refuses a callback with a wrong signature and changes nothing', async () => {
    const before = await detail(requestId);

    const response = await postCallback('APPROVED', 'evt-bad-sig', requestId, { tamper: true });

    expect(response.status).toBe(401);
    const after = await detail(requestId);
    expect(after.state).toBe('pending');
    expect(after.history).toHaveLength(before.history.length);
  });

  it('refuses a callback signed with the right token but encrypted with another key', async () => {
    const response = await postCallback('APPROVED', 'evt-bad-key', requestId, {
      key: generateEncodingAesKey(),
    });

    expect(response.status).toBe(400);
    expect((await detail(requestId)).state).toBe('pending');
  });

  it('refuses malformed JSON and an oversized body', async () => {
    const malformed = await fetch(`${callbackUrl}?signature=a&timestamp=1&nonce=n`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"encrypt":',
    });
    const oversized = await fetch(`${callbackUrl}?signature=a&timestamp=1&nonce=n`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ encrypt: 'A'.repeat(70 * 1024) }),
    });

    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as { error: { code: string } }).error.code).toBe(
      'malformed_json',
    );
    expect(oversized.status).toBe(413);
  });

  it('applies an approval and acknowledges it with the encrypted success', async () => {
    const response = await postCallback('APPROVED', 'evt-approve-1', requestId);

    await expectEncryptedSuccess(response);
    expect((await detail(requestId)).state).toBe('approved');
  });

  it('acknowledges a duplicate callback and changes nothing', async () => {
    const before = await detail(requestId);

    const response = await postCallback('APPROVED', 'evt-approve-1', requestId);

    await expectEncryptedSuccess(response);
    const after = await detail(requestId);
    expect(after.state).toBe('approved');
    expect(after.history).toEqual(before.history);
  });

  it('acknowledges a late rejection, records it, and keeps the request approved', async () => {
    const response = await postCallback('REJECTED', 'evt-reject-late', requestId);

    await expectEncryptedSuccess(response);
    const after = await detail(requestId);
    expect(after.state).toBe('approved');
    expect(after.history.at(-1)).toMatchObject({ eventId: 'evt-reject-late', toState: null });
  });

  it('refuses a settings save by a requester with 403 and the reason', async () => {
    const response = await signoff.call('rita', '/api/settings', {
      method: 'PUT',
      body: { baseVersion: 1, externalEnabled: false, defaultSystemId: 'builtin', systems: [] },
    });

    expect(response.status).toBe(403);
    expect(((await response.json()) as { error: { message: string } }).error.message).toMatch(
      /super administrators and system administrators/,
    );
    const settings = (await (await signoff.call('sam', '/api/settings')).json()) as SettingsView;
    expect(settings.externalEnabled).toBe(true);
  });
});
