// The configuration groups of <approval-settings>: adding, secrets, checks and Test Connection.
import { fixtureCleanup } from '@open-wc/testing-helpers';
import type { OtherSystemInput, SettingsInput, TestConnectionInput } from '@signoff/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import {
  API_BASE,
  DINGTALK_ID,
  DRAFT_ID,
  deferred,
  dingtalkSystemView,
  errorBody,
  FakeApi,
  type FakeReply,
  OTHER_ID,
  otherDraft,
  otherSystemView,
  settingsView,
} from '../test-support/fake-api.ts';
import { expectFocus, mountSettings, recordEvents, ui } from '../test-support/settings-page.ts';

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi().install();
});

afterEach(() => {
  fixtureCleanup();
  vi.unstubAllGlobals();
  vi.restoreAllMocks();
});

const AES_KEY = 'abcdefghijABCDEFGHIJ0123456789abcdefghijKLM';

const enabled = (systems = [otherSystemView(), dingtalkSystemView()]) =>
  settingsView({ externalEnabled: true, defaultSystemId: OTHER_ID, systems });

async function addOther() {
  api.on('POST /api/settings/drafts', { body: otherDraft() });
  await userEvent.click(ui.button('Add Other system'));
  const group = ui.group('New Other system');
  await expect.element(group).toBeVisible();
  return group;
}

// The group is named after the system, so it is found again by its new name once typed.
async function fillNewOther() {
  await userEvent.fill(ui.field(ui.group('New Other system'), 'Approval system name'), 'Proxy');
  const group = ui.group('Proxy');
  await userEvent.fill(ui.field(group, 'Submit Approval Request URL'), 'https://proxy.test/submit');
  await userEvent.click(ui.button('Generate Access Token', group));
  await userEvent.click(ui.button('Generate Encoding AES Key', group));
  return group;
}

describe('approval-settings configurations', () => {
  it('adds an Other system from a server draft, tenant id read-only, callback URL prefilled', async () => {
    await mountSettings(api, settingsView({ externalEnabled: true }));

    const group = await addOther();

    expect(api.calls('POST /api/settings/drafts')[0]?.body).toEqual({ kind: 'other' });
    const tenant = ui.field(group, 'Tenant ID');
    await expect.element(tenant).toHaveValue('tenant-new-0042');
    await expect.element(tenant).toHaveAttribute('readonly');
    await expect.element(ui.button('Copy Tenant ID', group)).toBeVisible();
    await expect
      .element(ui.field(group, 'Callback URL'))
      .toHaveValue(`${API_BASE}/api/oa/bpms/integration/thirdparty/callback`);
    await expect.element(ui.button('Reset callback URL', group)).toBeDisabled();
    await expect.element(ui.field(group, 'Access Token')).toHaveValue('');
    await expect.element(ui.field(group, 'Access Token')).not.toHaveAttribute('placeholder');
    await expect.element(ui.button('Remove', group)).toBeVisible();
    await expect.element(ui.button('Save')).toBeEnabled();
  });

  it('adds a DingTalk system with the default API address and an advanced Corp ID', async () => {
    await mountSettings(api, settingsView({ externalEnabled: true }));
    api.on('POST /api/settings/drafts', {
      body: {
        id: DRAFT_ID,
        kind: 'dingtalk',
        tenantId: '',
        callbackUrl: `${API_BASE}/task/callback`,
      },
    });

    await userEvent.click(ui.button('Add DingTalk OA system'));
    const group = ui.group('New DingTalk OA system');

    await expect.element(ui.field(group, 'API Address')).toHaveValue('https://api.dingtalk.com');
    await expect.element(ui.field(group, 'Callback URL')).toHaveValue(`${API_BASE}/task/callback`);
    for (const label of ['Approval system name', 'AppKey', 'AppSecret', 'Encoding AES Key']) {
      await expect.element(ui.field(group, label)).toHaveValue('');
    }
    await expect.element(ui.field(group, 'Token')).toBeVisible();
    await expect.element(ui.field(group, 'AgentId')).toBeVisible();
    expect(ui.field(group, 'Corp ID').query()).toBeNull();
    await userEvent.click(group.getByText('Advanced'));
    await expect.element(ui.field(group, 'Corp ID')).toBeVisible();
  });

  it('generates a 43-character Encoding AES Key and a 32-character Token', async () => {
    await mountSettings(api, enabled());
    const dingtalk = ui.group('DingTalk HQ');

    await userEvent.click(ui.button('Generate Encoding AES Key', dingtalk));
    await userEvent.click(ui.button('Generate Token', dingtalk));

    const key = ui.field(dingtalk, 'Encoding AES Key').element() as HTMLInputElement;
    const token = ui.field(dingtalk, 'Token').element() as HTMLInputElement;
    expect(key.value).toMatch(/^[A-Za-z0-9]{43}$/);
    expect(token.value).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(key.type).toBe('text');
    await expect.element(ui.button('Copy Encoding AES Key', dingtalk)).toBeVisible();
    await expect.element(ui.button('Copy Token', dingtalk)).toBeVisible();
  });

  it('copies a generated secret, or selects it when the clipboard refuses', async () => {
    await mountSettings(api, enabled());
    const acme = ui.group('Acme Approvals');
    const writeText = vi.spyOn(navigator.clipboard, 'writeText').mockResolvedValue();

    await userEvent.click(ui.button('Generate Access Token', acme));
    await userEvent.click(ui.button('Copy Access Token', acme));

    const input = ui.field(acme, 'Access Token').element() as HTMLInputElement;
    expect(writeText).toHaveBeenCalledWith(input.value);
    await expect
      .element(ui.field(acme, 'Access Token'))
      .toHaveAccessibleDescription('Access Token copied.');

    writeText.mockRejectedValue(new DOMException('Denied', 'NotAllowedError'));
    await userEvent.click(ui.button('Copy Callback URL', acme));
    const callback = ui.field(acme, 'Callback URL').element() as HTMLInputElement;
    await vi.waitFor(() => expect(callback.selectionEnd).toBe(callback.value.length));
    expect(callback.selectionStart).toBe(0);
    await expect
      .element(ui.field(acme, 'Callback URL'))
      .toHaveAccessibleDescription(/Callback URL is selected: press Ctrl\+C/);
  });

  it('never shows a saved secret, only that one is saved', async () => {
    const element = await mountSettings(api, enabled());
    const acme = ui.group('Acme Approvals');

    for (const label of ['Access Token', 'Encoding AES Key']) {
      await expect.element(ui.field(acme, label)).toHaveValue('');
      await expect
        .element(ui.field(acme, label))
        .toHaveAttribute('placeholder', 'Saved — type to replace');
      expect(ui.button(`Copy ${label}`, acme).query()).toBeNull();
    }
    const dingtalk = ui.group('DingTalk HQ');
    for (const label of ['AppSecret', 'Token', 'Encoding AES Key']) {
      await expect.element(ui.field(dingtalk, label)).toHaveValue('');
    }
    expect(element.shadowRoot?.innerHTML).not.toMatch(/secret-value/);
  });

  it('saves typed secrets and leaves untouched saved ones out of the PUT', async () => {
    await mountSettings(api, enabled());
    api.on('PUT /api/settings', { body: enabled() });
    const acme = ui.group('Acme Approvals');

    await userEvent.fill(ui.field(acme, 'Encoding AES Key'), AES_KEY);
    await userEvent.click(ui.button('Save'));

    await expect.element(ui.status('Settings saved')).toBeInTheDocument();
    const body = api.bodyOf<SettingsInput>('PUT /api/settings');
    const [other, dingtalk] = body.systems;
    expect(other).toEqual({
      id: OTHER_ID,
      kind: 'other',
      name: 'Acme Approvals',
      submitUrl: 'https://oa.acme.test/approvals',
      callbackUrl: '',
      tenantId: 'tenant-acme-0001',
      encodingAesKey: AES_KEY,
    });
    expect(dingtalk).not.toHaveProperty('appSecret');
    expect(dingtalk).not.toHaveProperty('token');
    expect(dingtalk).not.toHaveProperty('encodingAesKey');
    await expect.element(ui.field(acme, 'Encoding AES Key')).toHaveValue('');
    expect(ui.button('Copy Encoding AES Key', acme).query()).toBeNull();
  });

  it('saves a new system with its secrets and sends the overridden callback URL', async () => {
    await mountSettings(api, settingsView({ externalEnabled: true }));
    api.on('PUT /api/settings', { body: enabled() });
    await addOther();
    const group = await fillNewOther();

    await userEvent.fill(ui.field(group, 'Callback URL'), 'https://edge.test/callback');
    await userEvent.click(ui.button('Save'));

    await vi.waitFor(() => expect(api.calls('PUT /api/settings')).toHaveLength(1));
    const sent = api.bodyOf<SettingsInput>('PUT /api/settings').systems[0] as OtherSystemInput;
    expect(sent).toMatchObject({
      id: DRAFT_ID,
      name: 'Proxy',
      tenantId: 'tenant-new-0042',
      callbackUrl: 'https://edge.test/callback',
    });
    expect(sent.accessToken).toMatch(/^[A-Za-z0-9]{32}$/);
    expect(sent.encodingAesKey).toMatch(/^[A-Za-z0-9]{43}$/);
  });

  it('resets an overridden callback URL to the generated one', async () => {
    const overridden = otherSystemView({
      callbackUrl: 'https://edge.test/callback',
      callbackUrlOverridden: true,
    });
    await mountSettings(api, enabled([overridden]));
    const acme = ui.group('Acme Approvals');

    await userEvent.click(ui.button('Reset callback URL', acme));

    await expect
      .element(ui.field(acme, 'Callback URL'))
      .toHaveValue(`${API_BASE}/api/oa/bpms/integration/thirdparty/callback`);
    await expect.element(ui.button('Reset callback URL', acme)).toBeDisabled();
    await expect.element(ui.button('Save')).toBeEnabled();
  });

  it('checks fields as the server does, beside each field, and sends nothing', async () => {
    const element = await mountSettings(api, enabled());
    const errors = recordEvents(element, 'signoff-error');
    const acme = ui.group('Acme Approvals');

    await userEvent.fill(ui.field(acme, 'Submit Approval Request URL'), 'ftp://oa.acme.test');
    await userEvent.fill(ui.field(acme, 'Encoding AES Key'), 'too-short');
    await userEvent.fill(ui.field(acme, 'Approval system name'), 'x'.repeat(129));
    await userEvent.click(ui.button('Save'));

    const longName = ui.group('x'.repeat(129));
    await expect.element(ui.alert()).toHaveTextContent('3 fields need attention.');
    const name = ui.field(longName, 'Approval system name');
    await expect.element(name).toHaveAttribute('aria-invalid', 'true');
    await expect.element(name).toHaveAccessibleDescription('Must be at most 128 characters.');
    await expect
      .element(ui.field(longName, 'Submit Approval Request URL'))
      .toHaveAccessibleDescription('Must be an http:// or https:// URL.');
    await expect
      .element(ui.field(longName, 'Encoding AES Key'))
      .toHaveAccessibleDescription(/^Must be exactly 43 letters and digits\./);
    await expect
      .element(ui.field(longName, 'Access Token'))
      .toHaveAttribute('aria-invalid', 'false');
    await expectFocus(name);
    expect(api.calls('PUT /api/settings')).toHaveLength(0);
    expect(errors[0]?.detail).toMatchObject({ action: 'save', code: 'validation_failed' });

    await userEvent.fill(name, 'Acme');
    await expect
      .element(ui.field(ui.group('Acme'), 'Approval system name'))
      .toHaveAttribute('aria-invalid', 'false');
  });

  it('counts characters as the server does, not UTF-16 units', async () => {
    const emoji = '😀'.repeat(100);
    await mountSettings(api, enabled([otherSystemView({ name: emoji }), dingtalkSystemView()]));
    api.on('PUT /api/settings', { body: enabled() });
    const dingtalk = ui.group('DingTalk HQ');

    await userEvent.fill(ui.field(dingtalk, 'AppSecret'), 's'.repeat(128));
    await userEvent.click(ui.button('Save'));

    await expect.element(ui.status('Settings saved')).toBeInTheDocument();
    const [other, sent] = api.bodyOf<SettingsInput>('PUT /api/settings').systems;
    expect(other?.name).toBe(emoji);
    expect(sent).toMatchObject({ appSecret: 's'.repeat(128) });
  });

  it('refuses an AppSecret over 128 characters', async () => {
    await mountSettings(api, enabled());
    const dingtalk = ui.group('DingTalk HQ');

    await userEvent.fill(ui.field(dingtalk, 'AppSecret'), 's'.repeat(129));
    await userEvent.click(ui.button('Save'));

    await expect
      .element(ui.field(dingtalk, 'AppSecret'))
      .toHaveAccessibleDescription(/^Must be at most 128 characters\./);
    expect(api.calls('PUT /api/settings')).toHaveLength(0);
  });

  it('marks the later of two configurations with the same name, as the server does', async () => {
    await mountSettings(api, enabled());
    const acme = ui.group('Acme Approvals');

    await userEvent.fill(
      ui.field(ui.group('DingTalk HQ'), 'Approval system name'),
      ' ACME approvals ',
    );
    await userEvent.click(ui.button('Save'));

    const later = ui.group('ACME approvals');
    await expect.element(ui.alert()).toHaveTextContent('One field needs attention.');
    await expect
      .element(ui.field(later, 'Approval system name'))
      .toHaveAccessibleDescription('Another approval system already has this name.');
    await expect
      .element(ui.field(acme, 'Approval system name'))
      .toHaveAttribute('aria-invalid', 'false');
    expect(api.calls('PUT /api/settings')).toHaveLength(0);
  });

  it('requires the secrets of a new system', async () => {
    await mountSettings(api, settingsView({ externalEnabled: true }));
    const group = await addOther();

    await userEvent.fill(ui.field(group, 'Approval system name'), 'Proxy');
    await userEvent.fill(
      ui.field(ui.group('Proxy'), 'Submit Approval Request URL'),
      'https://proxy.test',
    );
    await userEvent.click(ui.button('Save'));

    const proxy = ui.group('Proxy');
    for (const label of ['Access Token', 'Encoding AES Key']) {
      await expect
        .element(ui.field(proxy, label))
        .toHaveAccessibleDescription('This field is required.');
    }
    expect(api.calls('PUT /api/settings')).toHaveLength(0);
  });

  it('puts the server’s field errors beside the right fields and saves nothing', async () => {
    await mountSettings(api, enabled());
    api.on('PUT /api/settings', {
      status: 400,
      body: errorBody('validation_failed', 'Some settings are not valid.', {
        'systems.1.token': { key: 'duplicateToken', message: 'Token already used.' },
        'systems.0.submitUrl': { key: 'url', message: 'Must be an http:// or https:// URL.' },
        defaultSystemId: { key: 'unknownSystem', message: 'No approval system with this id.' },
      }),
    });
    const dingtalk = ui.group('DingTalk HQ');

    await userEvent.fill(ui.field(dingtalk, 'Token'), 'SameTokenAsAcme');
    await userEvent.click(ui.button('Save'));

    await expect.element(ui.alert()).toHaveTextContent('Some settings are not valid.');
    await expect
      .element(ui.field(dingtalk, 'Token'))
      .toHaveAccessibleDescription(/^Another approval system already uses this token\./);
    await expect
      .element(ui.field(ui.group('Acme Approvals'), 'Submit Approval Request URL'))
      .toHaveAttribute('aria-invalid', 'true');
    await expect
      .element(ui.defaultSystem())
      .toHaveAccessibleDescription(/No approval system with this id exists\./);
    expect(ui.status('Settings saved').query()).toBeNull();
    await expect.element(ui.button('Save')).toBeEnabled();

    await userEvent.fill(ui.field(dingtalk, 'Token'), 'AnotherToken');
    await expect.element(ui.field(dingtalk, 'Token')).toHaveAttribute('aria-invalid', 'false');
  });

  it('tests a connection with the values on screen and shows success', async () => {
    const element = await mountSettings(api, enabled());
    const reply = deferred<FakeReply>();
    api.on('POST /api/settings/test-connection', () => reply.promise);
    const events = recordEvents(element, 'signoff-test-connection');
    const acme = ui.group('Acme Approvals');

    await userEvent.fill(ui.field(acme, 'Submit Approval Request URL'), 'https://oa2.acme.test');
    await userEvent.click(ui.button('Test Connection', ui.group('Acme Approvals')));
    await expect.element(acme.getByRole('status')).toHaveTextContent(/Testing… 0 s/);
    await expect.element(acme.getByRole('status')).toHaveAttribute('aria-busy', 'true');
    await expect
      .element(acme.getByRole('status'), { timeout: 3000 })
      .toHaveTextContent(/Testing… 1 s/);
    await expect
      .element(ui.button('Test Connection', acme))
      .toHaveAttribute('aria-disabled', 'true');
    reply.resolve({ body: { ok: true, latencyMs: 42, message: 'Proxy answered.' } });

    await expect
      .element(acme.getByRole('status'))
      .toHaveTextContent(/^\s*Connection succeeded \(42 ms\)\.\s*Proxy answered\.\s*$/);
    const sent = api.bodyOf<TestConnectionInput>('POST /api/settings/test-connection');
    expect(sent.system).toEqual({
      id: OTHER_ID,
      kind: 'other',
      name: 'Acme Approvals',
      submitUrl: 'https://oa2.acme.test',
      callbackUrl: '',
      tenantId: 'tenant-acme-0001',
    });
    expect(events.map((e) => e.detail)).toEqual([
      { systemId: OTHER_ID, result: { ok: true, latencyMs: 42, message: 'Proxy answered.' } },
    ]);
  });

  it('shows why a connection failed, with HTTP status and remote code', async () => {
    await mountSettings(api, enabled());
    api.on('POST /api/settings/test-connection', {
      body: {
        ok: false,
        reason: 'bad_credentials',
        message: 'DingTalk rejected the AppSecret.',
        latencyMs: 80,
        httpStatus: 401,
        remoteCode: '40089',
      },
    });
    const dingtalk = ui.group('DingTalk HQ');

    await userEvent.click(ui.button('Test Connection', dingtalk));

    const status = dingtalk.getByRole('status');
    await expect
      .element(status)
      .toHaveTextContent('Connection failed: the credentials were rejected.');
    await expect.element(status).toHaveTextContent('DingTalk rejected the AppSecret.');
    await expect.element(status).toHaveTextContent('HTTP status: 401');
    await expect.element(status).toHaveTextContent('Remote error code: 40089');
    expect(
      api.bodyOf<TestConnectionInput>('POST /api/settings/test-connection').system,
    ).toMatchObject({ id: DINGTALK_ID, kind: 'dingtalk', agentId: '123456' });
  });

  it('checks a configuration before testing it, and maps the server’s field errors', async () => {
    await mountSettings(api, enabled());
    const acme = ui.group('Acme Approvals');

    await userEvent.fill(ui.field(acme, 'Access Token'), 'short');
    await userEvent.click(ui.button('Test Connection', acme));
    await expect
      .element(ui.field(acme, 'Access Token'))
      .toHaveAccessibleDescription(/^Must be 8 to 256 letters/);
    expect(api.calls('POST /api/settings/test-connection')).toHaveLength(0);

    api.on('POST /api/settings/test-connection', {
      status: 400,
      body: errorBody('validation_failed', 'The configuration is not valid.', {
        'system.accessToken': { key: 'duplicateToken', message: 'Already used.' },
      }),
    });
    await userEvent.fill(ui.field(acme, 'Access Token'), 'long-enough-token');
    await userEvent.click(ui.button('Test Connection', acme));

    await expect
      .element(acme.getByRole('status'))
      .toHaveTextContent('The test could not run. The configuration is not valid.');
    await expect
      .element(ui.field(acme, 'Access Token'))
      .toHaveAccessibleDescription(/^Another approval system already uses this token\./);
  });

  it('removes a configuration, the default falling back to Built-in', async () => {
    await mountSettings(api, enabled());

    await userEvent.click(ui.button('Remove', ui.group('Acme Approvals')));

    expect(ui.group('Acme Approvals').query()).toBeNull();
    await expect.element(ui.defaultSystem()).toHaveValue('builtin');
    await expectFocus(ui.button('Add Other system'));
    await expect.element(ui.button('Save')).toBeEnabled();
  });

  it('translates field messages into Chinese', async () => {
    const element = await mountSettings(api, enabled());
    element.lang = 'zh-CN';
    const acme = ui.group('Acme Approvals');

    await userEvent.fill(ui.field(acme, '提交审批请求地址'), 'not a url');
    await userEvent.click(page.getByRole('button', { name: '保存' }));

    await expect
      .element(ui.field(acme, '提交审批请求地址'))
      .toHaveAccessibleDescription('必须是以 http:// 或 https:// 开头的网址。');
    await expect.element(ui.alert()).toHaveTextContent('有 1 个字段需要修改。');

    await userEvent.fill(ui.field(ui.group('DingTalk HQ'), '审批系统名称'), 'Acme Approvals');
    await userEvent.click(page.getByRole('button', { name: '保存' }));

    await expect
      .element(ui.field(ui.group('Acme Approvals').nth(1), '审批系统名称'))
      .toHaveAccessibleDescription('已有其他审批系统使用此名称。');
  });

  it('links the SDK from Other systems only, as a download, in the element’s language', async () => {
    const element = await mountSettings(api, enabled());

    const link = ui.group('Acme Approvals').getByRole('link', { name: 'Download the SDK' });

    await expect.element(link).toHaveAttribute('href', `${API_BASE}/api/sdk/download`);
    await expect.element(link).toHaveAttribute('download');
    expect(ui.group('DingTalk HQ').getByRole('link').query()).toBeNull();
    element.lang = 'zh-CN';
    await expect
      .element(ui.group('Acme Approvals').getByRole('link', { name: '下载 SDK' }))
      .toBeVisible();
  });

  it('links the SDK for an admin who may only look', async () => {
    await mountSettings(api, { ...enabled(), canEdit: false });

    await expect
      .element(ui.group('Acme Approvals').getByRole('link', { name: 'Download the SDK' }))
      .toBeVisible();
  });
});
