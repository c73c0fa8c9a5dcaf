import { type RunningSimulator, startSimulator } from '../server.ts';
import type { CallbackDeliveryOptions } from '../third-party/decide.ts';
import type { PolicyInput } from '../third-party/policy.ts';
import { type ApproverClient, approverClient } from './approver-client.ts';
import { type CallbackReceiver, startCallbackReceiver } from './callback-receiver.ts';
import { connectionValues } from './fixtures.ts';

/** Options of {@link startApprover}. */
export interface StartApproverOptions {
  /** False leaves the connection unsaved. */
  connected?: boolean;
  bodyLimitBytes?: number;
  policy?: PolicyInput;
  /** Defaults to no retries, so a failed delivery is recorded at once. */
  delivery?: CallbackDeliveryOptions;
}

/** A listening simulator connected to a callback receiver, with a client to drive it. */
export interface RunningApprover {
  simulator: RunningSimulator;
  receiver: CallbackReceiver;
  client: ApproverClient;
  /** Every line the simulator logged. */
  logLines: string[];
  close(): Promise<void>;
}

/** Starts a simulator on a free port whose callbacks go to a fresh {@link CallbackReceiver}. */
export async function startApprover(options: StartApproverOptions = {}): Promise<RunningApprover> {
  const receiver = await startCallbackReceiver(connectionValues);
  const logLines: string[] = [];
  const simulator = await startSimulator({
    port: 0,
    print: (line) => logLines.push(line),
    bodyLimitBytes: options.bodyLimitBytes,
    thirdParty: {
      connection:
        options.connected === false
          ? undefined
          : { callbackUrl: receiver.url, ...connectionValues },
      policy: options.policy,
      delivery: options.delivery ?? { retries: 0 },
    },
  });
  return {
    simulator,
    receiver,
    client: approverClient(simulator.url, connectionValues),
    logLines,
    close: async () => {
      await Promise.all([simulator.close(), receiver.close()]);
    },
  };
}
