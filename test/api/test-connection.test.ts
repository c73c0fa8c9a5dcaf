// Test Connection through Signoff's API against real peers: the simulator's third-party approver
// (which refuses a wrong Access Token) and a closed port.
import { createServer } from 'node:net';
import type { TestConnectionResult } from '@signoff/contracts';
import { generateEncodingAesKey } from '@signoff/sdk';
import { type RunningSimulator, startSimulator } from '@signoff/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignoff, startSignoff } from '../fixtures/signoff.ts';

const accessToken = 'simulator-token-0001';
let simulator: RunningSimulator;
let signoff: RunningSignoff;
let closedPort: number;

beforeAll(async () => {
  simulator = await startSimulator({
    port: 0,
    print: () => {},
    thirdParty: {
      connection: {
        callbackUrl: 'http://127.0.0.1:9/unused',
        accessToken,
        encodingAesKey: generateEncodingAesKey(),
        tenantId: 'tenant-test-0001',
      },
    },
  });
  closedPort = await new Promise<number>((resolve) => {
    const probe = createServer().listen(0, '127.0.0.1', () => {
      const { port } = probe.address() as { port: number };
      probe.close(() => resolve(port));
    });
  });
  const simulatorPort = new URL(simulator.url).port;
  signoff = await startSignoff({
    OUTBOUND_ALLOW: `127.0.0.1:${simulatorPort},127.0.0.1:${closedPort}`,
  });
});

afterAll(async () => {
  await signoff?.close();
  await simulator?.close();
});

async function testConnection(submitUrl: string, token: string): Promise<TestConnectionResult> {
  const response = await signoff.call('sam', '/api/settings/test-connection', {
    body: {
      system: {
        id: '00000000-0000-4000-8000-000000000001',
        kind: 'other',
        name: 'Simulator',
        submitUrl,
        tenantId: 'tenant-test-0001',
        accessToken: token,
        encodingAesKey: generateEncodingAesKey(),
      },
    },
  });
  expect(response.status).toBe(200);
  return (await response.json()) as TestConnectionResult;
}

describe('POST /api/settings/test-connection', () => {
  it('passes against the simulator with the right Access Token', async () => {
    const result = await testConnection(`${simulator.url}/third-party`, accessToken);

    expect(result.ok).toBe(true);
  });

  it('reports bad credentials with the remote code when the simulator refuses the token', async () => {
    const result = await testConnection(`${simulator.url}/third-party`, 'not-the-right-token');

    expect(result).toMatchObject({
      ok: false,
      reason: 'bad_credentials',
      httpStatus: 401,
      remoteCode: 'ACCESS_TOKEN_INVALID',
    });
    expect(JSON.stringify(result)).not.toContain('not-the-right-token');
  });

  it('reports a refused connection on a closed port', async () => {
    const result = await testConnection(`http://127.0.0.1:${closedPort}/third-party`, accessToken);

    expect(result).toMatchObject({ ok: false, reason: 'refused' });
  });

  it('refuses a loopback address that is not allow-listed', async () => {
    const result = await testConnection('http://127.0.0.1:1/third-party', accessToken);

    expect(result).toMatchObject({ ok: false, reason: 'blocked_address' });
  });
});
