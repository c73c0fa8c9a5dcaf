import { Hono } from 'hono';
import type { Logger, SimulatorEnv } from '../log.ts';
import { apiRoutes } from './api-routes.ts';
import type { CallbackDeliveryOptions } from './decide.ts';
import { proxyRoutes } from './proxy-routes.ts';
import type { ThirdPartyState } from './state.ts';

export type { ThirdPartyConnection } from './connection.ts';
export type { CallbackDeliveryOptions } from './decide.ts';
export type { ApprovalInstance, Delivery, InstanceStatus } from './instances.ts';
export { ThirdPartyState } from './state.ts';

/**
 * The third-party approver, meant to be mounted at `/third-party`: the wire calls Signoff makes at
 * the root of the sub-app, and the console's JSON API under `/api`.
 */
export function thirdPartyApp(
  state: ThirdPartyState,
  context: { delivery: CallbackDeliveryOptions; log: Logger },
) {
  return new Hono<SimulatorEnv>()
    .route('/', proxyRoutes(state, context.log))
    .route('/api', apiRoutes(state, context));
}
