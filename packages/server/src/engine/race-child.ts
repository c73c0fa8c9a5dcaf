// One engine call in a process of its own, for tests that race two processes on one database
// file. Opens the store, says `ready`, waits for `go`, runs the call and sends back the result.
import type { NormalisedEvent } from '../connectors/types.ts';
import type { AuthUser } from '../http/env.ts';
import { openSqliteStore } from '../store/db.ts';
import { CallbackEventService } from './callback-events.ts';
import { RequestService } from './requests.ts';
import type { RequestEvent } from './state-machine.ts';
import { silentLog } from './test-fixtures.ts';

export type RaceCall =
  | { op: 'apply'; requestId: string; event: RequestEvent }
  | { op: 'callback'; systemId: string; event: NormalisedEvent }
  /** A person's action; answers the state it left, or the refusal's HTTP status. */
  | { op: 'approve' | 'revoke'; requestId: string; user: AuthUser };

const [file, json] = process.argv.slice(2);
if (!file || !json || !process.send) throw new Error('race-child needs a file, a call and IPC.');
const call = JSON.parse(json) as RaceCall;
const store = openSqliteStore({ file, busyTimeoutMs: 10_000 });

async function run(): Promise<unknown> {
  if (call.op === 'apply') {
    const service = new RequestService({ store, log: silentLog });
    const { changed, to } = await service.apply(call.requestId, call.event, { type: 'reconciler' });
    return { changed, to };
  }
  if (call.op === 'callback') {
    const service = new CallbackEventService({ store, log: silentLog });
    return service.record(call.systemId, call.event);
  }
  const service = new RequestService({ store, log: silentLog });
  try {
    const view =
      call.op === 'approve'
        ? (await service.inbox.approve(call.user, call.requestId, { comment: '' })).request
        : await service.revoke(call.user, call.requestId, '');
    return { state: view.state };
  } catch (error) {
    return { status: (error as { status?: number }).status ?? 500 };
  }
}

process.on('message', (message) => {
  if (message !== 'go') return;
  run()
    .then((result) => process.send?.({ result }))
    .catch((error: unknown) => process.send?.({ error: String(error) }))
    .finally(() => store.close().then(() => process.disconnect()));
});
process.send('ready');
