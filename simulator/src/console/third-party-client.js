// Behaviour of the third-party approver's console page: it saves the connection form and keeps the
// approvals current by polling the JSON API every second. Text from the server is only ever set
// with textContent or setAttribute, never parsed as markup: titles come from outside.

const api = '/third-party/api';
const connectionFields = ['callbackUrl', 'accessToken', 'encodingAesKey', 'tenantId'];
const secretFields = ['accessToken', 'encodingAesKey'];
const statusWords = {
  RUNNING: 'Pending',
  APPROVED: 'Approved',
  REJECTED: 'Rejected',
  REVOKED: 'Terminated by Signoff',
};

const form = document.getElementById('connection-form');
const formStatus = document.getElementById('connection-status');
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
let polling = false;

form.addEventListener('submit', async (event) => {
  event.preventDefault();
  const values = Object.fromEntries(
    connectionFields.map((name) => [name, form.elements.namedItem(name).value.trim()]),
  );
  showFieldErrors({});
  formStatus.textContent = 'Saving…';

  let reply;
  try {
    const response = await fetch(`${api}/connection`, {
      method: 'PUT',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify(values),
    });
    reply = await response.json();
  } catch (error) {
    formStatus.textContent = `Connection not saved: ${error.message}`;
    return;
  }

  if (!reply.success) {
    const fieldErrors = reply.fieldErrors ?? {};
    showFieldErrors(fieldErrors);
    formStatus.textContent = reply.fieldErrors
      ? 'Connection not saved: correct the fields marked below.'
      : `Connection not saved: ${reply.message}`;
    const firstInvalid = connectionFields.find((name) => fieldErrors[name]);
    if (firstInvalid) form.elements.namedItem(firstInvalid).focus();
    return;
  }
  // Secrets leave the form once saved; the hint keeps their last characters for reference.
  for (const name of secretFields) {
    form.elements.namedItem(name).value = '';
    document.getElementById(`${name}-hint`).textContent =
      `Saved (${reply.connection[name]}). Leave empty to keep it.`;
  }
  formStatus.textContent = 'Connection saved';
});

function showFieldErrors(fieldErrors) {
  for (const name of connectionFields) {
    const message = fieldErrors[name] ?? '';
    document.getElementById(`${name}-error`).textContent = message;
    const input = form.elements.namedItem(name);
    if (message) input.setAttribute('aria-invalid', 'true');
    else input.removeAttribute('aria-invalid');
  }
}

async function refresh() {
  // A slow reply must not stack polls on top of each other.
  if (polling) return;
  polling = true;
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
  } finally {
    polling = false;
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
    const shown = JSON.stringify([instance.status, instance.delivery]);
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
  const bodyWasOpen = element.querySelector('details')?.open ?? false;
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
  ];
  for (const [term, value] of rows) details.append(make('dt', term), make('dd', value));
  element.append(details);

  if (instance.status === 'RUNNING') {
    element.append(decisionControls(card, instance));
  } else {
    element.append(...outcome(instance));
  }

  const body = make('details');
  body.open = bodyWasOpen;
  body.append(
    make('summary', 'Submitted body'),
    make('pre', JSON.stringify(instance.submitBody, null, 2)),
  );
  element.append(body);
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
  const { decision, delivery, termination } = instance;
  if (decision) {
    const said = decision.comment ? `: “${decision.comment}”` : '';
    const line = make(
      'p',
      `${statusWords[decision.status]} by ${decision.approver.userName}${said}`,
    );
    line.className = `status-${decision.status}`;
    lines.push(line);
  }
  if (termination) {
    const reason = termination.reason ? `: “${termination.reason}”` : '';
    lines.push(make('p', `Terminated at Signoff's request by ${termination.operator}${reason}`));
  }
  if (delivery) {
    const line = make('p', describeDelivery(delivery));
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

function describeDelivery(delivery) {
  switch (delivery.state) {
    case 'sending':
      return 'Callback: sending…';
    case 'delivered': {
      const attempts = delivery.attempts === 1 ? '1 attempt' : `${delivery.attempts} attempts`;
      return `Callback: delivered (HTTP ${delivery.httpStatus}, ${attempts})`;
    }
    default:
      return `Callback: failed: ${delivery.error}`;
  }
}

function make(tag, text) {
  const element = document.createElement(tag);
  if (text !== undefined) element.textContent = text;
  return element;
}

/** Sets text only when it changes, so a live region does not repeat itself every second. */
function setText(element, text) {
  if (element.textContent !== text) element.textContent = text;
}

refresh();
setInterval(refresh, 1000);
