import { z } from 'zod';
import {
  ACCESS_TOKEN_PATTERN,
  AGENT_ID_PATTERN,
  characterCount,
  DINGTALK_TOKEN_PATTERN,
  ENCODING_AES_KEY_PATTERN,
  isHttpUrl,
  NAME_MAX_LENGTH,
  SYSTEM_ID_PATTERN,
  TENANT_ID_PATTERN,
} from './field-rules.ts';

// Issue messages are message keys (see field-rules.ts); the server turns them into
// `{ key, message }` per field and the elements translate the key.
/** At most NAME_MAX_LENGTH characters, counted as the elements count them. */
const withinLimit = (v: string) => characterCount(v) <= NAME_MAX_LENGTH;
const name = z.string().trim().min(1, 'required').refine(withinLimit, 'tooLong');
const url = z.string().trim().min(1, 'required').refine(isHttpUrl, 'url');
const optionalUrl = z
  .string()
  .trim()
  .refine((v) => v === '' || isHttpUrl(v), 'url');
const encodingAesKey = z.string().regex(ENCODING_AES_KEY_PATTERN, 'encodingAesKey');
const systemId = z.string().regex(SYSTEM_ID_PATTERN, 'invalid');

export const systemKinds = ['dingtalk', 'other'] as const;
export type SystemKind = (typeof systemKinds)[number];

/**
 * A third-party ("Other") configuration as the element sends it. Secrets are optional: an
 * omitted secret on an existing configuration keeps the stored value.
 */
export const otherSystemInputSchema = z.object({
  id: systemId,
  kind: z.literal('other'),
  name,
  submitUrl: url,
  /** Empty means "generated from the public base URL". */
  callbackUrl: optionalUrl.default(''),
  tenantId: z.string().regex(TENANT_ID_PATTERN, 'invalid'),
  accessToken: z.string().regex(ACCESS_TOKEN_PATTERN, 'accessToken').optional(),
  encodingAesKey: encodingAesKey.optional(),
});
export type OtherSystemInput = z.input<typeof otherSystemInputSchema>;

/** A DingTalk OA configuration as the element sends it. */
export const dingtalkSystemInputSchema = z.object({
  id: systemId,
  kind: z.literal('dingtalk'),
  name,
  apiBaseUrl: url,
  appKey: z.string().trim().min(1, 'required').refine(withinLimit, 'tooLong'),
  agentId: z.string().trim().regex(AGENT_ID_PATTERN, 'agentId'),
  corpId: z.string().trim().refine(withinLimit, 'tooLong').default(''),
  callbackUrl: optionalUrl.default(''),
  appSecret: z.string().min(1, 'required').refine(withinLimit, 'tooLong').optional(),
  token: z.string().regex(DINGTALK_TOKEN_PATTERN, 'dingtalkToken').optional(),
  encodingAesKey: encodingAesKey.optional(),
});
export type DingtalkSystemInput = z.input<typeof dingtalkSystemInputSchema>;

export const systemInputSchema = z.discriminatedUnion('kind', [
  otherSystemInputSchema,
  dingtalkSystemInputSchema,
]);
export type SystemInput = z.input<typeof systemInputSchema>;

/** `PUT /api/settings`: the whole settings document, replaced at once. */
export const settingsInputSchema = z.object({
  /** The version the admin started from; a save over a newer version is refused (409). */
  baseVersion: z.number().int().nonnegative(),
  externalEnabled: z.boolean(),
  /** `builtin`, or the id of one of `systems`. */
  defaultSystemId: z.string().min(1, 'required').max(64, 'invalid'),
  systems: z.array(systemInputSchema).max(50),
});
export type SettingsInput = z.input<typeof settingsInputSchema>;

export type SystemStatus = 'active' | 'retired';

interface SystemViewBase {
  id: string;
  name: string;
  status: SystemStatus;
  /** The callback URL in effect (the override, or the generated one). */
  callbackUrl: string;
  /** True when the admin overrode the generated callback URL. */
  callbackUrlOverridden: boolean;
}

/** What the API returns for a third-party configuration: secrets only as "set or not". */
export interface OtherSystemView extends SystemViewBase {
  kind: 'other';
  submitUrl: string;
  tenantId: string;
  secrets: { accessToken: boolean; encodingAesKey: boolean };
}

/** What the API returns for a DingTalk configuration: secrets only as "set or not". */
export interface DingtalkSystemView extends SystemViewBase {
  kind: 'dingtalk';
  apiBaseUrl: string;
  appKey: string;
  agentId: string;
  corpId: string;
  secrets: { appSecret: boolean; token: boolean; encodingAesKey: boolean };
}

export type SystemView = OtherSystemView | DingtalkSystemView;

/** Path of the SDK download under the public base URL; public, like the SDK itself. */
export const SDK_DOWNLOAD_PATH = '/api/sdk/download';

/** `GET /api/settings` and the reply to a save. */
export interface SettingsView {
  version: number;
  externalEnabled: boolean;
  defaultSystemId: string;
  systems: SystemView[];
  /** Generated callback URLs start with this. */
  publicBaseUrl: string;
  /** Where the SDK tarball for third-party proxies downloads from (`SDK_DOWNLOAD_PATH`). */
  sdkDownloadUrl: string;
  updatedAt: string | null;
  updatedBy: { id: string; name: string } | null;
  /** Whether the caller may save (super or system administrator). */
  canEdit: boolean;
}

/** `POST /api/settings/drafts`: a fresh id (and tenant id) for a configuration being added. */
export const systemDraftInputSchema = z.object({ kind: z.enum(systemKinds) });
export interface SystemDraft {
  id: string;
  kind: SystemKind;
  /** Made once per Other configuration, never changed; empty for DingTalk. */
  tenantId: string;
  /** The generated callback URL for this kind. */
  callbackUrl: string;
}

/** `POST /api/settings/test-connection`: checks the values on screen, before saving. */
export const testConnectionInputSchema = z.object({ system: systemInputSchema });
export type TestConnectionInput = z.input<typeof testConnectionInputSchema>;

export const testFailureReasons = [
  'invalid_url',
  'blocked_address',
  'dns',
  'refused',
  'timeout',
  'tls',
  'network',
  'http_status',
  'bad_credentials',
  'unexpected_reply',
  'missing_secret',
] as const;
export type TestFailureReason = (typeof testFailureReasons)[number];

export type TestConnectionResult =
  | { ok: true; latencyMs: number; message: string }
  | {
      ok: false;
      reason: TestFailureReason;
      message: string;
      latencyMs: number;
      httpStatus?: number;
      /** The external system's own error code, when it gave one. */
      remoteCode?: string;
    };
