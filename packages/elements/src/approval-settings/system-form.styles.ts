import { css } from 'lit';

export const systemFormStyles = css`
  :host {
    display: block;
  }

  fieldset {
    /* A fieldset is at least as wide as its content by default; the content wraps instead. */
    min-width: 0;
    margin: 0;
    padding: var(--_space);
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    background: var(--_surface);
  }

  legend {
    padding: 0 0.25rem;
    font-weight: 600;
  }

  .kind {
    margin: 0 0 var(--_space);
  }

  .fields {
    display: grid;
    /* One column no wider than the element: a long name wraps instead of widening it. */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_space);
  }

  .field {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.25rem;
  }

  label {
    font-weight: 500;
  }

  .control {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
  }

  .control input {
    flex: 1 1 16rem;
    min-width: 0;
  }

  details {
    margin-top: var(--_space);
  }

  summary {
    cursor: pointer;
    width: fit-content;
    margin-bottom: 0.5rem;
  }

  .sdk {
    margin: var(--_space) 0 0;
  }

  .sdk a {
    color: var(--_accent);
  }

  .system-actions {
    display: flex;
    flex-wrap: wrap;
    gap: 0.5rem;
    margin-top: var(--_space);
  }

  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }

  .test-status {
    margin-top: 0.5rem;
  }

  .test-status p,
  .test-status ul {
    margin: 0.25rem 0;
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner {
      animation: none;
    }
  }
`;
