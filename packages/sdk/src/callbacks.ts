// The callback client: one object per Signoff configuration that turns "this request was approved
// by Li Lei" into a delivered callback. It fills what every callback needs and a proxy author
// would otherwise get wrong: a fresh event id per decision (the same one across retries, so
// Signoff de-duplicates them) and the time of the decision.

import { CallbackCrypto } from './callback-crypto.ts';
import {
  checkDelivery,
  type SendCallbackOptions,
  type SendCallbackResult,
  sendCallback,
} from './callback-sender.ts';
import type { CallbackPayload, CallbackStatus } from './third-party.ts';

/** Options of {@link createCallbackClient}: the configuration's values, and delivery settings. */
export interface CallbackClientOptions
  extends Pick<
    SendCallbackOptions,
    'fetch' | 'retries' | 'retryDelayMs' | 'maxRetryDelayMs' | 'timeoutMs'
  > {
  /** The Callback URL shown on Signoff's settings form. */
  callbackUrl: string | URL;
  /** The configuration's Access Token, which signs every callback. */
  accessToken: string;
  /** The configuration's Encoding AES Key, which encrypts every callback. */
  encodingAesKey: string;
  /** The configuration's Tenant ID (also sent in every submit), the envelope's owner key. */
  tenantId: string;
}

/** One decision to report. */
export interface CallbackDecision {
  /** The `applyId` of the submit this decision answers. */
  applyId: string;
  /** The id the proxy returned for that submit. */
  processInstanceId: string;
  /** Who decided (or revoked), by their id in the source account system. */
  approver: CallbackPayload['approver'];
  /** The approver's comment; defaults to empty. */
  comment?: string;
  /** When it happened; defaults to now. */
  operateTime?: CallbackPayload['operateTime'] | Date;
  /** Set only to resend a decision already sent once: Signoff then ignores the repeat. */
  eventId?: string;
}

/** A delivered callback: the event id it carried, and how delivery went. */
export interface CallbackDelivery extends SendCallbackResult {
  eventId: string;
}

/** Sends decisions to one Signoff configuration. */
export interface CallbackClient {
  /** Reports an approval. */
  approve(decision: CallbackDecision): Promise<CallbackDelivery>;
  /** Reports a rejection. */
  reject(decision: CallbackDecision): Promise<CallbackDelivery>;
  /** Reports that the approval was withdrawn in the approval system. */
  revoke(decision: CallbackDecision): Promise<CallbackDelivery>;
  /** Reports a decision with the status given. */
  send(status: CallbackStatus, decision: CallbackDecision): Promise<CallbackDelivery>;
}

/**
 * Creates a client for one configuration. The keys, the URL and the delivery settings are checked
 * here, so a typo fails at start-up rather than at the first decision. Each call resolves once
 * Signoff has stored the decision and throws `CallbackSendError` when it did not (after retrying
 * network errors, HTTP 429 and 5xx).
 */
export function createCallbackClient(options: CallbackClientOptions): CallbackClient {
  // Throws CallbackCryptoError('invalid_key') for an empty token or tenant id or a bad key.
  new CallbackCrypto({
    token: options.accessToken,
    encodingAesKey: options.encodingAesKey,
    ownerKey: options.tenantId,
  });
  checkDelivery(options);
  const { callbackUrl, accessToken, encodingAesKey, tenantId, ...delivery } = options;

  const send = async (
    status: CallbackStatus,
    decision: CallbackDecision,
  ): Promise<CallbackDelivery> => {
    const eventId = decision.eventId ?? globalThis.crypto.randomUUID();
    const operateTime = decision.operateTime ?? Date.now();
    const payload: CallbackPayload = {
      eventId,
      applyId: decision.applyId,
      processInstanceId: decision.processInstanceId,
      status,
      approver: decision.approver,
      comment: decision.comment ?? '',
      operateTime: operateTime instanceof Date ? operateTime.getTime() : operateTime,
    };
    const result = await sendCallback({
      ...delivery,
      callbackUrl,
      accessToken,
      encodingAesKey,
      tenantId,
      payload,
    });
    return { ...result, eventId };
  };

  return {
    approve: (decision) => send('APPROVED', decision),
    reject: (decision) => send('REJECTED', decision),
    revoke: (decision) => send('REVOKED', decision),
    send,
  };
}
