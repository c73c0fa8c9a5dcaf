import { randomBytes } from 'node:crypto';
import { mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createSealer, loadOrCreateSecretsKey, SealedSecretError } from './sealer.ts';

const secrets = { accessToken: 'tok-3f9a1c7e55', encodingAesKey: 'k'.repeat(43) };

describe('createSealer', () => {
  it('opens what it sealed', () => {
    const sealer = createSealer(randomBytes(32));

    const sealed = sealer.seal(secrets);

    expect(sealed).toMatch(/^v1\.[\w-]+\.[\w-]+\.[\w-]+$/);
    expect(sealed).not.toContain('tok-3f9a1c7e55');
    expect(sealer.open(sealed)).toEqual(secrets);
  });

  it('uses a fresh IV for every seal', () => {
    const sealer = createSealer(randomBytes(32));

    expect(sealer.seal(secrets)).not.toBe(sealer.seal(secrets));
  });

  it('refuses a tampered blob without revealing its content', () => {
    const sealer = createSealer(randomBytes(32));
    const [format, iv, tag, ciphertext] = sealer.seal(secrets).split('.');
    const bytes = Buffer.from(ciphertext ?? '', 'base64url');
    bytes[0] = (bytes[0] ?? 0) ^ 1;
    const tampered = [format, iv, tag, bytes.toString('base64url')].join('.');

    expect(() => sealer.open(tampered)).toThrow(SealedSecretError);
    expect(() => sealer.open(tampered)).toThrow(/altered, or sealed with another key/);
  });

  it('refuses a blob sealed with another key', () => {
    const sealed = createSealer(randomBytes(32)).seal(secrets);

    let caught: unknown;
    try {
      createSealer(randomBytes(32)).open(sealed);
    } catch (error) {
      caught = error;
    }

    expect(caught).toBeInstanceOf(SealedSecretError);
    expect(String(caught)).not.toContain('tok-3f9a1c7e55');
  });

  it('refuses an unknown format version', () => {
    const sealer = createSealer(randomBytes(32));
    const sealed = sealer.seal(secrets).replace(/^v1\./, 'v9.');

    expect(() => sealer.open(sealed)).toThrow(/not in a format this server knows/);
  });

  it('refuses a key of the wrong length', () => {
    expect(() => createSealer(randomBytes(16))).toThrow(/32 bytes/);
  });
});

describe('loadOrCreateSecretsKey', () => {
  let dataDir: string;

  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'signoff-key-'));
  });
  afterEach(async () => {
    await rm(dataDir, { recursive: true, force: true });
  });

  it('generates the key file once, owner-only, then reuses it', async () => {
    const first = await loadOrCreateSecretsKey({ dataDir });
    const second = await loadOrCreateSecretsKey({ dataDir });

    expect(first.generated).toBe(true);
    expect(first.path).toBe(join(dataDir, 'secrets.key'));
    expect((await stat(join(dataDir, 'secrets.key'))).mode & 0o777).toBe(0o600);
    expect(second.generated).toBe(false);
    expect(Buffer.from(second.key).equals(Buffer.from(first.key))).toBe(true);
  });

  it('creates the data folder when it is missing', async () => {
    const nested = join(dataDir, 'a', 'b');

    const result = await loadOrCreateSecretsKey({ dataDir: nested });

    expect(result.generated).toBe(true);
    expect((await readFile(join(nested, 'secrets.key'), 'utf8')).trim()).toBe(
      Buffer.from(result.key).toString('base64'),
    );
  });

  it('gives one key to processes that start together', async () => {
    const results = await Promise.all(
      Array.from({ length: 5 }, () => loadOrCreateSecretsKey({ dataDir })),
    );

    expect(results.filter((result) => result.generated)).toHaveLength(1);
    const keys = new Set(results.map((result) => Buffer.from(result.key).toString('hex')));
    expect(keys.size).toBe(1);
  });

  it('prefers the configured key and writes no file', async () => {
    const configured = randomBytes(32);

    const result = await loadOrCreateSecretsKey({
      configured: configured.toString('base64'),
      dataDir,
    });

    expect(result).toEqual({ key: new Uint8Array(configured), generated: false, path: null });
    await expect(stat(join(dataDir, 'secrets.key'))).rejects.toThrow(/ENOENT/);
  });

  it('refuses a configured key that is not 32 bytes of base64', async () => {
    const configured = randomBytes(20).toString('base64');

    await expect(loadOrCreateSecretsKey({ configured, dataDir })).rejects.toThrow(
      'SECRETS_KEY must hold 32 bytes encoded as base64.',
    );
  });

  it('refuses a damaged key file instead of replacing it', async () => {
    await writeFile(join(dataDir, 'secrets.key'), 'not a key\n');

    await expect(loadOrCreateSecretsKey({ dataDir })).rejects.toThrow(/must hold 32 bytes/);
  });
});
