import { Hono } from 'hono';
import type { SimulatorEnv } from '../log.ts';
import { apiRoutes } from './api-routes.ts';
import { faultRoutes } from './fault-routes.ts';
import { policyRoutes } from './policy-routes.ts';
import { type ProxyRoutesContext, proxyRoutes } from './proxy-routes.ts';
import type { ThirdPartyState } from './state.ts';

export type { ThirdPartyConnection } from './connection.ts';
export type { CallbackDeliveryOptions } from './decide.ts';
export {
  type ArmedFault,
  FAULT_KINDS,
  type FaultKind,
  type FiredFault,
} from './faults.ts';
export type {
  ApprovalInstance,
  CallbackEvent,
  Decision,
  Delivery,
  DeliveryRecord,
  InstanceStatus,
  SubmitRecord,
} from './instances.ts';
export { MANUAL_POLICY, type Policy, type PolicyInput, type RejectRules } from './policy.ts';
export { ThirdPartyState, type ThirdPartyStateOptions } from './state.ts';

/**
 * The third-party approver, meant to be mounted at `/third-party`: the wire calls Signoff makes at
 * the root of the sub-app, and the console's JSON API under `/api`.
 */
export function thirdPartyApp(state: ThirdPartyState, context: ProxyRoutesContext) {
  return new Hono<SimulatorEnv>()
    .route('/', proxyRoutes(state, context))
    .route('/api', apiRoutes(state, context))
    .route('/api/policy', policyRoutes(state, context.log))
    .route('/api/faults', faultRoutes(state, context.log));
}
