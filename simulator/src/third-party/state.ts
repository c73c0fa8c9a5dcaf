import type { ThirdPartyConnection } from './connection.ts';
import { InstanceStore } from './instances.ts';

/**
 * Everything the third-party approver remembers, in memory: the connection saved on its console
 * and the instances Signoff submitted. One object, shared by the wire calls and the console API.
 */
export class ThirdPartyState {
  /** Unset until someone saves the connection form (or a test passes one in). */
  connection: ThirdPartyConnection | undefined;
  readonly instances = new InstanceStore();

  constructor(connection?: ThirdPartyConnection) {
    this.connection = connection;
  }
}
