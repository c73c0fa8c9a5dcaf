import type { InboxApprover, InboxTask } from '@signoff/contracts';
import type { PortalApi } from './api.ts';
import { escapeHtml, periodLabels, permissionLabels } from './views.ts';

const modeLabels: Record<InboxTask['node']['mode'], string> = {
  OR: 'any one approver decides',
  AND: 'every approver must approve',
};

/**
 * The approver's inbox: one region per waiting request, with Approve and Reject and a comment.
 * `refresh` reloads the tasks in place, keeping what the approver is typing in a task that is
 * still there, so the page can refresh on every change the stream reports.
 */
export function renderInbox(root: HTMLElement, api: PortalApi): { refresh(): Promise<void> } {
  root.innerHTML = `
    <h1>Inbox</h1>
    <p role="status" class="notice" hidden></p>
    <p class="empty" hidden>Nothing is waiting for your decision.</p>
    <div class="tasks"></div>`;
  const status = root.querySelector<HTMLElement>('[role=status]')!;
  const empty = root.querySelector<HTMLElement>('.empty')!;
  const list = root.querySelector<HTMLElement>('.tasks')!;
  const shown = new Map<string, HTMLElement>();

  const announce = (text: string) => {
    status.hidden = false;
    status.textContent = text;
  };

  // Refreshes can overlap (a stream event during a decision); only the latest one renders.
  let latest = 0;
  const refresh = async () => {
    const call = ++latest;
    let tasks: InboxTask[];
    try {
      tasks = await api.inbox();
    } catch (error) {
      announce(`The inbox could not be loaded: ${error instanceof Error ? error.message : error}`);
      return;
    }
    if (call !== latest) return;
    const ids = new Set(tasks.map((task) => task.request.id));
    for (const [id, section] of shown) {
      if (!ids.has(id)) {
        section.remove();
        shown.delete(id);
      }
    }
    let previous: Element | null = null;
    for (const task of tasks) {
      let section = shown.get(task.request.id);
      if (!section) {
        section = taskSection(task, api, { announce, refresh });
        shown.set(task.request.id, section);
      }
      showProgress(section, task);
      const expected: Element | null = previous
        ? previous.nextElementSibling
        : list.firstElementChild;
      if (expected !== section) list.insertBefore(section, expected);
      previous = section;
    }
    empty.hidden = tasks.length > 0;
  };

  void refresh();
  return { refresh };
}

interface TaskHooks {
  announce(text: string): void;
  refresh(): Promise<void>;
}

function taskSection(task: InboxTask, api: PortalApi, hooks: TaskHooks): HTMLElement {
  const { request } = task;
  const { asset, period, requester } = request;
  const access = `${request.permission} access to ${asset.name}`;
  const title = `${requester.name}, ${access}`;
  const whose = `${requester.name}’s request for ${access}`;
  const periodLabel = periodLabels[period.periodType as keyof typeof periodLabels];
  const section = document.createElement('section');
  section.className = 'task';
  section.dataset.requestId = request.id;
  section.setAttribute('aria-label', `Approval request: ${title}`);
  section.innerHTML = `
    <h2>${escapeHtml(requester.name)} asks for ${escapeHtml(
      permissionLabels[request.permission].toLowerCase(),
    )} access to ${escapeHtml(asset.name)}</h2>
    <dl>
      <dt>Asset</dt><dd>${escapeHtml(
        [asset.id, asset.sensitivity, asset.type, asset.project].join(' · '),
      )}</dd>
      <dt>Period</dt><dd>${escapeHtml(
        `${periodLabel ?? period.periodType}, until ${period.periodEnd}`,
      )}</dd>
      <dt>Reason</dt><dd>${escapeHtml(request.reason)}</dd>
    </dl>
    <div class="progress"></div>
    <form class="decide">
      <label>Comment <textarea name="comment" rows="2" maxlength="2000"></textarea></label>
      <div class="actions">
        <button type="submit" value="approve">Approve</button>
        <button type="submit" value="reject">Reject</button>
      </div>
      <p role="alert" class="notice error" hidden></p>
    </form>`;

  const form = section.querySelector('form')!;
  const comment = form.querySelector('textarea')!;
  const alert = form.querySelector<HTMLElement>('[role=alert]')!;
  const buttons = [...form.querySelectorAll('button')];

  form.addEventListener('submit', async (event) => {
    event.preventDefault();
    const verb =
      (event.submitter as HTMLButtonElement | null)?.value === 'reject' ? 'reject' : 'approve';
    const text = comment.value.trim();
    if (verb === 'reject' && text === '') {
      showError(alert, 'Say in the comment why you reject this request.');
      comment.focus();
      return;
    }
    alert.hidden = true;
    for (const button of buttons) button.disabled = true;
    try {
      const nodeIndex = Number(section.dataset.nodeIndex);
      const result = await api.decide(request.id, verb, { comment: text, nodeIndex });
      const done = verb === 'approve' ? 'approved' : 'rejected';
      const outcome =
        result.request.state === 'pending'
          ? 'it waits for the other approvers'
          : `the request is now ${result.request.state}`;
      hooks.announce(`You ${done} ${whose}; ${outcome}.`);
      await hooks.refresh();
    } catch (error) {
      // The task may be gone after the refresh (revoked meanwhile), so the page says it too.
      const message = error instanceof Error ? error.message : String(error);
      showError(alert, message);
      hooks.announce(`Your decision on ${whose} was not recorded: ${message}`);
      for (const button of buttons) button.disabled = false;
      await hooks.refresh();
    }
  });
  return section;
}

/** The current node with everyone in it, and the decisions of earlier nodes. */
function showProgress(section: HTMLElement, task: InboxTask): void {
  section.dataset.nodeIndex = String(task.node.index);
  const earlier = task.decisions.filter((decision) => decision.nodeIndex < task.node.index);
  const step = `Step ${task.node.index + 1} of ${task.nodeCount}: ${modeLabels[task.node.mode]}.`;
  section.querySelector('.progress')!.innerHTML = `
    <p class="step">${step}</p>
    <ul class="approvers" aria-label="Approvers of this step">
      ${task.node.approvers.map((approver) => `<li>${approverLine(approver)}</li>`).join('')}
    </ul>
    ${
      earlier.length === 0
        ? ''
        : `<ul class="earlier" aria-label="Earlier decisions">${earlier
            .map(
              (decision) =>
                `<li>Step ${decision.nodeIndex + 1}: ${escapeHtml(decision.approver.name)} ${
                  decision.decision
                }${decision.comment ? `: “${escapeHtml(decision.comment)}”` : ''}</li>`,
            )
            .join('')}</ul>`
    }`;
}

function approverLine(approver: InboxApprover): string {
  const via = approver.via === approver.id ? '' : ` <small>(${escapeHtml(approver.via)})</small>`;
  const said = approver.comment ? `: “${escapeHtml(approver.comment)}”` : '';
  const decision = approver.decision ?? 'waiting';
  return `${escapeHtml(approver.name)}${via}: ${decision}${said}`;
}

function showError(alert: HTMLElement, message: string): void {
  alert.hidden = false;
  alert.textContent = message;
}
