import type { SettingsView, SystemDraft, TestConnectionResult } from '@signoff/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import type { ResolvedSystem } from '../connectors/types.ts';
import {
  ids,
  otherInput,
  PUBLIC_BASE_URL,
  type SettingsFixture,
  secrets,
  settingsFixture,
  type users,
} from './test-fixtures.ts';

const secretValues = Object.values(secrets);

function expectNoSecrets(text: string) {
  for (const value of secretValues) expect(text).not.toContain(value);
}

describe('settings routes', () => {
  let fixture: SettingsFixture;
  const tested: ResolvedSystem[] = [];

  beforeEach(async () => {
    tested.length = 0;
    fixture = await settingsFixture({
      connectors: {
        other: {
          async testConnection(system) {
            tested.push(system);
            return { ok: true, latencyMs: 12, message: 'Connected.' };
          },
        },
      },
    });
  });

  const save = (body: unknown, as: keyof typeof users = 'superAdmin') =>
    fixture.request('PUT', '/', { body, as });
  const current = async () => (await (await fixture.request('GET', '/')).json()) as SettingsView;

  describe('GET /', () => {
    it('shows the initial settings to a security administrator, who may not edit them', async () => {
      const response = await fixture.request('GET', '/', { as: 'securityAdmin' });

      expect(response.status).toBe(200);
      expect(await response.json()).toEqual({
        version: 0,
        externalEnabled: false,
        defaultSystemId: 'builtin',
        systems: [],
        publicBaseUrl: PUBLIC_BASE_URL,
        sdkDownloadUrl: `${PUBLIC_BASE_URL}/api/sdk/download`,
        updatedAt: null,
        updatedBy: null,
        canEdit: false,
      });
    });

    it('refuses a requester and says who may', async () => {
      const response = await fixture.request('GET', '/', { as: 'requester' });

      expect(response.status).toBe(403);
      expect(await response.json()).toEqual({
        error: {
          code: 'forbidden',
          message:
            'Only super administrators, system administrators and security administrators may view approval settings.',
        },
      });
    });
  });

  describe('PUT /', () => {
    const validSave = {
      baseVersion: 0,
      externalEnabled: true,
      defaultSystemId: ids.other,
      systems: [otherInput()],
    };

    it('saves a new version and never returns a secret', async () => {
      const response = await save(validSave, 'systemAdmin');
      const text = await response.text();

      expect(response.status).toBe(200);
      expectNoSecrets(text);
      expect(JSON.parse(text)).toEqual({
        version: 1,
        externalEnabled: true,
        defaultSystemId: ids.other,
        systems: [
          {
            id: ids.other,
            kind: 'other',
            name: 'Finance approvals',
            status: 'active',
            submitUrl: 'https://proxy.example.com/bpms',
            tenantId: 'tenant-0001-aaaa',
            callbackUrl: `${PUBLIC_BASE_URL}/api/oa/bpms/integration/thirdparty/callback`,
            callbackUrlOverridden: false,
            secrets: { accessToken: true, encodingAesKey: true },
          },
        ],
        publicBaseUrl: PUBLIC_BASE_URL,
        sdkDownloadUrl: `${PUBLIC_BASE_URL}/api/sdk/download`,
        updatedAt: '2025-01-15T09:30:00.000Z',
        updatedBy: { id: 'u-system', name: 'Wang Fang' },
        canEdit: true,
      });
      expectNoSecrets(await (await fixture.request('GET', '/')).text());
    });

    it('logs one line for the save, with version and actor and no secret', async () => {
      await save(validSave);

      const saved = fixture.logLines.filter((line) => line.includes('approval settings saved'));
      expect(saved).toHaveLength(1);
      expect(JSON.parse(saved[0] ?? '{}')).toMatchObject({ version: 1, actorId: 'u-super' });
      expectNoSecrets(fixture.logLines.join('\n'));
    });

    it('refuses bad fields, one message per field, and saves nothing', async () => {
      const response = await save({
        ...validSave,
        systems: [
          otherInput({
            name: 'x'.repeat(129),
            submitUrl: 'proxy.example.com/bpms',
            encodingAesKey: 'too-short-and-not-alnum',
          }),
        ],
      });

      expect(response.status).toBe(400);
      expect(await response.json()).toEqual({
        error: {
          code: 'validation_failed',
          message: 'The request has 3 invalid fields.',
          fields: {
            'systems.0.name': { key: 'tooLong', message: 'Must be at most 128 characters.' },
            'systems.0.submitUrl': { key: 'url', message: 'Must be an http:// or https:// URL.' },
            'systems.0.encodingAesKey': {
              key: 'encodingAesKey',
              message: 'Must be exactly 43 letters and digits.',
            },
          },
        },
      });
      expect(await current()).toMatchObject({ version: 0, systems: [] });
    });

    it('accepts a name of exactly 128 characters', async () => {
      const response = await save({
        ...validSave,
        systems: [otherInput({ name: 'x'.repeat(128) })],
      });

      expect(response.status).toBe(200);
    });

    it('keeps a stored secret that the save omits', async () => {
      await save(validSave);
      const { accessToken: _token, encodingAesKey: _key, ...withoutSecrets } = otherInput();

      const response = await save({
        ...validSave,
        baseVersion: 1,
        systems: [{ ...withoutSecrets, name: 'Finance approvals (EU)' }],
      });

      expect(response.status).toBe(200);
      const resolved = await fixture.repository.resolve(ids.other);
      expect(resolved).toMatchObject({
        name: 'Finance approvals (EU)',
        secrets: { accessToken: secrets.accessToken, encodingAesKey: secrets.encodingAesKey },
      });
    });

    it('refuses an Access Token that another configuration uses', async () => {
      const response = await save({
        ...validSave,
        systems: [
          otherInput(),
          otherInput({ id: ids.second, name: 'HR approvals', tenantId: 'tenant-0002-bbbb' }),
        ],
      });

      expect(response.status).toBe(400);
      expect((await response.json()).error.fields).toEqual({
        'systems.1.accessToken': {
          key: 'duplicateToken',
          message: 'Another approval system already uses this token.',
        },
      });
      expect((await current()).version).toBe(0);
    });

    it('refuses a save based on an older version', async () => {
      await save(validSave);

      const response = await save({
        ...validSave,
        externalEnabled: false,
        defaultSystemId: 'builtin',
      });

      expect(response.status).toBe(409);
      const { error } = await response.json();
      expect(error.code).toBe('version_conflict');
      expect(error.message).toContain('you started from version 0; the current one is 1');
      expect(await current()).toMatchObject({ version: 1, externalEnabled: true });
    });

    it('refuses a requester and a security administrator, saying who may', async () => {
      const byRequester = await save(validSave, 'requester');
      const bySecurityAdmin = await save(validSave, 'securityAdmin');

      expect(byRequester.status).toBe(403);
      expect((await byRequester.json()).error.message).toBe(
        'Only super administrators and system administrators may change approval settings.',
      );
      expect(bySecurityAdmin.status).toBe(403);
      expect((await current()).version).toBe(0);
    });

    it('refuses a default system that is not among the configurations', async () => {
      const response = await save({ ...validSave, defaultSystemId: ids.second });

      expect(response.status).toBe(400);
      expect((await response.json()).error.fields).toEqual({
        defaultSystemId: {
          key: 'unknownSystem',
          message: 'No approval system with this id exists.',
        },
      });
    });
  });

  describe('POST /drafts', () => {
    it('hands out fresh ids and the generated callback URL, storing nothing', async () => {
      const first = (await (
        await fixture.request('POST', '/drafts', { body: { kind: 'other' } })
      ).json()) as SystemDraft;
      const second = (await (
        await fixture.request('POST', '/drafts', { body: { kind: 'other' } })
      ).json()) as SystemDraft;
      const dingtalk = (await (
        await fixture.request('POST', '/drafts', { body: { kind: 'dingtalk' } })
      ).json()) as SystemDraft;

      expect(first.id).toMatch(/^[0-9a-f-]{36}$/);
      expect(first.tenantId).toMatch(/^[0-9a-f-]{36}$/);
      expect(second.id).not.toBe(first.id);
      expect(second.tenantId).not.toBe(first.tenantId);
      expect(first.callbackUrl).toBe(
        `${PUBLIC_BASE_URL}/api/oa/bpms/integration/thirdparty/callback`,
      );
      expect(dingtalk).toMatchObject({
        kind: 'dingtalk',
        tenantId: '',
        callbackUrl: `${PUBLIC_BASE_URL}/task/callback`,
      });
      expect(await current()).toMatchObject({ version: 0, systems: [] });
    });

    it('is for editors only', async () => {
      const response = await fixture.request('POST', '/drafts', {
        body: { kind: 'other' },
        as: 'securityAdmin',
      });

      expect(response.status).toBe(403);
    });
  });

  describe('POST /test-connection', () => {
    it('fills the omitted secrets of a stored configuration from the store', async () => {
      await save({
        baseVersion: 0,
        externalEnabled: true,
        defaultSystemId: 'builtin',
        systems: [otherInput()],
      });
      const { accessToken: _token, encodingAesKey: _key, ...withoutSecrets } = otherInput();

      const response = await fixture.request('POST', '/test-connection', {
        body: { system: { ...withoutSecrets, submitUrl: 'https://proxy2.example.com' } },
      });

      expect(await response.json()).toEqual({ ok: true, latencyMs: 12, message: 'Connected.' });
      expect(tested[0]).toMatchObject({
        config: { submitUrl: 'https://proxy2.example.com' },
        secrets: { accessToken: secrets.accessToken },
      });
    });

    it('asks for the Access Token of a new configuration instead of calling out', async () => {
      const { accessToken: _token, ...withoutToken } = otherInput();

      const response = await fixture.request('POST', '/test-connection', {
        body: { system: withoutToken },
      });

      expect((await response.json()) as TestConnectionResult).toMatchObject({
        ok: false,
        reason: 'missing_secret',
        message: 'Enter the Access Token to test this configuration: nothing is stored for it yet.',
      });
      expect(tested).toHaveLength(0);
    });

    it('is for editors only', async () => {
      const response = await fixture.request('POST', '/test-connection', {
        body: { system: otherInput() },
        as: 'requester',
      });

      expect(response.status).toBe(403);
      expect(tested).toHaveLength(0);
    });
  });
});
