import { z } from 'zod';
import type { AssetView, Permission } from './catalog.ts';
import { permissionSchema } from './catalog.ts';
import { characterCount, TEXT_MAX_LENGTH } from './field-rules.ts';
import type { SystemKind } from './settings.ts';

/** A request's states (product.md, "A request's life"). */
export const requestStates = [
  'pending_dispatch',
  'pending',
  'dispatch_failed',
  'approved',
  'rejected',
  'revoked',
  'force_revoked',
] as const;
export type RequestState = (typeof requestStates)[number];

export const finalStates: readonly RequestState[] = [
  'approved',
  'rejected',
  'revoked',
  'force_revoked',
];

/** How long the access is wanted; the end date is computed when the request is made. */
export const periodTypes = ['DAYS_7', 'DAYS_30', 'DAYS_90', 'DAYS_180', 'DAYS_365'] as const;

export const createRequestInputSchema = z.object({
  assetId: z.string().min(1, 'required').max(128, 'invalid'),
  permission: permissionSchema,
  periodType: z.enum(periodTypes),
  reason: z
    .string()
    .trim()
    .min(1, 'required')
    .refine((v) => characterCount(v) <= TEXT_MAX_LENGTH, 'textTooLong'),
});
export type CreateRequestInput = z.input<typeof createRequestInputSchema>;

/** Why an admin or the requester acts on a request; kept in the history. */
export const requestActionInputSchema = z.object({
  reason: z
    .string()
    .trim()
    .refine((v) => characterCount(v) <= TEXT_MAX_LENGTH, 'textTooLong')
    .default(''),
});

export type ActorType = 'user' | 'callback' | 'system' | 'reconciler';

export interface HistoryEntry {
  id: number;
  at: string;
  event: string;
  fromState: RequestState | null;
  /** Null when the event changed nothing (a late or duplicate decision). */
  toState: RequestState | null;
  actor: { type: ActorType; id: string | null; name: string | null };
  externalId: string | null;
  eventId: string | null;
  note: string | null;
}

export interface RequestView {
  id: string;
  requester: { id: string; name: string };
  asset: AssetView;
  permission: Permission;
  period: { periodType: string; periodEnd: string };
  reason: string;
  state: RequestState;
  system: { id: string; kind: SystemKind | 'builtin'; name: string };
  templateId: string | null;
  ruleId: string | null;
  externalId: string | null;
  /** The last dispatch error, shown while `dispatch_failed`. */
  lastError: string | null;
  settingsVersion: number;
  createdAt: string;
  updatedAt: string;
}

export interface RequestDetail extends RequestView {
  history: HistoryEntry[];
}

/** One message of the live stream (`GET /api/requests/stream`, server-sent events). */
export interface RequestChangedEvent {
  /** The history row that announced the change; resume after it with `?after=`. */
  cursor: number;
  request: RequestView;
}
