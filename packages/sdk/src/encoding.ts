// Byte helpers shared by the SDK's modules. They are written out here instead of using `Buffer`,
// `atob` or `btoa` because the SDK runs in browsers and edge runtimes as well as Node, and because
// the Encoding AES Key needs a Base64 decoder that ignores non-zero discarded bits on purpose.

const BASE64_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

const base64Values = new Int8Array(128).fill(-1);
for (let index = 0; index < BASE64_ALPHABET.length; index++) {
  base64Values[BASE64_ALPHABET.charCodeAt(index)] = index;
}

const utf8Encoder = new TextEncoder();
const strictUtf8Decoder = new TextDecoder('utf-8', { fatal: true });

/** Encodes a string as UTF-8 bytes. */
export function utf8(text: string): Uint8Array<ArrayBuffer> {
  return utf8Encoder.encode(text) as Uint8Array<ArrayBuffer>;
}

/** Decodes UTF-8 bytes, returning `undefined` for invalid sequences instead of replacing them. */
export function fromUtf8(bytes: Uint8Array): string | undefined {
  try {
    return strictUtf8Decoder.decode(bytes);
  } catch {
    return undefined;
  }
}

/**
 * Decodes Base64 digits without padding. Bits left over after the last whole byte are dropped
 * whatever their value, which is what the Encoding AES Key needs: its 43rd character carries two
 * bits that standard decoders may reject. Returns `undefined` for any character outside the
 * alphabet or a digit count that cannot come from whole bytes.
 */
export function decodeBase64Digits(digits: string): Uint8Array<ArrayBuffer> | undefined {
  if (digits.length % 4 === 1) return undefined;

  const bytes = new Uint8Array(Math.floor((digits.length * 3) / 4));
  let buffered = 0;
  let bufferedBits = 0;
  let written = 0;
  for (let index = 0; index < digits.length; index++) {
    const code = digits.charCodeAt(index);
    const value = code < 128 ? (base64Values[code] ?? -1) : -1;
    if (value < 0) return undefined;
    // Keep only the bits not yet written, so the accumulator never outgrows 14 bits.
    buffered = ((buffered << 6) | value) & 0x3fff;
    bufferedBits += 6;
    if (bufferedBits >= 8) {
      bufferedBits -= 8;
      bytes[written++] = (buffered >> bufferedBits) & 0xff;
    }
  }
  return bytes;
}

/** Decodes standard padded Base64 (no line breaks, no URL-safe alphabet), or `undefined`. */
export function decodeBase64(text: string): Uint8Array<ArrayBuffer> | undefined {
  if (text.length % 4 !== 0) return undefined;
  const padding = text.endsWith('==') ? 2 : text.endsWith('=') ? 1 : 0;
  return decodeBase64Digits(text.slice(0, text.length - padding));
}

/** Encodes bytes as standard padded Base64 on one line. */
export function encodeBase64(bytes: Uint8Array): string {
  let text = '';
  for (let index = 0; index < bytes.length; index += 3) {
    const first = bytes[index] ?? 0;
    const second = bytes[index + 1] ?? 0;
    const third = bytes[index + 2] ?? 0;
    const group = (first << 16) | (second << 8) | third;
    text += BASE64_ALPHABET[(group >> 18) & 63];
    text += BASE64_ALPHABET[(group >> 12) & 63];
    text += index + 1 < bytes.length ? BASE64_ALPHABET[(group >> 6) & 63] : '=';
    text += index + 2 < bytes.length ? BASE64_ALPHABET[group & 63] : '=';
  }
  return text;
}

/** Lower-case hexadecimal of bytes. */
export function toHex(bytes: Uint8Array): string {
  let text = '';
  for (const byte of bytes) text += byte.toString(16).padStart(2, '0');
  return text;
}

/**
 * Compares two byte strings in time that depends only on their lengths, so an attacker probing a
 * secret learns nothing from how quickly a wrong guess is rejected.
 */
export function timingSafeEqualBytes(left: Uint8Array, right: Uint8Array): boolean {
  const length = Math.max(left.length, right.length);
  let difference = left.length ^ right.length;
  for (let index = 0; index < length; index++) {
    difference |= (left[index] ?? 0) ^ (right[index] ?? 0);
  }
  return difference === 0;
}

/** {@link timingSafeEqualBytes} over the UTF-8 bytes of two strings. */
export function timingSafeEqualStrings(left: string, right: string): boolean {
  return timingSafeEqualBytes(utf8(left), utf8(right));
}

/** Fills a new array with bytes from the platform's cryptographic random source. */
export function randomBytes(length: number): Uint8Array<ArrayBuffer> {
  return globalThis.crypto.getRandomValues(new Uint8Array(length));
}

/**
 * A random string of `[A-Za-z0-9]`. Bytes of 248 and above are thrown away rather than reduced
 * modulo 62, which would make the first eight characters of the alphabet more likely.
 */
export function randomAlphanumeric(length: number): string {
  const limit = 256 - (256 % ALPHANUMERIC.length);
  let text = '';
  while (text.length < length) {
    for (const byte of randomBytes(length - text.length + 8)) {
      if (byte >= limit) continue;
      text += ALPHANUMERIC[byte % ALPHANUMERIC.length];
      if (text.length === length) break;
    }
  }
  return text;
}

/** The platform's SubtleCrypto, with a useful message where it is missing. */
export function subtle(): SubtleCrypto {
  const subtleCrypto = globalThis.crypto?.subtle;
  if (!subtleCrypto) {
    // Browsers hide `crypto.subtle` outside secure contexts (https, or localhost).
    throw new Error('WebCrypto (crypto.subtle) is unavailable here; use https or localhost');
  }
  return subtleCrypto;
}
