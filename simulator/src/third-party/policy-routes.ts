import { Hono } from 'hono';
import { z } from 'zod';
import { readJsonBody } from '../body.ts';
import type { Logger, SimulatorEnv } from '../log.ts';
import { checkPolicy, describePolicy, type Policy } from './policy.ts';
import type { ThirdPartyState } from './state.ts';

/**
 * `/third-party/api/policy`: what the approver does on its own with new instances. A saved policy
 * applies to submits that arrive after it; instances already waiting keep waiting for a person.
 */
export function policyRoutes(state: ThirdPartyState, log: Logger) {
  return new Hono<SimulatorEnv>()
    .get('/', (c) => c.json(view(state.policy)))
    .put('/', async (c) => {
      const body = await readJsonBody(c, z.unknown());
      if (!body.ok) return c.json({ success: false, code: body.code, message: body.message }, 400);

      const checked = checkPolicy(body.value);
      if (!checked.ok) {
        return c.json(
          {
            success: false,
            code: 'INVALID_POLICY',
            message: Object.values(checked.fieldErrors).join(' '),
            fieldErrors: checked.fieldErrors,
          },
          400,
        );
      }
      state.policy = checked.policy;
      log({ requestId: c.get('requestId'), event: 'policy.saved' });

      return c.json({ success: true, ...view(checked.policy) });
    });
}

function view(policy: Policy) {
  return { policy, summary: describePolicy(policy) };
}
