// The same envelope in Chromium, where only WebCrypto is available: no Buffer, no node:crypto.
import { describe, expect, it } from 'vitest';
import { CallbackCrypto, CallbackCryptoError, generateEncodingAesKey } from './callback-crypto.ts';

const vector = {
  token: '123456',
  encodingAesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
  ownerKey: 'suite4xxxxxxxxxxxxxxx',
};

const callback = {
  signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
  timestamp: '1445827045067',
  nonce: 'nEXhMP4r',
  encrypt:
    '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
};

describe('CallbackCrypto in a browser', () => {
  it('runs without Node globals', () => {
    expect('Buffer' in globalThis).toBe(false);
  });

  it('verifies the published vector', async () => {
    await expect(new CallbackCrypto(vector).verifySignature(callback)).resolves.toBe(true);
  });

  it('decrypts the published vector to the exact plaintext', async () => {
    const plaintext = await new CallbackCrypto(vector).decrypt(callback);

    expect(plaintext).toBe(
      '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
    );
  });

  it('rejects a changed nonce as signature_mismatch', async () => {
    const error = await new CallbackCrypto(vector)
      .decrypt({ ...callback, nonce: 'xxxxx' })
      .catch((reason: unknown) => reason);

    expect(error).toBeInstanceOf(CallbackCryptoError);
    expect((error as CallbackCryptoError).code).toBe('signature_mismatch');
  });

  it('round-trips a message under a generated key', async () => {
    const crypto = new CallbackCrypto({ ...vector, encodingAesKey: generateEncodingAesKey() });

    const envelope = await crypto.encrypt('审批通过');
    const plaintext = await crypto.decrypt({
      signature: envelope.msg_signature,
      timestamp: envelope.timeStamp,
      nonce: envelope.nonce,
      encrypt: envelope.encrypt,
    });

    expect(plaintext).toBe('审批通过');
  });
});
