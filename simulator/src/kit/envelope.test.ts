// The kit's strict reading of callback envelopes, in-process: DingTalk's published vector, and
// each mistake it names. Envelopes are built byte by byte with node:crypto, padding off.

import { createCipheriv, createHash } from 'node:crypto';
import { CallbackCrypto, signCallback } from '@signoff/sdk';
import { describe, expect, it } from 'vitest';
import { type CallbackKeys, inspectEnvelope } from './envelope.ts';

// docs/third-party-contract.md, "The callback": DingTalk's own test vector.
const vector = {
  keys: {
    accessToken: '123456',
    encodingAesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
    tenantId: 'suite4xxxxxxxxxxxxxxx',
  },
  timestamp: '1445827045067',
  nonce: 'nEXhMP4r',
  signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
  encrypt:
    '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
  plaintext:
    '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
};

const keys: CallbackKeys = {
  accessToken: 'kit-unit-token-0001',
  encodingAesKey: 'Qk7n2Rv9Xw4Lp8Zt3Hc6Ym1Jd5Fs0Gb2Nq4Ve7Ua9Ko',
  tenantId: 'tenant-unit-0001',
};

function arrived(query: Record<string, string>, body: unknown) {
  return {
    query: new URLSearchParams(query),
    body: typeof body === 'string' ? body : JSON.stringify(body),
  };
}

/** Encrypts bytes as they are (the caller pads), and signs with `token`. */
async function envelope(plaintext: Buffer, token = keys.accessToken) {
  const key = Buffer.from(`${keys.encodingAesKey}=`, 'base64');
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16));
  cipher.setAutoPadding(false);
  const encrypt = Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
  const signature = await signCallback(token, '1700000000000', 'nonce01', encrypt);
  return arrived({ signature, timestamp: '1700000000000', nonce: 'nonce01' }, { encrypt });
}

/** Random bytes, length, message and owner key, unpadded. */
function content(message: string, ownerKey = keys.tenantId): Buffer {
  const text = Buffer.from(message);
  const length = Buffer.alloc(4);
  length.writeUInt32BE(text.length);
  return Buffer.concat([Buffer.alloc(16, 7), length, text, Buffer.from(ownerKey)]);
}

function pad(bytes: Buffer, block: 16 | 32): Buffer {
  const n = block - (bytes.length % block);
  return Buffer.concat([bytes, Buffer.alloc(n, n)]);
}

/** A message whose content ends in the first half of a 32-byte block, where paddings differ. */
function firstHalfMessage(): string {
  let message = '{"ok":true}';
  while (content(message).length % 32 >= 16) message += ' ';
  return message;
}

describe('contract kit: envelope inspection', () => {
  it("passes DingTalk's published vector at every step", async () => {
    const { timestamp, nonce, signature, encrypt } = vector;

    const inspection = await inspectEnvelope(
      arrived({ signature, timestamp, nonce }, { encrypt }),
      vector.keys,
    );

    expect(inspection).toMatchObject({
      signature: { outcome: 'pass' },
      encryption: { outcome: 'pass' },
      ownerKey: { outcome: 'pass' },
      message: vector.plaintext,
    });
  });

  it("fails the vector's negative cases at the right step", async () => {
    const { timestamp, signature, encrypt } = vector;
    const query = { signature, timestamp, nonce: 'xxxxx', msg_signature: signature };

    const badNonce = await inspectEnvelope(arrived(query, { encrypt }), vector.keys);
    const badOwner = await inspectEnvelope(
      arrived({ ...query, nonce: vector.nonce }, { encrypt }),
      { ...vector.keys, tenantId: 'suite4xxxxxxxxxxxxxxx221' },
    );
    const otherKey = await inspectEnvelope(
      arrived({ ...query, nonce: vector.nonce }, { encrypt }),
      { ...vector.keys, encodingAesKey: keys.encodingAesKey },
    );

    expect(badNonce.signature.outcome).toBe('fail');
    expect(badNonce.encryption.outcome).toBe('pass');
    expect(badOwner.ownerKey).toEqual({
      outcome: 'fail',
      detail: expect.stringContaining('is "suite4xxxxxxxxxxxxxxx"'),
    });
    expect(otherKey.encryption.detail).toMatch(/does not decrypt cleanly/);
    expect(otherKey.ownerKey.outcome).toBe('skip');
  });

  it('accepts what the SDK encrypts', async () => {
    const crypto = new CallbackCrypto({
      token: keys.accessToken,
      encodingAesKey: keys.encodingAesKey,
      ownerKey: keys.tenantId,
    });
    const sealed = await crypto.encrypt('{"status":"APPROVED"}');

    const inspection = await inspectEnvelope(
      arrived(
        { msg_signature: sealed.msg_signature, timeStamp: sealed.timeStamp, nonce: sealed.nonce },
        { encrypt: sealed.encrypt },
      ),
      keys,
    );

    expect(
      [inspection.signature, inspection.encryption, inspection.ownerKey].map(
        (step) => step.outcome,
      ),
    ).toEqual(['pass', 'pass', 'pass']);
    expect(inspection.message).toBe('{"status":"APPROVED"}');
  });

  it('names a signature in upper-case hex', async () => {
    const callback = await envelope(pad(content('{}'), 32));
    callback.query.set('signature', callback.query.get('signature')?.toUpperCase() ?? '');

    const inspection = await inspectEnvelope(callback, keys);

    expect(inspection.signature.detail).toMatch(/it is upper-case hex/);
  });

  it('names a signature made with the Encoding AES Key as the token', async () => {
    const callback = await envelope(pad(content('{}'), 32), keys.encodingAesKey);

    const inspection = await inspectEnvelope(callback, keys);

    expect(inspection.signature.detail).toMatch(/made with the Encoding AES Key as the token/);
    expect(inspection.encryption.outcome).toBe('pass');
  });

  it('names a signature over unsorted strings', async () => {
    const callback = await envelope(pad(content('{}'), 32));
    const encrypt = JSON.parse(callback.body).encrypt as string;
    const unsorted = createHash('sha1')
      .update(`${keys.accessToken}1700000000000nonce01${encrypt}`)
      .digest('hex');
    callback.query.set('signature', unsorted);

    const inspection = await inspectEnvelope(callback, keys);

    expect(inspection.signature.detail).toMatch(/joined without sorting them/);
  });

  it('names missing query parameters', async () => {
    const inspection = await inspectEnvelope(
      arrived({ signature: 'abc' }, { encrypt: 'AAAA' }),
      keys,
    );

    expect(inspection.signature.detail).toMatch(/no timestamp, nonce query parameter/);
  });

  it('names a body without encrypt, skipping what needs it', async () => {
    const inspection = await inspectEnvelope(
      arrived({ signature: 'a', timestamp: '1', nonce: 'n' }, 'not json'),
      keys,
    );

    expect(inspection.signature.outcome).toBe('skip');
    expect(inspection.encryption.detail).toMatch(/not JSON of the form \{"encrypt"/);
    expect(inspection.ownerKey.outcome).toBe('skip');
  });

  it('names encrypt in the URL-safe alphabet', async () => {
    const inspection = await inspectEnvelope(
      arrived({ signature: 'a', timestamp: '1', nonce: 'n' }, { encrypt: 'ab-_' }),
      keys,
    );

    expect(inspection.encryption.detail).toMatch(/not standard Base64/);
  });

  it("names 16-byte PKCS#7 padding where it differs from the envelope's, and reads on", async () => {
    const inspection = await inspectEnvelope(
      await envelope(pad(content(firstHalfMessage()), 16)),
      keys,
    );

    expect(inspection.encryption.detail).toMatch(/padded to 16-byte blocks \(PKCS#7/);
    expect(inspection.ownerKey.outcome).toBe('pass');
    expect(inspection.message?.trim()).toBe('{"ok":true}');
  });

  it("names WebCrypto's extra padding block left on the output", async () => {
    const padded = pad(content('{"ok":true}'), 32);

    const inspection = await inspectEnvelope(
      await envelope(Buffer.concat([padded, Buffer.alloc(16, 16)])),
      keys,
    );

    expect(inspection.encryption.detail).toMatch(/one more block of 16-byte padding/);
    expect(inspection.ownerKey.outcome).toBe('pass');
  });

  it('names a length field that points past the data', async () => {
    const bytes = content('{"ok":true}');
    bytes.writeUInt32BE(5000, 16);

    const inspection = await inspectEnvelope(await envelope(pad(bytes, 32)), keys);

    expect(inspection.encryption.detail).toMatch(/says 5000, past the end/);
  });

  it('names the Access Token used as the owner key without printing it', async () => {
    const inspection = await inspectEnvelope(
      await envelope(pad(content('{}', keys.accessToken), 32)),
      keys,
    );

    expect(inspection.ownerKey.detail).toMatch(/owner key after the message is the Access Token/);
    expect(inspection.ownerKey.detail).not.toContain(keys.accessToken);
  });
});
