import type { ApiErrorBody, ErrorCode, FieldError } from '@signoff/contracts';
import type { ContentfulStatusCode } from 'hono/utils/http-status';

/**
 * A known failure with its HTTP status and stable code. Routes and services throw it; the app's
 * error handler turns it into an `ApiErrorBody`. Messages must never contain a secret.
 */
export class ApiError extends Error {
  constructor(
    readonly status: ContentfulStatusCode,
    readonly code: ErrorCode,
    message: string,
    readonly fields?: Record<string, FieldError>,
  ) {
    super(message);
    this.name = 'ApiError';
  }

  toBody(): ApiErrorBody {
    return {
      error: {
        code: this.code,
        message: this.message,
        ...(this.fields ? { fields: this.fields } : {}),
      },
    };
  }
}

export const notFound = (what: string, id: string): ApiError =>
  new ApiError(404, 'not_found', `No ${what} with id ${JSON.stringify(id.slice(0, 128))}.`);

export const forbidden = (message: string): ApiError => new ApiError(403, 'forbidden', message);

export const conflict = (message: string): ApiError => new ApiError(409, 'conflict', message);
