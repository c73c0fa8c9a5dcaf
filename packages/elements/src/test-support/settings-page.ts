// Shared arrange steps and queries for <approval-settings> tests. Queries go through roles and
// accessible names only, as an admin with a screen reader would find the controls.
import { fixture, html } from '@open-wc/testing-helpers';
import type { SettingsView } from '@signoff/contracts';
import type { TemplateResult } from 'lit';
import { expect, vi } from 'vitest';
import { type Locator, page } from 'vitest/browser';
import type { ApprovalSettings } from '../approval-settings/approval-settings.ts';
import '../approval-settings/define.ts';
import type { SignoffEventMap } from '../events.ts';
import { API_BASE, type FakeApi, settingsView } from './fake-api.ts';

/** Mounts the element against `api`, answering the first load with `view`, and waits for it. */
export async function mountSettings(
  api: FakeApi,
  view: SettingsView = settingsView(),
  template: TemplateResult = html`<approval-settings
    api-base=${API_BASE}
    token="token-1"
  ></approval-settings>`,
): Promise<ApprovalSettings> {
  api.on('GET /api/settings', { body: view });
  const element = await fixture<ApprovalSettings>(template);
  await vi.waitFor(() => expect(element.shadowRoot?.querySelector('form')).toBeTruthy());
  return element;
}

/** Collects the events of `types` that `element` fires, in order. */
export function recordEvents<K extends keyof SignoffEventMap>(
  element: EventTarget,
  ...types: K[]
): SignoffEventMap[K][] {
  const events: SignoffEventMap[K][] = [];
  for (const type of types) {
    element.addEventListener(type, (event) => events.push(event as SignoffEventMap[K]));
  }
  return events;
}

/** Every element matching `selector` in `root` and in the shadow roots below it. */
export function deepQueryAll(root: ParentNode, selector: string): Element[] {
  const found = [...root.querySelectorAll(selector)];
  for (const element of root.querySelectorAll('*')) {
    if (element.shadowRoot) found.push(...deepQueryAll(element.shadowRoot, selector));
  }
  return found;
}

/** The focused element, looking inside shadow roots (`document.activeElement` stops at hosts). */
export function deepActiveElement(): Element | null {
  let active = document.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active;
}

/** Waits until the control `locator` finds has keyboard focus. */
export async function expectFocus(locator: Locator): Promise<void> {
  await vi.waitFor(() => expect(deepActiveElement()).toBe(locator.element()));
}

export const ui = {
  form: (name = 'Approval settings') => page.getByRole('form', { name }),
  external: (name = 'External approval system') => page.getByRole('switch', { name }),
  defaultSystem: (name = 'Default approval system') => page.getByRole('combobox', { name }),
  button: (name: string, scope: Locator | typeof page = page) =>
    scope.getByRole('button', { name, exact: true }),
  group: (name: string) => page.getByRole('group', { name, exact: true }),
  field: (scope: Locator, name: string) => scope.getByRole('textbox', { name, exact: true }),
  status: (text: string) => page.getByRole('status').filter({ hasText: text }),
  alert: () => page.getByRole('alert'),
};
