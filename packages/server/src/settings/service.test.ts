import type { SettingsInput } from '@signoff/contracts';
import { beforeEach, describe, expect, it } from 'vitest';
import { ApiError } from '../http/errors.ts';
import {
  dingtalkInput,
  ids,
  NOW,
  otherInput,
  type SettingsFixture,
  secrets,
  settingsFixture,
  users,
} from './test-fixtures.ts';

const admin = users.superAdmin;

async function refusal(promise: Promise<unknown>): Promise<ApiError> {
  const error = await promise.then(
    () => undefined,
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(ApiError);
  return error as ApiError;
}

describe('SettingsService', () => {
  let fixture: SettingsFixture;
  let version: number;

  beforeEach(async () => {
    fixture = await settingsFixture();
    version = 0;
  });

  /** Saves on top of the current version, as an admin who just reloaded would. */
  async function save(input: Omit<SettingsInput, 'baseVersion'>) {
    const view = await fixture.service.save(admin, { baseVersion: version, ...input });
    version = view.version;
    return view;
  }

  const both = { externalEnabled: true, defaultSystemId: 'builtin' as string };

  async function addTemplate(name: string, systemRef: string) {
    await fixture.store.db
      .insertInto('templates')
      .values({
        id: `tpl-${name}`,
        name,
        system_ref: systemRef,
        template_code: '',
        process_code: '',
        nodes: '[]',
        built_in: 0,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
  }

  async function addRequest(id: string, systemId: string, state: string) {
    await fixture.store.db
      .insertInto('requests')
      .values({
        id,
        requester_id: users.requester.id,
        asset_id: 'asset-1',
        asset: '{}',
        permission: 'SELECT',
        period_type: 'DAYS_30',
        period_end: '2025-02-14',
        reason: 'Quarterly report',
        state,
        system_id: systemId,
        system_kind: 'other',
        settings_version: 1,
        template_id: null,
        rule_id: null,
        external_id: null,
        last_error: null,
        created_at: NOW,
        updated_at: NOW,
      })
      .execute();
  }

  it('seeds the settings row once', async () => {
    await fixture.repository.ensureSettingsRow();

    const rows = await fixture.store.db.selectFrom('settings').selectAll().execute();
    expect(rows).toEqual([
      {
        id: 1,
        version: 0,
        external_enabled: 0,
        default_system_id: 'builtin',
        updated_at: null,
        updated_by: null,
      },
    ]);
  });

  it('stores secrets sealed, never as they were typed', async () => {
    await save({ ...both, systems: [otherInput()] });

    const row = await fixture.store.db.selectFrom('systems').selectAll().executeTakeFirstOrThrow();
    expect(row.secrets).toMatch(/^v1\./);
    expect(row.secrets).not.toContain(secrets.accessToken);
    expect(row.config).not.toContain(secrets.accessToken);
  });

  it('records who changed what in the history, secrets only as changed', async () => {
    await save({ ...both, systems: [otherInput()] });

    await save({
      ...both,
      defaultSystemId: ids.other,
      systems: [otherInput({ name: 'Finance', accessToken: secrets.otherAccessToken })],
    });

    const rows = await fixture.store.db
      .selectFrom('settings_versions')
      .selectAll()
      .orderBy('version')
      .execute();
    expect(rows.map((row) => [row.version, row.actor_id, row.created_at])).toEqual([
      [1, admin.id, NOW],
      [2, admin.id, NOW],
    ]);
    expect(JSON.parse(rows[0]?.changes ?? '')).toEqual([
      { field: 'externalEnabled', from: false, to: true },
      { systemId: ids.other, name: 'Finance approvals', change: 'added' },
    ]);
    expect(JSON.parse(rows[1]?.changes ?? '')).toEqual([
      { field: 'defaultSystemId', from: 'builtin', to: ids.other },
      {
        systemId: ids.other,
        name: 'Finance',
        field: 'name',
        from: 'Finance approvals',
        to: 'Finance',
      },
      { systemId: ids.other, name: 'Finance', field: 'accessToken', change: 'changed' },
    ]);
    expect(JSON.parse(rows[1]?.snapshot ?? '')).toEqual({
      version: 2,
      externalEnabled: true,
      defaultSystemId: ids.other,
      systems: [
        {
          id: ids.other,
          kind: 'other',
          name: 'Finance',
          status: 'active',
          tenantId: 'tenant-0001-aaaa',
          config: { submitUrl: 'https://proxy.example.com/bpms', callbackUrl: '' },
        },
      ],
    });
    const history = rows.map((row) => row.changes + row.snapshot).join();
    for (const value of Object.values(secrets)) expect(history).not.toContain(value);
  });

  it('requires every secret of a new configuration', async () => {
    const { appSecret: _secret, token: _token, ...withoutSecrets } = dingtalkInput();

    const error = await refusal(save({ ...both, systems: [withoutSecrets] }));

    expect(error.status).toBe(400);
    expect(error.fields).toEqual({
      'systems.0.appSecret': { key: 'required', message: 'This field is required.' },
      'systems.0.token': { key: 'required', message: 'This field is required.' },
    });
  });

  it('keeps the tenant id and the kind of an existing configuration', async () => {
    await save({ ...both, systems: [otherInput()] });

    const changedTenant = await refusal(
      save({ ...both, systems: [otherInput({ tenantId: 'tenant-9999-zzzz' })] }),
    );
    const changedKind = await refusal(
      save({ ...both, systems: [dingtalkInput({ id: ids.other })] }),
    );

    expect(changedTenant.fields).toEqual({
      'systems.0.tenantId': {
        key: 'tenantIdChanged',
        message: 'The tenant id of an existing configuration cannot change.',
      },
    });
    expect(Object.keys(changedKind.fields ?? {})).toEqual(['systems.0.kind']);
  });

  it('refuses a new configuration whose tenant id is already in use', async () => {
    await save({ ...both, systems: [otherInput()] });

    const error = await refusal(
      save({
        ...both,
        systems: [
          otherInput(),
          otherInput({ id: ids.second, accessToken: secrets.otherAccessToken }),
        ],
      }),
    );

    expect(error.fields?.['systems.1.tenantId']?.key).toBe('invalid');
  });

  it('refuses two configurations with the same name, whatever their case and spacing', async () => {
    const error = await refusal(
      save({
        ...both,
        systems: [
          otherInput({ name: 'Acme approvals' }),
          otherInput({
            id: ids.second,
            name: ' acme APPROVALS ',
            tenantId: 'tenant-0002-bbbb',
            accessToken: secrets.otherAccessToken,
          }),
        ],
      }),
    );

    expect(error.fields).toEqual({
      'systems.1.name': { key: 'duplicateName', message: expect.stringContaining('name') },
    });
    expect((await fixture.service.get(admin)).version).toBe(0);
  });

  it('counts a name in characters, so 128 emoji fit and 129 do not', async () => {
    const fits = await save({ ...both, systems: [otherInput({ name: '😀'.repeat(128) })] });
    const error = await refusal(
      save({ ...both, systems: [otherInput({ name: '😀'.repeat(129) })] }),
    );

    expect(fits.systems[0]?.name).toHaveLength(256);
    expect(error.fields?.['systems.0.name']?.key).toBe('tooLong');
  });

  it('refuses a default other than built-in while external systems are off', async () => {
    const error = await refusal(
      save({ externalEnabled: false, defaultSystemId: ids.other, systems: [otherInput()] }),
    );

    expect(error.fields).toEqual({
      defaultSystemId: {
        key: 'unknownSystem',
        message: 'With external approval systems off, the default must be the built-in system.',
      },
    });
  });

  it('keeps the configurations when external systems are turned off, ready to turn on again', async () => {
    await save({ ...both, defaultSystemId: ids.other, systems: [otherInput()] });
    const { accessToken: _token, encodingAesKey: _key, ...stored } = otherInput();

    const off = await save({
      externalEnabled: false,
      defaultSystemId: 'builtin',
      systems: [stored],
    });
    const on = await save({ ...both, defaultSystemId: ids.other, systems: [stored] });

    expect(off).toMatchObject({ externalEnabled: false, defaultSystemId: 'builtin' });
    expect(off.systems.map((system) => system.id)).toEqual([ids.other]);
    expect(on).toMatchObject({ version: 3, externalEnabled: true, defaultSystemId: ids.other });
    expect(await fixture.repository.resolve(ids.other)).toMatchObject({
      secrets: { accessToken: secrets.accessToken },
    });
  });

  describe('removing a configuration', () => {
    beforeEach(async () => {
      await save({ ...both, systems: [otherInput(), dingtalkInput()] });
    });

    it('is refused while a template names it, and nothing is saved', async () => {
      await addTemplate('Finance tables', ids.other);

      const error = await refusal(save({ ...both, systems: [dingtalkInput()] }));

      expect(error.status).toBe(409);
      expect(error.code).toBe('conflict');
      expect(error.message).toBe(
        'The approval system "Finance approvals" cannot be removed while the template ' +
          '"Finance tables" uses it; choose another approval system there first.',
      );
      expect((await fixture.service.get(admin)).version).toBe(1);
      expect(await fixture.repository.resolve(ids.other)).not.toBeNull();
    });

    it('retires it while a request bound to it is in progress', async () => {
      await addRequest('req-open', ids.other, 'pending');
      await addRequest('req-done', ids.other, 'approved');

      const view = await save({ ...both, systems: [dingtalkInput()] });

      expect(view.systems.map((system) => [system.id, system.status])).toEqual([
        [ids.dingtalk, 'active'],
        [ids.other, 'retired'],
      ]);
      expect(await fixture.repository.resolve(ids.other)).toMatchObject({ status: 'retired' });
      const candidates = await fixture.repository.listForCallbacks('other');
      expect(
        candidates.map((system) => [
          system.id,
          system.kind === 'other' ? system.secrets.accessToken : null,
        ]),
      ).toEqual([[ids.other, secrets.accessToken]]);
    });

    it('still counts a retired configuration token as taken', async () => {
      await addRequest('req-open', ids.other, 'pending_dispatch');
      await save({ ...both, systems: [dingtalkInput()] });

      const error = await refusal(
        save({
          ...both,
          systems: [dingtalkInput(), otherInput({ id: ids.second, tenantId: 'tenant-0002-bbbb' })],
        }),
      );

      expect(error.fields).toEqual({
        'systems.1.accessToken': {
          key: 'duplicateToken',
          message: 'Another approval system already uses this token.',
        },
      });
    });

    it('removes it once no request in progress uses it', async () => {
      await addRequest('req-open', ids.other, 'dispatch_failed');
      await save({ ...both, systems: [dingtalkInput()] });
      await fixture.store.db.updateTable('requests').set({ state: 'revoked' }).execute();

      const view = await save({ ...both, systems: [dingtalkInput()] });

      expect(view.systems.map((system) => system.id)).toEqual([ids.dingtalk]);
      expect(await fixture.repository.resolve(ids.other)).toBeNull();
      expect(await fixture.repository.listForCallbacks('other')).toEqual([]);
      const row = await fixture.store.db
        .selectFrom('systems')
        .select('status')
        .where('id', '=', ids.other)
        .executeTakeFirst();
      expect(row?.status).toBe('removed');
    });

    it('removes it at once when nothing uses it', async () => {
      const view = await save({ ...both, systems: [otherInput()] });

      expect(view.systems.map((system) => system.id)).toEqual([ids.other]);
      expect(await fixture.repository.resolve(ids.dingtalk)).toBeNull();
    });
  });
});
