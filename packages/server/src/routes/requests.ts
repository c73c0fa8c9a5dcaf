import {
  ADMIN_ROLES,
  createRequestInputSchema,
  requestActionInputSchema,
  requestStates,
  SETTINGS_EDITOR_ROLES,
} from '@signoff/contracts';
import { Hono } from 'hono';
import { z } from 'zod';
import type { RequestService } from '../engine/requests.ts';
import type { AppEnv, AuthUser } from '../http/env.ts';
import { forbidden } from '../http/errors.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { streamRequestChanges } from './live-stream.ts';

const listQuery = z.object({
  scope: z.enum(['mine', 'all']).default('mine'),
  state: z.enum(requestStates).optional(),
  limit: z.coerce.number().int().min(1).max(200).default(50),
  offset: z.coerce.number().int().min(0).max(1_000_000).default(0),
});

const streamQuery = z.object({
  after: z.coerce.number().int().min(0).optional(),
  scope: z.enum(['mine', 'all']).default('mine'),
});

const isAdmin = (user: AuthUser) => user.roles.some((role) => ADMIN_ROLES.includes(role));

export interface RequestRouteOptions {
  requests: RequestService;
  /** How often the live stream looks for changes in the database. */
  streamPollMs: number;
}

/** `/api/requests`: submit, follow, revoke and retry permission requests. */
export const requestRoutes = ({ requests, streamPollMs }: RequestRouteOptions) =>
  new Hono<AppEnv>()
    .post('/', jsonBody(createRequestInputSchema), async (c) =>
      c.json(await requests.submit(c.get('user'), c.req.valid('json')), 201),
    )
    .get('/', queryParams(listQuery), async (c) => {
      const user = c.get('user');
      const query = c.req.valid('query');
      if (query.scope === 'all' && !isAdmin(user)) {
        throw forbidden('Only administrators may list the requests of other users.');
      }
      const items = await requests.list({
        requesterId: query.scope === 'mine' ? user.id : undefined,
        states: query.state ? [query.state] : undefined,
        limit: query.limit,
        offset: query.offset,
      });
      return c.json({ requests: items });
    })
    // Live status, from the database: every process polls the history table, so a decision
    // applied through any server process reaches every connected browser.
    .get('/stream', queryParams(streamQuery), (c) => {
      const user = c.get('user');
      const query = c.req.valid('query');
      if (query.scope === 'all' && !isAdmin(user)) {
        throw forbidden('Only administrators may follow the requests of other users.');
      }
      const filter = { requesterId: query.scope === 'mine' ? user.id : undefined };
      return streamRequestChanges(c, requests, filter, query.after, streamPollMs);
    })
    .get('/:id', async (c) => {
      const user = c.get('user');
      const detail = await requests.get(c.req.param('id'));
      if (detail.requester.id !== user.id && !isAdmin(user)) {
        throw forbidden('Only the requester and administrators may see this request.');
      }
      return c.json(detail);
    })
    .post('/:id/revoke', jsonBody(requestActionInputSchema, { optional: true }), async (c) =>
      c.json(await requests.revoke(c.get('user'), c.req.param('id'), c.req.valid('json').reason)),
    )
    .post(
      '/:id/force-revoke',
      jsonBody(requestActionInputSchema, { optional: true }),
      async (c) => {
        const user = c.get('user');
        if (!user.roles.some((role) => SETTINGS_EDITOR_ROLES.includes(role))) {
          throw forbidden(
            'Only super administrators and system administrators may force revoke a request.',
          );
        }
        return c.json(
          await requests.forceRevoke(user, c.req.param('id'), c.req.valid('json').reason),
        );
      },
    )
    .post('/:id/retry', async (c) =>
      c.json(await requests.retry(c.get('user'), c.req.param('id'))),
    );
