import type { Context } from 'hono';
import type { z } from 'zod';

/** The result of reading a body: the validated value, or a message saying what is wrong. */
export type BodyResult<T> =
  | { ok: true; value: T; raw: unknown }
  | { ok: false; code: 'MALFORMED_JSON' | 'INVALID_REQUEST'; message: string };

/**
 * Reads a JSON body and validates it. `raw` is the body as parsed, before the schema dropped or
 * coerced anything, for callers that keep what they received. An empty body reads as `{}` when
 * `emptyAsObject` is set, for calls whose fields are all optional.
 */
export async function readJsonBody<Schema extends z.ZodType>(
  c: Context,
  schema: Schema,
  options: { emptyAsObject?: boolean } = {},
): Promise<BodyResult<z.infer<Schema>>> {
  const text = await c.req.text();

  let raw: unknown;
  if (text.trim() === '' && options.emptyAsObject) {
    raw = {};
  } else {
    try {
      raw = JSON.parse(text);
    } catch {
      return { ok: false, code: 'MALFORMED_JSON', message: 'The request body is not valid JSON.' };
    }
  }

  const parsed = schema.safeParse(raw);
  if (!parsed.success) {
    return { ok: false, code: 'INVALID_REQUEST', message: describeIssues(parsed.error) };
  }
  return { ok: true, value: parsed.data, raw };
}

/** One readable sentence per problem, each naming the field: `title: Too small…; type: …`. */
export function describeIssues(error: z.ZodError): string {
  return error.issues
    .map((issue) => {
      const path = issue.path.length > 0 ? issue.path.join('.') : 'body';
      return `${path}: ${issue.message}`;
    })
    .join('; ');
}
