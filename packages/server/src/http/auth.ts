import { type Role, roleSchema } from '@signoff/contracts';
import { createMiddleware } from 'hono/factory';
import { sign, verify } from 'hono/jwt';
import { z } from 'zod';
import type { AppEnv, AuthUser } from './env.ts';
import { ApiError, forbidden } from './errors.ts';

export interface TokenOptions {
  secret: string;
  issuer: string;
  audience: string;
}

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

/** Checks a bearer token's signature, issuer, audience and expiry, then its claims. */
export async function verifyToken(token: string, options: TokenOptions): Promise<TokenClaims> {
  let payload: unknown;
  try {
    payload = await verify(token, options.secret, {
      alg: 'HS256',
      iss: options.issuer,
      aud: options.audience,
    });
  } catch (error) {
    const name = error instanceof Error ? error.name : '';
    if (name === 'JwtTokenExpired') throw unauthorized('The token has expired. Sign in again.');
    throw unauthorized('The token is not valid for this server.');
  }
  const claims = claimsSchema.safeParse(payload);
  if (!claims.success) throw unauthorized('The token does not carry the claims Signoff needs.');
  return claims.data;
}

/** Issues a token; used by the development sign-in and by tests. */
export async function issueToken(
  claims: { sub: string; name: string; roles: string[]; groups?: string[] },
  options: TokenOptions,
  lifetimeSeconds = 8 * 3600,
): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return sign(
    {
      ...claims,
      iss: options.issuer,
      aud: options.audience,
      iat: now,
      exp: now + lifetimeSeconds,
    },
    options.secret,
    'HS256',
  );
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
