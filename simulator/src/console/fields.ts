import { html, type SafeHtml } from './html.ts';

/** Options of {@link field}. */
export interface FieldOptions {
  type?: string;
  hint?: string;
  placeholder?: string;
  /** Extra attributes such as `min="0"`, written here, never taken from outside. */
  attributes?: SafeHtml;
}

/**
 * A labelled input with a hint and an error line, both announced with the field. The error line
 * (`<name>-error`) is filled by the page's script when the server refuses a value.
 */
export function field(name: string, label: string, value: string, options: FieldOptions = {}) {
  const hintId = `${name}-hint`;
  const errorId = `${name}-error`;
  return html`<div class="field">
        <label for="${name}">${label}</label>
        <input id="${name}" name="${name}" type="${options.type ?? 'text'}" value="${value}"
          placeholder="${options.placeholder ?? ''}" aria-describedby="${hintId} ${errorId}"
          autocomplete="off" spellcheck="false"${options.attributes ?? ''}>
        <p id="${hintId}" class="hint">${options.hint ?? ''}</p>
        <p id="${errorId}" class="error"></p>
      </div>`;
}
