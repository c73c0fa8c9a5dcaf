// The policy form: approve automatically after some seconds, reject by rule, or wait for a person.

import { api, sendJson, showFieldErrors } from './dom.js';

const listFields = ['sensitivityLevels', 'projects', 'permissions'];
const fields = ['approveAfterSeconds', ...listFields, 'titlePattern'];

const form = document.getElementById('policy-form');
const status = document.getElementById('policy-status');
const summary = document.getElementById('policy-summary');

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const value = (name) => form.elements.namedItem(name).value.trim();
  const seconds = value('approveAfterSeconds');
  // A number field holding something not a number reads as empty, which would save the manual
  // policy without a word.
  if (form.elements.namedItem('approveAfterSeconds').validity.badInput) {
    const invalid = showFieldErrors(form, fields, {
      approveAfterSeconds: 'Seconds must be a number, or empty to wait for a person.',
    });
    status.textContent = 'Policy not saved: correct the fields marked below.';
    invalid?.focus();
    return;
  }
  const policy = {
    // Not a number is sent as typed, so the server's message names the field.
    approveAfterSeconds:
      seconds === '' ? null : Number.isNaN(Number(seconds)) ? seconds : Number(seconds),
    rejectWhen: {
      ...Object.fromEntries(listFields.map((name) => [name, splitList(value(name))])),
      titlePattern: value('titlePattern'),
    },
  };
  showFieldErrors(form, fields, {});
  status.textContent = 'Saving…';

  const reply = await sendJson('PUT', `${api}/policy`, policy);
  if (!reply.success) {
    const invalid = showFieldErrors(form, fields, reply.fieldErrors ?? {});
    status.textContent = reply.fieldErrors
      ? 'Policy not saved: correct the fields marked below.'
      : `Policy not saved: ${reply.message}`;
    invalid?.focus();
    return;
  }
  summary.textContent = reply.summary;
  status.textContent = 'Policy saved';
});

function splitList(text) {
  return text
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}
