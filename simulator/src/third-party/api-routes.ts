import { MAX_CALLBACK_COMMENT_LENGTH } from '@signoff/sdk';
import { type Context, Hono } from 'hono';
import type { ContentfulStatusCode } from 'hono/utils/http-status';
import { z } from 'zod';
import { readJsonBody } from '../body.ts';
import type { Logger, SimulatorEnv } from '../log.ts';
import { checkConnection, maskConnection } from './connection.ts';
import { type DecisionRefusal, type DeliveryContext, decide, redeliver } from './decide.ts';
import type { ThirdPartyState } from './state.ts';

/** The approver named in a callback when the person deciding gives no name. */
export const DEFAULT_APPROVER_NAME = 'Simulator Approver';

const decisionBodySchema = z.object({
  // The callback's own limit: a longer comment could not be delivered.
  comment: z.string().max(MAX_CALLBACK_COMMENT_LENGTH).optional(),
  approver: z.string().trim().min(1).max(128).optional(),
});

/** Refusals of the decision calls, as HTTP status and a sentence. */
const refusals: Record<
  DecisionRefusal | 'not-decided' | 'in-flight',
  { status: ContentfulStatusCode; code: string; message: string }
> = {
  'not-found': { status: 404, code: 'NOT_FOUND', message: 'No such instance.' },
  'already-final': {
    status: 409,
    code: 'ALREADY_DECIDED',
    message: 'The instance is no longer running; it has been decided or terminated.',
  },
  'no-connection': {
    status: 409,
    code: 'NO_CONNECTION',
    message: 'Save a connection first: the decision has to be sent to its callback URL.',
  },
  'not-decided': {
    status: 409,
    code: 'NOT_DECIDED',
    message: 'The instance has no decision to send yet.',
  },
  'in-flight': {
    status: 409,
    code: 'DELIVERY_IN_FLIGHT',
    message: 'A callback of this instance is queued, delayed or being sent right now.',
  },
};

/**
 * The JSON API behind the console page, also meant for tests and scripts: the instances, the
 * decisions, and the connection form. Secrets never come back out.
 */
export function apiRoutes(state: ThirdPartyState, context: DeliveryContext) {
  return new Hono<SimulatorEnv>()
    .get('/instances', (c) => c.json({ instances: state.instances.list() }))
    .post('/instances/:id/:action{approve|reject}', async (c) => {
      const body = await readJsonBody(c, decisionBodySchema, { emptyAsObject: true });
      if (!body.ok) return c.json({ success: false, code: body.code, message: body.message }, 400);

      const outcome = await decide(
        state,
        c.req.param('id'),
        {
          status: c.req.param('action') === 'approve' ? 'APPROVED' : 'REJECTED',
          comment: body.value.comment ?? '',
          approverName: body.value.approver ?? DEFAULT_APPROVER_NAME,
        },
        { ...context, log: withRequestId(context.log, c.get('requestId')) },
      );
      if (typeof outcome === 'string') return refuse(c, outcome);
      return c.json({ success: true, instance: outcome });
    })
    .post('/instances/:id/redeliver', async (c) => {
      const outcome = await redeliver(state, c.req.param('id'), {
        ...context,
        log: withRequestId(context.log, c.get('requestId')),
      });
      if (typeof outcome === 'string') return refuse(c, outcome);
      return c.json({ success: true, instance: outcome });
    })
    .get('/connection', (c) =>
      c.json({ connection: state.connection ? maskConnection(state.connection) : null }),
    )
    .put('/connection', async (c) => {
      const body = await readJsonBody(c, z.unknown());
      if (!body.ok) return c.json({ success: false, code: body.code, message: body.message }, 400);

      const checked = checkConnection(body.value, state.connection);
      if (!checked.ok) {
        return c.json(
          {
            success: false,
            code: 'INVALID_CONNECTION',
            message: Object.values(checked.fieldErrors).join(' '),
            fieldErrors: checked.fieldErrors,
          },
          400,
        );
      }
      state.connection = checked.connection;
      context.log({ requestId: c.get('requestId'), event: 'connection.saved' });

      return c.json({ success: true, connection: maskConnection(checked.connection) });
    });
}

function refuse(c: Context, outcome: keyof typeof refusals) {
  const { status, code, message } = refusals[outcome];
  return c.json({ success: false, code, message }, status);
}

/** Tags the state-change lines of one request with its id. */
function withRequestId(log: Logger, requestId: string): Logger {
  return (fields) => log({ requestId, ...fields });
}
