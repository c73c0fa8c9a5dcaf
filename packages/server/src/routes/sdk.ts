import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { Readable } from 'node:stream';
import { gunzipSync } from 'node:zlib';
import { Hono } from 'hono';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';

export interface SdkRouteOptions {
  /** Path of the tarball `npm run pack:sdk` makes (the configuration's SDK_TARBALL). */
  tarball: string;
}

/**
 * `/api/sdk`: the SDK for third-party proxies, as the tarball `npm pack` made, for the settings
 * form's "Download the SDK" link. Public: the SDK is open source and holds no secret, and a proxy
 * author may not have a Signoff account.
 */
export const sdkRoutes = ({ tarball }: SdkRouteOptions) => {
  const versions = new VersionCache();

  return new Hono<AppEnv>().get('/download', async (c) => {
    const file = await stat(tarball).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') throw notBuilt();
      throw error;
    });
    if (!file.isFile()) throw notBuilt();
    const version = await versions.get(tarball, file);

    // The file name carries the version, so a downloaded tarball says which SDK it holds.
    const filename = version ? `signoff-sdk-${version}.tgz` : 'signoff-sdk.tgz';
    const body = Readable.toWeb(createReadStream(tarball)) as ReadableStream<Uint8Array>;
    return c.body(body, 200, {
      'content-type': 'application/gzip',
      'content-length': String(file.size),
      'content-disposition': `attachment; filename="${filename}"`,
      // A rebuilt tarball must not be served stale from a cache.
      'cache-control': 'no-cache',
    });
  });
};

function notBuilt(): ApiError {
  return new ApiError(
    404,
    'not_available',
    'The SDK tarball has not been built on this server. Run `npm run pack:sdk`, or set ' +
      'SDK_TARBALL to a tarball made by it.',
  );
}

/** The version inside the tarball, read again only when the file changes. */
class VersionCache {
  private key = '';
  private version: string | undefined;

  async get(path: string, file: { mtimeMs: number; size: number }): Promise<string | undefined> {
    const key = `${file.mtimeMs}:${file.size}`;
    if (key !== this.key) {
      this.version = packageVersion(await readFile(path));
      this.key = key;
    }
    return this.version;
  }
}

/**
 * Reads `version` from `package/package.json` inside an npm tarball (gzip over ustar). The
 * tarball is small, so it is read whole; `undefined` for anything that is not such a tarball.
 */
export function packageVersion(gzipped: Buffer): string | undefined {
  let tar: Buffer;
  try {
    tar = gunzipSync(gzipped);
  } catch {
    return undefined;
  }
  for (let offset = 0; offset + 512 <= tar.length; ) {
    const header = tar.subarray(offset, offset + 512);
    const name = field(header, 0, 100);
    if (name === '') break;
    const prefix = field(header, 345, 155);
    const size = Number.parseInt(field(header, 124, 12).trim() || '0', 8);
    const start = offset + 512;
    if ((prefix ? `${prefix}/${name}` : name) === 'package/package.json') {
      try {
        const { version } = JSON.parse(tar.subarray(start, start + size).toString('utf8'));
        // It goes into a header: only what a version may hold.
        return typeof version === 'string' && /^[0-9A-Za-z.+-]{1,64}$/.test(version)
          ? version
          : undefined;
      } catch {
        return undefined;
      }
    }
    offset = start + Math.ceil(size / 512) * 512;
  }
  return undefined;
}

/** A NUL-terminated text field of a tar header. */
function field(header: Buffer, start: number, length: number): string {
  const bytes = header.subarray(start, start + length);
  const end = bytes.indexOf(0);
  return bytes.subarray(0, end === -1 ? length : end).toString('utf8');
}
