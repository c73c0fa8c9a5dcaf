import { type DevSignInResult, devSignInInputSchema } from '@signoff/contracts';
import { Hono } from 'hono';
import type { Directory } from '../directory/users.ts';
import { issueToken, type TokenOptions } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { notFound } from '../http/errors.ts';
import { jsonBody } from '../http/validate.ts';

/**
 * `/api/dev`: sign in as a seeded demo user without a host portal. Mounted only when
 * DEV_SIGN_IN is enabled, which the configuration refuses in production.
 */
export const devRoutes = (directory: Directory, tokens: TokenOptions) =>
  new Hono<AppEnv>()
    .get('/users', async (c) => c.json({ users: await directory.list() }))
    .post('/sign-in', jsonBody(devSignInInputSchema), async (c) => {
      const { userId } = c.req.valid('json');
      const user = await directory.get(userId);
      if (!user) throw notFound('user', userId);
      const token = await issueToken(
        { sub: user.id, name: user.name, roles: user.roles, groups: user.groups },
        tokens,
      );
      const result: DevSignInResult = { token, user };
      return c.json(result);
    });
