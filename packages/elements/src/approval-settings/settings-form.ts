// The settings form as plain data, and the pure functions between it and the API: from a
// `SettingsView` to what the admin edits, from that back to a `SettingsInput`, and the field
// checks the server makes (same rules, same message keys), so mistakes show before a round trip.
import type {
  FieldMessageKey,
  SettingsInput,
  SettingsView,
  SystemDraft,
  SystemInput,
  SystemKind,
  SystemStatus,
  SystemView,
} from '@signoff/contracts';
import {
  ACCESS_TOKEN_PATTERN,
  AGENT_ID_PATTERN,
  BUILTIN_SYSTEM_ID,
  characterCount,
  DINGTALK_CALLBACK_PATH,
  DINGTALK_DEFAULT_API_BASE,
  DINGTALK_TOKEN_PATTERN,
  ENCODING_AES_KEY_PATTERN,
  isHttpUrl,
  NAME_MAX_LENGTH,
  TENANT_ID_PATTERN,
  THIRD_PARTY_CALLBACK_PATH,
} from '@signoff/contracts/rules';

export type SecretField = 'accessToken' | 'encodingAesKey' | 'appSecret' | 'token';

export type SystemField =
  | 'name'
  | 'submitUrl'
  | 'apiBaseUrl'
  | 'appKey'
  | 'appSecret'
  | 'accessToken'
  | 'encodingAesKey'
  | 'token'
  | 'callbackUrl'
  | 'tenantId'
  | 'agentId'
  | 'corpId';

/** The fields of each kind, in the order the form shows them. */
export const FIELDS_BY_KIND: Readonly<Record<SystemKind, readonly SystemField[]>> = {
  other: ['name', 'submitUrl', 'accessToken', 'encodingAesKey', 'callbackUrl', 'tenantId'],
  dingtalk: [
    'name',
    'apiBaseUrl',
    'appKey',
    'appSecret',
    'callbackUrl',
    'encodingAesKey',
    'token',
    'agentId',
    'corpId',
  ],
};

const SECRET_FIELDS: ReadonlySet<SystemField> = new Set<SecretField>([
  'accessToken',
  'encodingAesKey',
  'appSecret',
  'token',
]);

export function isSecretField(field: SystemField): field is SecretField {
  return SECRET_FIELDS.has(field);
}

/** One configuration as the admin edits it. */
export interface SystemForm {
  id: string;
  kind: SystemKind;
  /** Added since the settings were loaded: its secrets must be typed or generated. */
  isNew: boolean;
  status: SystemStatus;
  /** What each input holds. A secret's value is only ever what the admin typed or generated. */
  values: Partial<Record<SystemField, string>>;
  /** Secrets the server already holds; an empty input keeps them. */
  stored: Partial<Record<SecretField, boolean>>;
  /** The callback URL the server generates for this kind; the input is an override of it. */
  generatedCallbackUrl: string;
}

/** The whole settings document as the admin edits it. */
export interface SettingsForm {
  externalEnabled: boolean;
  /** The admin's choice; while external systems are off, the built-in system is sent. */
  defaultSystemId: string;
  systems: SystemForm[];
}

export type FieldChecks = Partial<Record<SystemField, FieldMessageKey>>;

function callbackPath(kind: SystemKind): string {
  return kind === 'dingtalk' ? DINGTALK_CALLBACK_PATH : THIRD_PARTY_CALLBACK_PATH;
}

function systemFromView(view: SystemView, publicBaseUrl: string): SystemForm {
  const generatedCallbackUrl = view.callbackUrlOverridden
    ? `${publicBaseUrl.replace(/\/+$/, '')}${callbackPath(view.kind)}`
    : view.callbackUrl;
  const base = {
    id: view.id,
    isNew: false,
    status: view.status,
    generatedCallbackUrl,
  };
  if (view.kind === 'other') {
    return {
      ...base,
      kind: 'other',
      values: {
        name: view.name,
        submitUrl: view.submitUrl,
        accessToken: '',
        encodingAesKey: '',
        callbackUrl: view.callbackUrl,
        tenantId: view.tenantId,
      },
      stored: { ...view.secrets },
    };
  }
  return {
    ...base,
    kind: 'dingtalk',
    values: {
      name: view.name,
      apiBaseUrl: view.apiBaseUrl,
      appKey: view.appKey,
      appSecret: '',
      callbackUrl: view.callbackUrl,
      encodingAesKey: '',
      token: '',
      agentId: view.agentId,
      corpId: view.corpId,
    },
    stored: { ...view.secrets },
  };
}

/** What the admin starts editing from, given what the server returned. */
export function formFromView(view: SettingsView): SettingsForm {
  return {
    externalEnabled: view.externalEnabled,
    defaultSystemId: view.defaultSystemId,
    systems: view.systems.map((system) => systemFromView(system, view.publicBaseUrl)),
  };
}

/** A new, empty configuration around the id (and tenant id) the server minted for it. */
export function systemFromDraft(draft: SystemDraft): SystemForm {
  const base = {
    id: draft.id,
    kind: draft.kind,
    isNew: true,
    status: 'active' as const,
    stored: {},
    generatedCallbackUrl: draft.callbackUrl,
  };
  if (draft.kind === 'other') {
    return {
      ...base,
      values: {
        name: '',
        submitUrl: '',
        accessToken: '',
        encodingAesKey: '',
        callbackUrl: draft.callbackUrl,
        tenantId: draft.tenantId,
      },
    };
  }
  return {
    ...base,
    values: {
      name: '',
      apiBaseUrl: DINGTALK_DEFAULT_API_BASE,
      appKey: '',
      appSecret: '',
      callbackUrl: draft.callbackUrl,
      encodingAesKey: '',
      token: '',
      agentId: '',
      corpId: '',
    },
  };
}

/** The id the server will record as default: the built-in one while external systems are off. */
export function effectiveDefault(form: SettingsForm): string {
  return form.externalEnabled ? form.defaultSystemId : BUILTIN_SYSTEM_ID;
}

function value(system: SystemForm, field: SystemField): string {
  return system.values[field] ?? '';
}

// An empty secret is left out: on a saved configuration that keeps the stored value, and on a
// new one the field checks have already refused it.
function secret(system: SystemForm, field: SecretField): string | undefined {
  const typed = value(system, field);
  return typed === '' ? undefined : typed;
}

// A callback URL equal to the generated one is sent empty, so the configuration keeps following
// the deployment's public base URL instead of pinning today's value.
function callbackOverride(system: SystemForm): string {
  const typed = value(system, 'callbackUrl').trim();
  return typed === system.generatedCallbackUrl ? '' : typed;
}

/** One configuration as the API takes it, for a save or a Test Connection. */
export function systemToInput(system: SystemForm): SystemInput {
  const common = {
    id: system.id,
    name: value(system, 'name').trim(),
    callbackUrl: callbackOverride(system),
  };
  if (system.kind === 'other') {
    return withoutUndefined({
      ...common,
      kind: 'other' as const,
      submitUrl: value(system, 'submitUrl').trim(),
      tenantId: value(system, 'tenantId'),
      accessToken: secret(system, 'accessToken'),
      encodingAesKey: secret(system, 'encodingAesKey'),
    });
  }
  return withoutUndefined({
    ...common,
    kind: 'dingtalk' as const,
    apiBaseUrl: value(system, 'apiBaseUrl').trim(),
    appKey: value(system, 'appKey').trim(),
    agentId: value(system, 'agentId').trim(),
    corpId: value(system, 'corpId').trim(),
    appSecret: secret(system, 'appSecret'),
    token: secret(system, 'token'),
    encodingAesKey: secret(system, 'encodingAesKey'),
  });
}

function withoutUndefined<T extends object>(input: T): T {
  return Object.fromEntries(Object.entries(input).filter(([, v]) => v !== undefined)) as T;
}

/** The body of `PUT /api/settings`. */
export function formToInput(form: SettingsForm, baseVersion: number): SettingsInput {
  return {
    baseVersion,
    externalEnabled: form.externalEnabled,
    defaultSystemId: effectiveDefault(form),
    systems: form.systems.map(systemToInput),
  };
}

/** Whether two forms would save the same settings (used to tell unsaved changes). */
export function sameForm(a: SettingsForm, b: SettingsForm): boolean {
  const key = (form: SettingsForm) =>
    JSON.stringify([
      form.externalEnabled,
      effectiveDefault(form),
      form.systems.map((s) => [s.id, FIELDS_BY_KIND[s.kind].map((f) => value(s, f))]),
    ]);
  return key(a) === key(b);
}

// Names, AppKey, Corp ID and AppSecret share one limit, counted in characters as the server
// counts a name: `length` would count an emoji twice and refuse names the server has accepted.
function tooLong(text: string): boolean {
  return characterCount(text) > NAME_MAX_LENGTH;
}

/** The server's check of one field, as a message key; undefined when the value is fine. */
export function checkField(system: SystemForm, field: SystemField): FieldMessageKey | undefined {
  const raw = value(system, field);
  const trimmed = raw.trim();
  switch (field) {
    case 'name':
      if (trimmed === '') return 'required';
      return tooLong(trimmed) ? 'tooLong' : undefined;
    case 'submitUrl':
    case 'apiBaseUrl':
      if (trimmed === '') return 'required';
      return isHttpUrl(trimmed) ? undefined : 'url';
    case 'callbackUrl':
      return trimmed === '' || isHttpUrl(trimmed) ? undefined : 'url';
    case 'tenantId':
      return TENANT_ID_PATTERN.test(raw) ? undefined : 'invalid';
    case 'appKey':
      if (trimmed === '') return 'required';
      return tooLong(trimmed) ? 'tooLong' : undefined;
    case 'corpId':
      return tooLong(trimmed) ? 'tooLong' : undefined;
    case 'agentId':
      // The server reports an empty AgentId as `agentId` (digits only); saying "required" is
      // the same rule put more plainly.
      if (trimmed === '') return 'required';
      return AGENT_ID_PATTERN.test(trimmed) ? undefined : 'agentId';
    default:
      return checkSecret(system, field, raw);
  }
}

function checkSecret(
  system: SystemForm,
  field: SecretField,
  raw: string,
): FieldMessageKey | undefined {
  if (raw === '') return system.stored[field] ? undefined : 'required';
  switch (field) {
    case 'accessToken':
      return ACCESS_TOKEN_PATTERN.test(raw) ? undefined : 'accessToken';
    case 'encodingAesKey':
      return ENCODING_AES_KEY_PATTERN.test(raw) ? undefined : 'encodingAesKey';
    case 'token':
      return DINGTALK_TOKEN_PATTERN.test(raw) ? undefined : 'dingtalkToken';
    case 'appSecret':
      return tooLong(raw) ? 'tooLong' : undefined;
  }
}

/** Every mistake in one configuration, by field. */
export function checkSystem(system: SystemForm): FieldChecks {
  const checks: FieldChecks = {};
  for (const field of FIELDS_BY_KIND[system.kind]) {
    const key = checkField(system, field);
    if (key) checks[field] = key;
  }
  return checks;
}

/**
 * Every mistake in the form, by system id. Besides each field's own rule, two configurations may
 * share neither a name (`duplicateName`, compared trimmed and case-insensitively) nor a callback
 * token (`duplicateToken`). Like the server, the later configuration of a pair is the one marked.
 * Tokens are compared among the values typed here; stored ones are the server's to compare.
 */
export function checkForm(form: SettingsForm): Map<string, FieldChecks> {
  const result = new Map<string, FieldChecks>();
  const seenNames = new Set<string>();
  const seenTokens = new Set<string>();
  for (const system of form.systems) {
    const checks = checkSystem(system);
    if (!checks.name) {
      const name = value(system, 'name').trim().toLowerCase();
      if (seenNames.has(name)) checks.name = 'duplicateName';
      seenNames.add(name);
    }
    const tokenField = system.kind === 'dingtalk' ? 'token' : 'accessToken';
    const token = value(system, tokenField);
    if (token !== '' && !checks[tokenField]) {
      const key = `${system.kind}:${token}`;
      if (seenTokens.has(key)) checks[tokenField] = 'duplicateToken';
      seenTokens.add(key);
    }
    if (Object.keys(checks).length > 0) result.set(system.id, checks);
  }
  return result;
}
