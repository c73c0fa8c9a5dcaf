import { CallbackCrypto } from '@signoff/sdk';
import { describe, expect, it } from 'vitest';
import { ApiError } from '../../http/errors.ts';
import type { ResolvedSystem, SystemResolver } from '../types.ts';
import { verifyThirdPartyCallback } from './callback.ts';

function otherSystem(id: string, accessToken: string, encodingAesKey: string, tenantId: string) {
  return {
    id,
    name: `System ${id}`,
    status: 'active',
    kind: 'other',
    tenantId,
    config: { submitUrl: 'https://proxy.example.com', callbackUrl: '' },
    secrets: { accessToken, encodingAesKey },
  } satisfies ResolvedSystem;
}

const finance = otherSystem(
  'finance',
  'at-finance-0001',
  'fInAnCe0123456789abcdefghijklmnopqrstuvwxyz',
  'tenant-finance-01',
);
const hr = otherSystem(
  'hr',
  'at-hr-00000002',
  'HrHrHr0123456789abcdefghijklmnopqrstuvwxyzA',
  'tenant-hr-000002',
);

const systems: SystemResolver = {
  resolve: async (id) => [finance, hr].find((system) => system.id === id) ?? null,
  listForCallbacks: async (kind) => (kind === 'other' ? [finance, hr] : []),
};

const payload = {
  eventId: 'evt-9001',
  applyId: 'req-20250115-0001',
  processInstanceId: 'pi-42',
  status: 'APPROVED',
  approver: { userSourceId: 'sso-wang', userName: 'Wang Fang' },
  comment: 'Fine for Q1',
  operateTime: 1_736_935_200_000,
};

/** Builds a callback as a proxy would, with the SDK. */
async function callback(
  keys: { token: string; encodingAesKey: string; ownerKey: string },
  message: unknown = payload,
) {
  const envelope = await new CallbackCrypto(keys).encrypt(JSON.stringify(message));
  return {
    query: {
      signature: envelope.msg_signature,
      timestamp: envelope.timeStamp,
      nonce: envelope.nonce,
    } as Record<string, string | undefined>,
    body: { encrypt: envelope.encrypt } as unknown,
  };
}

const keysOf = (system: typeof finance) => ({
  token: system.secrets.accessToken,
  encodingAesKey: system.secrets.encodingAesKey,
  ownerKey: system.tenantId,
});

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  const apiError = error as ApiError;
  for (const system of [finance, hr]) {
    for (const secret of Object.values(system.secrets)) {
      expect(JSON.stringify(apiError.toBody())).not.toContain(secret);
    }
  }
  return apiError;
}

describe('verifyThirdPartyCallback', () => {
  it('finds the signing configuration and normalises the event', async () => {
    const { query, body } = await callback(keysOf(hr));

    const verified = await verifyThirdPartyCallback({ systems, query, body });

    expect(verified.system.id).toBe('hr');
    expect(verified.event).toEqual({
      eventKey: 'evt-9001',
      eventId: 'evt-9001',
      kind: 'approved',
      applyId: 'req-20250115-0001',
      externalId: 'pi-42',
      actorName: 'Wang Fang',
      comment: 'Fine for Q1',
      occurredAt: 1_736_935_200_000,
    });
  });

  it('answers with success encrypted for the same configuration', async () => {
    const { query, body } = await callback(keysOf(finance));
    const verified = await verifyThirdPartyCallback({ systems, query, body });

    const reply = await verified.reply();

    const proxy = new CallbackCrypto(keysOf(finance));
    const decrypted = await proxy.decrypt({
      signature: reply.msg_signature,
      timestamp: reply.timeStamp,
      nonce: reply.nonce,
      encrypt: reply.encrypt,
    });
    expect(decrypted).toBe('success');
  });

  it('accepts msg_signature and timeStamp, and reads rejections and revocations', async () => {
    const rejected = await callback(keysOf(finance), {
      ...payload,
      status: 'REJECTED',
      comment: '',
      operateTime: '2025-01-15T10:00:00+08:00',
    });
    const { signature, timestamp, nonce } = rejected.query;
    const query = { msg_signature: signature, timeStamp: timestamp, nonce };

    const verified = await verifyThirdPartyCallback({ systems, query, body: rejected.body });

    expect(verified.event).toMatchObject({
      kind: 'rejected',
      comment: null,
      occurredAt: Date.UTC(2025, 0, 15, 2),
    });
  });

  it('refuses a signature that matches no configuration', async () => {
    const { query, body } = await callback({ ...keysOf(finance), token: 'at-unknown-9999' });

    const error = await refusal(verifyThirdPartyCallback({ systems, query, body }));

    expect(error.status).toBe(401);
    expect(error.code).toBe('unauthorized');
    expect(error.message).toMatch(/^The callback signature matches no third-party configuration/);
  });

  it('says decryption failed when the signature is right but the key is not', async () => {
    const { query, body } = await callback({
      ...keysOf(finance),
      encodingAesKey: hr.secrets.encodingAesKey,
    });

    const error = await refusal(verifyThirdPartyCallback({ systems, query, body }));

    expect(error.status).toBe(400);
    expect(error.message).toMatch(
      /^The callback is signed for the configuration "System finance", but decryption with its Encoding AES Key failed/,
    );
  });

  it('says the owner key check failed when the tenant id is wrong', async () => {
    const { query, body } = await callback({ ...keysOf(finance), ownerKey: 'tenant-hr-000002' });

    const error = await refusal(verifyThirdPartyCallback({ systems, query, body }));

    expect(error.status).toBe(400);
    expect(error.message).toContain('the owner key check failed');
    expect(error.message).toContain("not that configuration's tenant id");
  });

  it('refuses a callback without its parts', async () => {
    const { query } = await callback(keysOf(finance));

    const noBody = await refusal(verifyThirdPartyCallback({ systems, query, body: {} }));
    const noNonce = await refusal(
      verifyThirdPartyCallback({
        systems,
        query: { ...query, nonce: undefined },
        body: { encrypt: 'x' },
      }),
    );

    expect(noBody.status).toBe(400);
    expect(noBody.code).toBe('validation_failed');
    expect(Object.keys(noBody.fields ?? {})).toEqual(['encrypt']);
    expect(Object.keys(noNonce.fields ?? {})).toEqual(['nonce']);
  });

  it('refuses a decrypted payload that is not a callback event', async () => {
    const { query, body } = await callback(keysOf(finance), { ...payload, status: 'MAYBE' });

    const error = await refusal(verifyThirdPartyCallback({ systems, query, body }));

    expect(error.status).toBe(400);
    expect(Object.keys(error.fields ?? {})).toEqual(['status']);
  });
});
