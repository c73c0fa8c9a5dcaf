import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TerminateOutcome } from '../connectors/types.ts';
import { historyOf, jobsOf } from '../engine/test-fixtures.ts';
import { OutboxScene, ScriptedConnector } from './test-scene.ts';

let scene: OutboxScene;

beforeEach(async () => {
  scene = await OutboxScene.open();
});
afterEach(() => scene.close());

describe('OutboxWorker terminate', () => {
  async function revokedWithInstance(): Promise<string> {
    const id = await scene.submit();
    await scene.worker(new ScriptedConnector([{ ok: true, externalId: 'inst-1' }])).runOnce();
    await scene.requests.forceRevoke(
      { id: 'sam', name: 'Sam Okafor', roles: ['system_admin'], groups: [] },
      id,
      'Stuck',
    );
    return id;
  }

  it('names the admin who force-revoked as the operator', async () => {
    const id = await revokedWithInstance();
    const connector = new ScriptedConnector([], [{ ok: true }]);

    await scene.worker(connector).runOnce();

    expect(connector.terminates).toMatchObject([
      { requestId: id, operator: { id: 'sam', sourceUserId: 'src-sam' }, reason: 'Stuck' },
    ]);
  });

  it('records that a system cannot terminate, and the revoke stands', async () => {
    const id = await revokedWithInstance();
    const connector = new ScriptedConnector(
      [],
      [{ ok: false, notServed: true, error: 'No revoke endpoint' }],
    );

    await scene.worker(connector).runOnce();

    expect(await scene.request(id)).toMatchObject({ state: 'force_revoked' });
    expect((await historyOf(scene.db, id)).at(-1)).toMatchObject({
      event: 'terminate_not_served',
      to_state: null,
      note: 'Not terminated: No revoke endpoint',
    });
  });

  it('records a terminate that failed after every retry, without reopening anything', async () => {
    const id = await revokedWithInstance();
    const failure: TerminateOutcome = { ok: false, retryable: true, error: 'HTTP 500' };
    const connector = new ScriptedConnector([], [failure, failure]);
    const worker = scene.worker(connector, { maxAttempts: 2 });

    await worker.runOnce();
    scene.clock.advance(1_000);
    await worker.runOnce();

    expect(connector.terminates).toHaveLength(2);
    expect(await scene.request(id)).toMatchObject({ state: 'force_revoked' });
    expect((await jobsOf(scene.db, id)).at(-1)).toMatchObject({ kind: 'terminate', state: 'dead' });
    expect((await historyOf(scene.db, id)).at(-1)).toMatchObject({
      event: 'terminate_failed',
      to_state: null,
      note: 'Could not terminate after 2 attempts: HTTP 500',
    });
  });
});
