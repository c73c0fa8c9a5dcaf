import { createCipheriv, createDecipheriv, createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import {
  CallbackCrypto,
  CallbackCryptoError,
  type CallbackCryptoErrorCode,
  generateEncodingAesKey,
  generateToken,
  signCallback,
} from './callback-crypto.ts';

// DingTalk's published test vector (protocols.md, section 3).
const vector = {
  token: '123456',
  encodingAesKey: '4g5j64qlyl3zvetqxz5jiocdr586fn2zvjpa8zls3ij',
  ownerKey: 'suite4xxxxxxxxxxxxxxx',
  timestamp: '1445827045067',
  nonce: 'nEXhMP4r',
  signature: '5a65ceeef9aab2d149439f82dc191dd6c5cbe2c0',
  encrypt:
    '1a3NBxmCFwkCJvfoQ7WhJHB+iX3qHPsc9JbaDznE1i03peOk1LaOQoRz3+nlyGNhwmwJ3vDMG+OzrHMeiZI7gTRWVdUBmfxjZ8Ej23JVYa9VrYeJ5as7XM/ZpulX8NEQis44w53h1qAgnC3PRzM7Zc/D6Ibr0rgUathB6zRHP8PYrfgnNOS9PhSBdHlegK+AGGanfwjXuQ9+0pZcy0w9lQ==',
  plaintext:
    '{"EventType":"check_create_suite_url","Random":"LPIdSnlF","TestSuiteKey":"suite4xxxxxxxxxxxxxxx"}',
};

const vectorCallback = {
  signature: vector.signature,
  timestamp: vector.timestamp,
  nonce: vector.nonce,
  encrypt: vector.encrypt,
};

const vectorCrypto = () =>
  new CallbackCrypto({
    token: vector.token,
    encodingAesKey: vector.encodingAesKey,
    ownerKey: vector.ownerKey,
  });

// An implementation independent of the SDK: Node's Base64, SHA-1 and AES with padding off.
const nodeKey = (encodingAesKey: string) => Buffer.from(`${encodingAesKey}=`, 'base64');

const nodeSign = (...parts: string[]) =>
  createHash('sha1').update(parts.sort().join('')).digest('hex');

function nodeEncryptRaw(encodingAesKey: string, plaintext: Buffer): string {
  const key = nodeKey(encodingAesKey);
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([cipher.update(plaintext), cipher.final()]).toString('base64');
}

function nodeFrame(random: Buffer, message: Buffer, ownerKey: string, lengthField?: number) {
  const length = Buffer.alloc(4);
  length.writeUInt32BE(lengthField ?? message.length);
  const content = Buffer.concat([random, length, message, Buffer.from(ownerKey)]);
  const padding = 32 - (content.length % 32);
  return Buffer.concat([content, Buffer.alloc(padding, padding)]);
}

function nodeDecryptRaw(encodingAesKey: string, encrypt: string): Buffer {
  const key = nodeKey(encodingAesKey);
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16)).setAutoPadding(false);
  return Buffer.concat([decipher.update(Buffer.from(encrypt, 'base64')), decipher.final()]);
}

/** A callback over `encrypt`, correctly signed with the vector's token. */
const signed = (encrypt: string) => ({
  signature: nodeSign(vector.token, vector.timestamp, vector.nonce, encrypt),
  timestamp: vector.timestamp,
  nonce: vector.nonce,
  encrypt,
});

async function failureCode(promise: Promise<unknown>): Promise<CallbackCryptoErrorCode> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(CallbackCryptoError);
  return (error as CallbackCryptoError).code;
}

describe('CallbackCrypto', () => {
  describe('published vector', () => {
    it('signs to the published signature', async () => {
      const signature = await signCallback(
        vector.token,
        vector.timestamp,
        vector.nonce,
        vector.encrypt,
      );

      expect(signature).toBe(vector.signature);
    });

    it('verifies the published signature', async () => {
      await expect(vectorCrypto().verifySignature(vectorCallback)).resolves.toBe(true);
    });

    it('decrypts to the exact plaintext', async () => {
      await expect(vectorCrypto().decrypt(vectorCallback)).resolves.toBe(vector.plaintext);
    });

    it('decrypts the same as a cipher with padding off', async () => {
      const raw = nodeDecryptRaw(vector.encodingAesKey, vector.encrypt);
      const length = raw.readUInt32BE(16);

      expect(raw.subarray(20, 20 + length).toString('utf8')).toBe(vector.plaintext);
      expect(raw.at(-1)).toBeGreaterThan(16);
    });
  });

  describe('rejections', () => {
    it('rejects a changed nonce as signature_mismatch', async () => {
      const code = await failureCode(vectorCrypto().decrypt({ ...vectorCallback, nonce: 'xxxxx' }));

      expect(code).toBe('signature_mismatch');
    });

    it('reports a failed signature as false from verifySignature', async () => {
      const result = await vectorCrypto().verifySignature({ ...vectorCallback, nonce: 'xxxxx' });

      expect(result).toBe(false);
    });

    it('rejects a different owner key as owner_key_mismatch, without printing keys', async () => {
      const crypto = new CallbackCrypto({ ...vector, ownerKey: 'suite4xxxxxxxxxxxxxxx221' });

      const error = await crypto.decrypt(vectorCallback).catch((reason: unknown) => reason);

      expect(error).toBeInstanceOf(CallbackCryptoError);
      expect((error as CallbackCryptoError).code).toBe('owner_key_mismatch');
      expect((error as Error).message).toContain('AppKey, Corp ID or tenant id');
      expect((error as Error).message).not.toContain('suite4');
    });

    it('fails cleanly under another valid key', async () => {
      const keys = [
        'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
        ...Array.from({ length: 60 }, generateEncodingAesKey),
      ];

      for (const encodingAesKey of keys) {
        const crypto = new CallbackCrypto({ ...vector, encodingAesKey });
        const code = await failureCode(crypto.decrypt(vectorCallback));

        expect(['decrypt_failed', 'length_out_of_range']).toContain(code);
      }
    });

    it('rejects a length field beyond the data as length_out_of_range', async () => {
      const frame = nodeFrame(
        Buffer.alloc(16, 7),
        Buffer.from('hello'),
        vector.ownerKey,
        0xffffffff,
      );
      const encrypt = nodeEncryptRaw(vector.encodingAesKey, frame);

      const code = await failureCode(vectorCrypto().decrypt(signed(encrypt)));

      expect(code).toBe('length_out_of_range');
    });

    it('rejects a length field one byte too long as length_out_of_range', async () => {
      const message = Buffer.from('hello');
      const frame = nodeFrame(Buffer.alloc(16, 7), message, '', message.length + 1);
      const encrypt = nodeEncryptRaw(vector.encodingAesKey, frame);

      const code = await failureCode(vectorCrypto().decrypt(signed(encrypt)));

      expect(code).toBe('length_out_of_range');
    });

    it.each([
      ['a zero padding byte', 0],
      ['a padding byte above 32', 33],
      ['padding bytes that disagree', 3],
    ])('rejects %s as decrypt_failed', async (_name, lastByte) => {
      const frame = nodeFrame(Buffer.alloc(16, 7), Buffer.from('hello'), vector.ownerKey);
      frame[frame.length - 1] = lastByte;
      // With a last byte of 3, the byte before it (still the original padding) disagrees.
      const encrypt = nodeEncryptRaw(vector.encodingAesKey, frame);

      const code = await failureCode(vectorCrypto().decrypt(signed(encrypt)));

      expect(code).toBe('decrypt_failed');
    });

    it('rejects a tampered encrypt as signature_mismatch', async () => {
      const tampered = `A${vector.encrypt.slice(1)}`;

      const code = await failureCode(
        vectorCrypto().decrypt({ ...vectorCallback, encrypt: tampered }),
      );

      expect(code).toBe('signature_mismatch');
    });

    it('rejects a tampered, re-signed last block as decrypt_failed', async () => {
      const bytes = Buffer.from(vector.encrypt, 'base64');
      bytes[bytes.length - 1] = (bytes.at(-1) ?? 0) ^ 0x01;

      const code = await failureCode(vectorCrypto().decrypt(signed(bytes.toString('base64'))));

      expect(code).toBe('decrypt_failed');
    });

    it.each([
      ['truncated by three bytes', Buffer.from(vector.encrypt, 'base64').subarray(0, -3)],
      ['a single block', Buffer.from(vector.encrypt, 'base64').subarray(0, 16)],
      ['empty', Buffer.alloc(0)],
    ])('rejects a ciphertext %s as malformed_ciphertext', async (_name, bytes) => {
      const code = await failureCode(vectorCrypto().decrypt(signed(bytes.toString('base64'))));

      expect(code).toBe('malformed_ciphertext');
    });

    it.each([
      ['characters outside Base64', vector.encrypt.replace('+', '-')],
      ['a line break', `${vector.encrypt.slice(0, 76)}\n${vector.encrypt.slice(76)}`],
      ['padding in the middle', `${vector.encrypt.slice(0, 4)}=${vector.encrypt.slice(5)}`],
    ])('rejects encrypt with %s as malformed_ciphertext', async (_name, encrypt) => {
      const code = await failureCode(vectorCrypto().decrypt(signed(encrypt)));

      expect(code).toBe('malformed_ciphertext');
    });
  });

  describe('constructor', () => {
    it.each([
      ['a 42-character key', { encodingAesKey: vector.encodingAesKey.slice(1) }],
      ['a 44-character key', { encodingAesKey: `${vector.encodingAesKey}a` }],
      ['a key with a symbol', { encodingAesKey: `${vector.encodingAesKey.slice(1)}+` }],
      ['an empty token', { token: '' }],
      ['an empty owner key', { ownerKey: '' }],
    ])('rejects %s as invalid_key, without echoing it', (_name, override) => {
      const options = { ...vector, ...override };

      const error = (() => {
        try {
          new CallbackCrypto(options);
        } catch (reason) {
          return reason;
        }
      })();

      expect(error).toBeInstanceOf(CallbackCryptoError);
      expect((error as CallbackCryptoError).code).toBe('invalid_key');
      expect((error as Error).message).not.toContain(vector.encodingAesKey.slice(1, 20));
    });

    it('accepts a key whose last character carries non-zero discarded bits', async () => {
      // 'j' is 35 = 0b100011: the low two bits are not part of the 32nd byte.
      expect(vector.encodingAesKey.at(-1)).toBe('j');

      await expect(vectorCrypto().decrypt(vectorCallback)).resolves.toBe(vector.plaintext);
    });
  });

  describe('round trip', () => {
    it.each([
      ['Chinese text', '审批通过：同意访问销售数据 ✅'],
      ['a message of at least 128 bytes', JSON.stringify({ comment: 'x'.repeat(200), n: 1 })],
      ['an empty message', ''],
    ])('decrypts its own encryption of %s', async (_name, message) => {
      const crypto = vectorCrypto();

      const envelope = await crypto.encrypt(message);
      const decrypted = await crypto.decrypt({
        signature: envelope.msg_signature,
        timestamp: envelope.timeStamp,
        nonce: envelope.nonce,
        encrypt: envelope.encrypt,
      });

      expect(decrypted).toBe(message);
    });

    it('pads a message that fills its blocks with a whole 32-byte block', async () => {
      // 16 random + 4 length + 21 owner key = 41 bytes; 23 more make 64.
      const message = 'm'.repeat(23);

      const envelope = await vectorCrypto().encrypt(message);
      const raw = nodeDecryptRaw(vector.encodingAesKey, envelope.encrypt);

      expect(raw.length).toBe(96);
      expect([...raw.subarray(64)]).toEqual(Array(32).fill(32));
      await expect(
        vectorCrypto().decrypt({
          signature: envelope.msg_signature,
          timestamp: envelope.timeStamp,
          nonce: envelope.nonce,
          encrypt: envelope.encrypt,
        }),
      ).resolves.toBe(message);
    });

    it('writes the length field in UTF-8 bytes, not characters', async () => {
      const envelope = await vectorCrypto().encrypt('审批');
      const raw = nodeDecryptRaw(vector.encodingAesKey, envelope.encrypt);

      expect(raw.readUInt32BE(16)).toBe(6);
    });

    it('matches an independent padding-off cipher byte for byte', async () => {
      const random = Buffer.from('0123456789abcdef');
      const messages = ['success', '审批通过', 'p'.repeat(23), 'q'.repeat(300)];

      for (const message of messages) {
        const envelope = await vectorCrypto().encrypt(message, {
          random: new Uint8Array(random),
          timestamp: '1445827045067',
          nonce: 'nEXhMP4r',
        });
        const encrypt = nodeEncryptRaw(
          vector.encodingAesKey,
          nodeFrame(random, Buffer.from(message), vector.ownerKey),
        );

        expect(envelope).toEqual({
          msg_signature: nodeSign(vector.token, '1445827045067', 'nEXhMP4r', encrypt),
          timeStamp: '1445827045067',
          nonce: 'nEXhMP4r',
          encrypt,
        });
      }
    });

    it('takes the random prefix as a 16-character string', async () => {
      const fixed = { timestamp: '1', nonce: 'n' };

      const fromString = await vectorCrypto().encrypt('hi', {
        ...fixed,
        random: 'abcdefghijklmnop',
      });
      const fromBytes = await vectorCrypto().encrypt('hi', {
        ...fixed,
        random: new TextEncoder().encode('abcdefghijklmnop'),
      });

      expect(fromString.encrypt).toBe(fromBytes.encrypt);
    });

    it('rejects a random prefix that is not 16 bytes', async () => {
      const code = await failureCode(vectorCrypto().encrypt('hi', { random: 'short' }));

      expect(code).toBe('invalid_key');
    });

    it('signs a 10-digit timestamp exactly as given', async () => {
      const envelope = await vectorCrypto().encrypt('hi', { timestamp: '1445827045' });

      expect(envelope.timeStamp).toBe('1445827045');
      expect(envelope.msg_signature).toBe(
        nodeSign(vector.token, '1445827045', envelope.nonce, envelope.encrypt),
      );
    });

    it('chooses a fresh random prefix, nonce and current timestamp by default', async () => {
      const before = Date.now();

      const first = await vectorCrypto().encrypt('same');
      const second = await vectorCrypto().encrypt('same');

      expect(first.encrypt).not.toBe(second.encrypt);
      expect(first.nonce).toMatch(/^[A-Za-z0-9]{16}$/);
      expect(first.nonce).not.toBe(second.nonce);
      expect(Number(first.timeStamp)).toBeGreaterThanOrEqual(before);
      expect(Number(first.timeStamp)).toBeLessThanOrEqual(Date.now());
    });
  });
});

describe('generateEncodingAesKey', () => {
  it('makes 43-character alphanumeric keys that CallbackCrypto accepts', async () => {
    const key = generateEncodingAesKey();
    const crypto = new CallbackCrypto({ token: 't', encodingAesKey: key, ownerKey: 'o' });

    const envelope = await crypto.encrypt('hello');

    expect(key).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(nodeDecryptRaw(key, envelope.encrypt).subarray(20, 25).toString()).toBe('hello');
  });

  it('uses the whole alphabet', () => {
    const seen = new Set(Array.from({ length: 200 }, generateEncodingAesKey).join(''));

    expect(seen.size).toBe(62);
  });
});

describe('generateToken', () => {
  it('makes 32 alphanumeric characters by default', () => {
    expect(generateToken()).toMatch(/^[A-Za-z0-9]{32}$/);
  });

  it('makes the length asked for', () => {
    expect(generateToken(48)).toMatch(/^[A-Za-z0-9]{48}$/);
  });

  it('rejects a length that is not a positive integer', () => {
    expect(() => generateToken(0)).toThrow(RangeError);
    expect(() => generateToken(2.5)).toThrow(RangeError);
  });
});
