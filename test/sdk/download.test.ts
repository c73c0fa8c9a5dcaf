// The SDK download through a real server: public (no sign-in), offered by the settings it links
// from, and served from the tarball SDK_TARBALL names.
import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SettingsView } from '@signoff/contracts';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignoff, startSignoff } from '../fixtures/signoff.ts';

const publicBaseUrl = 'https://signoff.example.com';
let folder: string;
let tarball: string;
let signoff: RunningSignoff;

beforeAll(async () => {
  // A stand-in with the shape npm pack makes; packing the real SDK is tarball.test.ts's job.
  folder = await mkdtemp(join(tmpdir(), 'signoff-download-'));
  await mkdir(join(folder, 'package'));
  await writeFile(
    join(folder, 'package/package.json'),
    '{"name":"@signoff/sdk","version":"9.8.7"}',
  );
  tarball = join(folder, 'sdk.tgz');
  execFileSync('tar', ['--format=ustar', '-czf', tarball, '-C', folder, 'package']);
  signoff = await startSignoff({ SDK_TARBALL: tarball, PUBLIC_BASE_URL: publicBaseUrl });
});

afterAll(async () => {
  await signoff?.close();
  await rm(folder, { recursive: true, force: true });
});

describe('the SDK download', () => {
  it('is served without signing in', async () => {
    const response = await signoff.call(null, '/api/sdk/download');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="signoff-sdk-9.8.7.tgz"',
    );
    expect(Buffer.from(await response.arrayBuffer()).equals(await readFile(tarball))).toBe(true);
  });

  it('is linked from the settings, under the public base URL', async () => {
    const response = await signoff.call('sam', '/api/settings');

    const settings = (await response.json()) as SettingsView;
    expect(settings.sdkDownloadUrl).toBe(`${publicBaseUrl}/api/sdk/download`);
  });
});
