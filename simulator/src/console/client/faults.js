// Faults on demand: arm one for the next calls (or until cleared), clear it, and watch the log of
// faults that fired. The state lines follow the server, so a fault used up shows "Off" by itself.

import { api, everySecond, make, sendJson, setText } from './dom.js';

const groups = [...document.querySelectorAll('fieldset[data-fault]')];
const firedList = document.getElementById('fired-list');
const firedEmpty = document.getElementById('fired-empty');
const labels = Object.fromEntries(
  groups.map((group) => [group.dataset.fault, group.querySelector('legend').textContent]),
);

for (const group of groups) {
  const kind = group.dataset.fault;
  const message = group.querySelector('.fault-message');
  group.querySelector('[data-action="arm"]').addEventListener('click', async () => {
    const timesInput = group.querySelector('[name="times"]');
    const times = timesInput.value.trim();
    const delay = group.querySelector('[name="delaySeconds"]');
    // A number field that holds something not a number reads as empty, which would mean "until
    // cleared": refuse it instead of arming the fault for good.
    if (timesInput.validity.badInput || delay?.validity.badInput) {
      setText(
        message,
        'Not armed: Times and Delay must be numbers (leave Times empty for "until cleared").',
      );
      return;
    }
    const options = {
      times: times === '' ? null : Number(times),
      ...(delay && { delaySeconds: Number(delay.value) }),
    };
    const reply = await sendJson('PUT', `${api}/faults/${kind}`, options);
    setText(message, reply.success ? '' : `Not armed: ${reply.message}`);
    await refresh();
  });
  group.querySelector('[data-action="clear"]').addEventListener('click', async () => {
    const reply = await sendJson('DELETE', `${api}/faults/${kind}`);
    setText(message, reply.success ? '' : `Not cleared: ${reply.message}`);
    await refresh();
  });
}

async function refresh() {
  let reply;
  try {
    const response = await fetch(`${api}/faults`, { cache: 'no-store' });
    reply = await response.json();
  } catch {
    // The approvals list already says when the simulator cannot be reached.
    return;
  }
  const armed = new Map(reply.faults.map((fault) => [fault.kind, fault]));
  for (const group of groups) {
    const kind = group.dataset.fault;
    setText(group.querySelector('.fault-state'), describeArmed(kind, armed.get(kind)));
  }
  renderFired(reply.fired);
}

function describeArmed(kind, fault) {
  if (!fault) return 'Off';
  const unit = kind.startsWith('callback-') ? 'decision' : 'call';
  const span =
    fault.remaining === null
      ? 'until cleared'
      : `for the next ${fault.remaining === 1 ? unit : `${fault.remaining} ${unit}s`}`;
  const delay = fault.delaySeconds ? `, ${fault.delaySeconds} s delay` : '';
  return `Armed ${span}${delay}`;
}

let firedShown = '';
function renderFired(fired) {
  const shown = JSON.stringify(fired);
  if (shown === firedShown) return;
  firedShown = shown;
  firedList.replaceChildren(
    ...fired.map((entry) => {
      const time = new Date(entry.at).toLocaleTimeString();
      return make('li', `${time} · ${labels[entry.kind]} · ${entry.applyId}: ${entry.detail}`);
    }),
  );
  firedEmpty.hidden = fired.length > 0;
}

everySecond(refresh);
