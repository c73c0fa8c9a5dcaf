// The wire contract between Signoff and a third-party ("Other") approval system's proxy. The two
// outbound calls copy the format Dataphin publishes, so existing proxies already serve them; the
// refusals, replies, callback and optional calls are Signoff's own contract. Schemas that read
// what the other side sends tolerate extra fields, so either side can add some without a break.

import { z } from 'zod';

/** Paths of the calls Signoff makes, relative to the configured Submit Approval Request URL. */
export const THIRD_PARTY_PATHS = {
  connect: '/dataphin/bpms/check/connect',
  create: '/dataphin/bpms/processinstance/create',
  get: '/signoff/processinstance/get',
  terminate: '/signoff/processinstance/terminate',
} as const;

/** Path on the Signoff server that receives a proxy's encrypted callbacks. */
export const THIRD_PARTY_CALLBACK_PATH = '/api/oa/bpms/integration/thirdparty/callback';

/** Largest request body (submit and the optional calls) a proxy should need to accept. */
export const MAX_THIRD_PARTY_REQUEST_BYTES = 256 * 1024;

/** Largest reply body Signoff reads from a proxy; a reply holds a few short fields. */
export const MAX_THIRD_PARTY_REPLY_BYTES = 64 * 1024;

/** Largest callback body Signoff accepts; a callback carries one encrypted event. */
export const MAX_CALLBACK_BODY_BYTES = 64 * 1024;

/** Longest id (event, request, instance, user) a callback may carry: ids are stored and logged. */
export const MAX_CALLBACK_ID_LENGTH = 256;

/** Longest approver comment a callback may carry. */
export const MAX_CALLBACK_COMMENT_LENGTH = 4000;

const callbackId = z.string().min(1).max(MAX_CALLBACK_ID_LENGTH);

/** The only value of `checkResult` that passes a connection test. */
export const CONNECT_SUCCESS = 'success';

/** The message a callback reply encrypts to acknowledge a delivery. */
export const CALLBACK_SUCCESS = 'success';

/** Query parameters on every call to a proxy: the Access Token and the send time in ms. */
export const proxyQuerySchema = z.object({
  accessToken: z.string().min(1),
  timestamp: z.string().regex(/^\d+$/, 'timestamp must be milliseconds since the epoch'),
});

/** Body of the connection test. */
export const connectRequestSchema = z.object({
  checkEvent: z.literal('connectivity'),
});

/** Reply to the connection test; only `checkResult: 'success'` is a pass. */
export const connectReplySchema = z.looseObject({
  checkResult: z.string(),
});

/** A person as the third-party system knows them. */
export const thirdPartyUserSchema = z.object({
  /** Id in the approval system. */
  userId: z.string().min(1),
  /** Id in the source account system, which may differ from `userId`. */
  userSourceId: z.string().min(1),
  userName: z.string(),
});

/** One step of approval: its approvers, and whether one (`OR`) or all (`AND`) must approve. */
export const approveNodeSchema = z.object({
  /** Position of the step, in ascending order of execution. */
  approveOrder: z.number().int().min(1),
  approveOperator: z.enum(['OR', 'AND']),
  approveUsers: z.array(thirdPartyUserSchema).min(1),
});

/** Body of the submit call. `content` is a JSON string; see {@link submitContentSchema}. */
export const submitRequestSchema = z.object({
  /** Signoff's request id, carried back by every callback; a repeat means the same instance. */
  applyId: z.string().min(1),
  /** The requester's id in the source account system. */
  applyUser: z.string().min(1),
  applyUserInfo: thirdPartyUserSchema,
  /** The configuration's fixed random id, also the owner key of its callbacks. */
  tenantId: z.string().min(1),
  title: z.string().min(1),
  content: z.string().min(1),
  type: z.literal('AUTH'),
  /** Template chosen in the configuration; empty when the proxy picks one itself. */
  templateCode: z.string(),
  /** May be empty when the approval system decides the approvers itself. */
  approveNodes: z.array(approveNodeSchema),
});

/**
 * What a submit's `content` string holds once parsed (Signoff's shape). For example:
 *
 * ```json
 * {
 *   "resourceType": "table",
 *   "resource": { "id": "db.sales.orders", "name": "orders" },
 *   "permission": "read",
 *   "grantees": [{ "userId": "u-1", "userName": "Li Lei",
 *                  "period": { "periodType": "DAYS_30", "periodEnd": "2022-07-01" } }],
 *   "environment": "prod",
 *   "project": "sales",
 *   "reason": "Quarterly report"
 * }
 * ```
 *
 * `periodEnd` is a calendar date (`YYYY-MM-DD`) and is absent for a period with no end. Extra
 * fields are kept, so Signoff can add metadata without breaking a proxy that validates this.
 */
export const submitContentSchema = z.looseObject({
  /** Kind of resource; Signoff sends `table`, `column` or `api`. */
  resourceType: z.string().min(1),
  resource: z.looseObject({
    id: z.string().min(1),
    name: z.string(),
  }),
  /** What is asked for on the resource; Signoff sends `read`, `write` or `export`. */
  permission: z.string().min(1),
  grantees: z
    .array(
      z.object({
        userId: z.string().min(1),
        userName: z.string(),
        period: z.object({
          /** Such as `DAYS_30`, `DAYS_90` or `LONG_TERM`. */
          periodType: z.string().min(1),
          periodEnd: z
            .string()
            .regex(/^\d{4}-\d{2}-\d{2}$/, 'periodEnd must be a date as YYYY-MM-DD')
            .optional(),
        }),
      }),
    )
    .min(1),
  environment: z.string(),
  project: z.string(),
  /** The requester's justification; may be empty. */
  reason: z.string(),
});

/** Reply to a submit: the instance created, or why not and whether Signoff may try again. */
export const submitReplySchema = z.discriminatedUnion('success', [
  z.looseObject({
    success: z.literal(true),
    // Bounded like the callback's id, so Signoff never stores an instance it cannot be told about.
    processInstanceId: callbackId,
  }),
  z.looseObject({
    success: z.literal(false),
    code: z.string(),
    message: z.string(),
    retryable: z.boolean().optional(),
  }),
]);

/** Codes of the HTTP 401 refusal a proxy sends when a call fails its access check. */
export const REFUSAL_CODES = ['ACCESS_TOKEN_INVALID', 'TIMESTAMP_OUT_OF_WINDOW'] as const;

/** Body of a proxy's HTTP 401 refusal of any call. */
export const refusalSchema = z.looseObject({
  success: z.literal(false),
  code: z.enum(REFUSAL_CODES),
  message: z.string(),
});

/** Outcomes an approval can report in a callback. */
export const CALLBACK_STATUSES = ['APPROVED', 'REJECTED', 'REVOKED'] as const;

/**
 * When the outcome happened: a number of milliseconds since the epoch, a string of such digits,
 * or an ISO 8601 date-time with `Z` or an offset. Read it with {@link operateTimeToDate}.
 */
export const operateTimeSchema = z.union([
  z.number().int().nonnegative(),
  z.string().regex(/^\d{1,16}$/),
  z.iso.datetime({ offset: true }),
]);

/** The decrypted callback: what happened to which request, by whom. */
export const callbackPayloadSchema = z.object({
  /** Unique per event; Signoff de-duplicates redeliveries on it. */
  eventId: callbackId,
  applyId: callbackId,
  processInstanceId: callbackId,
  status: z.enum(CALLBACK_STATUSES),
  /** Who decided (or revoked), in the source account system. */
  approver: z.object({
    userSourceId: callbackId,
    userName: z.string().max(MAX_CALLBACK_ID_LENGTH),
  }),
  /** The approver's comment; may be empty. */
  comment: z.string().max(MAX_CALLBACK_COMMENT_LENGTH),
  operateTime: operateTimeSchema,
});

/** Body of a callback request: the encrypted payload. */
export const callbackBodySchema = z.object({
  encrypt: z.string().min(1),
});

/** Body of the reply to a callback: an envelope whose `encrypt` decrypts to `success`. */
export const callbackReplySchema = z.looseObject({
  msg_signature: z.string().min(1),
  timeStamp: z.string().min(1),
  nonce: z.string().min(1),
  encrypt: z.string().min(1),
});

/** Body of the optional get call, used by reconciliation. */
export const getRequestSchema = z.object({
  applyId: z.string().min(1),
  processInstanceId: z.string().min(1),
});

/** Reply to the optional get call. */
export const getReplySchema = z.discriminatedUnion('success', [
  z.looseObject({
    success: z.literal(true),
    status: z.enum(['RUNNING', ...CALLBACK_STATUSES]),
    approver: callbackPayloadSchema.shape.approver.optional(),
    comment: z.string().optional(),
    operateTime: operateTimeSchema.optional(),
  }),
  z.looseObject({
    success: z.literal(false),
    code: z.string().optional(),
    message: z.string().optional(),
  }),
]);

/** Body of the optional terminate call, used to revoke. */
export const terminateRequestSchema = z.object({
  applyId: z.string().min(1),
  processInstanceId: z.string().min(1),
  /** Who revokes: their id in the source account system, like `applyUser`. */
  operator: z.string().min(1),
  reason: z.string(),
});

/** Reply to the optional terminate call. */
export const terminateReplySchema = z.looseObject({
  success: z.boolean(),
  code: z.string().optional(),
  message: z.string().optional(),
});

/** Query parameters on every call to a proxy. */
export type ProxyQuery = z.infer<typeof proxyQuerySchema>;
/** Body of the connection test. */
export type ConnectRequest = z.infer<typeof connectRequestSchema>;
/** Reply to the connection test. */
export type ConnectReply = z.infer<typeof connectReplySchema>;
/** A person as the third-party system knows them. */
export type ThirdPartyUser = z.infer<typeof thirdPartyUserSchema>;
/** One step of approval. */
export type ApproveNode = z.infer<typeof approveNodeSchema>;
/** Body of the submit call. */
export type SubmitRequest = z.infer<typeof submitRequestSchema>;
/** What a submit's `content` string holds once parsed. */
export type SubmitContent = z.infer<typeof submitContentSchema>;
/** Reply to a submit. */
export type SubmitReply = z.infer<typeof submitReplySchema>;
/** Body of a proxy's HTTP 401 refusal. */
export type Refusal = z.infer<typeof refusalSchema>;
/** Code of a proxy's refusal. */
export type RefusalCode = (typeof REFUSAL_CODES)[number];
/** Outcome reported by a callback. */
export type CallbackStatus = (typeof CALLBACK_STATUSES)[number];
/** The decrypted callback. */
export type CallbackPayload = z.infer<typeof callbackPayloadSchema>;
/** Body of a callback request. */
export type CallbackBody = z.infer<typeof callbackBodySchema>;
/** Body of the reply to a callback. */
export type CallbackReply = z.infer<typeof callbackReplySchema>;
/** Body of the optional get call. */
export type GetRequest = z.infer<typeof getRequestSchema>;
/** Reply to the optional get call. */
export type GetReply = z.infer<typeof getReplySchema>;
/** Body of the optional terminate call. */
export type TerminateRequest = z.infer<typeof terminateRequestSchema>;
/** Reply to the optional terminate call. */
export type TerminateReply = z.infer<typeof terminateReplySchema>;

/** Parses and validates a submit's `content` string; throws on bad JSON or a bad shape. */
export function parseSubmitContent(content: string): SubmitContent {
  return submitContentSchema.parse(JSON.parse(content));
}

/** Converts a validated `operateTime` to a `Date`. */
export function operateTimeToDate(operateTime: CallbackPayload['operateTime']): Date {
  if (typeof operateTime === 'number') return new Date(operateTime);
  return /^\d+$/.test(operateTime) ? new Date(Number(operateTime)) : new Date(operateTime);
}
