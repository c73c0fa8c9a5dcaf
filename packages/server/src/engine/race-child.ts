// One engine call in a process of its own, for tests that race two processes on one database
// file. Opens the store, says `ready`, waits for `go`, runs the call and sends back the result.
import type { NormalisedEvent } from '../connectors/types.ts';
import { openSqliteStore } from '../store/db.ts';
import { CallbackEventService } from './callback-events.ts';
import { RequestService } from './requests.ts';
import type { RequestEvent } from './state-machine.ts';
import { silentLog } from './test-fixtures.ts';

export type RaceCall =
  | { op: 'apply'; requestId: string; event: RequestEvent }
  | { op: 'callback'; systemId: string; event: NormalisedEvent };

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
  const service = new CallbackEventService({ store, log: silentLog });
  return service.record(call.systemId, call.event);
}

process.on('message', (message) => {
  if (message !== 'go') return;
  run()
    .then((result) => process.send?.({ result }))
    .catch((error: unknown) => process.send?.({ error: String(error) }))
    .finally(() => store.close().then(() => process.disconnect()));
});
process.send('ready');
