// Warnings for developers who misuse an element. They print in development builds only, once
// per code, so a page never floods the console and production stays silent.

const warned = new Set<string>();

// Vite replaces `import.meta.env` at build time; under any other tool it is absent and the
// element stays silent, as it must in production.
const devMode = (import.meta as ImportMeta & { env?: { DEV?: boolean } }).env?.DEV === true;

/** Prints `message` once per `code`, in development builds only. */
export function warnOnce(code: string, message: string): void {
  if (!devMode || warned.has(code)) return;
  warned.add(code);
  console.warn(`[signoff:${code}] ${message}`);
}
