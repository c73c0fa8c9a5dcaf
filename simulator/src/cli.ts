#!/usr/bin/env -S node --import tsx
// signoff-simulator [--port N] [--host H]: runs the simulator until interrupted.
// signoff-simulator verify …: checks a proxy against the third-party contract (src/kit/).

import { type CliArgs, parseCliArgs, usage, verifyUsage } from './cli-args.ts';
import { runVerify } from './kit/run.ts';
import { startSimulator } from './server.ts';

let args: CliArgs;
try {
  args = parseCliArgs(process.argv.slice(2));
} catch (error) {
  const help = process.argv[2] === 'verify' ? verifyUsage : usage;
  console.error(`${error instanceof Error ? error.message : error}\n\n${help}`);
  process.exit(2);
}

if (args.help) {
  console.log(args.command === 'verify' ? verifyUsage : usage);
} else if (args.command === 'verify') {
  process.exitCode = await runVerify(args.options, {
    out: (line) => console.log(line),
    err: (line) => console.error(line),
  });
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
