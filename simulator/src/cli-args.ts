import { parseArgs } from 'node:util';
import {
  DEFAULT_CALLBACK_HOST,
  DEFAULT_CALLBACK_PORT,
  DEFAULT_CALLBACK_TIMEOUT_MS,
  type VerifyProxyOptions,
} from './kit/verify.ts';
import { DEFAULT_HOST, DEFAULT_PORT } from './server.ts';

/** The help text of `signoff-simulator`. */
export const usage = `Usage: signoff-simulator [--port N] [--host H]
       signoff-simulator verify --proxy URL --access-token T --aes-key K --tenant-id ID [options]

Runs stand-ins for the approval systems Signoff talks to, with a console page.
  --port N   port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H   address to bind (default ${DEFAULT_HOST})
  --help     show this text

"verify" checks a proxy application against Signoff's third-party contract
(signoff-simulator verify --help says more).`;

/** The help text of `signoff-simulator verify`. */
export const verifyUsage = `Usage: signoff-simulator verify --proxy URL --access-token T --aes-key K --tenant-id ID
         [--callback-host H] [--callback-port N] [--callback-timeout S]

Plays Signoff's side against a running proxy application and reports, check by check, whether
it keeps the third-party contract. Point the proxy's callback URL at the address printed at
start; decide the kit's request in the approval system when asked.
  --proxy URL            the proxy's Submit Approval Request URL
  --access-token T       the Access Token the proxy is configured with
  --aes-key K            the Encoding AES Key (43 letters and digits)
  --tenant-id ID         the Tenant ID the proxy uses as the callbacks' owner key
  --callback-host H      address the kit listens on for callbacks (default ${DEFAULT_CALLBACK_HOST})
  --callback-port N      port the kit listens on for callbacks (default ${DEFAULT_CALLBACK_PORT})
  --callback-timeout S   seconds to wait for the callback (default ${DEFAULT_CALLBACK_TIMEOUT_MS / 1000})
  --help                 show this text
Exit status: 0 when every check passes, 1 when one fails, 2 for a usage error.`;

/** What the command line asks for: run the simulator, or verify a proxy. */
export type CliArgs =
  | { command: 'serve'; port: number; host: string; help: boolean }
  | { command: 'verify'; help: boolean; options: VerifyProxyOptions };

/** Reads the command line; throws with a readable message on anything it does not know. */
export function parseCliArgs(args: string[]): CliArgs {
  if (args[0] === 'verify') return parseVerifyArgs(args.slice(1));

  const { values } = parseArgs({
    args,
    options: {
      port: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });

  const port = values.port === undefined ? DEFAULT_PORT : readPort('--port', values.port);
  if (values.host !== undefined && values.host.trim() === '') {
    throw new Error('--host must not be empty.');
  }
  return { command: 'serve', port, host: values.host ?? DEFAULT_HOST, help: values.help ?? false };
}

function parseVerifyArgs(args: string[]): CliArgs {
  const { values } = parseArgs({
    args,
    options: {
      proxy: { type: 'string' },
      'access-token': { type: 'string' },
      'aes-key': { type: 'string' },
      'tenant-id': { type: 'string' },
      'callback-host': { type: 'string' },
      'callback-port': { type: 'string' },
      'callback-timeout': { type: 'string' },
      help: { type: 'boolean' },
    },
    strict: true,
    allowPositionals: false,
  });
  const help = values.help ?? false;
  const required = ['proxy', 'access-token', 'aes-key', 'tenant-id'] as const;
  const missing = required.filter((name) => !values[name]?.trim());
  if (!help && missing.length > 0) {
    throw new Error(`verify needs ${missing.map((name) => `--${name}`).join(', ')}.`);
  }

  const timeout = values['callback-timeout'];
  const seconds = timeout === undefined ? undefined : Number(timeout);
  if (seconds !== undefined && (!Number.isInteger(seconds) || seconds < 1 || seconds > 3600)) {
    throw new Error(
      `--callback-timeout must be a whole number of seconds from 1 to 3600, not "${timeout}".`,
    );
  }
  const port = values['callback-port'];
  return {
    command: 'verify',
    help,
    options: {
      proxyUrl: values.proxy ?? '',
      accessToken: values['access-token'] ?? '',
      encodingAesKey: values['aes-key'] ?? '',
      tenantId: values['tenant-id'] ?? '',
      callbackHost: values['callback-host'] ?? DEFAULT_CALLBACK_HOST,
      callbackPort: port === undefined ? DEFAULT_CALLBACK_PORT : readPort('--callback-port', port),
      callbackTimeoutMs: (seconds ?? DEFAULT_CALLBACK_TIMEOUT_MS / 1000) * 1000,
    },
  };
}

function readPort(name: string, value: string): number {
  const port = Number(value);
  if (value.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`${name} must be a whole number from 0 to 65535, not "${value}".`);
  }
  return port;
}
