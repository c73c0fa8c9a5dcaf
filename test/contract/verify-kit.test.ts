// The contract kit as an integrator runs it: `signoff-simulator verify` as a real child process,
// against the simulator's own approver (everything passes) and against proxies built from the
// SDK with one fault each (the fault is caught and named by its check; the others still pass).

import { spawn } from 'node:child_process';
import { generateEncodingAesKey } from '@signoff/sdk';
import { type RunningSimulator, startSimulator } from '@signoff/simulator';
import { approverClient } from '@signoff/simulator/testing';
import { afterEach, describe, expect, it } from 'vitest';
import { freePort, repoRoot } from '../../scripts/launch.ts';
import { type FixtureProxy, type ProxyFault, startBrokenProxy } from './fixtures/broken-proxies.ts';

const keys = {
  accessToken: 'kit-test-access-token-7d2f',
  encodingAesKey: generateEncodingAesKey(),
  tenantId: 'tenant-kit-0001',
};

const running: (RunningSimulator | FixtureProxy)[] = [];

afterEach(async () => {
  await Promise.all(running.splice(0).map((server) => server.close()));
});

interface KitRun {
  code: number | null;
  stdout: string;
  stderr: string;
  /** The outcome of each check by its name, read from the PASS/FAIL/SKIP lines. */
  outcomes: Record<string, string>;
  /** Each check's whole line, by its name. */
  lines: Record<string, string>;
}

/** Runs `node --import tsx simulator/src/cli.ts verify …` from the repository and reads its lines. */
function runKit(args: string[]): Promise<KitRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', 'simulator/src/cli.ts', 'verify', ...args],
      { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (chunk) => {
      stdout += chunk;
    });
    child.stderr.on('data', (chunk) => {
      stderr += chunk;
    });
    child.once('error', reject);
    child.once('close', (code) => {
      const outcomes: Record<string, string> = {};
      const lines: Record<string, string> = {};
      for (const line of stdout.split('\n')) {
        const match = /^(PASS|FAIL|SKIP) {2}([^:]+): /.exec(line);
        if (match?.[1] && match[2]) {
          outcomes[match[2]] = match[1];
          lines[match[2]] = line;
        }
      }
      resolve({ code, stdout, stderr, outcomes, lines });
    });
  });
}

function kitArgs(proxyUrl: string, callbackPort: number, extra: string[] = []) {
  return [
    '--proxy',
    proxyUrl,
    '--access-token',
    keys.accessToken,
    '--aes-key',
    keys.encodingAesKey,
    '--tenant-id',
    keys.tenantId,
    '--callback-port',
    String(callbackPort),
    '--callback-timeout',
    '10',
    ...extra,
  ];
}

const callbackUrlAt = (port: number) =>
  `http://127.0.0.1:${port}/api/oa/bpms/integration/thirdparty/callback`;

const allChecks = [
  'connection test',
  'wrong Access Token refused',
  'stale timestamp refused',
  'submit',
  'submit with a wrong Access Token refused',
  'submit with a stale timestamp refused',
  'repeated submit, same instance',
  'callback received',
  'callback signature',
  'callback encryption',
  'callback owner key',
  'callback payload',
];

describe('signoff-simulator verify', () => {
  it("passes every check against the simulator's approver with the auto-approve policy", async () => {
    const port = await freePort();
    const simulator = await startSimulator({
      port: 0,
      print: () => {},
      thirdParty: {
        connection: { callbackUrl: callbackUrlAt(port), ...keys },
        policy: { approveAfterSeconds: 0 },
      },
    });
    running.push(simulator);

    const run = await runKit(kitArgs(`${simulator.url}/third-party`, port));

    expect(run.stdout).toContain(
      `Callback URL (set it as the proxy's callback address): ${callbackUrlAt(port)}`,
    );
    expect(run.outcomes).toEqual(Object.fromEntries(allChecks.map((name) => [name, 'PASS'])));
    expect(run.stdout).toMatch(/12 passed, 0 failed, 0 skipped: the proxy keeps/);
    expect(run.code).toBe(0);
  });

  it("catches the simulator's own wrongly signed callback fault", async () => {
    const port = await freePort();
    const simulator = await startSimulator({
      port: 0,
      print: () => {},
      thirdParty: {
        connection: { callbackUrl: callbackUrlAt(port), ...keys },
        policy: { approveAfterSeconds: 0 },
        delivery: { retries: 0 },
      },
    });
    running.push(simulator);
    await approverClient(simulator.url, keys).armFault('callback-bad-signature');

    const run = await runKit(kitArgs(`${simulator.url}/third-party`, port));

    expect(run.outcomes['callback signature']).toBe('FAIL');
    expect(run.outcomes['callback payload']).toBe('PASS');
    expect(run.code).toBe(1);
  });

  it('passes every check against a conformant proxy built from the SDK', async () => {
    const port = await freePort();
    const proxy = await startBrokenProxy({ keys, callbackUrl: callbackUrlAt(port), fault: 'none' });
    running.push(proxy);

    const run = await runKit(kitArgs(proxy.url, port));

    expect(run.outcomes).toEqual(Object.fromEntries(allChecks.map((name) => [name, 'PASS'])));
    expect(run.code).toBe(0);
  });

  it.each<[ProxyFault, string, RegExp]>([
    ['wrong-check-result', 'connection test', /checkResult is "ok"; only "success"/],
    ['wrong-signing-token', 'callback signature', /signature does not match/],
    ['pkcs7-16-padding', 'callback encryption', /padded to 16-byte blocks \(PKCS#7/],
    ['wrong-owner-key', 'callback owner key', /owner key after the message is "ding-corp-0001"/],
    ['missing-apply-id', 'callback payload', /applyId is missing/],
    [
      'duplicate-instance',
      'repeated submit, same instance',
      /duplicate instance on a repeated submit/,
    ],
  ])('catches a proxy with %s in the check "%s"', async (fault, check, explanation) => {
    const port = await freePort();
    const proxy = await startBrokenProxy({ keys, callbackUrl: callbackUrlAt(port), fault });
    running.push(proxy);

    const run = await runKit(kitArgs(proxy.url, port));

    const expected = Object.fromEntries(
      allChecks.map((name) => [name, name === check ? 'FAIL' : 'PASS']),
    );
    expect(run.outcomes).toEqual(expected);
    expect(run.lines[check]).toMatch(explanation);
    expect(run.stdout).toMatch(/11 passed, 1 failed, 0 skipped: the proxy does not keep/);
    expect(run.code).toBe(1);
  });

  const submitRefusals = [
    'submit with a wrong Access Token refused',
    'submit with a stale timestamp refused',
  ];
  const afterSubmit = allChecks.slice(allChecks.indexOf('repeated submit, same instance'));

  it.each<[ProxyFault, Record<string, RegExp>, string[]]>([
    [
      'token-checked-on-connect-only',
      {
        'submit with a wrong Access Token refused':
          /accepted a submit with a wrong Access Token .*applyId kit-wrong-token-.*on the connection test only/,
        'submit with a stale timestamp refused': /accepted a submit with a timestamp an hour old/,
      },
      [],
    ],
    [
      'redirect',
      {
        'connection test':
          /HTTP 307, a redirect to \/moved\/.*Signoff does not follow redirects; serve the calls at the URL you configure/,
        submit: /HTTP 307, a redirect/,
      },
      ['wrong Access Token refused', 'stale timestamp refused', ...submitRefusals, ...afterSubmit],
    ],
    [
      'long-instance-id',
      { submit: /processInstanceId is 300 characters long; a callback carries at most 256/ },
      afterSubmit,
    ],
    [
      'large-connect-reply',
      {
        'connection test': /answered with a body of more than 64 KiB, past the most Signoff reads/,
      },
      ['wrong Access Token refused', 'stale timestamp refused'],
    ],
    [
      'reset-connect',
      { 'connection test': /no reply from POST .*: connection reset: [A-Z_]+\.$/ },
      ['wrong Access Token refused', 'stale timestamp refused'],
    ],
    [
      'html-on-wrong-token',
      {
        'wrong Access Token refused':
          /connection test with a wrong Access Token was answered HTTP 200 with an HTML page: .*the contract's refusal is HTTP 401/,
        'submit with a wrong Access Token refused': /answered HTTP 200 with an HTML page/,
      },
      [],
    ],
  ])('catches a proxy with %s and names it', async (fault, failures, skipped) => {
    const port = await freePort();
    const proxy = await startBrokenProxy({ keys, callbackUrl: callbackUrlAt(port), fault });
    running.push(proxy);

    const run = await runKit(kitArgs(proxy.url, port));

    const outcomeOf = (name: string) =>
      name in failures ? 'FAIL' : skipped.includes(name) ? 'SKIP' : 'PASS';
    expect(run.outcomes).toEqual(
      Object.fromEntries(allChecks.map((name) => [name, outcomeOf(name)])),
    );
    for (const [check, explanation] of Object.entries(failures)) {
      expect(run.lines[check]).toMatch(explanation);
    }
    expect(run.stdout).not.toMatch(/not JSON|Start the proxy/);
    expect(run.code).toBe(1);
  });

  it('fails "callback received" when no decision comes back in time, skipping what needs it', async () => {
    const port = await freePort();
    // The manual policy: the request waits for a person who never comes.
    const simulator = await startSimulator({
      port: 0,
      print: () => {},
      thirdParty: { connection: { callbackUrl: callbackUrlAt(port), ...keys } },
    });
    running.push(simulator);

    const run = await runKit([
      ...kitArgs(`${simulator.url}/third-party`, port),
      '--callback-timeout',
      '1',
    ]);

    expect(run.outcomes['callback received']).toBe('FAIL');
    expect(run.lines['callback received']).toContain(`within 1 s`);
    expect(run.outcomes['callback payload']).toBe('SKIP');
    expect(run.stdout).toMatch(/7 passed, 1 failed, 4 skipped/);
    expect(run.code).toBe(1);
  });

  it('explains an unreachable proxy and still exits 1', async () => {
    const [proxyPort, callbackPort] = [await freePort(), await freePort()];

    const run = await runKit(kitArgs(`http://127.0.0.1:${proxyPort}`, callbackPort));

    expect(run.lines['connection test']).toMatch(/no reply from POST .*: ECONNREFUSED/);
    expect(run.outcomes.submit).toBe('FAIL');
    expect(Object.keys(run.outcomes)).toEqual(allChecks);
    expect(run.outcomes['wrong Access Token refused']).toBe('SKIP');
    expect(run.stdout).toMatch(/0 passed, 2 failed, 10 skipped/);
    expect(run.code).toBe(1);
  });

  it.each([
    [['--proxy', 'http://127.0.0.1:1'], /verify needs --access-token, --aes-key, --tenant-id/],
    [
      kitArgs('http://127.0.0.1:1', 0).map((arg) => (arg === keys.encodingAesKey ? 'short' : arg)),
      /--aes-key must be/,
    ],
    [['--proxy', 'x', '--verbose'], /verbose/],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await runKit(args);

    expect(run.stderr).toMatch(message);
    expect(run.code).toBe(2);
  });
});
