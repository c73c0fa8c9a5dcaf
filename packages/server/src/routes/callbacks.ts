import { Hono } from 'hono';
import { bodyLimit } from 'hono/body-limit';
import { verifyThirdPartyCallback } from '../connectors/third-party.ts';
import type { SystemResolver } from '../connectors/types.ts';
import type { CallbackEventService } from '../engine/callback-events.ts';
import type { AppEnv } from '../http/env.ts';
import { ApiError } from '../http/errors.ts';

/** Callback bodies are one small encrypted envelope; anything bigger is refused unread. */
export const CALLBACK_BODY_LIMIT = 64 * 1024;

export interface CallbackRouteOptions {
  systems: SystemResolver;
  events: CallbackEventService;
}

/**
 * `POST /api/oa/bpms/integration/thirdparty/callback`: decisions from third-party proxies.
 * Verify (signature, then decryption, then owner key), write durably, then acknowledge with the
 * encrypted `success`. A duplicate or late decision is acknowledged the same way and changes
 * nothing, because an error would only make the sender retry.
 */
export const thirdPartyCallbackRoutes = ({ systems, events }: CallbackRouteOptions) =>
  new Hono<AppEnv>().post(
    '/',
    bodyLimit({
      maxSize: CALLBACK_BODY_LIMIT,
      onError: () => {
        throw new ApiError(413, 'payload_too_large', 'The callback body is larger than 64 KiB.');
      },
    }),
    async (c) => {
      const body = await readJson(c.req.raw);
      const verified = await verifyThirdPartyCallback({ systems, query: c.req.query(), body });

      const { outcome } = await events.record(verified.system.id, verified.event);
      c.get('log').info(
        {
          systemId: verified.system.id,
          applyId: verified.event.applyId,
          eventKey: verified.event.eventKey,
          outcome,
        },
        'third-party callback',
      );

      return c.json(await verified.reply());
    },
  );

async function readJson(request: Request): Promise<unknown> {
  const text = await request.text();
  try {
    return JSON.parse(text) as unknown;
  } catch {
    throw new ApiError(400, 'malformed_json', 'The callback body is not valid JSON.');
  }
}
