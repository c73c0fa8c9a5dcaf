import type { CreateRequestInput, RequestDetail, RequestView } from '@signoff/contracts';
import type { PortalApi } from './api.ts';

export const permissionLabels: Record<CreateRequestInput['permission'], string> = {
  read: 'Read',
  write: 'Write',
  export: 'Export',
};

export const periodLabels: Record<CreateRequestInput['periodType'], string> = {
  DAYS_7: '7 days',
  DAYS_30: '30 days',
  DAYS_90: '90 days',
  DAYS_180: '180 days',
  DAYS_365: '1 year',
};

const stateLabels: Record<RequestView['state'], string> = {
  pending_dispatch: 'Sending to approval system',
  pending: 'Pending approval',
  dispatch_failed: 'Could not be sent to the approval system',
  approved: 'Approved',
  rejected: 'Rejected',
  revoked: 'Revoked',
  force_revoked: 'Force revoked',
};

export const escapeHtml = (text: string) =>
  text.replace(
    /[&<>"']/g,
    (ch) => ({ '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' })[ch]!,
  );

const options = (labels: Record<string, string>) =>
  Object.entries(labels)
    .map(([value, label]) => `<option value="${value}">${escapeHtml(label)}</option>`)
    .join('');

/** The requester's form: an asset from the catalog, a permission, a period and a reason. */
export function renderRequestForm(root: HTMLElement, api: PortalApi, onDone: () => void): void {
  root.innerHTML = `
    <h1>Request access</h1>
    <form class="request">
      <label>Data asset <select name="assetId" required></select></label>
      <label>Permission <select name="permission">${options(permissionLabels)}</select></label>
      <label>Period <select name="periodType">${options(periodLabels)}</select></label>
      <label>Reason <textarea name="reason" rows="3" required maxlength="2000"></textarea></label>
      <button type="submit">Submit request</button>
      <p role="alert" class="notice error" hidden></p>
    </form>`;
  const form = root.querySelector('form')!;
  const alert = root.querySelector<HTMLElement>('[role=alert]')!;
  const assetSelect = form.querySelector<HTMLSelectElement>('select[name=assetId]')!;

  void api.assets().then((assets) => {
    for (const asset of assets) {
      assetSelect.append(
        new Option(`${asset.name} (${asset.id}, ${asset.sensitivity}, ${asset.type})`, asset.id),
      );
    }
  });

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const data = new FormData(form);
    try {
      await api.submit({
        assetId: String(data.get('assetId')),
        permission: String(data.get('permission')) as CreateRequestInput['permission'],
        periodType: String(data.get('periodType')) as CreateRequestInput['periodType'],
        reason: String(data.get('reason')),
      });
      onDone();
    } catch (error) {
      alert.hidden = false;
      alert.textContent = error instanceof Error ? error.message : String(error);
    }
  });
}

/** "My requests", kept current by the live stream through `update`. */
export function renderRequestList(
  root: HTMLElement,
  api: PortalApi,
  initial: RequestView[],
): { update(request: RequestView): void } {
  root.innerHTML = `
    <h1>My requests</h1>
    <table>
      <thead><tr><th>Asset</th><th>Permission</th><th>System</th><th>Status</th><th></th></tr></thead>
      <tbody></tbody>
    </table>`;
  const body = root.querySelector('tbody')!;
  const rows = new Map<string, HTMLTableRowElement>();

  const update = (request: RequestView) => {
    let row = rows.get(request.id);
    if (!row) {
      row = document.createElement('tr');
      rows.set(request.id, row);
      body.prepend(row);
    }
    row.dataset.requestId = request.id;
    row.setAttribute('aria-label', `Request for ${request.asset.name}`);
    const revocable = ['pending_dispatch', 'pending', 'dispatch_failed'].includes(request.state);
    row.innerHTML = `
      <td>${escapeHtml(request.asset.name)}</td>
      <td>${escapeHtml(request.permission)}</td>
      <td>${escapeHtml(request.system.name)}</td>
      <td class="state" data-state="${request.state}"><span>${escapeHtml(stateLabels[request.state])}</span>${
        request.lastError ? `<br><small>${escapeHtml(request.lastError)}</small>` : ''
      }</td>
      <td>${request.state === 'dispatch_failed' ? '<button type="button" data-action="retry">Retry</button> ' : ''}${
        revocable ? '<button type="button" data-action="revoke">Revoke</button>' : ''
      }</td>`;
    if (['approved', 'rejected', 'revoked', 'force_revoked'].includes(request.state)) {
      void api.detail(request.id).then((detail) => showDecision(row, detail));
    }
    row.querySelector('[data-action=retry]')?.addEventListener('click', async () => {
      update(await api.retry(request.id));
    });
    row.querySelector('[data-action=revoke]')?.addEventListener('click', async () => {
      update(await api.revoke(request.id));
    });
  };

  for (const request of [...initial].reverse()) update(request);
  return { update };
}

/** Who made the final decision, and their comment, from the request's history. */
function showDecision(row: HTMLTableRowElement, detail: RequestDetail): void {
  const decision = detail.history.findLast((entry) => entry.toState === detail.state);
  const cell = row.querySelector<HTMLElement>('.state');
  if (!decision || !cell || cell.dataset.state !== detail.state) return;
  const who = decision.actor.name ?? decision.actor.type;
  const note = decision.note ? `: “${decision.note}”` : '';
  cell.insertAdjacentHTML(
    'beforeend',
    `<br><small class="decision">by ${escapeHtml(who)}${escapeHtml(note)}</small>`,
  );
}
