// The approvals: pending and decided instances, kept current by polling the JSON API every second.
// Each card shows its decision, the submits that reached it and every callback sent for it, with
// the faults that shaped them.

import { api, everySecond, make, setText } from './dom.js';

const statusWords = {
  RUNNING: 'Pending',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  REVOKED: 'Revoked',
};
const faultWords = {
  'callback-duplicate': 'duplicated',
  'callback-delay': 'delayed',
  'callback-reorder': 'reordered',
  'callback-bad-signature': 'wrongly signed',
};

const approverInput = document.getElementById('approver-name');
const pollStatus = document.getElementById('poll-status');
const lists = {
  pending: document.getElementById('pending-list'),
  decided: document.getElementById('decided-list'),
};
const emptyNotes = {
  pending: document.getElementById('pending-empty'),
  decided: document.getElementById('decided-empty'),
};

/** Cards by processInstanceId, with what each one shows, so a poll rebuilds only what changed. */
const cards = new Map();
let cardCount = 0;

async function refresh() {
  try {
    const response = await fetch(`${api}/instances`, { cache: 'no-store' });
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const { instances } = await response.json();
    render(instances);
    setText(pollStatus, '');
  } catch (error) {
    setText(
      pollStatus,
      `Cannot reach the simulator (${error.message}); trying again every second.`,
    );
  }
}

function render(instances) {
  const placed = { pending: [], decided: [] };
  const current = new Set();
  for (const instance of instances) {
    const id = instance.processInstanceId;
    current.add(id);
    let card = cards.get(id);
    if (!card) {
      cardCount += 1;
      card = { element: document.createElement('section'), number: cardCount, shown: '' };
      cards.set(id, card);
    }
    const shown = JSON.stringify([instance.status, instance.deliveries, instance.submits]);
    if (card.shown !== shown) {
      fillCard(card, instance);
      card.shown = shown;
    }
    placed[instance.status === 'RUNNING' ? 'pending' : 'decided'].push(card.element);
  }

  for (const [id, card] of cards) {
    if (!current.has(id)) {
      card.element.remove();
      cards.delete(id);
    }
  }
  for (const [name, elements] of Object.entries(placed)) {
    // Move only cards that are out of place, so focus and typing in the others are undisturbed.
    elements.forEach((element, index) => {
      const list = lists[name];
      if (list.children[index] !== element)
        list.insertBefore(element, list.children[index] ?? null);
    });
    emptyNotes[name].hidden = elements.length > 0;
  }
}

function fillCard(card, instance) {
  const { element } = card;
  const bodyWasOpen = element.querySelector('details.submitted-body')?.open ?? false;
  element.replaceChildren();
  element.className = 'instance';
  // The region's name lets a person (or a test) find a request by its title or applyId.
  element.setAttribute('aria-label', `Approval request: ${instance.title} (${instance.applyId})`);

  element.append(make('h3', instance.title));
  const details = make('dl');
  const rows = [
    ['Status', statusWords[instance.status] ?? instance.status],
    ['applyId', instance.applyId],
    ['Requester', instance.requesterName],
    ['Approvers', instance.approvers.map((approver) => approver.userName).join(', ') || '—'],
    ['Received', new Date(instance.receivedAt).toLocaleString()],
    ['Process instance', instance.processInstanceId],
    ['Submits', describeSubmits(instance.submits)],
  ];
  for (const [term, value] of rows) details.append(make('dt', term), make('dd', value));
  element.append(details);

  if (instance.status === 'RUNNING') {
    element.append(decisionControls(card, instance));
  } else {
    element.append(...outcome(instance));
  }
  if (instance.deliveries.length > 0) element.append(deliveryRecord(instance.deliveries));

  const body = make('details');
  body.className = 'submitted-body';
  body.open = bodyWasOpen;
  body.append(
    make('summary', 'Submitted body'),
    make('pre', JSON.stringify(instance.submitBody, null, 2)),
  );
  element.append(body);
}

function describeSubmits(submits) {
  const withheld = submits.filter((submit) => submit.withheld).length;
  const count = submits.length === 1 ? '1' : `${submits.length}`;
  if (withheld === 0) return count;
  return `${count} (${withheld} ${withheld === 1 ? 'reply' : 'replies'} withheld by the timeout fault)`;
}

function decisionControls(card, instance) {
  const controls = make('div');
  controls.className = 'actions';
  const commentId = `comment-${card.number}`;
  const field = make('div');
  field.className = 'field';
  const label = make('label', 'Comment');
  label.htmlFor = commentId;
  const comment = document.createElement('input');
  comment.id = commentId;
  comment.name = 'comment';
  comment.autocomplete = 'off';
  field.append(label, comment);

  const message = make('p');
  message.setAttribute('role', 'status');
  const approve = make('button', 'Approve');
  const reject = make('button', 'Reject');
  for (const [button, action] of [
    [approve, 'approve'],
    [reject, 'reject'],
  ]) {
    button.type = 'button';
    button.addEventListener('click', () =>
      decide(instance.processInstanceId, action, comment.value, [approve, reject], message),
    );
  }
  controls.append(field, approve, reject, message);
  return controls;
}

async function decide(id, action, comment, buttons, message) {
  for (const button of buttons) button.disabled = true;
  message.textContent = action === 'approve' ? 'Approving…' : 'Rejecting…';
  try {
    const response = await fetch(`${api}/instances/${encodeURIComponent(id)}/${action}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ comment, approver: approverInput.value.trim() || undefined }),
    });
    const reply = await response.json();
    if (!reply.success) throw new Error(reply.message);
  } catch (error) {
    message.textContent = `Not decided: ${error.message}`;
    for (const button of buttons) button.disabled = false;
  }
  await refresh();
}

function outcome(instance) {
  const lines = [];
  const { decision, revocation, delivery, termination } = instance;
  if (decision) {
    const line = make(
      'p',
      `${statusWords[decision.status]} by ${decision.approver.userName}${quote(decision.comment)}`,
    );
    line.className = `status-${decision.status}`;
    lines.push(line);
  }
  if (revocation) lines.push(make('p', `Then revoked${quote(revocation.comment)}`));
  if (termination) {
    lines.push(
      make(
        'p',
        `Terminated at Signoff's request by ${termination.operator}${quote(termination.reason)}`,
      ),
    );
  }
  if (delivery) {
    const line = make('p', `Callback: ${describeDelivery(delivery)}`);
    line.className = `delivery-${delivery.state}`;
    lines.push(line);
  }
  if (delivery?.state === 'failed') {
    const resend = make('button', 'Resend callback');
    resend.type = 'button';
    resend.addEventListener('click', async () => {
      resend.disabled = true;
      await fetch(`${api}/instances/${encodeURIComponent(instance.processInstanceId)}/redeliver`, {
        method: 'POST',
      }).catch(() => undefined);
      await refresh();
    });
    lines.push(resend);
  }
  return lines;
}

/** Every callback sent for the instance, in sending order, with the faults that shaped it. */
function deliveryRecord(deliveries) {
  const section = make('details');
  section.open = deliveries.some((record) => record.faults.length > 0);
  const list = make('ol');
  for (const record of deliveries) {
    const faults = record.faults.map((fault) => faultWords[fault] ?? fault);
    if (record.copy) faults.push(`copy ${record.copy} of 2`);
    const shaped = faults.length > 0 ? ` [${faults.join(', ')}]` : '';
    list.append(
      make(
        'li',
        `${record.status} ${record.eventId.slice(0, 8)}: ${describeDelivery(record.outcome)}${shaped}`,
      ),
    );
  }
  section.append(make('summary', `Callbacks sent (${deliveries.length})`), list);
  return section;
}

function describeDelivery(delivery) {
  switch (delivery.state) {
    case 'queued':
      return 'queued…';
    case 'delayed':
      return `delayed until ${new Date(delivery.until).toLocaleTimeString()}…`;
    case 'sending':
      return 'sending…';
    case 'delivered': {
      const attempts = delivery.attempts === 1 ? '1 attempt' : `${delivery.attempts} attempts`;
      return `delivered (HTTP ${delivery.httpStatus}, ${attempts})`;
    }
    default:
      return `failed: ${delivery.error}`;
  }
}

function quote(text) {
  return text ? `: “${text}”` : '';
}

everySecond(refresh);
