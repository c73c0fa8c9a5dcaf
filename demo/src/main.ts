// The demo host portal: plain TypeScript and DOM, no framework, to show that the Signoff
// elements need nothing from their host but an API address and a token.
import { ContextRoot } from '@lit/context';
import type { RequestView, UserView } from '@signoff/contracts';
import { PortalApi } from './api.ts';
import { renderInbox } from './inbox.ts';
import { renderRequestForm, renderRequestList } from './views.ts';

interface DemoConfig {
  apiBase: string;
  simulatorUrl: string;
}

interface Session {
  token: string;
  user: UserView;
}

const SESSION_KEY = 'signoff-demo-session';

// A context root must be attached before any Signoff element upgrades (toolchain.md), so the
// elements are defined only after it, with a dynamic import.
new ContextRoot().attach(document.body);
await import('@signoff/elements/approval-settings.js');

const config = (await (await fetch('/demo-config.json')).json()) as DemoConfig;
const view = document.querySelector<HTMLElement>('#view')!;
const userSelect = document.querySelector<HTMLSelectElement>('#user-select')!;
let session = readSession();
let following: AbortController | null = null;

document.querySelector('#simulator-link')!.innerHTML =
  `Built-in approvers decide in the Inbox; a third party's approvers in the <a href="${encodeURI(config.simulatorUrl)}" target="_blank" rel="noopener">simulator console</a>.`;

const users = await new PortalApi(config.apiBase, null).devUsers();
for (const user of users) {
  const option = new Option(`${user.name} (${user.roles.join(', ')})`, user.id);
  option.selected = user.id === session?.user.id;
  userSelect.append(option);
}

document.querySelector<HTMLFormElement>('#sign-in')!.addEventListener('submit', async (event) => {
  event.preventDefault();
  const { token, user } = await new PortalApi(config.apiBase, null).signIn(userSelect.value);
  session = { token, user };
  sessionStorage.setItem(SESSION_KEY, JSON.stringify(session));
  await route();
});

window.addEventListener('hashchange', () => void route());
await route();

async function route(): Promise<void> {
  following?.abort();
  following = null;
  // Administrators land on the settings, approvers on their inbox, everyone else on the form.
  const roles = session?.user.roles ?? [];
  const landing = roles.some((role) => role.endsWith('_admin'))
    ? 'settings'
    : roles.includes('approver')
      ? 'inbox'
      : 'request';
  const page = location.hash.replace(/^#\//, '') || landing;
  for (const link of document.querySelectorAll('nav a')) {
    link.toggleAttribute('aria-current', link.getAttribute('href') === `#/${page}`);
    if (link.hasAttribute('aria-current')) link.setAttribute('aria-current', 'page');
  }
  if (!session) {
    view.innerHTML = '<p class="notice">Choose a demo user and sign in.</p>';
    return;
  }
  const api = new PortalApi(config.apiBase, session.token);
  if (page === 'request') {
    renderRequestForm(view, api, () => {
      location.hash = '#/requests';
    });
  } else if (page === 'requests') {
    const list = renderRequestList(view, api, await api.myRequests());
    following = new AbortController();
    void api.follow((change) => list.update(change.request as RequestView), following.signal);
  } else if (page === 'inbox') {
    const inbox = renderInbox(view, api);
    following = new AbortController();
    void api.follow(() => void inbox.refresh(), following.signal, '/api/inbox/stream');
  } else {
    view.innerHTML = '<h1>Approval settings</h1>';
    const settings = document.createElement('approval-settings');
    settings.setAttribute('api-base', config.apiBase);
    settings.token = session.token;
    view.append(settings);
  }
}

function readSession(): Session | null {
  try {
    return JSON.parse(sessionStorage.getItem(SESSION_KEY) ?? 'null') as Session | null;
  } catch {
    return null;
  }
}
