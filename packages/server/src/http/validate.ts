import { FIELD_MESSAGES_EN, type FieldError, type FieldMessageKey } from '@signoff/contracts';
import { validator } from 'hono/validator';
import type { z } from 'zod';
import { ApiError } from './errors.ts';

const knownKeys = new Set(Object.keys(FIELD_MESSAGES_EN));

/**
 * Turns zod issues into per-field errors keyed by dotted path. Schemas in the contracts use
 * message keys as issue messages; anything else (a wrong type, an unknown enum value) is
 * reported as `invalid`, so no schema internals leak into replies.
 */
export function fieldErrors(error: z.ZodError, prefix = ''): Record<string, FieldError> {
  const fields: Record<string, FieldError> = {};
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.') || '(body)';
    if (fields[path]) continue;
    const key = (knownKeys.has(issue.message) ? issue.message : 'invalid') as FieldMessageKey;
    fields[path] = { key, message: FIELD_MESSAGES_EN[key] };
  }
  return fields;
}

export function validationFailed(fields: Record<string, FieldError>): ApiError {
  const count = Object.keys(fields).length;
  return new ApiError(
    400,
    'validation_failed',
    `The request has ${count} invalid field${count === 1 ? '' : 's'}.`,
    fields,
  );
}

/**
 * Validates a JSON body against a schema; handlers then read only `c.req.valid('json')`. With
 * `optional`, a request with no body at all is validated as `{}`, for actions whose fields all
 * have defaults (a revoke without a reason).
 */
export const jsonBody = <S extends z.ZodType>(schema: S, { optional = false } = {}) =>
  validator('json', (value, c) => {
    // Hono's validator silently reads a non-JSON body as `{}`; say what is wrong instead.
    const mediaType = (c.req.header('content-type') ?? '').split(';')[0]?.trim().toLowerCase();
    const noBody = mediaType === '' && (c.req.header('content-length') ?? '0') === '0';
    if (mediaType !== 'application/json' && !(optional && noBody)) {
      throw new ApiError(415, 'unsupported_media_type', 'Send the body as application/json.');
    }
    const result = schema.safeParse(value);
    if (!result.success) throw validationFailed(fieldErrors(result.error));
    return result.data as z.output<S>;
  });

/** Validates the query string the same way. */
export const queryParams = <S extends z.ZodType>(schema: S) =>
  validator('query', (value) => {
    const result = schema.safeParse(value);
    if (!result.success) throw validationFailed(fieldErrors(result.error));
    return result.data as z.output<S>;
  });
