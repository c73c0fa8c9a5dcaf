// What leaves the server about settings: the API view (secrets only as "set or not") and the
// history record of a save (secrets only as "changed"). The view copies every field by name and
// reads only `config` and booleans of `secrets`, so a secret added later cannot slip out.
import {
  DINGTALK_CALLBACK_PATH,
  SDK_DOWNLOAD_PATH,
  type SettingsView,
  type SystemKind,
  type SystemView,
  THIRD_PARTY_CALLBACK_PATH,
} from '@signoff/contracts';
import type { SettingsRecord, StoredSystem, SystemToStore } from './repository.ts';

/** The generated callback URL of a kind: the public base and the fixed callback path. */
export function generatedCallbackUrl(kind: SystemKind, publicBaseUrl: string): string {
  const path = kind === 'dingtalk' ? DINGTALK_CALLBACK_PATH : THIRD_PARTY_CALLBACK_PATH;
  return `${publicBaseUrl.replace(/\/+$/, '')}${path}`;
}

export function systemView(system: StoredSystem, publicBaseUrl: string): SystemView {
  const overridden = system.config.callbackUrl !== '';
  const common = {
    id: system.id,
    name: system.name,
    status: system.status === 'retired' ? ('retired' as const) : ('active' as const),
    callbackUrl: overridden
      ? system.config.callbackUrl
      : generatedCallbackUrl(system.kind, publicBaseUrl),
    callbackUrlOverridden: overridden,
  };
  if (system.kind === 'other') {
    return {
      ...common,
      kind: 'other',
      submitUrl: system.config.submitUrl,
      tenantId: system.tenantId,
      secrets: {
        accessToken: system.secrets.accessToken !== '',
        encodingAesKey: system.secrets.encodingAesKey !== '',
      },
    };
  }
  return {
    ...common,
    kind: 'dingtalk',
    apiBaseUrl: system.config.apiBaseUrl,
    appKey: system.config.appKey,
    agentId: system.config.agentId,
    corpId: system.config.corpId,
    secrets: {
      appSecret: system.secrets.appSecret !== '',
      token: system.secrets.token !== '',
      encodingAesKey: system.secrets.encodingAesKey !== '',
    },
  };
}

export interface ViewContext {
  publicBaseUrl: string;
  canEdit: boolean;
}

/** The settings as the API returns them; removed configurations are left out. */
export function settingsView(
  record: SettingsRecord,
  systems: StoredSystem[],
  { publicBaseUrl, canEdit }: ViewContext,
): SettingsView {
  return {
    version: record.version,
    externalEnabled: record.externalEnabled,
    defaultSystemId: record.defaultSystemId,
    systems: systems
      .filter((system) => system.status !== 'removed')
      .map((system) => systemView(system, publicBaseUrl)),
    publicBaseUrl,
    sdkDownloadUrl: `${publicBaseUrl.replace(/\/+$/, '')}${SDK_DOWNLOAD_PATH}`,
    updatedAt: record.updatedAt === null ? null : new Date(record.updatedAt).toISOString(),
    updatedBy: record.updatedBy,
    canEdit,
  };
}

/** One entry of a version's change list. Secret fields appear only as `changed`. */
export type SettingsChange =
  | { field: 'externalEnabled'; from: boolean; to: boolean }
  | { field: 'defaultSystemId'; from: string; to: string }
  | { systemId: string; name: string; change: 'added' | 'restored' | 'retired' | 'removed' }
  | { systemId: string; name: string; field: string; from: string; to: string }
  | { systemId: string; name: string; field: string; change: 'changed' };

interface Side {
  externalEnabled: boolean;
  defaultSystemId: string;
}

/** What a save changes, from the stored state to the configurations it writes. */
export function describeChanges(
  before: Side & { systems: StoredSystem[] },
  after: Side & { systems: SystemToStore[] },
): SettingsChange[] {
  const changes: SettingsChange[] = [];
  if (before.externalEnabled !== after.externalEnabled) {
    changes.push({
      field: 'externalEnabled',
      from: before.externalEnabled,
      to: after.externalEnabled,
    });
  }
  if (before.defaultSystemId !== after.defaultSystemId) {
    changes.push({
      field: 'defaultSystemId',
      from: before.defaultSystemId,
      to: after.defaultSystemId,
    });
  }

  const stored = new Map(before.systems.map((system) => [system.id, system]));
  for (const next of after.systems) {
    const previous = stored.get(next.id);
    const subject = { systemId: next.id, name: next.name };
    if (!previous) {
      changes.push({ ...subject, change: 'added' });
      continue;
    }
    if (previous.status !== next.status) {
      const change = next.status === 'active' ? 'restored' : next.status;
      changes.push({ ...subject, change });
    }
    if (next.status !== 'active') continue;

    const fields = { name: [previous.name, next.name], ...pairs(previous.config, next.config) };
    for (const [field, [from, to]] of Object.entries(fields)) {
      if (from !== to) changes.push({ ...subject, field, from: String(from), to: String(to) });
    }
    for (const [field, [from, to]] of Object.entries(pairs(previous.secrets, next.secrets))) {
      if (from !== to) changes.push({ ...subject, field, change: 'changed' });
    }
  }
  return changes;
}

function pairs(before: object, after: object): Record<string, [unknown, unknown]> {
  const left = before as Record<string, unknown>;
  const right = after as Record<string, unknown>;
  const keys = new Set([...Object.keys(left), ...Object.keys(right)]);
  return Object.fromEntries([...keys].map((key) => [key, [left[key], right[key]]]));
}

/** The settings as saved, for the history: every non-secret field of every kept configuration. */
export function settingsSnapshot(
  side: Side & { version: number },
  systems: Array<StoredSystem | SystemToStore>,
) {
  return {
    version: side.version,
    externalEnabled: side.externalEnabled,
    defaultSystemId: side.defaultSystemId,
    systems: systems
      .filter((system) => system.status !== 'removed')
      .map((system) => ({
        id: system.id,
        kind: system.kind,
        name: system.name,
        status: system.status,
        tenantId: system.tenantId,
        config: { ...system.config },
      })),
  };
}
