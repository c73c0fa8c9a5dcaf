import { Hono } from 'hono';
import { readJsonBody } from '../body.ts';
import type { Logger, SimulatorEnv } from '../log.ts';
import { armFaultSchema, FAULT_KINDS, type FaultKind } from './faults.ts';
import type { ThirdPartyState } from './state.ts';

/** Matches a fault kind in a path, so an unknown one falls through to the JSON 404. */
const kindParam = `:kind{${FAULT_KINDS.join('|')}}`;

/**
 * `/third-party/api/faults`: faults on demand. `PUT /:kind` arms one for the next `times` calls
 * (decisions, for callback faults), or until cleared when `times` is left out; `DELETE /:kind`
 * clears one and `DELETE /` clears them all. `GET /` lists the armed faults and those that fired.
 */
export function faultRoutes(state: ThirdPartyState, log: Logger) {
  const list = () => ({ faults: state.faults.armed(), fired: state.faults.fired() });

  return new Hono<SimulatorEnv>()
    .get('/', (c) => c.json(list()))
    .put(`/${kindParam}`, async (c) => {
      const kind = c.req.param('kind') as FaultKind;
      const body = await readJsonBody(c, armFaultSchema, { emptyAsObject: true });
      if (!body.ok) {
        const code = body.code === 'INVALID_REQUEST' ? 'INVALID_FAULT' : body.code;
        return c.json({ success: false, code, message: body.message }, 400);
      }

      const fault = state.faults.arm(kind, body.value);
      log({
        requestId: c.get('requestId'),
        event: 'fault.armed',
        fault: kind,
        times: fault.remaining ?? 'until-cleared',
      });
      return c.json({ success: true, fault, ...list() });
    })
    .delete(`/${kindParam}`, (c) => {
      const kind = c.req.param('kind') as FaultKind;
      state.faults.clear(kind);
      log({ requestId: c.get('requestId'), event: 'fault.cleared', fault: kind });
      return c.json({ success: true, ...list() });
    })
    .delete('/', (c) => {
      state.faults.clear();
      log({ requestId: c.get('requestId'), event: 'fault.cleared', fault: 'all' });
      return c.json({ success: true, ...list() });
    });
}
