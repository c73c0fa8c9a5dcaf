// `npm run pack:sdk`: builds @signoff/sdk into the package people install, and packs it.
//
// Inside the repository the SDK's exports point at its TypeScript sources, which the workspace
// tools run directly. The published package is compiled instead: tsc writes JavaScript and
// declarations to packages/sdk/dist/package, a package.json derived from the source one maps the
// same subpaths to them, and `npm pack` turns that folder into a tarball. The tarball is renamed
// to a path without the version, which the server's SDK_TARBALL defaults to.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  readdirSync,
  readFileSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './launch.ts';

const sdkDir = join(repoRoot, 'packages/sdk');
const distDir = join(sdkDir, 'dist');
const packageDir = join(distDir, 'package');

/** Where the tarball is left; the server serves it from here unless SDK_TARBALL says otherwise. */
export const sdkTarball = join(distDir, 'signoff-sdk.tgz');

/** The subpaths the package exports, by the module that implements each. */
const entries = { '.': 'index', './hono': 'hono', './node': 'node' } as const;

interface SourceManifest {
  name: string;
  version: string;
  description: string;
  license: string;
  dependencies?: Record<string, string>;
  peerDependencies?: Record<string, string>;
  peerDependenciesMeta?: Record<string, unknown>;
}

/** Compiles and packs the SDK; returns the tarball's path and the version it holds. */
export function packSdk(): { tarball: string; version: string } {
  rmSync(packageDir, { recursive: true, force: true });
  execFileSync(
    process.execPath,
    [join(repoRoot, 'node_modules/typescript/bin/tsc'), '-p', 'tsconfig.build.json'],
    { cwd: sdkDir, stdio: 'inherit' },
  );
  rewriteDeclarationImports(packageDir);

  const source = JSON.parse(readFileSync(join(sdkDir, 'package.json'), 'utf8')) as SourceManifest;
  const root = JSON.parse(readFileSync(join(repoRoot, 'package.json'), 'utf8')) as {
    engines?: Record<string, string>;
  };
  const manifest = {
    name: source.name,
    version: source.version,
    description: source.description,
    license: source.license,
    type: 'module',
    exports: Object.fromEntries(
      Object.entries(entries).map(([subpath, file]) => [
        subpath,
        { types: `./${file}.d.ts`, default: `./${file}.js` },
      ]),
    ),
    files: ['*.js', '*.d.ts'],
    sideEffects: false,
    engines: root.engines,
    dependencies: source.dependencies,
    peerDependencies: source.peerDependencies,
    peerDependenciesMeta: source.peerDependenciesMeta,
  };
  writeFileSync(join(packageDir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
  copyFileSync(join(sdkDir, 'README.md'), join(packageDir, 'README.md'));

  for (const name of readdirSync(distDir)) {
    if (name.endsWith('.tgz')) rmSync(join(distDir, name));
  }
  const packed = JSON.parse(
    execFileSync('npm', ['pack', '--json', '--pack-destination', distDir], {
      cwd: packageDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    }),
  ) as Array<{ filename: string }>;
  const filename = packed[0]?.filename;
  if (!filename) throw new Error('npm pack reported no tarball');
  renameSync(join(distDir, filename), sdkTarball);
  return { tarball: sdkTarball, version: source.version };
}

/**
 * tsc rewrites `./proxy.ts` to `./proxy.js` in JavaScript but leaves declarations as written; a
 * consumer's compiler without `allowImportingTsExtensions` would refuse them, so rewrite them too.
 */
function rewriteDeclarationImports(folder: string): void {
  for (const name of readdirSync(folder)) {
    if (!name.endsWith('.d.ts')) continue;
    const file = join(folder, name);
    const text = readFileSync(file, 'utf8');
    writeFileSync(file, text.replace(/(from\s+['"]\.{1,2}\/[^'"]+)\.ts(['"])/g, '$1.js$2'));
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const { tarball, version } = packSdk();
  console.log(`Packed @signoff/sdk ${version} into ${tarball}`);
}
