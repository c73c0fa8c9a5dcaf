// The kit's stand-in for Signoff's callback endpoint over real HTTP: what it acknowledges, what it
// refuses, and that the SDK's sender accepts its acknowledgement.

import { type CallbackSendError, sendCallback } from '@signoff/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { type CallbackListener, startCallbackListener } from './callback-listener.ts';

const keys = {
  accessToken: 'kit-listener-token-01',
  encodingAesKey: 'Qk7n2Rv9Xw4Lp8Zt3Hc6Ym1Jd5Fs0Gb2Nq4Ve7Ua9Ko',
  tenantId: 'tenant-listener-01',
};
const payload = {
  eventId: 'event-1',
  applyId: 'apply-1',
  processInstanceId: 'instance-1',
  status: 'APPROVED' as const,
  approver: { userSourceId: 'src-1', userName: 'Han Meimei' },
  comment: '',
  operateTime: 1_700_000_000_000,
};

let listener: CallbackListener | undefined;

afterEach(async () => {
  await listener?.close();
});

async function listen() {
  listener = await startCallbackListener({ host: '127.0.0.1', port: 0, keys });
  return listener;
}

describe('contract kit: callback listener', () => {
  it('acknowledges a good callback so that the SDK sender accepts it', async () => {
    const { url, received } = await listen();

    const result = await sendCallback({ callbackUrl: url, ...keys, payload, retries: 0 });

    expect(result).toEqual({ status: 200, attempts: 1 });
    expect(received).toEqual([
      expect.objectContaining({ answeredWith: 200, payload: expect.objectContaining(payload) }),
    ]);
  });

  it('refuses a callback signed with another token with 401, yet reads it', async () => {
    const { url, received } = await listen();

    const sending = sendCallback({
      callbackUrl: url,
      ...keys,
      accessToken: 'another-token-0001',
      payload,
      retries: 0,
    });

    await expect(sending).rejects.toMatchObject({
      status: 401,
    } satisfies Partial<CallbackSendError>);
    expect(received[0]?.answeredWith).toBe(401);
    expect(received[0]?.inspection.encryption.outcome).toBe('pass');
    expect(received[0]?.payload).toMatchObject({ applyId: 'apply-1' });
  });

  it('waits for a matching callback, and gives up after the timeout', async () => {
    const { url, waitFor } = await listen();

    const waiting = waitFor(
      (callback) => (callback.payload as { applyId?: string }).applyId === 'apply-1',
      2000,
    );
    await sendCallback({ callbackUrl: url, ...keys, payload, retries: 0 });
    const missing = await waitFor(() => false, 50);

    expect((await waiting)?.answeredWith).toBe(200);
    expect(missing).toBeUndefined();
  });

  it('answers JSON 404 anywhere but the callback path', async () => {
    const { url } = await listen();

    const response = await fetch(new URL('/elsewhere', url), { method: 'POST' });

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });
});
