// The connection form: what an admin copies from Signoff's "Other" settings.

import { api, sendJson, showFieldErrors } from './dom.js';

const fields = ['callbackUrl', 'accessToken', 'encodingAesKey', 'tenantId'];
const secretFields = ['accessToken', 'encodingAesKey'];

const form = document.getElementById('connection-form');
const status = document.getElementById('connection-status');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = Object.fromEntries(
    fields.map((name) => [name, form.elements.namedItem(name).value.trim()]),
  );
  showFieldErrors(form, fields, {});
  status.textContent = 'Saving…';

  const reply = await sendJson('PUT', `${api}/connection`, values);
  if (!reply.success) {
    const invalid = showFieldErrors(form, fields, reply.fieldErrors ?? {});
    status.textContent = reply.fieldErrors
      ? 'Connection not saved: correct the fields marked below.'
      : `Connection not saved: ${reply.message}`;
    invalid?.focus();
    return;
  }
  // Secrets leave the form once saved; the hint keeps their last characters for reference.
  for (const name of secretFields) {
    form.elements.namedItem(name).value = '';
    document.getElementById(`${name}-hint`).textContent =
      `Saved (${reply.connection[name]}). Leave empty to keep it.`;
  }
  status.textContent = 'Connection saved';
});
