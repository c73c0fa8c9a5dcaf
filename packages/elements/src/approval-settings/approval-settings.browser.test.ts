import { ContextProvider } from '@lit/context';
import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import type { SettingsInput } from '@signoff/contracts';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { signoffContext } from '../controllers/context.ts';
import {
  API_BASE,
  DINGTALK_ID,
  dingtalkSystemView,
  errorBody,
  FakeApi,
  OTHER_ID,
  otherDraft,
  otherSystemView,
  settingsView,
} from '../test-support/fake-api.ts';
import {
  deepQueryAll,
  expectFocus,
  mountSettings,
  recordEvents,
  ui,
} from '../test-support/settings-page.ts';
import { ApprovalSettings } from './approval-settings.ts';

let api: FakeApi;

beforeEach(() => {
  api = new FakeApi().install();
});

afterEach(() => {
  fixtureCleanup();
  vi.unstubAllGlobals();
});

const withSystems = () =>
  settingsView({
    externalEnabled: true,
    defaultSystemId: OTHER_ID,
    systems: [otherSystemView(), dingtalkSystemView()],
  });

describe('approval-settings', () => {
  it('gives every control a label and an accessible name', async () => {
    const element = await mountSettings(api, withSystems());

    // Every input and select has a real <label> whose text names it, and every description
    // it points to exists beside it.
    const inputs = deepQueryAll(element.shadowRoot!, 'input, select') as HTMLInputElement[];
    expect(inputs.length).toBeGreaterThan(15);
    for (const input of inputs) {
      expect(input.labels?.length, `label of #${input.id}`).toBe(1);
      expect(input.labels?.[0]?.textContent?.trim(), `label of #${input.id}`).not.toBe('');
      const root = input.getRootNode() as ShadowRoot;
      for (const id of input.getAttribute('aria-describedby')?.split(' ') ?? []) {
        expect(root.getElementById(id), `description ${id} of #${input.id}`).not.toBeNull();
      }
    }
    for (const button of deepQueryAll(element.shadowRoot!, 'button')) {
      const name = button.getAttribute('aria-label') ?? button.textContent ?? '';
      expect(name.trim(), button.outerHTML).not.toBe('');
    }
    await expect.element(ui.field(ui.group('Acme Approvals'), 'Tenant ID')).toBeVisible();
    await expect.element(ui.field(ui.group('DingTalk HQ'), 'AgentId')).toBeVisible();
    await expect.element(ui.group('Acme Approvals')).toBeVisible();
    await expect.element(ui.group('DingTalk HQ')).toBeVisible();
  });

  it('loads the settings with the bearer token and shows the built-in default', async () => {
    await mountSettings(api);

    const [load] = api.calls('GET /api/settings');
    expect(load?.headers.get('Authorization')).toBe('Bearer token-1');
    await expect.element(ui.external()).not.toBeChecked();
    await expect.element(ui.defaultSystem()).toHaveValue('builtin');
    expect(
      page
        .getByRole('option')
        .elements()
        .map((o) => o.textContent?.trim()),
    ).toEqual(['Built-in']);
    await expect.element(ui.button('Save')).toBeDisabled();
    await expect.element(ui.button('Discard')).toBeDisabled();
    expect(ui.button('Add Other system').query()).toBeNull();
  });

  it('lists Built-in and the configured systems when external systems are on', async () => {
    await mountSettings(api, withSystems());

    await expect.element(ui.external()).toBeChecked();
    await expect.element(ui.defaultSystem()).toHaveValue(OTHER_ID);
    expect(
      page
        .getByRole('option')
        .elements()
        .map((o) => o.textContent?.trim()),
    ).toEqual(['Built-in', 'Acme Approvals', 'DingTalk HQ']);
    await expect.element(ui.button('Add Other system')).toBeVisible();
    await expect.element(ui.button('Add DingTalk OA system')).toBeVisible();
  });

  it('shows a loading status until the settings arrive', async () => {
    let release!: () => void;
    api.on(
      'GET /api/settings',
      () => new Promise((r) => (release = () => r({ body: settingsView() }))),
    );
    await fixture(html`<approval-settings api-base=${API_BASE}></approval-settings>`);

    await expect.element(ui.status('Loading approval settings…')).toBeInTheDocument();

    release();
    await expect.element(ui.form()).toBeVisible();
    expect(ui.status('Loading approval settings…').query()).toBeNull();
  });

  it('loads again when the token or api-base change, without a signoff-change', async () => {
    const element = await mountSettings(api);
    const changes = recordEvents(element, 'signoff-change');

    element.token = 'token-2';
    await vi.waitFor(() => expect(api.calls('GET /api/settings')).toHaveLength(2));
    element.setAttribute('api-base', 'https://other.test');
    await vi.waitFor(() => expect(api.calls('GET /api/settings')).toHaveLength(3));

    expect(api.calls('GET /api/settings')[1]?.headers.get('Authorization')).toBe('Bearer token-2');
    expect(element.apiBase).toBe('https://other.test');
    await element.updateComplete;
    expect(changes).toEqual([]);
  });

  it('takes the API address and token from signoffContext, its own attributes winning', async () => {
    api.on('GET /api/settings', { body: settingsView() });
    const host = document.createElement('div');
    new ContextProvider(host, {
      context: signoffContext,
      initialValue: { apiBase: 'https://provided.test', token: 'provided-token' },
    });
    document.body.append(host);

    host.append(new ApprovalSettings());
    await vi.waitFor(() => expect(api.requests).toHaveLength(1));
    const own = document.createElement('approval-settings');
    own.token = 'own-token';
    host.append(own);
    await vi.waitFor(() => expect(api.requests).toHaveLength(2));

    expect(api.requests[0]?.headers.get('Authorization')).toBe('Bearer provided-token');
    expect(api.requests[1]?.headers.get('Authorization')).toBe('Bearer own-token');
    host.remove();
  });

  it('asks to sign in when the load is unauthorised, and reports it', async () => {
    api.on('GET /api/settings', {
      status: 401,
      body: errorBody('unauthorized', 'Missing bearer token.'),
    });
    const element = await fixture<ApprovalSettings>(
      html`<approval-settings api-base=${API_BASE}></approval-settings>`,
    );
    const errors = recordEvents(element, 'signoff-error');

    await expect.element(ui.alert()).toHaveTextContent('Sign in to see approval settings.');
    expect(ui.form().query()).toBeNull();
    await userEvent.click(ui.button('Retry'));
    await vi.waitFor(() => expect(api.calls('GET /api/settings')).toHaveLength(2));
    await vi.waitFor(() => expect(errors).toHaveLength(2));
    expect(errors[1]?.detail).toEqual({
      action: 'load',
      code: 'unauthorized',
      message: 'Missing bearer token.',
      status: 401,
    });
  });

  it('shows the server’s reason when the load is forbidden', async () => {
    const reason =
      'Only super administrators and system administrators may change approval settings.';
    api.on('GET /api/settings', { status: 403, body: errorBody('forbidden', reason) });
    await fixture(html`<approval-settings api-base=${API_BASE} token="t"></approval-settings>`);

    await expect.element(ui.alert()).toHaveTextContent(reason);
    expect(ui.button('Retry').query()).toBeNull();
  });

  it('says when the server cannot be reached', async () => {
    api.on('GET /api/settings', { networkError: true });
    await fixture(html`<approval-settings api-base=${API_BASE}></approval-settings>`);

    await expect.element(ui.alert()).toHaveTextContent('The Signoff server could not be reached');
    await expect.element(ui.button('Retry')).toBeVisible();
  });

  it('fires signoff-change for the admin’s edits and tracks unsaved changes', async () => {
    const element = await mountSettings(api);
    const changes = recordEvents(element, 'signoff-change');

    await userEvent.click(ui.external());
    await expect.element(ui.button('Save')).toBeEnabled();
    expect(element.dirty).toBe(true);
    await userEvent.click(ui.external());

    expect(changes.map((e) => e.detail)).toEqual([{ dirty: true }, { dirty: false }]);
    expect(changes.every((e) => e.bubbles && e.composed)).toBe(true);
    await expect.element(ui.button('Save')).toBeDisabled();
  });

  it('toggles the switch and adds a system from the keyboard', async () => {
    await mountSettings(api);
    api.on('POST /api/settings/drafts', { body: otherDraft() });

    ui.external().element().focus();
    await userEvent.keyboard(' ');
    await expect.element(ui.external()).toBeChecked();
    await userEvent.tab();
    await userEvent.tab();
    await expectFocus(ui.button('Add Other system'));
    await userEvent.keyboard('{Enter}');

    await expect.element(ui.group('New Other system')).toBeVisible();
    expect(api.calls('POST /api/settings/drafts')[0]?.body).toEqual({ kind: 'other' });
    await expectFocus(ui.field(ui.group('New Other system'), 'Approval system name'));
  });

  it('Discard restores the loaded settings', async () => {
    const element = await mountSettings(api, withSystems());
    const changes = recordEvents(element, 'signoff-change');
    const acme = ui.group('Acme Approvals');

    await userEvent.fill(ui.field(acme, 'Approval system name'), 'Renamed');
    await userEvent.selectOptions(ui.defaultSystem(), 'Built-in');
    await userEvent.click(ui.external());
    await userEvent.click(ui.button('Discard'));

    await expect.element(ui.external()).toBeChecked();
    await expect.element(ui.defaultSystem()).toHaveValue(OTHER_ID);
    await expect.element(ui.field(acme, 'Approval system name')).toHaveValue('Acme Approvals');
    await expect.element(ui.button('Save')).toBeDisabled();
    expect(changes.at(-1)?.detail).toEqual({ dirty: false });
    expect(api.calls('PUT /api/settings')).toHaveLength(0);
  });

  it('saves the settings, then reports them and says so', async () => {
    const saved = settingsView({ version: 4, externalEnabled: true, systems: [otherSystemView()] });
    const element = await mountSettings(api, settingsView({ systems: [otherSystemView()] }));
    api.on('PUT /api/settings', { body: saved });
    const events = recordEvents(element, 'signoff-save', 'signoff-change');

    await userEvent.click(ui.external());
    await userEvent.click(ui.button('Save'));

    await expect.element(ui.status('Settings saved')).toBeInTheDocument();
    const body = api.bodyOf<SettingsInput>('PUT /api/settings');
    expect(body).toEqual({
      baseVersion: 3,
      externalEnabled: true,
      defaultSystemId: 'builtin',
      systems: [
        {
          id: OTHER_ID,
          kind: 'other',
          name: 'Acme Approvals',
          submitUrl: 'https://oa.acme.test/approvals',
          callbackUrl: '',
          tenantId: 'tenant-acme-0001',
        },
      ],
    });
    const save = events.find((e) => e.type === 'signoff-save');
    expect(save?.detail).toEqual({ settings: saved });
    expect(events.at(-1)?.detail).toEqual({ dirty: false });
    await expect.element(ui.button('Save')).toBeDisabled();
  });

  it('keeps the configurations but sends the built-in default when external systems go off', async () => {
    await mountSettings(api, withSystems());
    api.on('PUT /api/settings', { body: settingsView() });

    await userEvent.click(ui.external());

    expect(ui.group('Acme Approvals').query()).toBeNull();
    expect(ui.button('Add Other system').query()).toBeNull();
    await expect.element(ui.defaultSystem()).toHaveValue('builtin');
    await expect
      .element(ui.external())
      .toHaveAccessibleDescription('Off: every request goes to the built-in approval system.');
    await userEvent.click(ui.button('Save'));
    await expect.element(ui.status('Settings saved')).toBeInTheDocument();
    const body = api.bodyOf<SettingsInput>('PUT /api/settings');
    expect(body).toMatchObject({ externalEnabled: false, defaultSystemId: 'builtin' });
    expect(body.systems.map((s) => s.id)).toEqual([OTHER_ID, DINGTALK_ID]);
  });

  it('shows the server’s reason when a save is forbidden, and reports it', async () => {
    const reason =
      'Only super administrators and system administrators may change approval settings.';
    const element = await mountSettings(api);
    api.on('PUT /api/settings', { status: 403, body: errorBody('forbidden', reason) });
    const errors = recordEvents(element, 'signoff-error');

    await userEvent.click(ui.external());
    await userEvent.click(ui.button('Save'));

    await expect.element(ui.alert()).toHaveTextContent(reason);
    expect(errors.map((e) => e.detail)).toEqual([
      { action: 'save', code: 'forbidden', message: reason, status: 403 },
    ]);
    expect(ui.status('Settings saved').query()).toBeNull();
    await expect.element(ui.button('Save')).toBeEnabled();
  });

  it('offers to reload when someone else saved first', async () => {
    await mountSettings(api);
    api.on('PUT /api/settings', {
      status: 409,
      body: errorBody('version_conflict', 'Settings changed since version 3.'),
    });
    api.on('GET /api/settings', { body: settingsView({ version: 5, externalEnabled: true }) });

    await userEvent.click(ui.external());
    await userEvent.click(ui.button('Save'));
    await expect.element(ui.alert()).toHaveTextContent('Someone else saved approval settings');
    await userEvent.click(ui.button('Reload'));

    await expect.element(ui.external()).toBeChecked();
    await expect.element(ui.button('Save')).toBeDisabled();
  });

  it('is read-only, and says why, when the admin may not edit', async () => {
    await mountSettings(api, { ...withSystems(), canEdit: false });

    await expect
      .element(page.getByText('only super administrators and system administrators can change'))
      .toBeVisible();
    await expect.element(ui.external()).toBeDisabled();
    await expect.element(ui.defaultSystem()).toBeDisabled();
    await expect
      .element(ui.field(ui.group('Acme Approvals'), 'Approval system name'))
      .toHaveAttribute('readonly');
    expect(ui.button('Save').query()).toBeNull();
    expect(ui.button('Remove').query()).toBeNull();
    expect(ui.button('Generate Access Token').query()).toBeNull();
    await expect.element(ui.button('Copy Tenant ID')).toBeVisible();
    // A saved secret says only that it is saved: there is nothing to type over.
    await expect
      .element(ui.field(ui.group('Acme Approvals'), 'Access Token'))
      .toHaveAttribute('placeholder', 'Saved');
    await expect
      .element(ui.field(ui.group('DingTalk HQ'), 'AppSecret'))
      .toHaveAttribute('placeholder', 'Saved');
  });

  it.each([
    ['an unbroken name', 'W'.repeat(128)],
    ['a long name with spaces', 'Regional approval gateway '.repeat(4).trim()],
  ])('stays inside a 400 px container with %s', async (_, name) => {
    const view = settingsView({
      externalEnabled: true,
      defaultSystemId: OTHER_ID,
      systems: [otherSystemView({ name }), dingtalkSystemView()],
    });
    const element = await mountSettings(api, view);

    element.parentElement!.style.width = '400px';
    await element.updateComplete;

    expect(element.clientWidth).toBe(400);
    expect(element.scrollWidth).toBeLessThanOrEqual(element.clientWidth);
    const select = ui.defaultSystem().element() as HTMLSelectElement;
    expect(select.getBoundingClientRect().width).toBeLessThanOrEqual(400);
    const group = ui.group(name).element() as HTMLElement;
    expect(group.scrollWidth).toBeLessThanOrEqual(group.clientWidth);
  });

  it('speaks Simplified Chinese with lang="zh-CN"', async () => {
    await mountSettings(
      api,
      withSystems(),
      html`<approval-settings lang="zh-CN" api-base=${API_BASE} token="t"></approval-settings>`,
    );

    await expect.element(ui.form('审批设置')).toBeVisible();
    await expect.element(ui.external('外部审批系统')).toBeChecked();
    await expect.element(ui.defaultSystem('默认审批系统')).toBeVisible();
    await expect.element(page.getByRole('option', { name: '内置审批' })).toBeInTheDocument();
    const acme = ui.group('Acme Approvals');
    await expect.element(ui.field(acme, '审批系统名称')).toHaveValue('Acme Approvals');
    await expect.element(ui.field(acme, '租户 ID')).toBeVisible();
    await expect.element(ui.button('测试连接', acme)).toBeVisible();
    await expect.element(ui.button('添加钉钉 OA 审批系统')).toBeVisible();
    await expect.element(ui.button('保存')).toBeDisabled();
  });

  it('follows a change of lang after it has rendered', async () => {
    const element = await mountSettings(api);

    element.lang = 'zh-CN';

    await expect.element(ui.external('外部审批系统')).toBeVisible();
    expect(element.getAttribute('lang')).toBe('zh-CN');
  });
});
