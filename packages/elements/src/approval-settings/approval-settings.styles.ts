import { css } from 'lit';

export const approvalSettingsStyles = css`
  :host {
    display: block;
  }

  .base {
    display: grid;
    /* One column no wider than the element: a long name wraps instead of widening it. */
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_space);
  }

  form {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: calc(var(--_space) * 1.5);
  }

  .note {
    margin: 0;
    padding: 0.5rem 0.75rem;
    border-inline-start: 3px solid var(--_accent);
    background: var(--_surface-raised);
  }

  .switch-row p,
  .alert p,
  .field .hint,
  form > .hint {
    margin: 0.25rem 0 0;
  }

  .switch {
    display: inline-flex;
    align-items: center;
    gap: 0.5rem;
    font-weight: 500;
    cursor: pointer;
  }

  /* A native checkbox drawn as a switch; it keeps its role, focus and keyboard behaviour. */
  .switch input {
    appearance: none;
    position: relative;
    width: 2.25rem;
    height: 1.25rem;
    min-height: 0;
    margin: 0;
    padding: 0;
    border: 1px solid var(--_border);
    border-radius: 999px;
    background: var(--_surface-raised);
    cursor: inherit;
  }

  .switch input::after {
    content: '';
    position: absolute;
    inset-block-start: 1px;
    inset-inline-start: 1px;
    width: calc(1.25rem - 4px);
    height: calc(1.25rem - 4px);
    border-radius: 50%;
    background: var(--_text-muted);
    transition: translate 0.15s;
  }

  .switch input:checked {
    background: var(--_accent);
    border-color: var(--_accent);
  }

  .switch input:checked::after {
    background: var(--_on-accent);
    translate: 1rem 0;
  }

  .switch input:disabled {
    cursor: not-allowed;
    opacity: 0.55;
  }

  .field {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: 0.25rem;
    max-width: 32rem;
  }

  label[for] {
    font-weight: 500;
  }

  .systems {
    display: grid;
    grid-template-columns: minmax(0, 1fr);
    gap: var(--_space);
  }

  .section-title {
    font-weight: 600;
  }

  .systems > .hint {
    margin: 0;
  }

  .add,
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem;
  }

  .alert ul {
    margin: 0.25rem 0 0;
  }

  .alert button {
    margin-top: 0.5rem;
  }

  button[aria-disabled='true'] {
    cursor: progress;
    opacity: 0.7;
  }

  .status:empty {
    display: none;
  }

  @media (prefers-reduced-motion: reduce) {
    .spinner,
    .switch input::after {
      animation: none;
      transition: none;
    }
  }
`;
