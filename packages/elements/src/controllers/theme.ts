// Theme tokens and the styles every Signoff element shares.
//
// The public surface is a short list of `--signoff-*` custom properties that a host page sets on
// the element or any ancestor. Each is read once, here, into a private `--_*` variable with a
// fallback for light and for dark colour schemes, so component styles only use the private names
// and a host that sets nothing still gets a complete theme.
import { css } from 'lit';

/**
 * The public custom properties, for documentation and for hosts that build theme editors.
 * Colours accept any CSS colour; lengths any CSS length.
 */
export const themeProperties = [
  '--signoff-font-family',
  '--signoff-font-size',
  '--signoff-color-text',
  '--signoff-color-text-muted',
  '--signoff-color-surface',
  '--signoff-color-surface-raised',
  '--signoff-color-border',
  '--signoff-color-accent',
  '--signoff-color-on-accent',
  '--signoff-color-danger',
  '--signoff-color-success',
  '--signoff-focus-ring',
  '--signoff-radius',
  '--signoff-spacing',
] as const;

export const themeTokens = css`
  :host {
    --_font-family: var(--signoff-font-family, system-ui, -apple-system, 'Segoe UI', sans-serif);
    --_font-size: var(--signoff-font-size, 0.875rem);
    --_text: var(--signoff-color-text, #1f2328);
    --_text-muted: var(--signoff-color-text-muted, #59636e);
    --_surface: var(--signoff-color-surface, #ffffff);
    --_surface-raised: var(--signoff-color-surface-raised, #f6f8fa);
    --_border: var(--signoff-color-border, #c9d1d9);
    --_accent: var(--signoff-color-accent, #0a5cc2);
    --_on-accent: var(--signoff-color-on-accent, #ffffff);
    --_danger: var(--signoff-color-danger, #b42318);
    --_success: var(--signoff-color-success, #1a7f37);
    --_focus-ring: var(--signoff-focus-ring, 0 0 0 3px rgb(10 92 194 / 45%));
    --_radius: var(--signoff-radius, 6px);
    --_space: var(--signoff-spacing, 0.75rem);
    color-scheme: light dark;
  }

  @media (prefers-color-scheme: dark) {
    :host {
      --_text: var(--signoff-color-text, #e6edf3);
      --_text-muted: var(--signoff-color-text-muted, #9da7b3);
      --_surface: var(--signoff-color-surface, #0d1117);
      --_surface-raised: var(--signoff-color-surface-raised, #161b22);
      --_border: var(--signoff-color-border, #3d444d);
      --_accent: var(--signoff-color-accent, #4493f8);
      --_on-accent: var(--signoff-color-on-accent, #0d1117);
      --_danger: var(--signoff-color-danger, #f85149);
      --_success: var(--signoff-color-success, #3fb950);
      --_focus-ring: var(--signoff-focus-ring, 0 0 0 3px rgb(68 147 248 / 55%));
    }
  }
`;

/** Base look of the native controls inside Signoff elements. */
export const sharedStyles = css`
  :host {
    box-sizing: border-box;
    font-family: var(--_font-family);
    font-size: var(--_font-size);
    line-height: 1.5;
    color: var(--_text);
    /* Names are the admin's and may be one long word: let any text break rather than push the
       element wider than the page gives it. */
    overflow-wrap: anywhere;
  }

  :host([hidden]) {
    display: none;
  }

  *,
  *::before,
  *::after {
    box-sizing: inherit;
  }

  .visually-hidden {
    position: absolute;
    width: 1px;
    height: 1px;
    margin: -1px;
    padding: 0;
    overflow: hidden;
    clip: rect(0 0 0 0);
    white-space: nowrap;
    border: 0;
  }

  button {
    font: inherit;
    min-height: 2rem;
    padding: 0.25rem 0.75rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface-raised);
    color: var(--_text);
    cursor: pointer;
  }

  button.primary {
    background: var(--_accent);
    border-color: var(--_accent);
    color: var(--_on-accent);
  }

  button.danger {
    color: var(--_danger);
  }

  button:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }

  input,
  select {
    font: inherit;
    /* A select is as wide as its longest option, which is an admin-typed name. */
    max-width: 100%;
    min-height: 2rem;
    padding: 0.25rem 0.5rem;
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
    color: var(--_text);
  }

  input[readonly] {
    background: var(--_surface-raised);
  }

  input[aria-invalid='true'] {
    border-color: var(--_danger);
  }

  :is(button, input, select, summary):focus-visible {
    outline: none;
    box-shadow: var(--_focus-ring);
  }

  .hint {
    color: var(--_text-muted);
    font-size: 0.92em;
  }

  .error {
    color: var(--_danger);
    font-size: 0.92em;
  }

  .alert {
    padding: 0.5rem 0.75rem;
    border: 1px solid var(--_danger);
    border-radius: var(--_radius);
    color: var(--_danger);
  }

  .success {
    color: var(--_success);
  }

  /* The busy indicator of Save and Test Connection. */
  .spinner {
    display: inline-block;
    width: 0.9em;
    height: 0.9em;
    margin-inline-end: 0.4em;
    vertical-align: -0.1em;
    border: 2px solid var(--_border);
    border-top-color: var(--_accent);
    border-radius: 50%;
    animation: spin 0.8s linear infinite;
  }

  @keyframes spin {
    to {
      transform: rotate(360deg);
    }
  }
`;
