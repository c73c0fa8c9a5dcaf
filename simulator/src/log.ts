import { createMiddleware } from 'hono/factory';

/** Receives each finished log line; replace it to silence the simulator or to capture lines. */
export type LinePrinter = (line: string) => void;

/** Values a log line may carry. Never pass a secret, a token or a callback body. */
export type LogFields = Record<string, string | number | boolean | undefined>;

/**
 * Formats fields as `key=value` pairs. Values that come from outside (an applyId, a path) are
 * quoted when they hold spaces, quotes or control characters, so one event stays one line.
 */
export function formatLine(fields: LogFields): string {
  return Object.entries(fields)
    .filter((entry): entry is [string, string | number | boolean] => entry[1] !== undefined)
    .map(([key, value]) => `${key}=${formatValue(value)}`)
    .join(' ');
}

function formatValue(value: string | number | boolean): string {
  const text = String(value);
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are the point.
  return /^[^\s"\u0000-\u001f\u007f]+$/.test(text) ? text : JSON.stringify(text);
}

/** A logger bound to one printer: `log({ event: 'instance.created', applyId })`. */
export type Logger = (fields: LogFields) => void;

export function createLogger(print: LinePrinter): Logger {
  return (fields) => print(formatLine({ at: new Date().toISOString(), ...fields }));
}

/** Context variables the simulator's middleware sets, typed for every handler. */
export interface SimulatorEnv {
  Variables: { requestId: string };
}

/**
 * One line per request: method, path (never the query string, which carries the Access Token),
 * status and duration, tagged with a short request id that is also sent back as `X-Request-Id`.
 */
export function requestLog(log: Logger) {
  return createMiddleware<SimulatorEnv>(async (c, next) => {
    const requestId = crypto.randomUUID().slice(0, 8);
    const started = performance.now();
    c.set('requestId', requestId);
    c.header('X-Request-Id', requestId);

    await next();

    log({
      requestId,
      method: c.req.method,
      path: c.req.path,
      status: c.res.status,
      ms: Math.round(performance.now() - started),
    });
  });
}
