// Public API of @signoff/simulator: build the app to mount or test in-process, or start it over
// HTTP. The command line (`signoff-simulator`) is src/cli.ts.

export {
  createSimulatorApp,
  DEFAULT_BODY_LIMIT_BYTES,
  type SimulatorApp,
  type SimulatorOptions,
} from './app.ts';
export type { LinePrinter } from './log.ts';
export {
  DEFAULT_HOST,
  DEFAULT_PORT,
  type RunningSimulator,
  type StartSimulatorOptions,
  startSimulator,
} from './server.ts';
export {
  type ApprovalInstance,
  type ArmedFault,
  type CallbackDeliveryOptions,
  type CallbackEvent,
  type Decision,
  type Delivery,
  type DeliveryRecord,
  FAULT_KINDS,
  type FaultKind,
  type FiredFault,
  type InstanceStatus,
  MANUAL_POLICY,
  type Policy,
  type PolicyInput,
  type RejectRules,
  type SubmitRecord,
  type ThirdPartyConnection,
} from './third-party/index.ts';
