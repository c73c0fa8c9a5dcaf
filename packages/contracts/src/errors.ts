import { z } from 'zod';
import type { FieldMessageKey } from './field-rules.ts';

/** Every error the API returns carries one of these codes; the message is for people. */
export const errorCodes = [
  'malformed_json',
  'validation_failed',
  'unauthorized',
  'forbidden',
  'not_found',
  'conflict',
  'version_conflict',
  'payload_too_large',
  'unsupported_media_type',
  'not_requestable',
  'not_available',
  'internal',
] as const;
export type ErrorCode = (typeof errorCodes)[number];

/** A field's mistake: the message key (for translation) and an English message. */
export interface FieldError {
  key: FieldMessageKey;
  message: string;
}

/**
 * The body of every non-2xx API reply. `fields` is keyed by the dotted path of the input field,
 * for example `systems.0.encodingAesKey`.
 */
export interface ApiErrorBody {
  error: {
    code: ErrorCode;
    message: string;
    fields?: Record<string, FieldError>;
  };
}

export const apiErrorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes),
    message: z.string(),
    fields: z.record(z.string(), z.object({ key: z.string(), message: z.string() })).optional(),
  }),
});
