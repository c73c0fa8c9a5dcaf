import type { FieldMessageKey, TestConnectionResult } from '@signoff/contracts';
import { html, LitElement, nothing, type PropertyValues, type TemplateResult } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ApiError } from '../controllers/api-client.ts';
import { describeApiError, LocalizeController, type Translation } from '../controllers/localize.ts';
import { sharedStyles, themeTokens } from '../controllers/theme.ts';
import { generateSecret } from '../utils/generate-secret.ts';
import {
  FIELDS_BY_KIND,
  isSecretField,
  type SystemField,
  type SystemForm,
} from './settings-form.ts';
import { systemFormStyles } from './system-form.styles.ts';

/** A mistake shown beside a field: translated from `key` when known, else `message` as sent. */
export interface ShownFieldError {
  key?: FieldMessageKey;
  message: string;
}

/** Where a configuration's Test Connection stands. */
export interface TestState {
  busy: boolean;
  /** `performance.now()` when the test started, for the elapsed seconds. */
  startedAt: number;
  result?: TestConnectionResult;
  /** The test was not sent: this many fields need attention first. */
  invalidCount?: number;
  /** Why the server did not run the test (validation, permissions, network). */
  error?: ApiError;
}

/** Detail of `signoff-system-edit`: a field the admin changed and its new value. */
export interface SystemEditDetail {
  field: SystemField;
  value: string;
}

const LABEL_KEYS = {
  name: 'fieldName',
  submitUrl: 'fieldSubmitUrl',
  apiBaseUrl: 'fieldApiBaseUrl',
  appKey: 'fieldAppKey',
  appSecret: 'fieldAppSecret',
  accessToken: 'fieldAccessToken',
  encodingAesKey: 'fieldEncodingAesKey',
  token: 'fieldToken',
  callbackUrl: 'fieldCallbackUrl',
  tenantId: 'fieldTenantId',
  agentId: 'fieldAgentId',
  corpId: 'fieldCorpId',
} as const satisfies Record<SystemField, keyof Translation>;

/** Fields shown under "Advanced", closed unless they hold a value or a mistake. */
const ADVANCED_FIELDS: ReadonlySet<SystemField> = new Set<SystemField>(['corpId']);

/** How long a generated secret is, by field. Secrets without one (AppSecret) are issued elsewhere. */
const GENERATED_LENGTH: Partial<Record<SystemField, number>> = {
  accessToken: 32,
  encodingAesKey: 43,
  token: 32,
};

/**
 * One approval system configuration of `<approval-settings>`: a labelled group of native inputs.
 * Internal to `<approval-settings>`, which owns the data: this element reports edits through
 * non-bubbling `signoff-system-*` events on itself and shows what it is given.
 *
 * @event signoff-system-edit - A field changed; detail `SystemEditDetail`.
 * @event signoff-system-test - Test Connection was pressed.
 * @event signoff-system-remove - Remove was pressed.
 */
export class SignoffSystemForm extends LitElement {
  static override styles = [themeTokens, sharedStyles, systemFormStyles];

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /** The configuration to show. */
  @property({ attribute: false }) system?: SystemForm;

  /** Mistakes to show, by field. */
  @property({ attribute: false }) errors: Partial<Record<SystemField, ShownFieldError>> = {};

  /** Where Test Connection stands, if it was pressed. */
  @property({ attribute: false }) test?: TestState;

  /** Shows the values without letting them change. */
  @property({ type: Boolean }) readonly = false;

  /** Address of the SDK tarball, linked from Other systems; no link when empty. */
  @property({ attribute: 'sdk-download-url' }) sdkDownloadUrl = '';

  @property({ reflect: true }) override lang!: string;

  private readonly localize = new LocalizeController(this);

  /** What the last Copy did: shown as the field's hint and announced. */
  @state() private copyNote?: { field: SystemField; text: string };

  private ticker?: ReturnType<typeof setInterval>;

  /** Moves focus to a field's input, opening the advanced section if it is there. */
  async focusField(field: SystemField): Promise<void> {
    await this.updateComplete;
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${field}`);
    const details = input?.closest('details');
    if (details) details.open = true;
    input?.focus();
  }

  override disconnectedCallback(): void {
    super.disconnectedCallback();
    this.stopTicker();
  }

  protected override updated(changed: PropertyValues<this>): void {
    // The elapsed seconds of a running test re-render once a second, and only then.
    if (!changed.has('test')) return;
    if (this.test?.busy) {
      this.ticker ??= setInterval(() => this.requestUpdate(), 1000);
    } else {
      this.stopTicker();
    }
  }

  private stopTicker(): void {
    clearInterval(this.ticker);
    this.ticker = undefined;
  }

  private emit<T>(type: string, detail?: T): void {
    this.dispatchEvent(new CustomEvent(type, { detail }));
  }

  private edit(field: SystemField, value: string): void {
    if (this.copyNote?.field === field) this.copyNote = undefined;
    this.emit<SystemEditDetail>('signoff-system-edit', { field, value });
  }

  private generate(field: SystemField): void {
    const length = GENERATED_LENGTH[field];
    if (length) this.edit(field, generateSecret(length));
  }

  private async copy(field: SystemField, label: string): Promise<void> {
    const value = this.system?.values[field] ?? '';
    const input = this.renderRoot.querySelector<HTMLInputElement>(`#${field}`);
    const t = this.localize.t;
    try {
      // The Clipboard API exists only in secure contexts and may be refused; then the text is
      // selected so that the admin can copy it with the keyboard.
      if (!navigator.clipboard) throw new Error('no clipboard');
      await navigator.clipboard.writeText(value);
      this.copyNote = { field, text: t.copied(label) };
    } catch {
      input?.focus();
      input?.select();
      this.copyNote = { field, text: t.copySelected(label) };
    }
  }

  protected override render(): TemplateResult | typeof nothing {
    const system = this.system;
    if (!system) return nothing;
    const t = this.localize.t;
    const name = system.values.name?.trim() ?? '';
    const fallback = system.kind === 'other' ? t.newOtherSystem : t.newDingtalkSystem;
    const fields = FIELDS_BY_KIND[system.kind];
    const advanced = fields.filter((f) => ADVANCED_FIELDS.has(f));
    const advancedOpen = advanced.some((f) => (system.values[f] ?? '') !== '' || this.errors[f]);

    return html`
      <fieldset part="base">
        <legend>${name || fallback}</legend>
        <p class="hint kind">
          ${system.kind === 'other' ? t.kindOther : t.kindDingtalk}
          ${system.status === 'retired' ? html`· ${t.retiredNote}` : nothing}
        </p>
        <div class="fields">
          ${fields.filter((f) => !ADVANCED_FIELDS.has(f)).map((f) => this.renderField(f))}
        </div>
        ${
          advanced.length > 0
            ? html`<details ?open=${advancedOpen}>
              <summary>${t.advanced}</summary>
              <div class="fields">${advanced.map((f) => this.renderField(f))}</div>
            </details>`
            : nothing
        }
        ${this.renderSdkLink()}
        ${this.readonly ? nothing : this.renderActions()}
        <div class="visually-hidden" aria-live="polite">${this.copyNote?.text ?? nothing}</div>
      </fieldset>
    `;
  }

  private renderField(field: SystemField): TemplateResult {
    const t = this.localize.t;
    const system = this.system!;
    const label = t[LABEL_KEYS[field]];
    const value = system.values[field] ?? '';
    const error = this.errors[field];
    const secret = isSecretField(field);
    const fixed = field === 'tenantId';
    // "Type to replace" would invite typing into an input that does not take it.
    const savedNote = this.readonly ? t.secretSavedReadOnly : t.secretSaved;
    const hint = this.hintFor(field, value);
    const describedBy = [error ? `${field}-error` : '', hint ? `${field}-hint` : '']
      .filter(Boolean)
      .join(' ');

    return html`
      <div class="field">
        <label for=${field}>${label}</label>
        <div class="control">
          <input
            id=${field}
            name=${field}
            type=${field.endsWith('Url') ? 'url' : 'text'}
            .value=${value}
            ?readonly=${this.readonly || fixed}
            autocomplete="off"
            spellcheck="false"
            placeholder=${secret && value === '' && system.stored[field] ? savedNote : nothing}
            aria-invalid=${error ? 'true' : 'false'}
            aria-describedby=${describedBy || nothing}
            @input=${(e: InputEvent) => this.edit(field, (e.target as HTMLInputElement).value)}
          />
          ${this.renderFieldButtons(field, label, value)}
        </div>
        ${
          error
            ? html`<div id="${field}-error" class="error">
              ${error.key ? t.fieldMessages[error.key] : error.message}
            </div>`
            : nothing
        }
        ${hint ? html`<div id="${field}-hint" class="hint">${hint}</div>` : nothing}
      </div>
    `;
  }

  private hintFor(field: SystemField, value: string): string | undefined {
    const t = this.localize.t;
    if (this.copyNote?.field === field) return this.copyNote.text;
    if (field === 'tenantId') return t.tenantIdHint;
    if (field === 'callbackUrl') return t.callbackUrlHint;
    if (field === 'corpId') return t.corpIdHint;
    if (isSecretField(field) && value !== '') return t.secretUnsaved;
    return undefined;
  }

  private renderFieldButtons(
    field: SystemField,
    label: string,
    value: string,
  ): TemplateResult | typeof nothing {
    const t = this.localize.t;
    const system = this.system!;
    const canGenerate = !this.readonly && GENERATED_LENGTH[field] !== undefined;
    // A secret is copyable only while it is on screen, that is until it is saved.
    const canCopy =
      field === 'tenantId' || field === 'callbackUrl' || (isSecretField(field) && value !== '');
    const canReset = !this.readonly && field === 'callbackUrl';
    if (!canGenerate && !canCopy && !canReset) return nothing;

    return html`
      ${
        canGenerate
          ? html`<button
            type="button"
            aria-label=${t.generateNamed(label)}
            @click=${() => this.generate(field)}
          >
            ${t.generate}
          </button>`
          : nothing
      }
      ${
        canCopy
          ? html`<button
            type="button"
            aria-label=${t.copyNamed(label)}
            @click=${() => this.copy(field, label)}
          >
            ${t.copy}
          </button>`
          : nothing
      }
      ${
        canReset
          ? html`<button
            type="button"
            ?disabled=${value.trim() === system.generatedCallbackUrl}
            @click=${() => this.edit(field, system.generatedCallbackUrl)}
          >
            ${t.resetCallbackUrl}
          </button>`
          : nothing
      }
    `;
  }

  /** Other systems are reached through a proxy written with the SDK: offer it where it is needed. */
  private renderSdkLink(): TemplateResult | typeof nothing {
    if (this.system?.kind !== 'other' || this.sdkDownloadUrl === '') return nothing;
    return html`<p class="sdk">
      <a href=${this.sdkDownloadUrl} download>${this.localize.t.downloadSdk}</a>
    </p>`;
  }

  private renderActions(): TemplateResult {
    const t = this.localize.t;
    const busy = this.test?.busy === true;
    return html`
      <div class="system-actions">
        <button
          type="button"
          aria-disabled=${busy ? 'true' : 'false'}
          aria-describedby="test-status"
          @click=${() => {
            if (!busy) this.emit('signoff-system-test');
          }}
        >
          ${t.testConnection}
        </button>
        <button type="button" class="danger" @click=${() => this.emit('signoff-system-remove')}>
          ${t.remove}
        </button>
      </div>
      <div id="test-status" class="test-status" role="status" aria-busy=${busy ? 'true' : 'false'}>
        ${this.renderTestStatus()}
      </div>
    `;
  }

  private renderTestStatus(): TemplateResult | typeof nothing {
    const t = this.localize.t;
    const test = this.test;
    if (!test) return nothing;
    if (test.busy) {
      const seconds = Math.floor((performance.now() - test.startedAt) / 1000);
      return html`<span class="spinner" aria-hidden="true"></span>${t.testing(seconds)}`;
    }
    if (test.invalidCount) {
      return html`<p class="error">${t.testNotRun(t.fixFields(test.invalidCount))}</p>`;
    }
    if (test.error) {
      return html`<p class="error">${t.testNotRun(describeApiError(t, test.error))}</p>`;
    }
    const result = test.result;
    if (!result) return nothing;
    if (result.ok) {
      return html`<p class="success">${t.testSucceeded(result.latencyMs)}</p>
        ${result.message ? html`<p>${result.message}</p>` : nothing}`;
    }
    const details = [
      result.httpStatus !== undefined ? t.testHttpStatus(result.httpStatus) : '',
      result.remoteCode !== undefined ? t.testRemoteCode(result.remoteCode) : '',
    ].filter(Boolean);
    return html`
      <p class="error">${t.testFailed(t.testReasons[result.reason] ?? result.reason)}</p>
      ${result.message ? html`<p>${result.message}</p>` : nothing}
      ${details.length > 0 ? html`<ul>${details.map((d) => html`<li>${d}</li>`)}</ul>` : nothing}
    `;
  }
}
