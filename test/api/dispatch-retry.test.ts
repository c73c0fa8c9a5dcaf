// Dispatch failures against the simulator's third-party approver with faults on demand: a
// submit that fails twice with 5xx and then succeeds reaches the approver exactly once; one that
// keeps failing ends in dispatch_failed with the error, and an explicit retry sends it again.
import type { RequestDetail } from '@signoff/contracts';
import { generateEncodingAesKey } from '@signoff/sdk';
import { type RunningSimulator, startSimulator } from '@signoff/simulator';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { freePort } from '../../scripts/launch.ts';
import {
  draftOtherSystem,
  eventually,
  type RunningSignoff,
  saveOtherSystemAsDefault,
  startSignoff,
} from '../fixtures/signoff.ts';

const accessToken = 'dispatch-retry-token-01';
const encodingAesKey = generateEncodingAesKey();
let simulator: RunningSimulator;
let signoff: RunningSignoff;

interface SimulatorInstance {
  submitBody: { applyId: string };
}

beforeAll(async () => {
  const simulatorPort = await freePort();
  // Three attempts: two back-offs of 1 s and 2 s keep the test short.
  signoff = await startSignoff({
    OUTBOUND_ALLOW: `127.0.0.1:${simulatorPort}`,
    DISPATCH_MAX_ATTEMPTS: '3',
  });
  const draft = await draftOtherSystem(signoff);
  simulator = await startSimulator({
    port: simulatorPort,
    print: () => {},
    thirdParty: {
      connection: {
        callbackUrl: `${signoff.url}/api/oa/bpms/integration/thirdparty/callback`,
        accessToken,
        encodingAesKey,
        tenantId: draft.tenantId,
      },
    },
  });
  await saveOtherSystemAsDefault(signoff, draft, {
    name: 'Simulator',
    submitUrl: `${simulator.url}/third-party`,
    accessToken,
    encodingAesKey,
  });
});

afterAll(async () => {
  await signoff?.close();
  await simulator?.close();
});

async function armSubmitError(times: number | null): Promise<void> {
  const response = await fetch(`${simulator.url}/third-party/api/faults/submit-error`, {
    method: 'PUT',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ times }),
  });
  expect(response.status).toBe(200);
}

async function instancesFor(applyId: string): Promise<SimulatorInstance[]> {
  const response = await fetch(`${simulator.url}/third-party/api/instances`);
  const { instances } = (await response.json()) as { instances: SimulatorInstance[] };
  return instances.filter((instance) => instance.submitBody.applyId === applyId);
}

async function submit(): Promise<string> {
  const response = await signoff.call('rita', '/api/requests', {
    body: { assetId: 'finance.ledger', permission: 'read', periodType: 'DAYS_30', reason: 'Audit' },
  });
  expect(response.status).toBe(201);
  return ((await response.json()) as { id: string }).id;
}

async function waitForState(id: string, state: string): Promise<RequestDetail> {
  return eventually(
    async () => {
      const detail = (await (
        await signoff.call('rita', `/api/requests/${id}`)
      ).json()) as RequestDetail;
      return detail.state === state ? detail : undefined;
    },
    20_000,
    `request ${id} to be ${state}`,
  );
}

describe('dispatch to a failing third-party system', () => {
  it('retries a submit that fails twice with 5xx, and it reaches the approver exactly once', async () => {
    await armSubmitError(2);

    const id = await submit();
    const pending = await waitForState(id, 'pending');

    expect(await instancesFor(id)).toHaveLength(1);
    const failures = pending.history.filter((entry) => entry.event === 'dispatch_attempt_failed');
    expect(failures).toHaveLength(2);
    expect(failures[0]?.note).toMatch(/500/);
  });

  it('shows a submit that keeps failing as dispatch_failed with the error, and retries it', async () => {
    await armSubmitError(null);

    const id = await submit();
    const failed = await waitForState(id, 'dispatch_failed');

    expect(failed.lastError).toMatch(/500/);
    expect(await instancesFor(id)).toHaveLength(0);

    await fetch(`${simulator.url}/third-party/api/faults/submit-error`, { method: 'DELETE' });
    const retried = await signoff.call('rita', `/api/requests/${id}/retry`, { method: 'POST' });
    expect(retried.status).toBe(200);
    const pending = await waitForState(id, 'pending');

    expect(pending.lastError).toBeNull();
    expect(await instancesFor(id)).toHaveLength(1);
  });
});
