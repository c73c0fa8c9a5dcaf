// Helpers for tests that run the loop through the simulator: a stand-in for Signoff's callback
// endpoint, and literal wire values from protocols.md.

export {
  type CallbackReceiver,
  type CallbackReceiverOptions,
  startCallbackReceiver,
} from './callback-receiver.ts';
export { connectionValues, submitBody } from './fixtures.ts';
