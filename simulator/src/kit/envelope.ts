// A strict reading of one callback envelope (docs/third-party-contract.md, "The callback"), step by step, saying what
// is wrong and how to fix it. It decrypts with node:crypto with padding off rather than with the
// SDK, whose decoder is lenient on purpose: the kit has to see the raw padding to tell DingTalk's
// 32-byte blocks from a cipher's default 16-byte PKCS#7, which Signoff itself tolerates today.

import { createDecipheriv, createHash } from 'node:crypto';
import { signCallback } from '@signoff/sdk';

/** The configuration's three values, which sign, encrypt and address a callback. */
export interface CallbackKeys {
  accessToken: string;
  encodingAesKey: string;
  tenantId: string;
}

/** The outcome of one step: passed, failed (saying why), or not reached. */
export interface StepVerdict {
  outcome: 'pass' | 'fail' | 'skip';
  detail: string;
}

/** Each step of reading an envelope, and the message when it could be read. */
export interface EnvelopeInspection {
  signature: StepVerdict;
  encryption: StepVerdict;
  ownerKey: StepVerdict;
  /** The decrypted message, when decryption got that far (even if a step failed). */
  message?: string;
}

/** A callback request as it arrived: its query string and its body. */
export interface ArrivedCallback {
  query: URLSearchParams;
  body: string;
}

const RANDOM_LENGTH = 16;
const MESSAGE_START = RANDOM_LENGTH + 4;

/** Reads an arrived callback as a strict receiver would; never throws. */
export async function inspectEnvelope(
  callback: ArrivedCallback,
  keys: CallbackKeys,
): Promise<EnvelopeInspection> {
  const encrypt = readEncrypt(callback.body);
  const signature = await checkSignature(callback.query, encrypt, keys);
  if (encrypt === undefined) {
    const detail =
      'the body is not JSON of the form {"encrypt": "<Base64>"}, so there is nothing to decrypt.';
    return { signature, encryption: fail(detail), ownerKey: skip('nothing was decrypted.') };
  }

  const opened = openEnvelope(encrypt, keys.encodingAesKey);
  if (!opened.ok) {
    return { signature, encryption: fail(opened.detail), ownerKey: skip('nothing was decrypted.') };
  }
  return {
    signature,
    encryption: opened.encryption,
    ownerKey: checkOwnerKey(opened.ownerKey, keys),
    message: opened.message,
  };
}

function readEncrypt(body: string): string | undefined {
  try {
    const parsed: unknown = JSON.parse(body);
    const encrypt = (parsed as { encrypt?: unknown } | null)?.encrypt;
    return typeof encrypt === 'string' && encrypt !== '' ? encrypt : undefined;
  } catch {
    return undefined;
  }
}

async function checkSignature(
  query: URLSearchParams,
  encrypt: string | undefined,
  keys: CallbackKeys,
): Promise<StepVerdict> {
  const signature = query.get('signature') ?? query.get('msg_signature');
  const timestamp = query.get('timestamp') ?? query.get('timeStamp');
  const nonce = query.get('nonce');
  const missing = Object.entries({ signature, timestamp, nonce })
    .filter(([, value]) => !value)
    .map(([name]) => name);
  if (missing.length > 0) {
    return fail(
      `the callback URL carries no ${missing.join(', ')} query parameter: send ` +
        '?signature=…&timestamp=…&nonce=… (msg_signature and timeStamp are accepted too).',
    );
  }
  if (encrypt === undefined) return skip('there is no encrypt field to check it against.');

  // Plain comparisons: the kit is a diagnostic tool talking to the integrator's own proxy.
  const expected = await signCallback(keys.accessToken, timestamp!, nonce!, encrypt);
  if (signature === expected) {
    return pass('lower-case hex SHA-1 of the sorted Access Token, timestamp, nonce and encrypt.');
  }
  const hint = await signatureHint(signature!, timestamp!, nonce!, encrypt, keys);
  return fail(
    `the signature does not match${hint}. ` +
      'Sign with the Access Token as the token: lower-case hex SHA-1 of token, timestamp, nonce ' +
      'and encrypt, sorted and joined (the SDK’s signCallback or CallbackCrypto).',
  );
}

/** Names the usual mistake behind a wrong signature, when it is one of them. */
async function signatureHint(
  signature: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
  keys: CallbackKeys,
): Promise<string> {
  const expected = await signCallback(keys.accessToken, timestamp, nonce, encrypt);
  if (signature.toLowerCase() === expected) return ': it is upper-case hex';
  const wrongTokens: [string, string][] = [
    [keys.encodingAesKey, 'the Encoding AES Key'],
    [keys.tenantId, 'the Tenant ID'],
  ];
  for (const [token, name] of wrongTokens) {
    if (signature === (await signCallback(token, timestamp, nonce, encrypt))) {
      return `: it was made with ${name} as the token instead of the Access Token`;
    }
  }
  const unsorted = createHash('sha1')
    .update(`${keys.accessToken}${timestamp}${nonce}${encrypt}`)
    .digest('hex');
  if (signature === unsorted) return ': the four strings were joined without sorting them';
  return ' (it was not made with the Access Token passed to the kit)';
}

type Opened =
  | { ok: true; encryption: StepVerdict; message: string; ownerKey: Buffer }
  | { ok: false; detail: string };

/** Decrypts with padding off, then reads padding, length, message and owner key, in that order. */
function openEnvelope(encrypt: string, encodingAesKey: string): Opened {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(encrypt) || encrypt.length % 4 !== 0) {
    return {
      ok: false,
      detail: 'encrypt is not standard Base64 on one line (no URL-safe alphabet, no line breaks).',
    };
  }
  const ciphertext = Buffer.from(encrypt, 'base64');
  if (ciphertext.length < 32 || ciphertext.length % 16 !== 0) {
    return {
      ok: false,
      detail: `encrypt holds ${ciphertext.length} bytes, not whole AES blocks: expected AES-256-CBC output.`,
    };
  }

  // Base64 of the 43 characters plus "=": Node ignores the discarded bits, as the contract asks.
  const key = Buffer.from(`${encodingAesKey}=`, 'base64');
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16));
  decipher.setAutoPadding(false);
  const plaintext = Buffer.concat([decipher.update(ciphertext), decipher.final()]);

  const padding = readPadding(plaintext);
  if (padding.kind === 'invalid') {
    return {
      ok: false,
      detail:
        'it does not decrypt cleanly with the Encoding AES Key (the padding is noise): encrypt ' +
        'with the configuration’s Encoding AES Key, AES-256-CBC, IV = its first 16 bytes.',
    };
  }

  const content = plaintext.subarray(0, plaintext.length - padding.length);
  if (content.length < MESSAGE_START) {
    return {
      ok: false,
      detail: 'the plaintext is too short for the 16 random bytes and the length.',
    };
  }
  const messageLength = content.readUInt32BE(RANDOM_LENGTH);
  if (messageLength > content.length - MESSAGE_START) {
    return {
      ok: false,
      detail:
        `the 4-byte length after the random bytes says ${messageLength}, past the end of the ` +
        'data: write the message’s length in UTF-8 bytes, big-endian.',
    };
  }
  const messageEnd = MESSAGE_START + messageLength;
  let message: string;
  try {
    message = new TextDecoder('utf-8', { fatal: true }).decode(
      content.subarray(MESSAGE_START, messageEnd),
    );
  } catch {
    return { ok: false, detail: 'the decrypted message is not valid UTF-8.' };
  }

  return {
    ok: true,
    encryption: paddingVerdict(padding),
    message,
    ownerKey: content.subarray(messageEnd),
  };
}

function paddingVerdict(padding: Padding): StepVerdict {
  switch (padding.kind) {
    case 'pkcs7-16':
      return fail(
        'the message is padded to 16-byte blocks (PKCS#7, a cipher’s default), not to 32-byte ' +
          'blocks as the envelope requires: n = 32 − (length mod 32) bytes of value n. Turn the ' +
          'cipher’s own padding off and pad yourself, or use the SDK’s CallbackCrypto. Signoff’s ' +
          'decoder tolerates it today; a receiver that checks the block size refuses it.',
      );
    case 'extra-block':
      return fail(
        'after correct 32-byte padding comes one more block of 16-byte padding: with WebCrypto, ' +
          'drop the last 16 bytes of AES-CBC’s output (they only encrypt its own padding).',
      );
    default:
      return pass('AES-256-CBC with the Encoding AES Key, padded to 32-byte blocks.');
  }
}

type Padding = { kind: 'dingtalk-32' | 'pkcs7-16' | 'extra-block' | 'invalid'; length: number };

/**
 * Classifies the padding. Valid 32-byte padding leaves a multiple of 32 bytes. Valid PKCS#7 that
 * leaves 16 over is a cipher's own 16-byte padding; it only shows when the content ends in the
 * first half of a 32-byte block, since otherwise the two paddings are the same bytes. A block of
 * sixteen 16s after valid 32-byte padding is WebCrypto's own block, left on the output.
 */
function readPadding(plaintext: Buffer): Padding {
  const length = uniformPadding(plaintext);
  if (length === 0) return { kind: 'invalid', length: 0 };
  if (plaintext.length % 32 === 0) return { kind: 'dingtalk-32', length };
  if (length > 16) return { kind: 'invalid', length: 0 };

  const inner = uniformPadding(plaintext.subarray(0, plaintext.length - 16));
  if (length === 16 && inner > 0) return { kind: 'extra-block', length: 16 + inner };
  return { kind: 'pkcs7-16', length };
}

/** The length of a run of n bytes of value n (1 to 32) at the end, or 0 when there is none. */
function uniformPadding(bytes: Buffer): number {
  const length = bytes.at(-1) ?? 0;
  if (length < 1 || length > 32 || length > bytes.length) return 0;
  return bytes.subarray(bytes.length - length).every((byte) => byte === length) ? length : 0;
}

function checkOwnerKey(ownerKey: Buffer, keys: CallbackKeys): StepVerdict {
  const found = ownerKey.toString('utf8');
  if (found === keys.tenantId) return pass(`the Tenant ID ${keys.tenantId}.`);

  const known: [string, string][] = [
    [keys.accessToken, 'the Access Token'],
    [keys.encodingAesKey, 'the Encoding AES Key'],
  ];
  // Secrets are named, never printed; anything else is shown so the integrator recognises it.
  const what =
    known.find(([value]) => value === found)?.[1] ??
    (found === '' ? 'empty' : `"${found.length > 64 ? `${found.slice(0, 64)}…` : found}"`);
  return fail(
    `the owner key after the message is ${what}; it must be the Tenant ID (${keys.tenantId}), ` +
      'which Signoff sends as tenantId in every submit.',
  );
}

function pass(detail: string): StepVerdict {
  return { outcome: 'pass', detail };
}

function fail(detail: string): StepVerdict {
  return { outcome: 'fail', detail };
}

function skip(detail: string): StepVerdict {
  return { outcome: 'skip', detail };
}
