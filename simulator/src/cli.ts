#!/usr/bin/env -S node --import tsx
// signoff-simulator [--port N] [--host H]: runs the simulator until interrupted.

import { type CliArgs, parseCliArgs, usage } from './cli-args.ts';
import { startSimulator } from './server.ts';

let args: CliArgs;
try {
  args = parseCliArgs(process.argv.slice(2));
} catch (error) {
  console.error(`${error instanceof Error ? error.message : error}\n\n${usage}`);
  process.exit(2);
}

if (args.help) {
  console.log(usage);
} else {
  const simulator = await startSimulator({ port: args.port, host: args.host });
  console.log(`Signoff simulator console: ${simulator.url}/`);
  console.log(`Third-party Submit Approval Request URL: ${simulator.url}/third-party`);

  const stop = () => {
    simulator.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}
