// The portal's own small client for the Signoff request API. The settings element has its own;
// a host portal typically has one like this for its pages.
import type {
  ApiErrorBody,
  ApproveInput,
  AssetView,
  CreateRequestInput,
  DecisionResult,
  InboxList,
  RequestChangedEvent,
  RequestDetail,
  RequestView,
  UserView,
} from '@signoff/contracts';

export class PortalApi {
  constructor(
    readonly apiBase: string,
    private readonly token: string | null,
  ) {}

  private async call<T>(path: string, init: RequestInit = {}): Promise<T> {
    const headers = new Headers(init.headers);
    if (this.token) headers.set('Authorization', `Bearer ${this.token}`);
    if (init.body) headers.set('Content-Type', 'application/json');
    const response = await fetch(`${this.apiBase}${path}`, { ...init, headers });
    const body = (await response.json().catch(() => null)) as unknown;
    if (!response.ok) {
      const message = (body as ApiErrorBody | null)?.error?.message ?? `HTTP ${response.status}`;
      throw new Error(message);
    }
    return body as T;
  }

  devUsers = () => this.call<{ users: UserView[] }>('/api/dev/users').then((r) => r.users);

  signIn = (userId: string) =>
    this.call<{ token: string; user: UserView }>('/api/dev/sign-in', {
      method: 'POST',
      body: JSON.stringify({ userId }),
    });

  assets = () => this.call<{ assets: AssetView[] }>('/api/catalog/assets').then((r) => r.assets);

  myRequests = () =>
    this.call<{ requests: RequestView[] }>('/api/requests?scope=mine').then((r) => r.requests);

  detail = (id: string) => this.call<RequestDetail>(`/api/requests/${encodeURIComponent(id)}`);

  submit = (input: CreateRequestInput) =>
    this.call<RequestView>('/api/requests', { method: 'POST', body: JSON.stringify(input) });

  revoke = (id: string) =>
    this.call<RequestView>(`/api/requests/${encodeURIComponent(id)}/revoke`, {
      method: 'POST',
      body: JSON.stringify({ reason: 'Revoked from the portal' }),
    });

  retry = (id: string) =>
    this.call<RequestView>(`/api/requests/${encodeURIComponent(id)}/retry`, { method: 'POST' });

  /** The built-in system's tasks waiting for the signed-in user. */
  inbox = () => this.call<InboxList>('/api/inbox').then((r) => r.tasks);

  decide = (requestId: string, verb: 'approve' | 'reject', input: ApproveInput) =>
    this.call<DecisionResult>(`/api/inbox/${encodeURIComponent(requestId)}/${verb}`, {
      method: 'POST',
      body: JSON.stringify(input),
    });

  /**
   * Follows a live stream of request changes (server-sent events over fetch, since EventSource
   * cannot send a bearer token): the user's own requests by default, or `/api/inbox/stream` for
   * the requests they approve. Reconnects after a drop, resuming at the cursor.
   */
  async follow(
    onChange: (event: RequestChangedEvent) => void,
    signal: AbortSignal,
    path = '/api/requests/stream',
  ): Promise<void> {
    let cursor: number | undefined;
    while (!signal.aborted) {
      try {
        const query = cursor === undefined ? '' : `?after=${cursor}`;
        const response = await fetch(`${this.apiBase}${path}${query}`, {
          headers: { Authorization: `Bearer ${this.token ?? ''}` },
          signal,
        });
        if (!response.ok || !response.body) throw new Error(`HTTP ${response.status}`);
        const reader = response.body.pipeThrough(new TextDecoderStream()).getReader();
        let buffer = '';
        for (;;) {
          const { value, done } = await reader.read();
          if (done) break;
          buffer += value;
          let end = buffer.indexOf('\n\n');
          while (end >= 0) {
            const message = parseSse(buffer.slice(0, end));
            buffer = buffer.slice(end + 2);
            if (message.event === 'request') {
              const change = JSON.parse(message.data) as RequestChangedEvent;
              cursor = change.cursor;
              onChange(change);
            } else if (message.event === 'ready' && cursor === undefined) {
              cursor = (JSON.parse(message.data) as { cursor: number }).cursor;
            }
            end = buffer.indexOf('\n\n');
          }
        }
      } catch {
        if (signal.aborted) return;
      }
      await new Promise((resolve) => setTimeout(resolve, 1000));
    }
  }
}

function parseSse(block: string): { event: string; data: string } {
  let event = 'message';
  const data: string[] = [];
  for (const line of block.split('\n')) {
    if (line.startsWith('event:')) event = line.slice(6).trim();
    else if (line.startsWith('data:')) data.push(line.slice(5).trimStart());
  }
  return { event, data: data.join('\n') };
}
