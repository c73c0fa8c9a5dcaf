import { parseArgs } from 'node:util';
import { DEFAULT_HOST, DEFAULT_PORT } from './server.ts';

/** The command line's help text. */
export const usage = `Usage: signoff-simulator [--port N] [--host H]

Runs stand-ins for the approval systems Signoff talks to, with a console page.
  --port N   port to listen on (default ${DEFAULT_PORT}; 0 picks a free one)
  --host H   address to bind (default ${DEFAULT_HOST})
  --help     show this text`;

/** What the command line asks for. */
export interface CliArgs {
  port: number;
  host: string;
  help: boolean;
}

/** Reads the command line; throws with a readable message on anything it does not know. */
export function parseCliArgs(args: string[]): CliArgs {
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

  const port = values.port === undefined ? DEFAULT_PORT : Number(values.port);
  if (values.port?.trim() === '' || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new Error(`--port must be a whole number from 0 to 65535, not "${values.port}".`);
  }
  if (values.host !== undefined && values.host.trim() === '') {
    throw new Error('--host must not be empty.');
  }
  return { port, host: values.host ?? DEFAULT_HOST, help: values.help ?? false };
}
