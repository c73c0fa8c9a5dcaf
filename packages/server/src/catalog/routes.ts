import {
  ADMIN_ROLES,
  assetInputSchema,
  rulesInputSchema,
  templateInputSchema,
} from '@signoff/contracts';
import { Hono } from 'hono';
import { requireRole } from '../http/auth.ts';
import type { AppEnv } from '../http/env.ts';
import { jsonBody } from '../http/validate.ts';
import type { Catalog } from './repository.ts';

const maintain = (what: string) => requireRole(ADMIN_ROLES, `maintain ${what}`);

/** `/api/catalog`: assets. Everyone signed in may list them; admins maintain them. */
export const catalogRoutes = (catalog: Catalog) =>
  new Hono<AppEnv>()
    .get('/assets', async (c) => c.json({ assets: await catalog.listAssets() }))
    .post('/assets', maintain('the asset catalog'), jsonBody(assetInputSchema), async (c) =>
      c.json(await catalog.createAsset(c.req.valid('json')), 201),
    )
    .put('/assets/:id', maintain('the asset catalog'), jsonBody(assetInputSchema), async (c) =>
      c.json(await catalog.replaceAsset(c.req.param('id'), c.req.valid('json'))),
    );

/** `/api/templates`: approval templates, maintained by admins. */
export const templateRoutes = (catalog: Catalog) =>
  new Hono<AppEnv>()
    .use(maintain('approval templates'))
    .get('/', async (c) => c.json({ templates: await catalog.listTemplates() }))
    .post('/', jsonBody(templateInputSchema), async (c) =>
      c.json(await catalog.createTemplate(c.req.valid('json')), 201),
    )
    .put('/:id', jsonBody(templateInputSchema), async (c) =>
      c.json(await catalog.replaceTemplate(c.req.param('id'), c.req.valid('json'))),
    );

/** `/api/rules`: the ordered rules and the default, replaced as a whole. */
export const ruleRoutes = (catalog: Catalog) =>
  new Hono<AppEnv>()
    .use(maintain('approval rules'))
    .get('/', async (c) => c.json(await catalog.getRules()))
    .put('/', jsonBody(rulesInputSchema), async (c) => {
      const { rules, defaultAction } = c.req.valid('json');
      return c.json(await catalog.replaceRules(rules, defaultAction));
    });
