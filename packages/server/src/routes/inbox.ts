import type { InboxList } from '@signoff/contracts';
import { approveInputSchema, rejectInputSchema } from '@signoff/contracts';
import { Hono } from 'hono';
import { z } from 'zod';
import type { RequestService } from '../engine/requests.ts';
import type { AppEnv } from '../http/env.ts';
import { jsonBody, queryParams } from '../http/validate.ts';
import { streamRequestChanges } from './live-stream.ts';

const streamQuery = z.object({ after: z.coerce.number().int().min(0).optional() });

export interface InboxRouteOptions {
  requests: RequestService;
  /** How often the live stream looks for changes in the database. */
  streamPollMs: number;
}

/**
 * `/api/inbox`: the built-in system's approvers. Anyone signed in has an inbox; it lists only
 * what the built-in system asks of them, and every decision is checked against the approvers
 * kept with the request, so no role is needed here.
 */
export const inboxRoutes = ({ requests, streamPollMs }: InboxRouteOptions) =>
  new Hono<AppEnv>()
    .get('/', async (c) => {
      const body: InboxList = { tasks: await requests.inbox.tasksFor(c.get('user')) };
      return c.json(body);
    })
    // Changes to every request that names the user as an approver, in the same shape as the
    // requests stream; an inbox reloads its tasks when one arrives.
    .get('/stream', queryParams(streamQuery), (c) => {
      const filter = { approverId: c.get('user').id };
      const after = c.req.valid('query').after;
      return streamRequestChanges(c, requests, filter, after, streamPollMs);
    })
    .post('/:requestId/approve', jsonBody(approveInputSchema, { optional: true }), async (c) =>
      c.json(
        await requests.inbox.approve(c.get('user'), c.req.param('requestId'), c.req.valid('json')),
      ),
    )
    .post('/:requestId/reject', jsonBody(rejectInputSchema), async (c) =>
      c.json(
        await requests.inbox.reject(c.get('user'), c.req.param('requestId'), c.req.valid('json')),
      ),
    );
