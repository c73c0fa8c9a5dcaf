// The SDK as a proxy author gets it: `npm run pack:sdk`'s tarball, installed with npm into an empty
// folder outside the repository (so no workspace link can help), running the example proxy of
// docs/third-party-contract.md with Node alone. About a minute: it packs, and npm installs zod from
// the registry.
import { spawnSync } from 'node:child_process';
import { lstat, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { THIRD_PARTY_CALLBACK_PATH } from '@signoff/sdk';
import { verifyProxy } from '@signoff/simulator/kit';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from '../../scripts/launch.ts';
import { packSdk } from '../../scripts/pack-sdk.ts';
import {
  EXAMPLE_FILE,
  exampleProxyChecks,
  extractExample,
  newConfiguration,
  type RunningExample,
  startCallbackReceiver,
  startProxyProcess,
  typeCheckExample,
} from './proxy-harness.ts';

let folder: string;
let running: RunningExample | undefined;

/** Runs a command in the install folder and fails with its output when it fails. */
function run(command: string, args: string[]): string {
  const result = spawnSync(command, args, { cwd: folder, encoding: 'utf8' });
  if (result.status !== 0) {
    throw new Error(`${command} ${args.join(' ')} failed:\n${result.stdout}\n${result.stderr}`);
  }
  return result.stdout;
}

beforeAll(async () => {
  const { tarball } = packSdk();
  folder = await mkdtemp(join(tmpdir(), 'signoff-sdk-install-'));
  run('npm', ['init', '-y']);
  run('npm', ['install', '--no-audit', '--no-fund', tarball]);
  await writeFile(join(folder, EXAMPLE_FILE), extractExample());

  const config = newConfiguration();
  const receiver = await startCallbackReceiver(config);
  const proxy = await startProxyProcess({
    cwd: folder,
    file: EXAMPLE_FILE,
    port: await freePort(),
    config,
    callbackUrl: receiver.url,
    approveAfterMs: 200,
  });
  running = { proxy, receiver, config };
}, 180_000);

afterAll(async () => {
  await running?.proxy.stop();
  await running?.receiver.close();
  if (folder) await rm(folder, { recursive: true, force: true });
});

describe('the packed SDK, installed from its tarball', () => {
  it('is a real copy with its compiled entry points, not a link into the repository', async () => {
    const installed = join(folder, 'node_modules/@signoff/sdk');

    const manifest = JSON.parse(await readFile(join(installed, 'package.json'), 'utf8'));

    expect((await lstat(installed)).isSymbolicLink()).toBe(false);
    expect(manifest.exports).toEqual({
      '.': { types: './index.d.ts', default: './index.js' },
      './hono': { types: './hono.d.ts', default: './hono.js' },
      './node': { types: './node.d.ts', default: './node.js' },
    });
    expect(manifest).toMatchObject({ license: 'Apache-2.0', engines: { node: '>=20.19' } });
    expect(manifest.peerDependenciesMeta).toEqual({ hono: { optional: true } });
    expect(await readFile(join(installed, 'README.md'), 'utf8')).toContain('third-party-contract');
    await expect(lstat(join(installed, 'proxy.test.js'))).rejects.toThrow();
    // Hono is an optional peer: the example proxy runs without it.
    await expect(lstat(join(folder, 'node_modules/hono'))).rejects.toThrow();
  });

  it("gives TypeScript users the example's types from its declarations", async () => {
    // The repository's compiler and Node types only check the installed package; the library
    // check is on, so declarations that point at missing files would fail here.
    const result = await typeCheckExample(folder, {
      target: 'ES2022',
      lib: ['ES2023', 'DOM'],
      module: 'NodeNext',
      moduleResolution: 'NodeNext',
      strict: true,
      allowJs: true,
      checkJs: true,
      skipLibCheck: false,
      typeRoots: [join(repoRoot, 'node_modules/@types')],
      types: ['node'],
    });

    expect(result).toEqual({ status: 0, findings: '' });
  }, 60_000);

  describe('running the example proxy with Node alone', () => {
    exampleProxyChecks(() => {
      if (!running) throw new Error('the example proxy did not start');
      return running;
    });

    // The contract kit plays Signoff's side against a second copy of the installed proxy, whose
    // callback URL points at the kit's own listener.
    it('passes the contract kit, check by check', async () => {
      const callbackPort = await freePort();
      const config = newConfiguration();
      const proxy = await startProxyProcess({
        cwd: folder,
        file: EXAMPLE_FILE,
        port: await freePort(),
        config,
        callbackUrl: `http://127.0.0.1:${callbackPort}${THIRD_PARTY_CALLBACK_PATH}`,
        approveAfterMs: 200,
      });
      try {
        const report = await verifyProxy({ proxyUrl: proxy.url, ...config, callbackPort });

        const failed = report.checks.filter((check) => check.outcome !== 'pass');
        expect(failed).toEqual([]);
        expect(report.ok).toBe(true);
        expect(report.checks.length).toBeGreaterThanOrEqual(10);
      } finally {
        await proxy.stop();
      }
    }, 60_000);
  });
});
