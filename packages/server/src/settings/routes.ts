import {
  ADMIN_ROLES,
  SETTINGS_EDITOR_ROLES,
  settingsInputSchema,
  systemDraftInputSchema,
  testConnectionInputSchema,
} from '@signoff/contracts';
import { Hono } from 'hono';
import { requireRole } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import type { SettingsService } from './service.ts';

export interface SettingsRouteOptions {
  service: SettingsService;
}

/**
 * `/api/settings`: read the approval settings (any administrator), and save them, draft a new
 * configuration or test one (super and system administrators only). Mounted behind
 * `authenticate`, so `user` is always set.
 */
export const settingsRoutes = ({ service }: SettingsRouteOptions) =>
  new Hono<AppEnv>()
    .get('/', requireRole(ADMIN_ROLES, 'view approval settings'), async (c) =>
      c.json(await service.get(c.get('user'))),
    )
    .put(
      '/',
      requireRole(SETTINGS_EDITOR_ROLES, 'change approval settings'),
      jsonBody(settingsInputSchema),
      async (c) => {
        const user = c.get('user');
        const view = await service.save(user, c.req.valid('json'));

        // A state change: one line, ids and counts only. The body holds secrets, so it stays out.
        c.get('log').info(
          {
            version: view.version,
            actorId: user.id,
            externalEnabled: view.externalEnabled,
            defaultSystemId: view.defaultSystemId,
            systems: view.systems.length,
          },
          'approval settings saved',
        );
        return c.json(view);
      },
    )
    .post(
      '/drafts',
      requireRole(SETTINGS_EDITOR_ROLES, 'add approval systems'),
      jsonBody(systemDraftInputSchema),
      (c) => c.json(service.draft(c.req.valid('json').kind)),
    )
    .post(
      '/test-connection',
      requireRole(SETTINGS_EDITOR_ROLES, 'test approval system connections'),
      jsonBody(testConnectionInputSchema),
      async (c) => c.json(await service.testConnection(c.get('user'), c.req.valid('json'))),
    );
