/** The characters a generated secret is made of: what DingTalk's AES key and token accept. */
export const SECRET_ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

// The largest multiple of the alphabet's size that fits in a byte. Bytes at or above it are
// dropped, so that every character is equally likely (a plain `byte % 62` favours the first
// eight characters).
const LIMIT = 256 - (256 % SECRET_ALPHABET.length);

/**
 * A random string of `length` characters from `[A-Za-z0-9]`, drawn from
 * `crypto.getRandomValues`, which (unlike `crypto.subtle`) works outside secure contexts too.
 * Use 43 for an Encoding AES Key and 32 for a token.
 */
export function generateSecret(length: number): string {
  if (!Number.isInteger(length) || length < 0) {
    throw new RangeError(`generateSecret: length must be a non-negative integer, got ${length}`);
  }
  let out = '';
  const bytes = new Uint8Array(Math.max(16, length * 2));
  while (out.length < length) {
    crypto.getRandomValues(bytes);
    for (const byte of bytes) {
      if (byte >= LIMIT) continue;
      out += SECRET_ALPHABET[byte % SECRET_ALPHABET.length];
      if (out.length === length) break;
    }
  }
  return out;
}
