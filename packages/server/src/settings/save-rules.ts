// The cross-field rules of a settings save, after the schema has checked each field on its own.
// Pure functions over the stored configurations and the submitted document: the service runs
// them inside the save's write transaction, so what they read cannot change under them.
import {
  BUILTIN_SYSTEM_ID,
  FIELD_MESSAGES_EN,
  type FieldError,
  type FieldMessageKey,
  type settingsInputSchema,
} from '@signoff/contracts';
import type { z } from 'zod';
import type { StoredSystem, SystemToStore } from './repository.ts';

export type ParsedSettingsInput = z.output<typeof settingsInputSchema>;
export type ParsedSystemInput = ParsedSettingsInput['systems'][number];
export type FieldErrors = Record<string, FieldError>;

/** A submitted configuration merged with its stored version, and where it was in the request. */
export interface SubmittedSystem {
  index: number;
  system: SystemToStore;
  /** True when its signing token is the one already stored for it. */
  keepsToken: boolean;
}

/** Secret fields of each kind, in the order the form shows them. */
export const SECRET_FIELDS = {
  other: ['accessToken', 'encodingAesKey'],
  dingtalk: ['appSecret', 'token', 'encodingAesKey'],
} as const;

/** The secret that signs callbacks, and so tells configurations apart when one arrives. */
const SIGNING_TOKEN_FIELD = { other: 'accessToken', dingtalk: 'token' } as const;

const fieldError = (key: FieldMessageKey, message = FIELD_MESSAGES_EN[key]): FieldError => ({
  key,
  message,
});

/**
 * Merges a submitted configuration with its stored version: an omitted secret keeps the stored
 * value (empty when there is none). The tenant id of an existing configuration is the stored one.
 */
export function mergeSystem(
  input: ParsedSystemInput,
  stored: StoredSystem | undefined,
): SystemToStore {
  const common = { id: input.id, name: input.name, status: 'active' as const, retiredAt: null };
  if (input.kind === 'other') {
    const kept = stored?.kind === 'other' ? stored : undefined;
    return {
      ...common,
      kind: 'other',
      tenantId: kept?.tenantId ?? input.tenantId,
      config: { submitUrl: input.submitUrl, callbackUrl: input.callbackUrl },
      secrets: {
        accessToken: input.accessToken ?? kept?.secrets.accessToken ?? '',
        encodingAesKey: input.encodingAesKey ?? kept?.secrets.encodingAesKey ?? '',
      },
    };
  }
  const kept = stored?.kind === 'dingtalk' ? stored : undefined;
  return {
    ...common,
    kind: 'dingtalk',
    tenantId: null,
    config: {
      apiBaseUrl: input.apiBaseUrl,
      appKey: input.appKey,
      agentId: input.agentId,
      corpId: input.corpId,
      callbackUrl: input.callbackUrl,
    },
    secrets: {
      appSecret: input.appSecret ?? kept?.secrets.appSecret ?? '',
      token: input.token ?? kept?.secrets.token ?? '',
      encodingAesKey: input.encodingAesKey ?? kept?.secrets.encodingAesKey ?? '',
    },
  };
}

/** Which of `fields` (by default all its secrets) a configuration still lacks after merging. */
export function missingSecrets(
  system: SystemToStore,
  fields: readonly string[] = SECRET_FIELDS[system.kind],
): string[] {
  const secrets: Record<string, string | undefined> = { ...system.secrets };
  return fields.filter((field) => !secrets[field]);
}

/**
 * Checks the submitted configurations against each other and the store, and the default
 * system against them. Returns the errors by field path, and the configurations to write.
 */
export function checkSubmitted(
  input: ParsedSettingsInput,
  stored: StoredSystem[],
): { fields: FieldErrors; systems: SubmittedSystem[] } {
  const fields: FieldErrors = {};
  const byId = new Map(stored.map((system) => [system.id, system]));
  const tenantOwners = new Map(
    stored.filter((system) => system.tenantId).map((system) => [system.tenantId, system.id]),
  );
  const seenIds = new Set<string>();
  // Names tell configurations apart in the default-system choice and in every request's view.
  const seenNames = new Set<string>();
  const systems: SubmittedSystem[] = [];

  input.systems.forEach((submitted, index) => {
    const at = (field: string) => `systems.${index}.${field}`;
    const previous = byId.get(submitted.id);

    if (seenIds.has(submitted.id)) {
      fields[at('id')] = fieldError('invalid', 'This configuration appears twice in the request.');
      return;
    }
    seenIds.add(submitted.id);

    const nameKey = submitted.name.trim().toLowerCase();
    if (seenNames.has(nameKey)) fields[at('name')] = fieldError('duplicateName');
    seenNames.add(nameKey);

    if (previous && previous.kind !== submitted.kind) {
      fields[at('kind')] = fieldError(
        'invalid',
        'An existing configuration cannot change its kind; add a new one instead.',
      );
      return;
    }
    if (previous?.kind === 'other' && submitted.kind === 'other') {
      if (previous.tenantId !== submitted.tenantId)
        fields[at('tenantId')] = fieldError('tenantIdChanged');
    }
    if (!previous && submitted.kind === 'other') {
      const owner = tenantOwners.get(submitted.tenantId);
      if (owner !== undefined && owner !== submitted.id) {
        fields[at('tenantId')] = fieldError(
          'invalid',
          'Another configuration already uses this tenant id; start from a new draft.',
        );
      }
      tenantOwners.set(submitted.tenantId, submitted.id);
    }

    const system = mergeSystem(submitted, previous);
    if (!previous) {
      for (const field of missingSecrets(system)) fields[at(field)] = fieldError('required');
    }
    const keepsToken = previous !== undefined && signingToken(previous) === signingToken(system);
    systems.push({ index, system, keepsToken });
  });

  const defaultError = checkDefault(input, seenIds);
  if (defaultError) fields.defaultSystemId = defaultError;
  return { fields, systems };
}

function checkDefault(input: ParsedSettingsInput, submittedIds: Set<string>): FieldError | null {
  if (input.defaultSystemId === BUILTIN_SYSTEM_ID) return null;
  if (!input.externalEnabled) {
    return fieldError(
      'unknownSystem',
      'With external approval systems off, the default must be the built-in system.',
    );
  }
  return submittedIds.has(input.defaultSystemId) ? null : fieldError('unknownSystem');
}

/**
 * Signing tokens must be unique across every configuration that can still receive callbacks:
 * the submitted ones and those that stay retired. A configuration that keeps its stored token
 * holds it; one that types a token already held gets the error.
 */
export function checkSigningTokens(
  submitted: SubmittedSystem[],
  keptRetired: StoredSystem[],
): FieldErrors {
  const fields: FieldErrors = {};
  const holders = new Map<string, string>();
  for (const system of keptRetired) holders.set(signingToken(system), system.id);

  // Tokens already stored are claimed first, so the error lands on the one typed anew.
  const ordered = [...submitted].sort((a, b) => Number(b.keepsToken) - Number(a.keepsToken));
  for (const { index, system } of ordered) {
    const token = signingToken(system);
    if (token === '') continue;
    const holder = holders.get(token);
    if (holder !== undefined && holder !== system.id) {
      fields[`systems.${index}.${SIGNING_TOKEN_FIELD[system.kind]}`] = fieldError('duplicateToken');
      continue;
    }
    holders.set(token, system.id);
  }
  return fields;
}

function signingToken(system: SystemToStore | StoredSystem): string {
  return system.kind === 'other' ? system.secrets.accessToken : system.secrets.token;
}
