// What <approval-settings> does, apart from drawing it: load, edit, add and remove
// configurations, test them, save, discard, and the feedback each of those leaves. The element
// renders this controller's state and forwards the admin's actions to it.
import type { FieldError, SettingsView, SystemKind } from '@signoff/contracts';
import { BUILTIN_SYSTEM_ID } from '@signoff/contracts/rules';
import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { ApiError } from '../controllers/api-client.ts';
import type { ApiController } from '../controllers/api-controller.ts';
import type { SignoffConfig } from '../controllers/context.ts';
import type { Translation } from '../controllers/localize.ts';
import { emit, type SignoffAction } from '../events.ts';
import {
  checkForm,
  checkSystem,
  FIELDS_BY_KIND,
  type FieldChecks,
  formFromView,
  formToInput,
  type SettingsForm,
  type SystemField,
  type SystemForm,
  sameForm,
  systemFromDraft,
  systemToInput,
} from './settings-form.ts';
import type { ShownFieldError, TestState } from './system-form.ts';

export type Phase = 'idle' | 'loading' | 'ready' | 'failed';

/** Why the last action did not go through; the element words it in the active language. */
export type Problem =
  | { kind: 'invalid'; count: number; hidden: boolean }
  | { kind: 'failed'; action: SignoffAction; error: ApiError };

/** A field to move focus to: the first mistake, or the name of a system just added. */
export interface FieldRef {
  systemId: string;
  field: SystemField;
}

type EditorHost = ReactiveControllerHost & HTMLElement;

export class SettingsEditor implements ReactiveController {
  phase: Phase = 'idle';
  loadError?: ApiError;
  /** The settings as the server last returned them. */
  view?: SettingsView;
  /** The settings as the admin is editing them. */
  form?: SettingsForm;
  saving = false;
  adding?: SystemKind;
  /** Set by a successful save until the next edit. */
  saved = false;
  problem?: Problem;
  tests = new Map<string, TestState>();
  /** Mistakes the server reported on paths that are not a configuration's field. */
  topErrors: Record<string, FieldError> = {};

  private readonly host: EditorHost;
  private readonly api: ApiController;
  private readonly t: () => Translation;
  private loaded?: SettingsForm;
  private loadAbort?: AbortController;
  private serverErrors = new Map<string, Partial<Record<SystemField, FieldError>>>();
  // Client checks show for a configuration once it was tested, and for all after a Save: not
  // earlier, and not on leaving a field, where a message appearing under the pointer would shift
  // the button being clicked.
  private tested = new Set<string>();
  private checkAll = false;

  constructor(host: EditorHost, api: ApiController, t: () => Translation) {
    this.host = host;
    this.api = api;
    this.t = t;
    host.addController(this);
  }

  /** True when the form holds changes that are not saved. */
  get dirty(): boolean {
    return !!this.form && !!this.loaded && !sameForm(this.form, this.loaded);
  }

  hostDisconnected(): void {
    // An unfinished load starts again on reconnection; finished settings and edits are kept.
    if (this.phase === 'loading') {
      this.loadAbort?.abort();
      this.phase = 'idle';
      this.api.reset();
    }
  }

  /** Loads again when the address changes, or the token does and nothing would be lost. */
  configChanged(config: SignoffConfig, previous: SignoffConfig | undefined): void {
    // A refreshed token must not throw away the admin's edits: it is used from the next call.
    if (previous?.apiBase === config.apiBase && this.phase === 'ready' && this.dirty) return;
    void this.load();
  }

  async load(): Promise<void> {
    this.loadAbort?.abort();
    const abort = new AbortController();
    this.loadAbort = abort;
    this.phase = 'loading';
    this.loadError = undefined;
    this.host.requestUpdate();

    try {
      const view = await this.api.client.get('/api/settings', { signal: abort.signal });
      if (abort.signal.aborted) return;
      this.applyView(view);
      this.phase = 'ready';
    } catch (error) {
      if (abort.signal.aborted) return;
      this.loadError = asApiError(error);
      this.phase = 'failed';
      this.report('load', this.loadError);
    }
    this.host.requestUpdate();
  }

  private applyView(view: SettingsView): void {
    this.view = view;
    this.loaded = formFromView(view);
    this.form = structuredClone(this.loaded);
    this.resetFeedback();
  }

  private resetFeedback(): void {
    this.problem = undefined;
    this.saved = false;
    this.tests = new Map();
    this.serverErrors = new Map();
    this.topErrors = {};
    this.tested = new Set();
    this.checkAll = false;
  }

  private report(action: SignoffAction, error: ApiError): void {
    const { code, message, status } = error;
    emit(this.host, 'signoff-error', { action, code, message, status });
  }

  // Every edit by the admin goes through here: it replaces the form and tells the host page.
  private change(next: SettingsForm): void {
    this.form = next;
    this.saved = false;
    this.host.requestUpdate();
    emit(this.host, 'signoff-change', { dirty: this.dirty });
  }

  setExternalEnabled(externalEnabled: boolean): void {
    if (this.form) this.change({ ...this.form, externalEnabled });
  }

  setDefaultSystem(defaultSystemId: string): void {
    if (!this.form) return;
    const { defaultSystemId: _cleared, ...rest } = this.topErrors;
    this.topErrors = rest;
    this.change({ ...this.form, defaultSystemId });
  }

  editSystem(id: string, field: SystemField, value: string): void {
    if (!this.form) return;
    const errors = this.serverErrors.get(id);
    if (errors?.[field]) {
      const { [field]: _cleared, ...rest } = errors;
      this.serverErrors.set(id, rest);
    }
    const systems = this.form.systems.map((s) =>
      s.id === id ? { ...s, values: { ...s.values, [field]: value } } : s,
    );
    this.change({ ...this.form, systems });
  }

  /** Adds a configuration around a server-made draft; resolves to its id once shown. */
  async addSystem(kind: SystemKind): Promise<string | undefined> {
    if (this.adding) return undefined;
    this.adding = kind;
    this.problem = undefined;
    this.host.requestUpdate();
    try {
      const draft = await this.api.client.post('/api/settings/drafts', { kind });
      if (!this.form) return undefined;
      this.change({ ...this.form, systems: [...this.form.systems, systemFromDraft(draft)] });
      return draft.id;
    } catch (error) {
      this.problem = { kind: 'failed', action: 'add-system', error: asApiError(error) };
      this.report('add-system', this.problem.error);
      return undefined;
    } finally {
      this.adding = undefined;
      this.host.requestUpdate();
    }
  }

  removeSystem(id: string): void {
    if (!this.form) return;
    const systems = this.form.systems.filter((s) => s.id !== id);
    // Only an active configuration can be the default; without it, the built-in one is.
    const defaultSystemId =
      this.form.defaultSystemId === id ? BUILTIN_SYSTEM_ID : this.form.defaultSystemId;
    this.tests.delete(id);
    this.serverErrors.delete(id);
    this.change({ ...this.form, systems, defaultSystemId });
  }

  /** Tests one configuration; resolves to its first mistake when it was not sent. */
  async testSystem(id: string): Promise<FieldRef | undefined> {
    const system = this.form?.systems.find((s) => s.id === id);
    if (!system || this.tests.get(id)?.busy) return undefined;
    this.tested.add(id);
    const checks = checkSystem(system);
    const invalidCount = Object.keys(checks).length;
    if (invalidCount > 0) {
      this.setTest(id, { busy: false, startedAt: 0, invalidCount });
      return firstMistake(system, checks);
    }

    const startedAt = performance.now();
    this.setTest(id, { busy: true, startedAt });
    try {
      const result = await this.api.client.post('/api/settings/test-connection', {
        system: systemToInput(system),
      });
      this.setTest(id, { busy: false, startedAt, result });
      emit(this.host, 'signoff-test-connection', { systemId: id, result });
    } catch (error) {
      const apiError = asApiError(error);
      this.placeServerErrors(apiError.fields, (path) => {
        const [head, field] = path.split('.');
        return head === 'system' && field
          ? { systemId: id, field: field as SystemField }
          : undefined;
      });
      this.setTest(id, { busy: false, startedAt, error: apiError });
      this.report('test-connection', apiError);
    }
    return undefined;
  }

  private setTest(id: string, test: TestState): void {
    // The configuration may have been removed while its test ran.
    if (!this.form?.systems.some((s) => s.id === id)) return;
    this.tests = new Map(this.tests).set(id, test);
    this.host.requestUpdate();
  }

  /** Checks and saves the form; resolves to the first mistake when nothing was sent. */
  async save(): Promise<FieldRef | undefined> {
    const { form, view } = this;
    if (!form || !view || this.saving || !this.dirty) return undefined;
    this.saved = false;
    this.checkAll = true;

    const checks = checkForm(form);
    if (checks.size > 0) {
      const count = [...checks.values()].reduce((n, c) => n + Object.keys(c).length, 0);
      this.problem = { kind: 'invalid', count, hidden: !form.externalEnabled };
      this.host.requestUpdate();
      this.report('save', new ApiError('validation_failed', this.t().fixFields(count), 0));
      const system = form.systems.find((s) => checks.has(s.id));
      return system && firstMistake(system, checks.get(system.id) ?? {});
    }

    this.saving = true;
    this.problem = undefined;
    this.host.requestUpdate();
    // Field paths in a 400 reply index the systems as sent, whatever happens to the form since.
    const sentIds = form.systems.map((s) => s.id);
    try {
      const settings = await this.api.client.put('/api/settings', formToInput(form, view.version));
      this.applyView(settings);
      this.saved = true;
      emit(this.host, 'signoff-save', { settings });
      emit(this.host, 'signoff-change', { dirty: false });
    } catch (error) {
      const apiError = asApiError(error);
      this.topErrors = this.placeServerErrors(apiError.fields, (path) => {
        const [head, index, field] = path.split('.');
        const systemId = head === 'systems' ? sentIds[Number(index)] : undefined;
        return systemId && field ? { systemId, field: field as SystemField } : undefined;
      });
      this.problem = { kind: 'failed', action: 'save', error: apiError };
      this.report('save', apiError);
    } finally {
      this.saving = false;
      this.host.requestUpdate();
    }
    return undefined;
  }

  /**
   * Puts a 400 reply's field mistakes beside their fields. `locate` turns a dotted path into a
   * system and field; the paths it cannot place (such as `defaultSystemId`) are returned.
   */
  private placeServerErrors(
    fields: Readonly<Record<string, FieldError>>,
    locate: (path: string) => FieldRef | undefined,
  ): Record<string, FieldError> {
    const unplaced: Record<string, FieldError> = {};
    for (const [path, error] of Object.entries(fields)) {
      const place = locate(path);
      if (!place) {
        unplaced[path] = error;
        continue;
      }
      const errors = this.serverErrors.get(place.systemId);
      this.serverErrors.set(place.systemId, { ...errors, [place.field]: error });
    }
    return unplaced;
  }

  discard(): void {
    if (!this.loaded || !this.dirty) return;
    this.resetFeedback();
    this.change(structuredClone(this.loaded));
  }

  /** The mistakes to show beside one configuration's fields. */
  errorsFor(
    system: SystemForm,
    checks: FieldChecks,
  ): Partial<Record<SystemField, ShownFieldError>> {
    const shown: Partial<Record<SystemField, ShownFieldError>> = {
      ...this.serverErrors.get(system.id),
    };
    if (!this.checkAll && !this.tested.has(system.id)) return shown;
    for (const [field, key] of Object.entries(checks)) {
      shown[field as SystemField] = { key, message: this.t().fieldMessages[key] };
    }
    return shown;
  }
}

function firstMistake(system: SystemForm, checks: FieldChecks): FieldRef | undefined {
  const field = FIELDS_BY_KIND[system.kind].find((f) => checks[f]);
  return field && { systemId: system.id, field };
}

function asApiError(error: unknown): ApiError {
  if (error instanceof ApiError) return error;
  return new ApiError('internal', error instanceof Error ? error.message : String(error), 0);
}
