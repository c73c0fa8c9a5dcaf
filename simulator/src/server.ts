import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { serve } from '@hono/node-server';
import { createSimulatorApp, type SimulatorOptions } from './app.ts';

/** The simulator's port unless told otherwise (the server uses 8787). */
export const DEFAULT_PORT = 8788;
/** Loopback only unless told otherwise: the simulator has no authentication of its own. */
export const DEFAULT_HOST = '127.0.0.1';

/** Options of {@link startSimulator}: where to listen, plus everything the app takes. */
export interface StartSimulatorOptions extends SimulatorOptions {
  /** 0 picks a free port; the real one is in the returned `url`. */
  port?: number;
  host?: string;
}

/** A running simulator. */
export interface RunningSimulator {
  /** Its address as actually bound, such as `http://127.0.0.1:40123` (no trailing slash). */
  url: string;
  /** Stops listening and drops open connections; resolves once the server is closed. */
  close(): Promise<void>;
}

/** Starts the simulator over HTTP and resolves once it listens. */
export function startSimulator(options: StartSimulatorOptions = {}): Promise<RunningSimulator> {
  const { port = DEFAULT_PORT, host = DEFAULT_HOST, ...appOptions } = options;
  // Stops the app's timers when the server closes: no approval or callback fires after close().
  const stopping = new AbortController();
  const signal = appOptions.signal
    ? AbortSignal.any([appOptions.signal, stopping.signal])
    : stopping.signal;
  const app = createSimulatorApp({ ...appOptions, signal });

  return new Promise((resolve, reject) => {
    const server = serve({ fetch: app.fetch, port, hostname: host }, (info) => {
      server.off('error', onListenError);
      const close = () => {
        stopping.abort();
        return closeServer(server as Server);
      };
      resolve({ url: addressToUrl(info), close });
    });
    // EADDRINUSE and the like arrive here, before the listening callback.
    const onListenError = (error: Error) => {
      stopping.abort();
      reject(error);
    };
    server.once('error', onListenError);
  });
}

function addressToUrl(info: AddressInfo): string {
  // A wildcard address is not somewhere to send a browser; the local machine is.
  const unspecified = info.address === '0.0.0.0' || info.address === '::';
  const host = unspecified
    ? 'localhost'
    : info.family === 'IPv6'
      ? `[${info.address}]`
      : info.address;
  return `http://${host}:${info.port}`;
}

function closeServer(server: Server): Promise<void> {
  // Closing twice is harmless: a test may stop the simulator early, and its cleanup again.
  if (!server.listening) return Promise.resolve();
  return new Promise((resolve, reject) => {
    server.close((error) => (error ? reject(error) : resolve()));
    // Keep-alive connections would otherwise hold close() open for seconds.
    server.closeAllConnections();
  });
}
