// The DingTalk callback envelope (also used for third-party callbacks to Signoff): AES-256-CBC
// with 32-byte block padding, signed with SHA-1 over a shared token. Built on WebCrypto alone so
// the same code runs in browsers, Node 20 and edge runtimes.

import {
  decodeBase64,
  decodeBase64Digits,
  encodeBase64,
  fromUtf8,
  randomAlphanumeric,
  randomBytes,
  subtle,
  timingSafeEqualBytes,
  timingSafeEqualStrings,
  toHex,
  utf8,
} from './encoding.ts';

/** The stable codes a {@link CallbackCryptoError} carries, one per kind of failure. */
export type CallbackCryptoErrorCode =
  | 'invalid_key'
  | 'signature_mismatch'
  | 'malformed_ciphertext'
  | 'decrypt_failed'
  | 'length_out_of_range'
  | 'owner_key_mismatch';

/** A callback that could not be signed, verified or decrypted; `code` says why. */
export class CallbackCryptoError extends Error {
  /** Stable reason, safe to branch on and to log. */
  readonly code: CallbackCryptoErrorCode;

  constructor(code: CallbackCryptoErrorCode, message: string) {
    super(message);
    this.name = 'CallbackCryptoError';
    this.code = code;
  }
}

/** Options of {@link CallbackCrypto}. */
export interface CallbackCryptoOptions {
  /** The signing token (DingTalk's Token, or the Access Token of a third-party configuration). */
  token: string;
  /** The 43-character Encoding AES Key. */
  encodingAesKey: string;
  /** AppKey, Corp ID or suite key (DingTalk); the configuration's tenant id (third party). */
  ownerKey: string;
}

/** The signed, encrypted parts of an incoming callback. */
export interface EncryptedCallback {
  /** The `signature` (or `msg_signature`) query parameter. */
  signature: string;
  /** The `timestamp` (or `timeStamp`) query parameter, exactly as received. */
  timestamp: string;
  /** The `nonce` query parameter. */
  nonce: string;
  /** The `encrypt` field of the JSON body. */
  encrypt: string;
}

/** Values {@link CallbackCrypto.encrypt} otherwise chooses itself; tests fix them. */
export interface EncryptOptions {
  /** Signed as given; defaults to the current time in milliseconds. */
  timestamp?: string;
  /** Defaults to 16 random alphanumeric characters. */
  nonce?: string;
  /** The 16-byte random prefix, as bytes or as a 16-character ASCII string. */
  random?: Uint8Array | string;
}

/** An encrypted, signed envelope, in the field names DingTalk uses for replies. */
export interface EncryptedEnvelope {
  msg_signature: string;
  timeStamp: string;
  nonce: string;
  encrypt: string;
}

const KEY_PATTERN = /^[A-Za-z0-9]{43}$/;
const RANDOM_LENGTH = 16;
const LENGTH_FIELD_SIZE = 4;
const PADDING_BLOCK = 32;
const AES_BLOCK = 16;

/**
 * Signs a callback: lower-case hex SHA-1 of token, timestamp, nonce and encrypt, sorted and joined.
 * The timestamp is signed exactly as given; reformatting it would break the signature.
 */
export async function signCallback(
  token: string,
  timestamp: string,
  nonce: string,
  encrypt: string,
): Promise<string> {
  const joined = [token, timestamp, nonce, encrypt].sort().join('');
  const digest = await subtle().digest('SHA-1', utf8(joined));
  return toHex(new Uint8Array(digest));
}

/** A fresh Encoding AES Key: 43 uniformly random characters of `[A-Za-z0-9]`. */
export function generateEncodingAesKey(): string {
  return randomAlphanumeric(43);
}

/** A fresh random token of `[A-Za-z0-9]`, 32 characters unless told otherwise. */
export function generateToken(length = 32): string {
  if (!Number.isInteger(length) || length < 1) {
    throw new RangeError('generateToken: length must be a positive integer');
  }
  return randomAlphanumeric(length);
}

/**
 * Encrypts, decrypts and signs callback envelopes for one token, key and owner key. Keep one
 * instance per configuration: the AES key is imported once and reused.
 */
export class CallbackCrypto {
  private readonly token: string;
  private readonly ownerKey: Uint8Array<ArrayBuffer>;
  private readonly keyBytes: Uint8Array<ArrayBuffer>;
  private aesKey: Promise<CryptoKey> | undefined;

  constructor(options: CallbackCryptoOptions) {
    // Messages name the option but never echo its value: all three may be secret.
    if (typeof options.token !== 'string' || options.token === '') {
      throw new CallbackCryptoError('invalid_key', 'token must be a non-empty string');
    }
    if (typeof options.ownerKey !== 'string' || options.ownerKey === '') {
      throw new CallbackCryptoError('invalid_key', 'ownerKey must be a non-empty string');
    }
    const keyBytes =
      typeof options.encodingAesKey === 'string' && KEY_PATTERN.test(options.encodingAesKey)
        ? decodeBase64Digits(options.encodingAesKey)
        : undefined;
    if (keyBytes?.length !== 32) {
      throw new CallbackCryptoError(
        'invalid_key',
        'encodingAesKey must be exactly 43 characters of [A-Za-z0-9]',
      );
    }

    this.token = options.token;
    this.ownerKey = utf8(options.ownerKey);
    this.keyBytes = keyBytes;
  }

  /** Checks the signature alone, in constant time, without decrypting. */
  async verifySignature(callback: EncryptedCallback): Promise<boolean> {
    const expected = await signCallback(
      this.token,
      callback.timestamp,
      callback.nonce,
      callback.encrypt,
    );
    return timingSafeEqualStrings(expected, callback.signature);
  }

  /** Verifies, then decrypts a callback to its message; throws {@link CallbackCryptoError}. */
  async decrypt(callback: EncryptedCallback): Promise<string> {
    // The signature comes first so that nothing is decrypted for a caller who lacks the token.
    if (!(await this.verifySignature(callback))) {
      throw new CallbackCryptoError('signature_mismatch', 'the callback signature does not match');
    }

    const ciphertext = decodeBase64(callback.encrypt);
    if (!ciphertext) {
      throw new CallbackCryptoError('malformed_ciphertext', 'encrypt is not standard Base64');
    }
    if (ciphertext.length < PADDING_BLOCK || ciphertext.length % AES_BLOCK !== 0) {
      throw new CallbackCryptoError(
        'malformed_ciphertext',
        `encrypt holds ${ciphertext.length} bytes; expected a multiple of 16, at least 32`,
      );
    }

    const plaintext = await this.decryptBlocks(ciphertext);
    const unpaddedLength = plaintext.length - readPadding(plaintext);
    const messageStart = RANDOM_LENGTH + LENGTH_FIELD_SIZE;
    if (unpaddedLength < messageStart) {
      throw new CallbackCryptoError(
        'length_out_of_range',
        'the decrypted data is too short to hold a length field',
      );
    }
    // Check the declared length against what is there before slicing anything: under a wrong key
    // it is an arbitrary 32-bit number.
    const messageLength = new DataView(plaintext.buffer, plaintext.byteOffset).getUint32(
      RANDOM_LENGTH,
    );
    if (messageLength > unpaddedLength - messageStart) {
      throw new CallbackCryptoError(
        'length_out_of_range',
        'the length field points beyond the decrypted data',
      );
    }

    const messageEnd = messageStart + messageLength;
    const ownerKey = plaintext.subarray(messageEnd, unpaddedLength);
    if (!timingSafeEqualBytes(ownerKey, this.ownerKey)) {
      // Mixing up these three is the most common integration mistake, so name them; the values
      // themselves stay out of the message because they may be secret.
      throw new CallbackCryptoError(
        'owner_key_mismatch',
        'the owner key in the message does not match the configured one (AppKey, Corp ID or tenant id)',
      );
    }
    const message = fromUtf8(plaintext.subarray(messageStart, messageEnd));
    if (message === undefined) {
      throw new CallbackCryptoError('decrypt_failed', 'the decrypted message is not valid UTF-8');
    }
    return message;
  }

  /** Encrypts and signs a message, producing the envelope a callback reply (or sender) uses. */
  async encrypt(plaintext: string, options: EncryptOptions = {}): Promise<EncryptedEnvelope> {
    const random = randomPrefix(options.random);
    const timestamp = options.timestamp ?? String(Date.now());
    const nonce = options.nonce ?? randomAlphanumeric(16);

    const message = utf8(plaintext);
    const contentLength = RANDOM_LENGTH + LENGTH_FIELD_SIZE + message.length + this.ownerKey.length;
    const padding = PADDING_BLOCK - (contentLength % PADDING_BLOCK);
    const padded = new Uint8Array(contentLength + padding);
    padded.set(random, 0);
    new DataView(padded.buffer).setUint32(RANDOM_LENGTH, message.length);
    padded.set(message, RANDOM_LENGTH + LENGTH_FIELD_SIZE);
    padded.set(this.ownerKey, RANDOM_LENGTH + LENGTH_FIELD_SIZE + message.length);
    padded.fill(padding, contentLength);

    const key = await this.importKey();
    const output = await subtle().encrypt({ name: 'AES-CBC', iv: this.iv() }, key, padded);
    // WebCrypto appends one block of its own padding; a cipher with padding off would not.
    const encrypt = encodeBase64(new Uint8Array(output, 0, padded.length));
    const signature = await signCallback(this.token, timestamp, nonce, encrypt);
    return { msg_signature: signature, timeStamp: timestamp, nonce, encrypt };
  }

  private importKey(): Promise<CryptoKey> {
    this.aesKey ??= subtle().importKey('raw', this.keyBytes, { name: 'AES-CBC' }, false, [
      'encrypt',
      'decrypt',
    ]);
    return this.aesKey;
  }

  private iv(): Uint8Array<ArrayBuffer> {
    return this.keyBytes.slice(0, AES_BLOCK);
  }

  /**
   * AES-CBC decryption with padding off, on WebCrypto, which always expects PKCS#7 padding. The
   * block X = AES(C_last XOR 0x10…) decrypts to sixteen 0x10 bytes after C_last; appending it
   * gives WebCrypto a valid padding block to strip, leaving the real plaintext untouched.
   */
  private async decryptBlocks(ciphertext: Uint8Array<ArrayBuffer>): Promise<Uint8Array> {
    const key = await this.importKey();
    const lastBlock = ciphertext.slice(ciphertext.length - AES_BLOCK);
    const paddingBlock = new Uint8Array(AES_BLOCK).fill(AES_BLOCK);
    const extension = await subtle().encrypt({ name: 'AES-CBC', iv: lastBlock }, key, paddingBlock);

    const extended = new Uint8Array(ciphertext.length + AES_BLOCK);
    extended.set(ciphertext, 0);
    extended.set(new Uint8Array(extension, 0, AES_BLOCK), ciphertext.length);
    try {
      return new Uint8Array(
        await subtle().decrypt({ name: 'AES-CBC', iv: this.iv() }, key, extended),
      );
    } catch {
      // Unreachable by construction; kept so a platform quirk surfaces as a coded error.
      throw new CallbackCryptoError('decrypt_failed', 'the ciphertext could not be decrypted');
    }
  }
}

/** Reads and validates the 32-byte block padding, returning its length. */
function readPadding(plaintext: Uint8Array): number {
  const padding = plaintext[plaintext.length - 1] ?? 0;
  let valid = padding >= 1 && padding <= PADDING_BLOCK && padding <= plaintext.length;
  for (let index = plaintext.length - padding; valid && index < plaintext.length; index++) {
    valid = plaintext[index] === padding;
  }
  if (!valid) {
    // Almost always a wrong Encoding AES Key: the plaintext is noise.
    throw new CallbackCryptoError(
      'decrypt_failed',
      'the decrypted data has invalid padding; the Encoding AES Key is probably wrong',
    );
  }
  return padding;
}

function randomPrefix(random: Uint8Array | string | undefined): Uint8Array {
  if (random === undefined) return randomBytes(RANDOM_LENGTH);
  const bytes = typeof random === 'string' ? utf8(random) : random;
  if (bytes.length !== RANDOM_LENGTH) {
    throw new CallbackCryptoError(
      'invalid_key',
      'random must be 16 bytes, or a string of 16 ASCII characters',
    );
  }
  return bytes;
}
