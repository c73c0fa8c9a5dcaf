import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { HTTPException } from 'hono/http-exception';
import { consoleRoutes } from './console/index.ts';
import { createLogger, type LinePrinter, requestLog, type SimulatorEnv } from './log.ts';
import { checkConnection, type ThirdPartyConnection } from './third-party/connection.ts';
import type { CallbackDeliveryOptions } from './third-party/decide.ts';
import { ThirdPartyState, thirdPartyApp } from './third-party/index.ts';
import { checkPolicy, type PolicyInput } from './third-party/policy.ts';

/** Largest request body the simulator reads, on any route: 256 KiB, as the SDK advises proxies. */
export const DEFAULT_BODY_LIMIT_BYTES = 256 * 1024;

/** Options of {@link createSimulatorApp}; every one has a default fit for a person at a console. */
export interface SimulatorOptions {
  /** Receives each log line; defaults to `console.log`. Pass `() => {}` to silence the simulator. */
  print?: LinePrinter;
  /** Defaults to {@link DEFAULT_BODY_LIMIT_BYTES}. */
  bodyLimitBytes?: number;
  /** Abort it to stop the app's timers (automatic approvals, delayed callbacks, held replies). */
  signal?: AbortSignal;
  thirdParty?: {
    /** A connection to start with, as if saved on the console; validated like the form. */
    connection?: ThirdPartyConnection;
    /** A policy to start with instead of the manual one; validated like the form. */
    policy?: PolicyInput;
    /** How decision callbacks are sent; tests shorten the retries. */
    delivery?: CallbackDeliveryOptions;
  };
}

/**
 * Builds the simulator: the third-party approver under `/third-party`, and the console at `/`.
 * Each app keeps its own state in memory; two apps share nothing.
 */
export function createSimulatorApp(options: SimulatorOptions = {}) {
  const log = createLogger(options.print ?? console.log);
  const thirdParty = new ThirdPartyState({
    connection: initialConnection(options.thirdParty?.connection),
    policy: initialPolicy(options.thirdParty?.policy),
    signal: options.signal,
  });
  const maxSize = options.bodyLimitBytes ?? DEFAULT_BODY_LIMIT_BYTES;

  const app = new Hono<SimulatorEnv>()
    .use(requestLog(log))
    .use(
      bodyLimit({
        maxSize,
        onError: (c) =>
          c.json(
            {
              success: false,
              code: 'PAYLOAD_TOO_LARGE',
              message: `The request body is larger than ${maxSize} bytes.`,
            },
            413,
          ),
      }),
    )
    .route(
      '/third-party',
      thirdPartyApp(thirdParty, {
        delivery: options.thirdParty?.delivery ?? {},
        log,
        bodyLimitBytes: maxSize,
      }),
    )
    .route('/', consoleRoutes(thirdParty));

  app.notFound((c) =>
    c.json(
      { success: false, code: 'NOT_FOUND', message: `No route for ${c.req.method} ${c.req.path}.` },
      404,
    ),
  );
  app.onError((error, c) => {
    if (error instanceof HTTPException) {
      return c.json({ success: false, code: 'HTTP_ERROR', message: error.message }, error.status);
    }
    // Logged once here; the caller gets no internals.
    log({ requestId: c.get('requestId'), event: 'error', error: String(error) });
    return c.json(
      { success: false, code: 'INTERNAL_ERROR', message: 'The simulator failed.' },
      500,
    );
  });
  return app;
}

/** The type of the simulator's app, for a typed `hc` client in tests and scripts. */
export type SimulatorApp = ReturnType<typeof createSimulatorApp>;

function initialConnection(connection: ThirdPartyConnection | undefined) {
  if (!connection) return undefined;
  const checked = checkConnection(connection, undefined);
  if (!checked.ok) {
    throw new TypeError(
      `Invalid thirdParty.connection: ${Object.values(checked.fieldErrors).join(' ')}`,
    );
  }
  return checked.connection;
}

function initialPolicy(policy: PolicyInput | undefined) {
  if (!policy) return undefined;
  const checked = checkPolicy(policy);
  if (!checked.ok) {
    throw new TypeError(
      `Invalid thirdParty.policy: ${Object.values(checked.fieldErrors).join(' ')}`,
    );
  }
  return checked.policy;
}
