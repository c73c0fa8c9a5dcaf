/** Text that has been escaped, or markup written here; only this is spliced into pages as is. */
export class SafeHtml {
  constructor(readonly value: string) {}

  toString(): string {
    return this.value;
  }
}

const entities: Record<string, string> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
  "'": '&#39;',
};

/** Escapes text for an HTML text node or a quoted attribute value. */
export function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (character) => entities[character] ?? character);
}

/**
 * Tagged template for markup: every interpolated value is escaped unless it is already
 * {@link SafeHtml}, so text from outside (titles, hosts) cannot turn into markup. An array is
 * spliced item by item, by the same rule.
 */
export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let result = strings[0] ?? '';
  values.forEach((value, index) => {
    result += splice(value);
    result += strings[index + 1] ?? '';
  });
  return new SafeHtml(result);
}

function splice(value: unknown): string {
  if (Array.isArray(value)) return value.map(splice).join('\n');
  return value instanceof SafeHtml ? value.value : escapeHtml(String(value ?? ''));
}

/** Marks trusted markup (a stylesheet, a script written in this package) as safe to splice. */
export function unsafeRaw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
