import { execFileSync } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Hono } from 'hono';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';
import { packageVersion, sdkRoutes } from './sdk.ts';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(join(tmpdir(), 'signoff-sdk-route-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

/** Packs a package.json the way npm does: gzip over ustar, under `package/`. */
async function npmTarball(name: string, manifest: unknown): Promise<string> {
  const source = join(folder, `${name}-src`);
  await mkdir(join(source, 'package'), { recursive: true });
  await writeFile(join(source, 'package', 'index.js'), 'export {};\n');
  await writeFile(join(source, 'package', 'package.json'), JSON.stringify(manifest));
  const tarball = join(folder, `${name}.tgz`);
  execFileSync('tar', ['--format=ustar', '-czf', tarball, '-C', source, 'package']);
  return tarball;
}

function app(tarball: string) {
  const routes = new Hono<AppEnv>().route('/api/sdk', sdkRoutes({ tarball }));
  routes.onError((error, c) => {
    if (error instanceof ApiError) return c.json(error.toBody(), error.status);
    throw error;
  });
  return routes;
}

describe('GET /api/sdk/download', () => {
  it('sends the tarball as an attachment named with its version', async () => {
    const tarball = await npmTarball('sdk', { name: '@signoff/sdk', version: '0.1.0' });

    const response = await app(tarball).request('/api/sdk/download');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toBe('application/gzip');
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="signoff-sdk-0.1.0.tgz"',
    );
    const bytes = Buffer.from(await response.arrayBuffer());
    expect(bytes.equals(await readFile(tarball))).toBe(true);
    expect(response.headers.get('content-length')).toBe(String(bytes.length));
  });

  it('answers 404 not_available, saying how to build it, when there is no tarball', async () => {
    const response = await app(join(folder, 'missing.tgz')).request('/api/sdk/download');

    expect(response.status).toBe(404);
    expect(await response.json()).toEqual({
      error: { code: 'not_available', message: expect.stringContaining('npm run pack:sdk') },
    });
  });

  it('answers 404 not_available when the path is a folder', async () => {
    const response = await app(folder).request('/api/sdk/download');

    expect(response.status).toBe(404);
  });

  it('serves a rebuilt tarball under its new version', async () => {
    const tarball = await npmTarball('sdk', { version: '0.1.0' });
    const routes = app(tarball);
    await routes.request('/api/sdk/download');
    const rebuilt = await npmTarball('next', { version: '0.12.0-beta.1' });
    await writeFile(tarball, await readFile(rebuilt));

    const response = await routes.request('/api/sdk/download');

    expect(response.headers.get('content-disposition')).toContain('signoff-sdk-0.12.0-beta.1.tgz');
  });

  it('names a file without a readable version plainly', async () => {
    const tarball = join(folder, 'odd.tgz');
    await writeFile(tarball, 'not a tarball');

    const response = await app(tarball).request('/api/sdk/download');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-disposition')).toBe(
      'attachment; filename="signoff-sdk.tgz"',
    );
  });
});

describe('packageVersion', () => {
  it('refuses a version that could break the header', async () => {
    const tarball = await npmTarball('evil', { version: '1.0.0"\r\nset-cookie: a=b' });

    expect(packageVersion(await readFile(tarball))).toBeUndefined();
  });

  it('finds nothing in a tarball without package/package.json', async () => {
    const source = join(folder, 'bare');
    await mkdir(source);
    await writeFile(join(source, 'readme'), 'hi');
    execFileSync('tar', ['--format=ustar', '-czf', join(folder, 'bare.tgz'), '-C', source, '.']);

    expect(packageVersion(await readFile(join(folder, 'bare.tgz')))).toBeUndefined();
  });
});
