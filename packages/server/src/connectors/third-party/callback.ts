// Incoming third-party callbacks: find the configuration by signature, then decrypt, then check
// the owner key (the configuration's tenant id), then read the event. Each failure says which
// step failed and never echoes a key.
import {
  CALLBACK_SUCCESS,
  CallbackCrypto,
  CallbackCryptoError,
  type CallbackPayload,
  callbackBodySchema,
  callbackPayloadSchema,
  type EncryptedCallback,
  type EncryptedEnvelope,
  operateTimeToDate,
} from '@signoff/sdk';
import { ApiError } from '../../http/errors.ts';
import { fieldErrors, validationFailed } from '../../http/validate.ts';
import type { NormalisedEvent, ResolvedSystem, SystemResolver } from '../types.ts';

export interface ThirdPartyCallbackInput {
  systems: SystemResolver;
  /** The query string: `signature` or `msg_signature`, `timestamp` or `timeStamp`, `nonce`. */
  query: Record<string, string | undefined>;
  /** The parsed JSON body: `{ encrypt }`. */
  body: unknown;
}

export interface VerifiedCallback {
  /** The configuration whose Access Token signed the callback. */
  system: ResolvedSystem;
  event: NormalisedEvent;
  /** The encrypted `success` to answer with, signed for the same configuration. */
  reply(): Promise<EncryptedEnvelope>;
}

const kinds = {
  APPROVED: 'approved',
  REJECTED: 'rejected',
  REVOKED: 'revoked',
} as const satisfies Record<CallbackPayload['status'], NormalisedEvent['kind']>;

/** Verifies and reads one callback; throws an `ApiError` (400 or 401) that says what failed. */
export async function verifyThirdPartyCallback({
  systems,
  query,
  body,
}: ThirdPartyCallbackInput): Promise<VerifiedCallback> {
  const envelope = readEnvelope(query, body);

  const match = await findSigner(await systems.listForCallbacks('other'), envelope);
  if (!match) {
    throw new ApiError(
      401,
      'unauthorized',
      'The callback signature matches no third-party configuration: sign it with the ' +
        'Access Token of the configuration.',
    );
  }
  const { system, crypto } = match;

  let message: string;
  try {
    message = await crypto.decrypt(envelope);
  } catch (error) {
    if (!(error instanceof CallbackCryptoError)) throw error;
    throw new ApiError(400, 'validation_failed', decryptFailure(error, system));
  }

  return { system, event: readEvent(message), reply: () => crypto.encrypt(CALLBACK_SUCCESS) };
}

function readEnvelope(query: ThirdPartyCallbackInput['query'], body: unknown): EncryptedCallback {
  const signature = query.signature ?? query.msg_signature;
  const timestamp = query.timestamp ?? query.timeStamp;
  const { nonce } = query;
  const parsedBody = callbackBodySchema.safeParse(body);

  const missing = { signature, timestamp, nonce };
  const fields = parsedBody.success ? {} : fieldErrors(parsedBody.error);
  for (const [name, value] of Object.entries(missing)) {
    if (!value)
      fields[name] = { key: 'required', message: `The ${name} query parameter is required.` };
  }
  if (!signature || !timestamp || !nonce || !parsedBody.success) throw validationFailed(fields);
  return { signature, timestamp, nonce, encrypt: parsedBody.data.encrypt };
}

async function findSigner(
  candidates: ResolvedSystem[],
  envelope: EncryptedCallback,
): Promise<{ system: ResolvedSystem; crypto: CallbackCrypto } | null> {
  for (const system of candidates) {
    if (system.kind !== 'other') continue;
    let crypto: CallbackCrypto;
    try {
      crypto = new CallbackCrypto({
        token: system.secrets.accessToken,
        encodingAesKey: system.secrets.encodingAesKey,
        ownerKey: system.tenantId,
      });
    } catch {
      // A stored configuration without usable keys cannot have signed anything.
      continue;
    }
    if (await crypto.verifySignature(envelope)) return { system, crypto };
  }
  return null;
}

function decryptFailure(error: CallbackCryptoError, system: ResolvedSystem): string {
  const name = JSON.stringify(system.name);
  if (error.code === 'owner_key_mismatch') {
    return (
      `The callback is signed for the configuration ${name}, but the owner key check failed: ` +
      "the owner key in the message is not that configuration's tenant id."
    );
  }
  return (
    `The callback is signed for the configuration ${name}, but decryption with its ` +
    `Encoding AES Key failed: ${error.message}.`
  );
}

function readEvent(message: string): NormalisedEvent {
  let json: unknown;
  try {
    json = JSON.parse(message);
  } catch {
    throw new ApiError(400, 'validation_failed', 'The decrypted callback is not JSON.');
  }
  const parsed = callbackPayloadSchema.safeParse(json);
  if (!parsed.success) throw validationFailed(fieldErrors(parsed.error));

  const payload = parsed.data;
  const occurredAt = operateTimeToDate(payload.operateTime).getTime();
  return {
    eventKey: payload.eventId,
    eventId: payload.eventId,
    kind: kinds[payload.status],
    applyId: payload.applyId,
    externalId: payload.processInstanceId,
    actorName: payload.approver.userName,
    comment: payload.comment === '' ? null : payload.comment,
    occurredAt: Number.isNaN(occurredAt) ? null : occurredAt,
  };
}
