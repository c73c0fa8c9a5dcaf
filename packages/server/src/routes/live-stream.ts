import type { Context } from 'hono';
import { streamSSE } from 'hono/streaming';
import type { ChangeFilter, RequestService } from '../engine/requests.ts';
import type { AppEnv } from '../http/env.ts';

/**
 * Streams request changes as server-sent events, read from the database's history table: every
 * server process polls the same table, so a change made through any of them reaches every
 * browser. Starts after `after` (a reconnecting client's last cursor) or at the newest change.
 */
export function streamRequestChanges(
  c: Context<AppEnv>,
  requests: RequestService,
  filter: ChangeFilter,
  after: number | undefined,
  pollMs: number,
): Response {
  return streamSSE(c, async (stream) => {
    let cursor = after ?? (await requests.latestCursor());
    let open = true;
    stream.onAbort(() => {
      open = false;
    });
    await stream.writeSSE({ event: 'ready', data: JSON.stringify({ cursor }) });
    while (open) {
      const changes = await requests.changesSince(cursor, filter, 100);
      for (const change of changes) {
        await stream.writeSSE({
          event: 'request',
          id: String(change.cursor),
          data: JSON.stringify(change),
        });
        cursor = change.cursor;
      }
      if (changes.length === 0) await stream.sleep(pollMs);
    }
  });
}
