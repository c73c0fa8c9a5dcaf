// The example proxy of docs/third-party-contract.md, taken from the docs as they are and run as a
// real process against the workspace SDK, with Signoff's calls made over HTTP and its callback
// received on a plain listener. The same checks run on the packed SDK in tarball.test.ts.
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from '../../scripts/launch.ts';
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

// The repository's own compiler settings: the example must hold under them as well.
const baseCompilerOptions = JSON.parse(
  readFileSync(join(repoRoot, 'tsconfig.base.json'), 'utf8'),
).compilerOptions;

// Inside the SDK's folder (dist/ is ignored by git and Biome), so that `@signoff/sdk` resolves to
// the workspace sources, which tsx compiles; the example itself needs no compiling.
const scratchRoot = join(repoRoot, 'packages/sdk/dist');
let folder: string;
let running: RunningExample | undefined;

beforeAll(async () => {
  await mkdir(scratchRoot, { recursive: true });
  folder = await mkdtemp(join(scratchRoot, 'example-run-'));
  await writeFile(join(folder, EXAMPLE_FILE), extractExample());

  const config = newConfiguration();
  const receiver = await startCallbackReceiver(config);
  const proxy = await startProxyProcess({
    cwd: folder,
    file: EXAMPLE_FILE,
    nodeArgs: ['--import', 'tsx'],
    port: await freePort(),
    config,
    callbackUrl: receiver.url,
    approveAfterMs: 200,
  });
  running = { proxy, receiver, config };
});

afterAll(async () => {
  await running?.proxy.stop();
  await running?.receiver.close();
  await rm(folder, { recursive: true, force: true });
});

describe('the example proxy in docs/third-party-contract.md', () => {
  it('is under 100 lines', () => {
    expect(extractExample().split('\n').length).toBeLessThan(100);
  });

  it('type-checks against the SDK with tsc --checkJs', async () => {
    const result = await typeCheckExample(folder, {
      ...baseCompilerOptions,
      allowJs: true,
      checkJs: true,
    });

    expect(result).toEqual({ status: 0, findings: '' });
  });

  exampleProxyChecks(() => {
    if (!running) throw new Error('the example proxy did not start');
    return running;
  });
});
