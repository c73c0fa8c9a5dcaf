// Starts Signoff's processes (server, simulator, demo portal) as real child processes. Used by
// `npm start` and by the end-to-end tests, so both run the loop exactly the same way.
import { type ChildProcess, execFileSync, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('..', import.meta.url));

export interface Launched {
  name: string;
  url: string;
  child: ChildProcess;
  /** Everything the process printed, for diagnosing a failed start or test. */
  output(): string;
  stop(): Promise<void>;
}

export interface LaunchOptions {
  name: string;
  /** A TypeScript entry point, relative to the repository root. */
  entry: string;
  args?: string[];
  /** Extra options for node itself, such as `--cpu-prof` when profiling. */
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** Polled until it answers; then the process counts as started. */
  readyUrl: string;
  url: string;
  /** Print the child's output as it comes (npm start) or keep it quiet (tests). */
  echo?: boolean;
  timeoutMs?: number;
}

/** Spawns `node --import tsx <entry>` in its own process group and waits until it answers. */
export async function launch(options: LaunchOptions): Promise<Launched> {
  const nodeArgs = [...(options.nodeArgs ?? []), '--import', 'tsx', options.entry];
  const child = spawn(process.execPath, [...nodeArgs, ...(options.args ?? [])], {
    cwd: repoRoot,
    env: { ...process.env, ...options.env },
    // Its own group, so stopping it also stops anything it started.
    detached: true,
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const collect = (chunk: Buffer) => {
    const text = chunk.toString();
    output = (output + text).slice(-200_000);
    if (options.echo) process.stdout.write(prefixLines(options.name, text));
  };
  child.stdout?.on('data', collect);
  child.stderr?.on('data', collect);

  const launched: Launched = {
    name: options.name,
    url: options.url,
    child,
    output: () => output,
    stop: () => stopGroup(child),
  };

  const deadline = Date.now() + (options.timeoutMs ?? 60_000);
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`${options.name} exited with code ${child.exitCode}:\n${output}`);
    }
    try {
      const response = await fetch(options.readyUrl, { signal: AbortSignal.timeout(1000) });
      // Only an answer while our child still runs counts: another process on the port may
      // answer too (launchLoop checks the ports first, this is the second guard).
      if (response.status < 500 && child.exitCode === null) return launched;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 150));
  }
  await launched.stop();
  throw new Error(`${options.name} did not answer at ${options.readyUrl} in time:\n${output}`);
}

function stopGroup(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.pid === undefined) return Promise.resolve();
  return new Promise((resolve) => {
    // Generous, so a process writing a CPU profile on exit can finish.
    const timer = setTimeout(() => signalGroup(child.pid!, 'SIGKILL'), 15_000);
    child.once('exit', () => {
      clearTimeout(timer);
      resolve();
    });
    signalGroup(child.pid!, 'SIGTERM');
  });
}

function signalGroup(pid: number, signal: NodeJS.Signals): void {
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}

function prefixLines(name: string, text: string): string {
  return text
    .split('\n')
    .map((line, index, lines) =>
      index === lines.length - 1 && line === '' ? '' : `[${name}] ${line}\n`,
    )
    .join('');
}

/** A free TCP port on 127.0.0.1, chosen by the system. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === 'object') resolve(address.port);
        else reject(new Error('Could not find a free port.'));
      });
    });
  });
}

export interface LoopPorts {
  server: number;
  simulator: number;
  demo: number;
}

export interface LoopOptions {
  ports: LoopPorts;
  dataDir: string;
  echo?: boolean;
  extraServerEnv?: Record<string, string>;
}

/**
 * Starts the whole loop on the embedded default: the server on SQLite with development sign-in,
 * the simulator beside it (the only loopback address the server may call), and the demo portal.
 */
export async function launchLoop(options: LoopOptions): Promise<Launched[]> {
  const host = '127.0.0.1';
  await assertPortsFree(host, options.ports);
  const serverUrl = `http://${host}:${options.ports.server}`;
  const simulatorUrl = `http://${host}:${options.ports.simulator}`;
  const demoUrl = `http://${host}:${options.ports.demo}`;
  const started: Launched[] = [];
  try {
    started.push(
      await launch({
        name: 'server',
        entry: 'packages/server/src/main.ts',
        url: serverUrl,
        readyUrl: `${serverUrl}/api/health`,
        echo: options.echo,
        env: {
          HOST: host,
          PORT: String(options.ports.server),
          PUBLIC_BASE_URL: serverUrl,
          DATA_DIR: options.dataDir,
          DEV_SIGN_IN: 'true',
          CORS_ORIGINS: `${demoUrl},http://localhost:${options.ports.demo}`,
          // The simulator, plus whatever the user allows (their own proxy on this machine).
          OUTBOUND_ALLOW: [
            `${host}:${options.ports.simulator}`,
            `localhost:${options.ports.simulator}`,
            process.env.OUTBOUND_ALLOW ?? '',
          ]
            .filter(Boolean)
            .join(','),
          ...options.extraServerEnv,
        },
      }),
    );
    started.push(
      await launch({
        name: 'simulator',
        entry: 'simulator/src/cli.ts',
        args: ['--port', String(options.ports.simulator), '--host', host],
        url: simulatorUrl,
        readyUrl: `${simulatorUrl}/`,
        echo: options.echo,
      }),
    );
    started.push(
      await launch({
        name: 'demo',
        entry: 'demo/server.ts',
        args: [
          '--port',
          String(options.ports.demo),
          '--host',
          host,
          '--api-base',
          serverUrl,
          '--simulator',
          simulatorUrl,
        ],
        url: demoUrl,
        readyUrl: `${demoUrl}/demo-config.json`,
        echo: options.echo,
      }),
    );
    return started;
  } catch (error) {
    await Promise.all(started.map((p) => p.stop()));
    throw error;
  }
}

/** Builds the demo portal into demo/dist with Vite (a few seconds). */
export function buildDemo(): void {
  execFileSync(
    process.execPath,
    [
      'node_modules/vite/bin/vite.js',
      'build',
      '--config',
      'demo/vite.config.ts',
      '--logLevel',
      'warn',
    ],
    { cwd: repoRoot, stdio: 'inherit' },
  );
}

const portVariables: Record<keyof LoopPorts, string> = {
  server: 'SIGNOFF_PORT',
  simulator: 'SIMULATOR_PORT',
  demo: 'DEMO_PORT',
};

/** Refuses to start when a port is taken, naming it and the variable that moves it. */
async function assertPortsFree(host: string, ports: LoopPorts): Promise<void> {
  const taken: string[] = [];
  for (const [name, port] of Object.entries(ports) as Array<[keyof LoopPorts, number]>) {
    if (!(await isPortFree(host, port))) {
      taken.push(
        `  ${name}: port ${port} on ${host} is in use (set ${portVariables[name]} to use another)`,
      );
    }
  }
  if (taken.length > 0) {
    throw new Error(`Cannot start:\n${taken.join('\n')}\nIs Signoff already running?`);
  }
}

function isPortFree(host: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const probe = createServer();
    probe.once('error', () => resolve(false));
    probe.listen(port, host, () => probe.close(() => resolve(true)));
  });
}
