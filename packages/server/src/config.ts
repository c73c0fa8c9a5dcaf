// Configuration is read once, here, validated, and passed down. Nothing else reads process.env.
import { fileURLToPath } from 'node:url';
import { z } from 'zod';

/** Where `npm run pack:sdk` leaves the SDK tarball in this repository. */
const PACKED_SDK = fileURLToPath(new URL('../../sdk/dist/signoff-sdk.tgz', import.meta.url));

const booleanFlag = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');

const csv = z.string().transform((v) =>
  v
    .split(',')
    .map((part) => part.trim())
    .filter(Boolean),
);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(8787),
  /** The address the outside world reaches the server at; callback URLs start with it. */
  PUBLIC_BASE_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** Folder of the embedded SQLite database and generated keys. */
  DATA_DIR: z.string().default('data'),
  /** Verifies bearer tokens (HS256). Generated into the data folder when absent. */
  AUTH_HS256_SECRET: z.string().min(32).optional(),
  AUTH_ISSUER: z.string().default('signoff-dev'),
  AUTH_AUDIENCE: z.string().default('signoff'),
  /** Issues tokens for the seeded demo users. Refused in production. */
  DEV_SIGN_IN: booleanFlag.default(false),
  /** Key that seals secrets at rest (32 bytes, base64). Generated into the data folder when absent. */
  SECRETS_KEY: z
    .string()
    .refine(
      (v) => /^[A-Za-z0-9+/]{43}=$/.test(v.trim()),
      'must be 32 bytes encoded as base64 (44 characters ending in =); `openssl rand -base64 32` makes one',
    )
    .optional(),
  /** Host origins allowed to call the API from a browser. */
  CORS_ORIGINS: csv.default(['http://localhost:5173', 'http://127.0.0.1:5173']),
  /**
   * Outbound calls to private, loopback and link-local addresses are refused unless the host
   * (or host:port) is listed here. The embedded default lists its own simulator.
   */
  OUTBOUND_ALLOW: csv.default([]),
  OUTBOUND_TIMEOUT_MS: z.coerce.number().int().min(100).max(120_000).default(10_000),
  WORKER_POLL_MS: z.coerce.number().int().min(10).max(60_000).default(500),
  WORKER_LEASE_MS: z.coerce.number().int().min(1000).max(3_600_000).default(60_000),
  DISPATCH_MAX_ATTEMPTS: z.coerce.number().int().min(1).max(100).default(6),
  /** The SDK tarball served at /api/sdk/download; `npm run pack:sdk` makes the default one. */
  SDK_TARBALL: z.string().min(1).default(PACKED_SDK),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface ServerConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  publicBaseUrl: string;
  dataDir: string;
  auth: { hs256Secret: string | undefined; issuer: string; audience: string };
  devSignIn: boolean;
  secretsKey: string | undefined;
  corsOrigins: string[];
  outbound: { allow: string[]; timeoutMs: number; maxResponseBytes: number };
  worker: { pollMs: number; leaseMs: number; maxAttempts: number };
  /** Path of the SDK tarball offered for download. */
  sdkTarball: string;
  logLevel: string;
}

/** Reads and checks the configuration; throws one error that lists every bad variable. */
export function loadConfig(env: Record<string, string | undefined> = process.env): ServerConfig {
  const parsed = envSchema.safeParse(env);
  if (!parsed.success) {
    const problems = parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`);
    throw new Error(`Invalid configuration:\n  ${problems.join('\n  ')}`);
  }
  const e = parsed.data;
  if (e.DEV_SIGN_IN && e.NODE_ENV === 'production') {
    throw new Error(
      'Invalid configuration: DEV_SIGN_IN cannot be enabled when NODE_ENV=production.',
    );
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: e.DATA_DIR,
    auth: { hs256Secret: e.AUTH_HS256_SECRET, issuer: e.AUTH_ISSUER, audience: e.AUTH_AUDIENCE },
    devSignIn: e.DEV_SIGN_IN,
    secretsKey: e.SECRETS_KEY,
    corsOrigins: e.CORS_ORIGINS,
    outbound: {
      allow: e.OUTBOUND_ALLOW,
      timeoutMs: e.OUTBOUND_TIMEOUT_MS,
      maxResponseBytes: 1 << 20,
    },
    worker: {
      pollMs: e.WORKER_POLL_MS,
      leaseMs: e.WORKER_LEASE_MS,
      maxAttempts: e.DISPATCH_MAX_ATTEMPTS,
    },
    sdkTarball: e.SDK_TARBALL,
    logLevel: e.LOG_LEVEL,
  };
}
