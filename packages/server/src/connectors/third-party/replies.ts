// How the third-party connector talks about what a proxy sent back: short, plain, and never
// carrying a secret, even when a proxy echoes one.
import type { ResolvedSystem } from '../types.ts';

const SNIPPET_LENGTH = 160;

/** The host of a configured URL, for messages; the whole value when it is not a URL. */
export function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return url.slice(0, 64);
  }
}

/** Appends `path` to the base URL's path without doubling or dropping a slash. */
export function joinUrl(base: string, path: string): string {
  try {
    const url = new URL(base);
    url.pathname = `${url.pathname.replace(/\/+$/, '')}/${path.replace(/^\/+/, '')}`;
    return url.toString();
  } catch {
    // Left for the outbound client to refuse as an invalid URL, with its own message.
    return base;
  }
}

/** Replaces every secret of the configuration that appears in `text`. */
export function redact(text: string, system: ResolvedSystem): string {
  let clean = text;
  for (const secret of Object.values(system.secrets)) {
    if (secret.length >= 3) clean = clean.split(secret).join('[redacted]');
  }
  return clean;
}

/** A short, one-line quote of a reply body for a message. */
export function snippet(text: string, system: ResolvedSystem): string {
  const line = redact(text, system).replace(/\s+/g, ' ').trim();
  if (line === '') return 'an empty body';
  const cut = line.length > SNIPPET_LENGTH ? `${line.slice(0, SNIPPET_LENGTH)}…` : line;
  return JSON.stringify(cut);
}

/** `code: message` from a proxy's JSON error body, or null when it has neither. */
export function remoteError(body: unknown, system: ResolvedSystem): string | null {
  if (typeof body !== 'object' || body === null) return null;
  const { code, message } = body as { code?: unknown; message?: unknown };
  const parts = [code, message]
    .filter((part): part is string => typeof part === 'string' && part !== '')
    .map((part) => redact(part.slice(0, 200), system));
  return parts.length > 0 ? parts.join(': ') : null;
}
