// Helpers for tests that run the loop through the simulator: a stand-in for Signoff's callback
// endpoint, a client that drives a running simulator, and literal wire values from docs/third-party-contract.md.

export {
  type RunningApprover,
  type StartApproverOptions,
  startApprover,
} from './approver.ts';
export { type ApproverClient, approverClient, type CallQuery } from './approver-client.ts';
export {
  type CallbackArrival,
  type CallbackReceiver,
  type CallbackReceiverOptions,
  startCallbackReceiver,
} from './callback-receiver.ts';
export { connectionValues, submitBody } from './fixtures.ts';
