import { type Role, roleSchema } from '@signoff/contracts';
import { createMiddleware } from 'hono/factory';
import { errors, type FlattenedJWSInput, type JWSHeaderParameters, jwtVerify, SignJWT } from 'jose';
import { z } from 'zod';
import type { AppEnv, AuthUser } from './env.ts';
import { ApiError, forbidden } from './errors.ts';
import { KeySetUnavailable, type KeySource } from './jwks.ts';

/**
 * How bearer tokens are checked: a shared HS256 secret, the host's published keys, or both. The
 * secret also issues tokens, for the development sign-in and for tests.
 */
export interface TokenOptions {
  issuer: string;
  audience: string;
  /** The shared HS256 secret; absent when only the host's key set is trusted. */
  secret?: string | undefined;
  /** The host's key set, for RS256 and ES256 tokens; absent when only HS256 is used. */
  keySet?: KeySource | undefined;
}

/** The algorithms a host's key set may sign with. */
const KEY_SET_ALGORITHMS = ['RS256', 'ES256'] as const;

/** The host's clock and ours may disagree by a few seconds; expiry allows for that much. */
const CLOCK_TOLERANCE_SECONDS = 30;

const encoder = new TextEncoder();

// Claims of product.md: `sub`, `name`, `roles`, optionally `groups` and a source-system id.
// Unknown role names are dropped rather than refused, so a host may carry roles of its own.
const claimsSchema = z.object({
  sub: z.string().min(1).max(128),
  name: z.string().min(1).max(256),
  roles: z.array(z.string()).transform((names) => names.filter(isRole)),
  groups: z.array(z.string().max(128)).max(200).default([]),
  source_user_id: z.string().max(128).optional(),
});
export type TokenClaims = z.infer<typeof claimsSchema>;

function isRole(name: string): name is Role {
  return roleSchema.safeParse(name).success;
}

const unauthorized = (message: string) => new ApiError(401, 'unauthorized', message);

/**
 * Checks a bearer token's signature, issuer, audience and expiry (which it must carry), then its
 * claims. Only the algorithms of the configured methods are accepted, each with its own key, so
 * a token cannot choose to be checked against the wrong one.
 */
export async function verifyToken(token: string, options: TokenOptions): Promise<TokenClaims> {
  let payload: unknown;
  try {
    ({ payload } = await jwtVerify(token, (header, jws) => keyFor(header, jws, options), {
      algorithms: acceptedAlgorithms(options),
      issuer: options.issuer,
      audience: options.audience,
      requiredClaims: ['exp'],
      clockTolerance: CLOCK_TOLERANCE_SECONDS,
    }));
  } catch (error) {
    throw refusal(error);
  }

  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthorized('The token does not carry the claims Signoff needs.');
  return claims.data;
}

function acceptedAlgorithms(options: TokenOptions): string[] {
  return [...(options.secret ? ['HS256'] : []), ...(options.keySet ? KEY_SET_ALGORITHMS : [])];
}

function keyFor(
  header: JWSHeaderParameters,
  jws: FlattenedJWSInput,
  { secret, keySet }: TokenOptions,
): Uint8Array | Promise<CryptoKey> {
  if (header.alg === 'HS256' && secret) return encoder.encode(secret);
  if (header.alg !== 'HS256' && keySet) return keySet.keyFor(header, jws);
  // Unreachable while `algorithms` lists only configured methods; refuse rather than guess.
  throw new errors.JOSEAlgNotAllowed('no key for this algorithm');
}

/** The reply to a token that failed; an error that is not about the token is rethrown. */
function refusal(error: unknown): ApiError {
  if (error instanceof KeySetUnavailable) {
    // The caller's token may be fine; it is the server that cannot check it.
    return new ApiError(
      503,
      'not_available',
      "Tokens cannot be checked right now: the host's key set could not be fetched.",
    );
  }
  if (error instanceof errors.JWTExpired) {
    return unauthorized('The token has expired. Sign in again.');
  }
  if (error instanceof errors.JWKSNoMatchingKey) {
    return unauthorized('The token is signed with a key the host does not publish.');
  }
  if (error instanceof errors.JOSEError) {
    return unauthorized('The token is not valid for this server.');
  }
  throw error;
}

/** Issues an HS256 token; used by the development sign-in and by tests. */
export async function issueToken(
  claims: { sub: string; name: string; roles: string[]; groups?: string[] },
  options: TokenOptions,
  lifetimeSeconds = 8 * 3600,
): Promise<string> {
  if (!options.secret) {
    throw new Error('Issuing a token needs the HS256 secret, and none is configured.');
  }
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ ...claims })
    .setProtectedHeader({ alg: 'HS256', typ: 'JWT' })
    .setIssuer(options.issuer)
    .setAudience(options.audience)
    .setIssuedAt(now)
    .setExpirationTime(now + lifetimeSeconds)
    .sign(encoder.encode(options.secret));
}

export interface AuthenticateOptions extends TokenOptions {
  /** Called with the verified claims; keeps the directory in step and returns the user. */
  onClaims(claims: TokenClaims): Promise<AuthUser>;
}

/** Requires a valid bearer token and puts the user on the context. */
export const authenticate = (options: AuthenticateOptions) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const header = c.req.header('authorization') ?? '';
    const match = /^Bearer\s+(\S+)$/i.exec(header);
    if (!match?.[1]) throw unauthorized('Sign in first: this call needs a bearer token.');
    const claims = await verifyToken(match[1], options);
    c.set('user', await options.onClaims(claims));
    await next();
  });

/** Refuses the call unless the user holds one of `roles`. */
export const requireRole = (roles: readonly Role[], action: string) =>
  createMiddleware<AppEnv>(async (c, next) => {
    const user = c.get('user');
    if (!user.roles.some((role) => roles.includes(role))) {
      throw forbidden(`Only ${describeRoles(roles)} may ${action}.`);
    }
    await next();
  });

const roleNames: Record<Role, string> = {
  super_admin: 'super administrators',
  system_admin: 'system administrators',
  security_admin: 'security administrators',
  requester: 'requesters',
  approver: 'approvers',
};

function describeRoles(roles: readonly Role[]): string {
  const names = roles.map((role) => roleNames[role]);
  return names.length <= 1
    ? (names[0] ?? 'nobody')
    : `${names.slice(0, -1).join(', ')} and ${names.at(-1)}`;
}
