// Approval settings: read them, hand out drafts for new configurations, save a new version,
// and test a configuration before it is saved. Authorisation is the routes' job; the rules of
// what a save may change live here and in save-rules.ts.
import { randomUUID } from 'node:crypto';
import {
  SETTINGS_EDITOR_ROLES,
  type SettingsInput,
  type SettingsView,
  type SystemDraft,
  type SystemKind,
  settingsInputSchema,
  type TestConnectionInput,
  type TestConnectionResult,
  testConnectionInputSchema,
} from '@signoff/contracts';
import type { Connector } from '../connectors/types.ts';
import type { AuthUser } from '../http/env.ts';
import { ApiError, conflict } from '../http/errors.ts';
import { fieldErrors, validationFailed } from '../http/validate.ts';
import {
  type SettingsRepository,
  type SettingsTransaction,
  type StoredSystem,
  type SystemToStore,
  toResolved,
} from './repository.ts';
import { checkSigningTokens, checkSubmitted, mergeSystem, missingSecrets } from './save-rules.ts';
import { describeChanges, generatedCallbackUrl, settingsSnapshot, settingsView } from './view.ts';

export interface SettingsServiceOptions {
  repository: SettingsRepository;
  /** What tests a configuration of each kind; a kind without one cannot be tested yet. */
  connectors: Partial<Record<SystemKind, Pick<Connector, 'testConnection'>>>;
  /** The address the outside world reaches the server at; generated callback URLs start with it. */
  publicBaseUrl: string;
  /** Milliseconds since the epoch; tests fix it. */
  now?: () => number;
}

// A connection test checks that the system is reachable and accepts its credentials; the keys
// that only callbacks use are not needed for it, so their absence does not block a test.
const SECRETS_USED_BY_TEST = {
  other: ['accessToken'],
  dingtalk: ['appSecret'],
} as const;

const SECRET_LABELS: Record<string, string> = {
  accessToken: 'Access Token',
  appSecret: 'AppSecret',
};

export class SettingsService {
  private readonly repository: SettingsRepository;
  private readonly connectors: SettingsServiceOptions['connectors'];
  private readonly publicBaseUrl: string;
  private readonly now: () => number;

  constructor(options: SettingsServiceOptions) {
    this.repository = options.repository;
    this.connectors = options.connectors;
    this.publicBaseUrl = options.publicBaseUrl.replace(/\/+$/, '');
    this.now = options.now ?? Date.now;
  }

  /** The current settings as `user` may see them: secrets only as "set or not". */
  async get(user: AuthUser): Promise<SettingsView> {
    const [record, systems] = await Promise.all([
      this.repository.read.settings(),
      this.repository.read.systems(),
    ]);
    return settingsView(record, systems, this.viewContext(user));
  }

  /** Fresh ids (for a third party, a tenant id too) for a configuration being added; stores nothing. */
  draft(kind: SystemKind): SystemDraft {
    return {
      id: randomUUID(),
      kind,
      tenantId: kind === 'other' ? randomUUID() : '',
      callbackUrl: generatedCallbackUrl(kind, this.publicBaseUrl),
    };
  }

  /**
   * Saves the whole settings document as a new version, in one write transaction: the version
   * check, the rules, the configurations, the settings row and the history row.
   */
  async save(user: AuthUser, raw: SettingsInput): Promise<SettingsView> {
    const parsed = settingsInputSchema.safeParse(raw);
    if (!parsed.success) throw validationFailed(fieldErrors(parsed.error));
    const input = parsed.data;
    const now = this.now();

    const saved = await this.repository.write(async (tx) => {
      const current = await tx.settings();
      if (input.baseVersion !== current.version) {
        throw new ApiError(
          409,
          'version_conflict',
          `The settings changed after you loaded them (you started from version ` +
            `${input.baseVersion}; the current one is ${current.version}). Reload and apply ` +
            'your changes again.',
        );
      }
      const stored = await tx.systems();

      const { fields, systems: submitted } = checkSubmitted(input, stored);
      const leftOut = await planLeftOut(tx, stored, new Set(input.systems.map((s) => s.id)), now);
      Object.assign(fields, checkSigningTokens(submitted, leftOut.stillReceiving));
      if (Object.keys(fields).length > 0) throw validationFailed(fields);
      if (leftOut.blocked.length > 0) throw conflict(leftOut.blocked.join(' '));

      const writes = [...submitted.map((entry) => entry.system), ...leftOut.transitions];
      for (const system of writes) await tx.saveSystem(system, now);
      const version = current.version + 1;
      const next = {
        externalEnabled: input.externalEnabled,
        defaultSystemId: input.defaultSystemId,
      };
      await tx.saveSettings({ version, ...next, updatedAt: now, updatedBy: user.id });
      await tx.addVersion({
        version,
        createdAt: now,
        actorId: user.id,
        changes: describeChanges({ ...current, systems: stored }, { ...next, systems: writes }),
        snapshot: settingsSnapshot({ version, ...next }, mergeById(stored, writes)),
      });

      return { record: await tx.settings(), systems: await tx.systems() };
    });
    return settingsView(saved.record, saved.systems, this.viewContext(user));
  }

  /**
   * Tests a configuration with the values on screen. For a stored configuration, omitted
   * secrets are filled in from the store; a new one must carry them.
   */
  async testConnection(_user: AuthUser, raw: TestConnectionInput): Promise<TestConnectionResult> {
    const parsed = testConnectionInputSchema.safeParse(raw);
    if (!parsed.success) throw validationFailed(fieldErrors(parsed.error));
    const submitted = parsed.data.system;
    const connector = this.connectors[submitted.kind];
    if (!connector) {
      throw new ApiError(
        501,
        'not_available',
        `Testing a ${submitted.kind === 'dingtalk' ? 'DingTalk' : 'third-party'} connection ` +
          'is not available on this server.',
      );
    }

    const stored = await this.repository.read.system(submitted.id);
    if (stored && stored.kind !== submitted.kind) {
      throw validationFailed({
        'system.kind': {
          key: 'invalid',
          message: 'An existing configuration cannot change its kind; add a new one instead.',
        },
      });
    }
    const system = mergeSystem(submitted, stored ?? undefined);
    const missing = missingSecrets(system, SECRETS_USED_BY_TEST[system.kind]);
    if (missing.length > 0) {
      const names = missing.map((field) => SECRET_LABELS[field] ?? field).join(' and ');
      return {
        ok: false,
        reason: 'missing_secret',
        latencyMs: 0,
        message: `Enter the ${names} to test this configuration: nothing is stored for it yet.`,
      };
    }
    return connector.testConnection(toResolved(system));
  }

  private viewContext(user: AuthUser) {
    return {
      publicBaseUrl: this.publicBaseUrl,
      canEdit: user.roles.some((role) => SETTINGS_EDITOR_ROLES.includes(role)),
    };
  }
}

interface LeftOut {
  /** New statuses of configurations that were left out of the save. */
  transitions: SystemToStore[];
  /** Configurations that stay retired: their tokens still find their callbacks. */
  stillReceiving: StoredSystem[];
  /** Why a configuration cannot be removed, one sentence each. */
  blocked: string[];
}

/**
 * What happens to each configuration the save leaves out: refused while a template names it,
 * retired while requests bound to it are unfinished, otherwise removed.
 */
async function planLeftOut(
  tx: SettingsTransaction,
  stored: StoredSystem[],
  submittedIds: Set<string>,
  now: number,
): Promise<LeftOut> {
  const plan: LeftOut = { transitions: [], stillReceiving: [], blocked: [] };
  for (const system of stored) {
    if (system.status === 'removed' || submittedIds.has(system.id)) continue;

    const templates = await tx.templatesNaming(system.id);
    if (templates.length > 0) {
      const names = templates.map((template) => `"${template.name}"`).join(', ');
      const subject =
        templates.length === 1 ? `the template ${names} uses` : `the templates ${names} use`;
      plan.blocked.push(
        `The approval system "${system.name}" cannot be removed while ${subject} it; ` +
          'choose another approval system there first.',
      );
      continue;
    }

    const unfinished = await tx.unfinishedRequestCount(system.id);
    const { createdAt: _createdAt, ...row } = system;
    if (unfinished > 0) {
      plan.stillReceiving.push(system);
      if (system.status !== 'retired') {
        plan.transitions.push({ ...row, status: 'retired', retiredAt: now });
      }
    } else {
      plan.transitions.push({ ...row, status: 'removed' });
    }
  }
  return plan;
}

function mergeById(
  stored: StoredSystem[],
  writes: SystemToStore[],
): Array<StoredSystem | SystemToStore> {
  const written = new Map(writes.map((system) => [system.id, system]));
  const merged: Array<StoredSystem | SystemToStore> = stored.map((s) => written.get(s.id) ?? s);
  const storedIds = new Set(stored.map((system) => system.id));
  return [...merged, ...writes.filter((system) => !storedIds.has(system.id))];
}
