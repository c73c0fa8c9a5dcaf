import { fixture, fixtureCleanup, html } from '@open-wc/testing-helpers';
import { LitElement, html as litHtml } from 'lit';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { en } from '../translations/en.ts';
import { zhCN } from '../translations/zh-cn.ts';
import { LocalizeController, langOf, matchLang } from './localize.ts';

class LocalizeProbe extends LitElement {
  readonly localize = new LocalizeController(this);

  override render() {
    return litHtml`<span>${this.localize.t.save}</span>`;
  }
}
customElements.define('localize-probe', LocalizeProbe);

afterEach(() => {
  fixtureCleanup();
  document.documentElement.lang = 'en';
});

function keysOf(table: object): string[] {
  return Object.entries(table).flatMap(([key, value]) =>
    typeof value === 'object' && value !== null
      ? keysOf(value).map((inner) => `${key}.${inner}`)
      : [key],
  );
}

describe('LocalizeController', () => {
  it('has a Chinese text for every English key', () => {
    expect(keysOf(zhCN).sort()).toEqual(keysOf(en).sort());
    for (const [key, value] of Object.entries(zhCN)) {
      if (typeof value === 'string' && key !== '$code') expect(value, key).not.toBe('');
    }
  });

  it('matches language tags to the tables it has, warning once about the others', () => {
    const warn = vi.spyOn(console, 'warn').mockImplementation(() => {});

    expect(matchLang('zh-CN')).toBe('zh-CN');
    expect(matchLang('zh-Hans-CN')).toBe('zh-CN');
    expect(matchLang('ZH')).toBe('zh-CN');
    expect(matchLang('en-GB')).toBe('en');
    expect(matchLang('fr')).toBe('en');
    expect(matchLang('de')).toBe('en');

    expect(warn).toHaveBeenCalledTimes(1);
    expect(warn.mock.calls[0]?.[0]).toMatch(
      /^\[signoff:unsupported-lang\] No translation for lang="fr"/,
    );
    warn.mockRestore();
  });

  it('follows the closest ancestor lang, across shadow roots', async () => {
    const wrapper = await fixture(html`<div lang="zh-CN"><localize-probe></localize-probe></div>`);
    const probe = wrapper.querySelector('localize-probe')!;

    expect(langOf(probe)).toBe('zh-CN');
    expect(probe.shadowRoot?.textContent).toContain(zhCN.save);
    expect(langOf(probe.shadowRoot!.querySelector('span')!)).toBe('zh-CN');
  });

  it('re-renders when the document language changes', async () => {
    const probe = await fixture<LocalizeProbe>(html`<localize-probe></localize-probe>`);
    expect(probe.shadowRoot?.textContent).toContain(en.save);

    document.documentElement.lang = 'zh-CN';
    await new Promise((resolve) => setTimeout(resolve));
    await probe.updateComplete;

    expect(probe.shadowRoot?.textContent).toContain(zhCN.save);
  });

  it('prefers the element’s own lang', async () => {
    const wrapper = await fixture(
      html`<div lang="zh-CN"><localize-probe lang="en"></localize-probe></div>`,
    );

    expect(wrapper.querySelector('localize-probe')?.shadowRoot?.textContent).toContain(en.save);
  });
});
