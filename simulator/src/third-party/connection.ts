import { ACCESS_TOKEN_PATTERN, TENANT_ID_PATTERN } from '@signoff/contracts/rules';
import { z } from 'zod';

/**
 * What the admin copies from Signoff's "Other" settings into the simulator: where to post
 * callbacks and the three values that sign, encrypt and address them. It is the simulator's only
 * link to Signoff; it never reads Signoff's store.
 */
export interface ThirdPartyConnection {
  callbackUrl: string;
  accessToken: string;
  encodingAesKey: string;
  tenantId: string;
}

const required = (label: string) => z.string({ error: `${label} is required.` }).trim();

/** Validates a connection as typed into the console or sent by a script. */
export const connectionSchema = z.object({
  callbackUrl: required('Callback URL')
    .min(1, 'Callback URL is required.')
    .refine(isHttpUrl, 'Callback URL must be an http or https address.'),
  // Access Token and Tenant ID follow Signoff's own rules, so that a value accepted here is one an
  // Other configuration in Signoff can hold.
  accessToken: required('Access Token')
    .min(1, 'Access Token is required.')
    .regex(
      ACCESS_TOKEN_PATTERN,
      'Access Token must be 8 to 256 letters, digits or . _ ~ - (no spaces).',
    ),
  encodingAesKey: required('Encoding AES Key')
    .min(1, 'Encoding AES Key is required.')
    .regex(/^[A-Za-z0-9]{43}$/, 'Encoding AES Key must be exactly 43 letters and digits.'),
  tenantId: required('Tenant ID')
    .min(1, 'Tenant ID is required.')
    .regex(
      TENANT_ID_PATTERN,
      'Tenant ID must be 8 to 64 letters, digits or hyphens, as Signoff shows it.',
    ),
});

export type ConnectionField = keyof ThirdPartyConnection;

/** The outcome of checking a connection: the value, or one message per faulty field. */
export type ConnectionCheck =
  | { ok: true; connection: ThirdPartyConnection }
  | { ok: false; fieldErrors: Partial<Record<ConnectionField, string>> };

/**
 * Checks a submitted connection. A secret left out or empty keeps the stored one, as Signoff's own
 * settings form does, so a person can change the callback URL without retyping the key.
 */
export function checkConnection(
  input: unknown,
  stored: ThirdPartyConnection | undefined,
): ConnectionCheck {
  const candidate = typeof input === 'object' && input !== null ? { ...input } : {};
  if (stored) {
    for (const secret of ['accessToken', 'encodingAesKey'] as const) {
      const value = (candidate as Record<string, unknown>)[secret];
      if (value === undefined || value === '') {
        (candidate as Record<string, unknown>)[secret] = stored[secret];
      }
    }
  }

  const parsed = connectionSchema.safeParse(candidate);
  if (parsed.success) {
    return { ok: true, connection: parsed.data };
  }

  const fieldErrors: Partial<Record<ConnectionField, string>> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path[0] as ConnectionField | undefined;
    // The first message per field is the most basic one ("required" before "format").
    if (field && !fieldErrors[field]) {
      fieldErrors[field] = issue.message;
    }
  }
  return { ok: false, fieldErrors };
}

/** The connection as the API shows it: secrets reduced to their last four characters. */
export function maskConnection(connection: ThirdPartyConnection): ThirdPartyConnection {
  return {
    callbackUrl: connection.callbackUrl,
    accessToken: maskSecret(connection.accessToken),
    encodingAesKey: maskSecret(connection.encodingAesKey),
    tenantId: connection.tenantId,
  };
}

/**
 * Keeps the last four characters behind a fixed prefix, so the length is not revealed either. A
 * secret of eight characters or fewer is hidden whole: its last four would be half of it.
 */
export function maskSecret(secret: string): string {
  return secret.length > 8 ? `****${secret.slice(-4)}` : '****';
}

function isHttpUrl(value: string): boolean {
  try {
    const { protocol } = new URL(value);
    return protocol === 'http:' || protocol === 'https:';
  } catch {
    return false;
  }
}
