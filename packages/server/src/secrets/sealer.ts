// Secrets at rest: every secret field of a configuration is sealed with AES-256-GCM before it
// reaches the store. The sealed text starts with a format version so that a later key rotation
// can tell old blobs from new ones and re-seal them.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { link, mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const FORMAT = 'v1';
const KEY_BYTES = 32;
const IV_BYTES = 12;
const TAG_BYTES = 16;
// Binds every blob to this use, so a GCM blob sealed for something else never opens here.
const ASSOCIATED_DATA = Buffer.from('signoff-secrets');

/** Seals values for storage and opens them again; one instance per key. */
export interface Sealer {
  /** Encrypts a JSON-serialisable value into `v1.<iv>.<tag>.<ciphertext>` (base64url parts). */
  seal(value: unknown): string;
  /** Decrypts a blob made by `seal` with the same key; throws `SealedSecretError` otherwise. */
  open<T>(sealed: string): T;
}

/** A sealed blob that could not be opened. The message never holds any of its content. */
export class SealedSecretError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SealedSecretError';
  }
}

export function createSealer(key: Uint8Array): Sealer {
  if (key.length !== KEY_BYTES) {
    throw new RangeError(`The secrets key must be ${KEY_BYTES} bytes; got ${key.length}.`);
  }
  const secretKey = Buffer.from(key);

  return {
    seal(value) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secretKey, iv);
      cipher.setAAD(ASSOCIATED_DATA);
      const ciphertext = Buffer.concat([
        cipher.update(JSON.stringify(value), 'utf8'),
        cipher.final(),
      ]);
      const parts = [iv, cipher.getAuthTag(), ciphertext].map((part) => part.toString('base64url'));
      return [FORMAT, ...parts].join('.');
    },

    open<T>(sealed: string): T {
      const [format, iv, tag, ciphertext, ...rest] = sealed.split('.');
      if (format !== FORMAT || iv === undefined || tag === undefined || ciphertext === undefined) {
        throw new SealedSecretError('The sealed secret is not in a format this server knows.');
      }
      if (rest.length > 0) throw new SealedSecretError('The sealed secret is malformed.');

      let plaintext: string;
      try {
        const decipher = createDecipheriv('aes-256-gcm', secretKey, Buffer.from(iv, 'base64url'), {
          authTagLength: TAG_BYTES,
        });
        decipher.setAAD(ASSOCIATED_DATA);
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        const body = Buffer.from(ciphertext, 'base64url');
        plaintext = Buffer.concat([decipher.update(body), decipher.final()]).toString('utf8');
      } catch {
        // GCM cannot tell a changed blob from a different key; both fail the tag check.
        throw new SealedSecretError(
          'The sealed secret could not be opened: it was altered, or sealed with another key ' +
            '(check SECRETS_KEY or the secrets.key file in the data folder).',
        );
      }
      return JSON.parse(plaintext) as T;
    },
  };
}

export interface SecretsKeyOptions {
  /** The configured key (SECRETS_KEY): base64 of 32 bytes. */
  configured?: string | undefined;
  /** Folder of the embedded database; holds `secrets.key` when no key is configured. */
  dataDir: string;
}

export interface SecretsKey {
  key: Uint8Array;
  /** True when this call created the key file, so the server can say so. */
  generated: boolean;
  /** The key file read or written; null when the key came from the configuration. */
  path: string | null;
}

/**
 * Finds the key that seals secrets: the configured one, else `<dataDir>/secrets.key`, else a new
 * random key written there (owner-only). Several processes may start at once: only one creates
 * the file and the others read it.
 */
export function loadOrCreateSecretsKey(options: SecretsKeyOptions): Promise<SecretsKey> {
  return loadOrCreateKey({ ...options, fileName: 'secrets.key', variable: 'SECRETS_KEY' });
}

/**
 * A 32-byte key from configuration (`variable`, base64), or from `<dataDir>/<fileName>`, generated
 * there on first start. The embedded default uses it for the secrets key and the token secret.
 */
export async function loadOrCreateKey({
  configured,
  dataDir,
  fileName,
  variable,
}: SecretsKeyOptions & { fileName: string; variable: string }): Promise<SecretsKey> {
  if (configured !== undefined && configured !== '') {
    return { key: decodeKey(configured, variable), generated: false, path: null };
  }

  const path = join(dataDir, fileName);
  const existing = await readKeyFile(path);
  if (existing) return { key: existing, generated: false, path };

  await mkdir(dataDir, { recursive: true });
  const key = randomBytes(KEY_BYTES);
  // Written whole to a private file, then linked into place: link() fails if the name exists, so
  // when several processes start at once exactly one key wins and nobody reads a half-written file.
  const draft = `${path}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  await writeFile(draft, `${key.toString('base64')}\n`, { mode: 0o600, flag: 'wx' });
  try {
    await link(draft, path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    const winner = await readKeyFile(path);
    if (!winner) throw new Error(`The secrets key file ${path} vanished while starting.`);
    return { key: winner, generated: false, path };
  } finally {
    await rm(draft, { force: true });
  }
  return { key: new Uint8Array(key), generated: true, path };
}

async function readKeyFile(path: string): Promise<Uint8Array | null> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null;
    throw error;
  }
  return decodeKey(text.trim(), path);
}

function decodeKey(base64: string, source: string): Uint8Array {
  const bytes = Buffer.from(base64.trim(), 'base64');
  if (bytes.length !== KEY_BYTES || !/^[A-Za-z0-9+/]+={0,2}$/.test(base64.trim())) {
    throw new Error(`${source} must hold ${KEY_BYTES} bytes encoded as base64.`);
  }
  return new Uint8Array(bytes);
}
