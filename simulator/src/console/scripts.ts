import { readFileSync } from 'node:fs';

/**
 * The console's scripts: plain JavaScript modules in `client/`, linted as code and needing no
 * build step. Read once at start; the simulator serves nothing else from the disk.
 */
const names = ['main', 'dom', 'connection', 'policy', 'faults', 'approvals'];

export const consoleScripts: ReadonlyMap<string, string> = new Map(
  names.map((name) => [
    `${name}.js`,
    readFileSync(new URL(`./client/${name}.js`, import.meta.url), 'utf8'),
  ]),
);
