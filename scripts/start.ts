// `npm start`: the whole loop on the embedded default. Builds the demo portal and packs the SDK
// (which the settings page offers for download), then starts the server (SQLite in ./data,
// created and migrated on first start), the simulator and the demo.
import { resolve } from 'node:path';
import { buildDemo, launchLoop, repoRoot } from './launch.ts';
import { packSdk } from './pack-sdk.ts';

const ports = {
  server: Number(process.env.SIGNOFF_PORT ?? 8787),
  simulator: Number(process.env.SIMULATOR_PORT ?? 8788),
  demo: Number(process.env.DEMO_PORT ?? 5173),
};
const dataDir = resolve(repoRoot, process.env.DATA_DIR ?? 'data');

console.log('Building the demo portal…');
buildDemo();
console.log('Packing the SDK…');
packSdk();

let processes: Awaited<ReturnType<typeof launchLoop>>;
try {
  processes = await launchLoop({ ports, dataDir, echo: true });
} catch (error) {
  console.error(error instanceof Error ? error.message : error);
  process.exit(1);
}
const [server, simulator, demo] = processes;
const gone = processes.find((p) => p.child.exitCode !== null);
if (gone) {
  console.error(`${gone.name} stopped while starting:\n${gone.output()}`);
  await Promise.all(processes.map((p) => p.stop()));
  process.exit(1);
}

console.log(`
Signoff is running on the embedded default (SQLite in ${dataDir}).

  Demo portal        ${demo?.url}
  Simulator console  ${simulator?.url}
  Signoff API        ${server?.url}

Sign in to the portal as Sam Okafor (system administrator) to configure approval settings, and
as Rita Alvarez (requester) to request access. Press Ctrl+C to stop.
`);

let stopping = false;
const stopAll = async () => {
  if (stopping) return;
  stopping = true;
  await Promise.all(processes.map((p) => p.stop()));
  process.exit(0);
};
process.on('SIGINT', stopAll);
process.on('SIGTERM', stopAll);
for (const p of processes) {
  p.child.once('exit', (code) => {
    if (stopping) return;
    console.error(`${p.name} stopped unexpectedly (exit code ${code}); stopping the others.`);
    void stopAll().then(() => process.exit(1));
  });
}
