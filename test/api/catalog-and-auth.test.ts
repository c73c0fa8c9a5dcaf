// The catalog, template and rule API, and the token checks in front of every route.
import type { RulesView, TemplateView } from '@signoff/contracts';
import { issueToken } from '@signoff/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignoff, startSignoff } from '../fixtures/signoff.ts';

let signoff: RunningSignoff;

beforeAll(async () => {
  signoff = await startSignoff();
});

afterAll(async () => {
  await signoff?.close();
});

const errorCode = async (response: Response) =>
  ((await response.json()) as { error: { code: string } }).error.code;

describe('bearer tokens', () => {
  it('refuses a call without a token', async () => {
    const response = await signoff.call(null, '/api/requests');

    expect(response.status).toBe(401);
    expect(await errorCode(response)).toBe('unauthorized');
  });

  it('refuses an expired token and one signed with another secret', async () => {
    const claims = { sub: 'rita', name: 'Rita Alvarez', roles: ['requester'] };
    const expired = await issueToken(claims, signoff.signoff.tokens, -60);
    const forged = await issueToken(claims, {
      ...signoff.signoff.tokens,
      secret: 'another-secret-that-is-long-enough-0000',
    });

    for (const token of [expired, forged]) {
      const response = await fetch(`${signoff.url}/api/requests`, {
        headers: { authorization: `Bearer ${token}` },
      });
      expect(response.status).toBe(401);
    }
  });

  it('refuses a token for another audience', async () => {
    const token = await issueToken(
      { sub: 'rita', name: 'Rita Alvarez', roles: ['requester'] },
      { ...signoff.signoff.tokens, audience: 'someone-else' },
    );

    const response = await fetch(`${signoff.url}/api/requests`, {
      headers: { authorization: `Bearer ${token}` },
    });

    expect(response.status).toBe(401);
  });
});

describe('/api/catalog/assets', () => {
  it('lists the seeded assets of every sensitivity level to any signed-in user', async () => {
    const response = await signoff.call('rita', '/api/catalog/assets');
    const { assets } = (await response.json()) as { assets: Array<{ sensitivity: string }> };

    expect(response.status).toBe(200);
    expect(new Set(assets.map((a) => a.sensitivity))).toEqual(new Set(['L1', 'L2', 'L3', 'L4']));
  });

  it('lets an admin create and replace an asset, and refuses a requester', async () => {
    const asset = {
      id: 'ops.incidents',
      name: 'Incidents',
      type: 'table',
      sensitivity: 'L2',
      project: 'ops',
      environment: 'prod',
    };

    const byRequester = await signoff.call('rita', '/api/catalog/assets', { body: asset });
    const created = await signoff.call('sara', '/api/catalog/assets', { body: asset });
    const again = await signoff.call('sara', '/api/catalog/assets', { body: asset });
    const replaced = await signoff.call('sara', '/api/catalog/assets/ops.incidents', {
      method: 'PUT',
      body: { ...asset, sensitivity: 'L4' },
    });
    const unknown = await signoff.call('sara', '/api/catalog/assets/nope', {
      method: 'PUT',
      body: { ...asset, id: 'nope' },
    });

    expect(byRequester.status).toBe(403);
    expect(created.status).toBe(201);
    expect(again.status).toBe(409);
    expect(await replaced.json()).toMatchObject({ sensitivity: 'L4' });
    expect(unknown.status).toBe(404);
  });

  it('answers a bad level with a per-field error and creates nothing', async () => {
    const response = await signoff.call('sara', '/api/catalog/assets', {
      body: {
        id: 'x.y',
        name: 'X',
        type: 'table',
        sensitivity: 'L9',
        project: 'p',
        environment: 'e',
      },
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { fields: Record<string, unknown> } };
    expect(Object.keys(body.error.fields)).toEqual(['sensitivity']);
    const list = await (await signoff.call('sara', '/api/catalog/assets')).json();
    expect(JSON.stringify(list)).not.toContain('"x.y"');
  });
});

describe('/api/templates and /api/rules', () => {
  it('refuses to edit the built-in approve-automatically template', async () => {
    const { templates } = (await (await signoff.call('sara', '/api/templates')).json()) as {
      templates: TemplateView[];
    };
    const builtIn = templates.find((t) => t.builtIn);

    const response = await signoff.call('sara', `/api/templates/${builtIn?.id}`, {
      method: 'PUT',
      body: { name: 'Renamed', systemRef: 'builtin' },
    });

    expect(builtIn?.name).toBe('Approve automatically');
    expect(response.status).toBe(409);
  });

  it('refuses a template naming an approver who is not in the directory', async () => {
    const response = await signoff.call('sara', '/api/templates', {
      body: {
        name: 'Two owners',
        systemRef: 'builtin',
        nodes: [{ mode: 'AND', approverIds: ['aaron', 'nobody'] }],
      },
    });

    expect(response.status).toBe(400);
    const body = (await response.json()) as { error: { fields: Record<string, unknown> } };
    expect(Object.keys(body.error.fields)).toEqual(['nodes.0.approverIds.1']);
  });

  it('replaces the rules as a whole, and refuses a rule naming an unknown template', async () => {
    const bad = await signoff.call('sara', '/api/rules', {
      method: 'PUT',
      body: { rules: [], defaultAction: { kind: 'template', templateId: 'missing' } },
    });
    const good = await signoff.call('sara', '/api/rules', {
      method: 'PUT',
      body: {
        rules: [
          {
            name: 'Highly sensitive',
            match: { levels: ['L4'] },
            action: { kind: 'not_requestable' },
          },
        ],
        defaultAction: { kind: 'auto_approve' },
      },
    });

    expect(bad.status).toBe(400);
    const rules = (await good.json()) as RulesView;
    expect(rules.rules.map((r) => r.name)).toEqual(['Highly sensitive']);
    expect(rules.defaultAction).toEqual({ kind: 'auto_approve' });
  });

  it('refuses a request for a not-requestable asset with 422 and creates nothing', async () => {
    const response = await signoff.call('rita', '/api/requests', {
      body: {
        assetId: 'hr.salaries.amount',
        permission: 'read',
        periodType: 'DAYS_7',
        reason: 'x',
      },
    });
    const mine = (await (await signoff.call('rita', '/api/requests')).json()) as {
      requests: unknown[];
    };

    expect(response.status).toBe(422);
    expect(mine.requests).toHaveLength(0);
  });
});

describe('requests and routes', () => {
  it('revokes without a body, the reason being optional', async () => {
    // Route everything to the seeded template again (an earlier test changed the rules), so the
    // request waits in the built-in system instead of being approved at once.
    await signoff.call('sara', '/api/rules', {
      method: 'PUT',
      body: { rules: [], defaultAction: { kind: 'template', templateId: 'default-system' } },
    });
    const created = await signoff.call('rita', '/api/requests', {
      body: { assetId: 'finance.ledger', permission: 'read', periodType: 'DAYS_7', reason: 'x' },
    });
    const { id } = (await created.json()) as { id: string };

    const response = await fetch(`${signoff.url}/api/requests/${id}/revoke`, {
      method: 'POST',
      headers: { authorization: `Bearer ${await signoff.tokenFor('rita')}` },
    });

    expect(response.status).toBe(200);
    expect(await response.json()).toMatchObject({ state: 'revoked' });
  });

  it('answers an unknown route with JSON and does not echo a long path in full', async () => {
    const response = await signoff.call('rita', `/api/${'x'.repeat(5000)}`);

    expect(response.status).toBe(404);
    const body = (await response.json()) as { error: { code: string; message: string } };
    expect(body.error.code).toBe('not_found');
    expect(body.error.message.length).toBeLessThan(300);
  });
});
