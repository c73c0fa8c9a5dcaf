/** The console's stylesheet: readable defaults, nothing a test depends on. */
export const consoleStyles = `
  :root { color-scheme: light dark; font-family: system-ui, sans-serif; line-height: 1.45; }
  body { margin: 0 auto; max-width: 60rem; padding: 1.5rem; }
  h1 { margin: 0 0 0.5rem; }
  h2 { margin-top: 2rem; border-bottom: 1px solid color-mix(in srgb, currentColor 20%, transparent); }
  h3 { margin: 0 0 0.25rem; font-size: 1.05rem; }
  code, pre { font-family: ui-monospace, monospace; font-size: 0.9em; }
  pre { overflow: auto; max-height: 20rem; padding: 0.5rem; background: color-mix(in srgb, currentColor 6%, transparent); }
  .eyebrow { margin: 0; text-transform: uppercase; letter-spacing: 0.08em; font-size: 0.8rem; opacity: 0.7; }
  .field { display: grid; gap: 0.2rem; margin-bottom: 0.75rem; max-width: 36rem; }
  .field input { font: inherit; padding: 0.35rem 0.5rem; }
  .hint { margin: 0; font-size: 0.85rem; opacity: 0.75; }
  .error { margin: 0; font-size: 0.9rem; color: #c62828; }
  .error:empty, .hint:empty { display: none; }
  [aria-invalid="true"] { outline: 2px solid #c62828; }
  button { font: inherit; padding: 0.35rem 0.9rem; cursor: pointer; }
  .instance { border: 1px solid color-mix(in srgb, currentColor 25%, transparent); border-radius: 6px; padding: 0.75rem 1rem; margin-bottom: 0.75rem; }
  .instance dl { display: grid; grid-template-columns: max-content 1fr; gap: 0.1rem 0.75rem; margin: 0.5rem 0; }
  .instance dt { opacity: 0.7; }
  .instance dd { margin: 0; overflow-wrap: anywhere; }
  .actions { display: flex; flex-wrap: wrap; gap: 0.5rem; align-items: end; }
  .actions .field { margin: 0; flex: 1 1 16rem; }
  .fault { margin: 0 0 0.75rem; border: 1px solid color-mix(in srgb, currentColor 25%, transparent); border-radius: 6px; }
  .fault legend { font-weight: 600; }
  .fault-state { margin: 0.4rem 0 0; }
  .status-APPROVED { color: #2e7d32; }
  .status-REJECTED, .delivery-failed { color: #c62828; }
`;
