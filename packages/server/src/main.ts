#!/usr/bin/env -S node --import tsx
// Starts one Signoff server process. Several may share one SQLite data folder on one machine.
import { loadConfig } from './config.ts';
import { createSignoff } from './server.ts';

let config: ReturnType<typeof loadConfig>;
try {
  config = loadConfig();
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}

let signoff: Awaited<ReturnType<typeof createSignoff>>;
try {
  signoff = await createSignoff(config);
} catch (error) {
  // A bad key file or an unreadable data folder: say what, without a stack trace.
  console.error(`Signoff could not start: ${error instanceof Error ? error.message : error}`);
  process.exit(1);
}
const { url } = await signoff.listen();
signoff.log.info(
  {
    url,
    publicBaseUrl: config.publicBaseUrl,
    dataDir: config.dataDir,
    devSignIn: config.devSignIn,
  },
  'Signoff server listening',
);

let closing = false;
const shutdown = async (signal: string) => {
  if (closing) return;
  closing = true;
  signoff.log.info({ signal }, 'shutting down');
  await signoff.close();
  process.exit(0);
};
process.on('SIGINT', () => void shutdown('SIGINT'));
process.on('SIGTERM', () => void shutdown('SIGTERM'));
