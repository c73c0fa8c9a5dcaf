import pino, { type Logger } from 'pino';

// Paths that could carry a secret if someone logs a whole object by mistake. Routes log ids
// and outcomes only; this is the second line of defence.
const redactPaths = [
  'accessToken',
  'encodingAesKey',
  'appSecret',
  'token',
  'authorization',
  '*.accessToken',
  '*.encodingAesKey',
  '*.appSecret',
  '*.token',
  '*.authorization',
  'req.headers.authorization',
];

/** The server's logger: one JSON line per event, secrets censored. */
export function createLogger(level: string, destination?: pino.DestinationStream): Logger {
  return pino(
    {
      level,
      base: { service: 'signoff-server' },
      redact: { paths: redactPaths, censor: '[redacted]' },
    },
    destination,
  );
}
