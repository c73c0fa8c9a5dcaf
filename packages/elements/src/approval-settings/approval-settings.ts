import type { FieldError, SettingsView, SystemKind } from '@signoff/contracts';
import { BUILTIN_SYSTEM_ID } from '@signoff/contracts/rules';
import { html, LitElement, nothing, type TemplateResult } from 'lit';
import { property } from 'lit/decorators.js';
import { repeat } from 'lit/directives/repeat.js';
import type { ApiError } from '../controllers/api-client.ts';
import { ApiController } from '../controllers/api-controller.ts';
import { describeApiError, LocalizeController } from '../controllers/localize.ts';
import { sharedStyles, themeTokens } from '../controllers/theme.ts';
import { approvalSettingsStyles } from './approval-settings.styles.ts';
import { type FieldRef, type Problem, SettingsEditor } from './settings-editor.ts';
import {
  checkForm,
  effectiveDefault,
  type FieldChecks,
  type SettingsForm,
  type SystemForm,
} from './settings-form.ts';
import type { SignoffSystemForm, SystemEditDetail } from './system-form.ts';

/**
 * The approval settings page: whether external approval systems are used, which system is the
 * default, and the DingTalk OA and third-party ("Other") configurations, with Test Connection.
 * It loads the settings when connected and saves them with `PUT /api/settings`.
 *
 * @event signoff-change - The admin changed the form: an edit, an added or removed configuration,
 *   Discard, or a successful Save. Detail `{ dirty }`. Never fired when the host sets a property.
 * @event signoff-save - The settings were saved. Detail `{ settings }`, the `SettingsView`.
 * @event signoff-error - A load, save, add or test could not be done. Detail
 *   `{ action, code, message, status }`.
 * @event signoff-test-connection - A Test Connection finished. Detail `{ systemId, result }`.
 *
 * @csspart base - The wrapper around everything.
 * @csspart form - The settings form.
 * @csspart system - Each configuration's group.
 * @csspart actions - The row with Save and Discard.
 * @csspart status - The live region that reports loading and saving.
 *
 * @cssproperty --signoff-font-family - Font of all text.
 * @cssproperty --signoff-font-size - Base font size.
 * @cssproperty --signoff-color-text - Text colour.
 * @cssproperty --signoff-color-text-muted - Hints and secondary text.
 * @cssproperty --signoff-color-surface - Background of inputs and groups.
 * @cssproperty --signoff-color-surface-raised - Background of buttons and read-only inputs.
 * @cssproperty --signoff-color-border - Borders of inputs, buttons and groups.
 * @cssproperty --signoff-color-accent - The Save button and focus accents.
 * @cssproperty --signoff-color-on-accent - Text on the accent colour.
 * @cssproperty --signoff-color-danger - Errors and Remove.
 * @cssproperty --signoff-color-success - Success messages.
 * @cssproperty --signoff-focus-ring - Box shadow of a focused control.
 * @cssproperty --signoff-radius - Corner radius.
 * @cssproperty --signoff-spacing - Base gap between rows.
 */
export class ApprovalSettings extends LitElement {
  static override styles = [themeTokens, sharedStyles, approvalSettingsStyles];

  static override shadowRootOptions: ShadowRootInit = {
    ...LitElement.shadowRootOptions,
    delegatesFocus: true,
  };

  /** Base address of the Signoff API; wins over `signoffContext`. Empty means the page's origin. */
  @property({ attribute: 'api-base' }) apiBase?: string;

  /** Bearer token of the signed-in user; wins over `signoffContext`. */
  @property() token?: string;

  /** Language of the element's text (`en`, `zh-CN`); inherited from ancestors when unset. */
  @property({ reflect: true }) override lang!: string;

  private readonly localize = new LocalizeController(this);
  private readonly api = new ApiController(this, {
    onConfigChange: (config, previous) => this.editor.configChanged(config, previous),
  });
  private readonly editor = new SettingsEditor(this, this.api, () => this.localize.t);

  /** True when the form holds changes that are not saved. */
  get dirty(): boolean {
    return this.editor.dirty;
  }

  /** The settings as last loaded or saved; undefined until they have loaded. */
  get settings(): SettingsView | undefined {
    return this.editor.view;
  }

  /** Loads the settings again, dropping unsaved changes. */
  reload(): Promise<void> {
    return this.editor.load();
  }

  private async onSubmit(event: Event): Promise<void> {
    event.preventDefault();
    this.focusField(await this.editor.save());
  }

  private async onTest(systemId: string): Promise<void> {
    this.focusField(await this.editor.testSystem(systemId));
  }

  private async onAdd(kind: SystemKind): Promise<void> {
    const systemId = await this.editor.addSystem(kind);
    if (systemId) this.focusField({ systemId, field: 'name' });
  }

  private async onRemove(systemId: string): Promise<void> {
    this.editor.removeSystem(systemId);
    // The removed group took focus with it; the add buttons are where the admin goes next.
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLButtonElement>('.add button')?.focus();
  }

  private async focusField(ref: FieldRef | undefined): Promise<void> {
    if (!ref) return;
    await this.updateComplete;
    this.renderRoot
      .querySelector<SignoffSystemForm>(
        `signoff-system-form[data-id="${CSS.escape(ref.systemId)}"]`,
      )
      ?.focusField(ref.field);
  }

  private problemText(problem: Problem): string {
    const t = this.localize.t;
    if (problem.kind === 'invalid') {
      return problem.hidden ? t.hiddenSystemErrors : t.fixFields(problem.count);
    }
    const { action, error } = problem;
    if (error.code === 'version_conflict') return t.versionConflict;
    const detail = describeApiError(t, error);
    if (action !== 'save') return t.actionFailed(detail);
    const fieldCount = Object.keys(error.fields).length;
    return t.saveFailed(fieldCount > 0 ? `${detail} ${t.fixFields(fieldCount)}` : detail);
  }

  protected override render(): TemplateResult {
    const t = this.localize.t;
    const { phase, loadError, form, view, saved } = this.editor;
    const loading = phase === 'loading';
    return html`
      <div part="base" class="base" aria-busy=${loading ? 'true' : 'false'}>
        ${phase === 'failed' && loadError ? this.renderLoadError(loadError) : nothing}
        ${form && view ? this.renderForm(form, view) : nothing}
        <div part="status" class="status" role="status">
          ${loading ? t.loading : nothing} ${saved ? t.saved : nothing}
        </div>
      </div>
    `;
  }

  private renderLoadError(error: ApiError): TemplateResult {
    const t = this.localize.t;
    const message =
      error.code === 'forbidden' || error.code === 'unauthorized' || error.code === 'network'
        ? describeApiError(t, error)
        : t.loadFailed(error.message);
    return html`
      <div class="alert" role="alert">
        <p>${message}</p>
        ${
          error.code === 'forbidden'
            ? nothing
            : html`<button type="button" @click=${() => this.editor.load()}>${t.retry}</button>`
        }
      </div>
    `;
  }

  private renderForm(form: SettingsForm, view: SettingsView): TemplateResult {
    const t = this.localize.t;
    const readonly = !view.canEdit;
    const checks = checkForm(form);
    const dirty = this.editor.dirty;
    const { defaultSystemId: defaultError, ...otherTopErrors } = this.editor.topErrors;

    return html`
      <form part="form" novalidate aria-label=${t.title} @submit=${this.onSubmit}>
        ${readonly ? html`<p class="note">${t.readOnlyNote}</p>` : nothing}
        <div class="switch-row">
          <label class="switch">
            <input
              type="checkbox"
              role="switch"
              .checked=${form.externalEnabled}
              ?disabled=${readonly}
              aria-describedby=${form.externalEnabled ? nothing : 'external-hint'}
              @change=${(e: Event) =>
                this.editor.setExternalEnabled((e.target as HTMLInputElement).checked)}
            />
            <span>${t.externalEnabled}</span>
          </label>
          ${
            form.externalEnabled
              ? nothing
              : html`<p id="external-hint" class="hint">${t.externalOffHint}</p>`
          }
        </div>

        <div class="field">
          <label for="default-system">${t.defaultSystem}</label>
          <select
            id="default-system"
            ?disabled=${readonly}
            aria-invalid=${defaultError ? 'true' : 'false'}
            aria-describedby=${defaultError ? 'default-error default-hint' : 'default-hint'}
            @change=${(e: Event) =>
              this.editor.setDefaultSystem((e.target as HTMLSelectElement).value)}
          >
            <option
              value=${BUILTIN_SYSTEM_ID}
              .selected=${effectiveDefault(form) === BUILTIN_SYSTEM_ID}
            >
              ${t.builtinSystem}
            </option>
            ${
              form.externalEnabled
                ? form.systems
                    .filter((s) => s.status === 'active' || s.id === form.defaultSystemId)
                    .map(
                      (s) => html`<option value=${s.id} .selected=${form.defaultSystemId === s.id}>
                        ${this.systemName(s)}
                      </option>`,
                    )
                : nothing
            }
          </select>
          ${
            defaultError
              ? html`<div id="default-error" class="error">
                ${t.fieldMessages[defaultError.key] ?? defaultError.message}
              </div>`
              : nothing
          }
          <div id="default-hint" class="hint">${t.defaultSystemHint}</div>
        </div>

        ${form.externalEnabled ? this.renderSystems(form, checks, readonly) : nothing}
        ${this.renderProblem(Object.entries(otherTopErrors))}
        ${readonly ? nothing : this.renderActions(dirty)}
        ${
          view.updatedAt && view.updatedBy
            ? html`<p class="hint">
              ${t.lastSaved(this.localize.dateTime(view.updatedAt), view.updatedBy.name)}
            </p>`
            : nothing
        }
      </form>
    `;
  }

  private systemName(system: SystemForm): string {
    const t = this.localize.t;
    const name = system.values.name?.trim();
    if (name) return name;
    return system.kind === 'other' ? t.newOtherSystem : t.newDingtalkSystem;
  }

  private renderSystems(
    form: SettingsForm,
    checks: Map<string, FieldChecks>,
    readonly: boolean,
  ): TemplateResult {
    const t = this.localize.t;
    return html`
      <div class="systems" role="group" aria-labelledby="systems-title">
        <div id="systems-title" class="section-title">${t.systemsHeading}</div>
        ${form.systems.length === 0 ? html`<p class="hint">${t.noSystems}</p>` : nothing}
        ${repeat(
          form.systems,
          (s) => s.id,
          (s) => html`
            <signoff-system-form
              part="system"
              data-id=${s.id}
              lang=${this.localize.lang}
              .system=${s}
              .errors=${this.editor.errorsFor(s, checks.get(s.id) ?? {})}
              .test=${this.editor.tests.get(s.id)}
              sdk-download-url=${this.editor.view?.sdkDownloadUrl ?? nothing}
              ?readonly=${readonly}
              @signoff-system-edit=${(e: CustomEvent<SystemEditDetail>) =>
                this.editor.editSystem(s.id, e.detail.field, e.detail.value)}
              @signoff-system-test=${() => this.onTest(s.id)}
              @signoff-system-remove=${() => this.onRemove(s.id)}
            ></signoff-system-form>
          `,
        )}
        ${
          readonly
            ? nothing
            : html`<div class="add">
              ${this.renderAddButton('other', t.addOther)}
              ${this.renderAddButton('dingtalk', t.addDingtalk)}
            </div>`
        }
      </div>
    `;
  }

  private renderAddButton(kind: SystemKind, label: string): TemplateResult {
    const busy = this.editor.adding === kind;
    return html`<button
      type="button"
      aria-disabled=${this.editor.adding ? 'true' : 'false'}
      @click=${() => this.onAdd(kind)}
    >
      ${busy ? html`<span class="spinner" aria-hidden="true"></span>` : nothing}${label}
    </button>`;
  }

  private renderProblem(topErrors: [string, FieldError][]): TemplateResult | typeof nothing {
    const problem = this.editor.problem;
    if (!problem) return nothing;
    const t = this.localize.t;
    const conflict = problem.kind === 'failed' && problem.error.code === 'version_conflict';
    return html`
      <div class="alert" role="alert">
        <p>${this.problemText(problem)}</p>
        ${
          topErrors.length > 0
            ? html`<ul>
              ${topErrors.map(([path, e]) => html`<li>${path}: ${t.fieldMessages[e.key] ?? e.message}</li>`)}
            </ul>`
            : nothing
        }
        ${
          conflict
            ? html`<button type="button" @click=${() => this.editor.load()}>${t.reload}</button>`
            : nothing
        }
      </div>
    `;
  }

  private renderActions(dirty: boolean): TemplateResult {
    const t = this.localize.t;
    return html`
      <div part="actions" class="actions">
        <button
          type="submit"
          class="primary"
          ?disabled=${!dirty}
          aria-disabled=${this.editor.saving ? 'true' : 'false'}
        >
          ${this.editor.saving ? t.saving : t.save}
        </button>
        <button type="button" ?disabled=${!dirty} @click=${() => this.editor.discard()}>
          ${t.discard}
        </button>
        ${dirty ? html`<span class="hint">${t.unsavedChanges}</span>` : nothing}
      </div>
    `;
  }
}
