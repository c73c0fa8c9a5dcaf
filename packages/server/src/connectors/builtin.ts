import type { Connector } from './types.ts';

/**
 * The built-in approval system. Its inbox lives in Signoff's own tables, so there is no
 * connection to test and nothing to send: requests bound to it start `pending` and are never
 * given to the outbox for dispatch.
 */
export const builtinConnector: Connector = {
  kind: 'builtin',

  async testConnection() {
    return {
      ok: true,
      latencyMs: 0,
      message: 'The built-in approval system runs inside Signoff and needs no connection.',
    };
  },

  async submit(_system, command) {
    throw new Error(
      `Request ${command.requestId} was sent to the built-in connector, which never dispatches: ` +
        'built-in requests wait in the inbox as pending.',
    );
  },
};
