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
  /**
   * Verifies HS256 bearer tokens. Generated into the data folder when absent, unless
   * AUTH_JWKS_URL is set: then HS256 tokens are accepted only with a secret set here.
   */
  AUTH_HS256_SECRET: z.string().min(32).optional(),
  /** The host's JSON Web Key Set: RS256 and ES256 bearer tokens are verified against it. */
  AUTH_JWKS_URL: z
    .url({ protocol: /^https?$/, error: 'must be an http:// or https:// URL' })
    .optional(),
  /** How long fetched keys are used before the key set is fetched again. */
  AUTH_JWKS_MAX_AGE_MS: z.coerce.number().int().min(1000).max(86_400_000).default(600_000),
  /**
   * The least time between two fetches of the key set, whatever asks for it (an unknown key id,
   * an expired set, a failed fetch): bounds what tokens with made-up key ids can cost.
   */
  AUTH_JWKS_COOLDOWN_MS: z.coerce.number().int().min(1000).max(3_600_000).default(30_000),
  AUTH_ISSUER: z.string().min(1).default('signoff-dev'),
  AUTH_AUDIENCE: z.string().min(1).default('signoff'),
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
  auth: {
    issuer: string;
    audience: string;
    /**
     * HS256: a configured secret; `generated` into the data folder (the embedded default, when
     * no key set is configured); or `off`, when only the host's key set is trusted.
     */
    hs256: { secret: string } | 'generated' | 'off';
    /** The host's key set, when AUTH_JWKS_URL is set. */
    jwks: JwksConfig | undefined;
  };
  devSignIn: boolean;
  secretsKey: string | undefined;
  corsOrigins: string[];
  outbound: { allow: string[]; timeoutMs: number; maxResponseBytes: number };
  worker: { pollMs: number; leaseMs: number; maxAttempts: number };
  /** Path of the SDK tarball offered for download. */
  sdkTarball: string;
  logLevel: string;
}

export interface JwksConfig {
  url: string;
  maxAgeMs: number;
  cooldownMs: number;
  /** A key set fetch holds up the request that needs it: it gets this long at most. */
  timeoutMs: number;
}

/** How long a fetch of the host's key set may take. */
const JWKS_TIMEOUT_MS = 5_000;

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
  if (e.AUTH_JWKS_URL && e.AUTH_JWKS_COOLDOWN_MS > e.AUTH_JWKS_MAX_AGE_MS) {
    throw new Error(
      'Invalid configuration: AUTH_JWKS_COOLDOWN_MS cannot be longer than AUTH_JWKS_MAX_AGE_MS.',
    );
  }
  if (e.DEV_SIGN_IN && e.AUTH_JWKS_URL && !e.AUTH_HS256_SECRET) {
    throw new Error(
      'Invalid configuration: DEV_SIGN_IN issues HS256 tokens, which AUTH_JWKS_URL turns off ' +
        'unless AUTH_HS256_SECRET is set too.',
    );
  }
  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    publicBaseUrl: (e.PUBLIC_BASE_URL ?? `http://${e.HOST}:${e.PORT}`).replace(/\/+$/, ''),
    dataDir: e.DATA_DIR,
    auth: {
      issuer: e.AUTH_ISSUER,
      audience: e.AUTH_AUDIENCE,
      hs256: hs256Mode(e.AUTH_HS256_SECRET, e.AUTH_JWKS_URL),
      jwks: e.AUTH_JWKS_URL
        ? {
            url: e.AUTH_JWKS_URL,
            maxAgeMs: e.AUTH_JWKS_MAX_AGE_MS,
            cooldownMs: e.AUTH_JWKS_COOLDOWN_MS,
            timeoutMs: JWKS_TIMEOUT_MS,
          }
        : undefined,
    },
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

// A set secret always counts. Without one, the embedded default generates a secret, but a
// deployment that trusts its host's key set should not also trust a file in its data folder.
function hs256Mode(
  secret: string | undefined,
  jwksUrl: string | undefined,
): ServerConfig['auth']['hs256'] {
  if (secret) return { secret };
  return jwksUrl ? 'off' : 'generated';
}
