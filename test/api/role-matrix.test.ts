// Every route × every kind of caller, against a table written out by hand from product.md. The
// table is the specification: a route the app serves without a row fails the first test, so a
// new route cannot ship without someone deciding who may call it.
//
// How the expected codes were read from product.md:
// - Public by design: the health check, the SDK download (open source, for proxy authors who may
//   have no account), the third-party callback (it proves itself by its signature, never by a
//   bearer token: a probe signed with no configuration's Access Token gets 401 whoever sends it),
//   and the development sign-in, which exists only where DEV_SIGN_IN is on (as it is here).
// - A token that is missing, expired, wrongly signed or for another audience gets 401 everywhere
//   else, before any role is looked at. Those three tokens carry a super administrator's claims,
//   to show that no role gets past the check.
// - Approval settings: only super and system administrators change them ("nobody else may");
//   the security administrator, whose templates choose among the configured systems, may read.
// - Catalog, templates and rules are maintained by administrators; every signed-in user may list
//   the assets, to ask for one of them.
// - Requests: any signed-in user may ask, follow their own and revoke; the requester is a persona
//   in product.md, not a gate. Force revoke is for super and system administrators.
// - The inbox: anyone may be named an approver in a template (by id, group or role), so anyone
//   signed in has one; each decision is checked against the request's own approvers.
// - "service" is a token with no Signoff role. The host's service credential comes later in the
//   same issue; until then a backend holding a plain token is a signed-in user with no role.
//
// Each call is the smallest that reaches the route's own answer: an empty or minimal body and an
// id that does not exist, so a code says "refused" (401, 403) first, else the route's ordinary
// answer (200, 400, 404) without changing anything a later row could see.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { issueToken } from '@signoff/server';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningSignoff, startSignoff } from '../fixtures/signoff.ts';

const personas = [
  'super_admin',
  'system_admin',
  'security_admin',
  'requester',
  'approver',
  'service',
  'anonymous',
  'expired',
  'wrong_signature',
  'wrong_audience',
] as const;
type Persona = (typeof personas)[number];
/** One status code per persona, in the order of `personas`. */
type Codes = StatusPer<typeof personas>;
type StatusPer<T extends readonly unknown[]> = { [K in keyof T]: number };

// biome-ignore format: a table reads best with its columns lined up
const expected: Record<string, Codes> = {
  //                                                   super sys  sec  req  appr svc  anon exp  sig  aud
  'GET /api/health':                                   [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/oa/bpms/integration/thirdparty/callback': [401, 401, 401, 401, 401, 401, 401, 401, 401, 401],
  'GET /api/sdk/download':                             [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'GET /api/dev/users':                                [200, 200, 200, 200, 200, 200, 200, 200, 200, 200],
  'POST /api/dev/sign-in':                             [404, 404, 404, 404, 404, 404, 404, 404, 404, 404],
  'GET /api/me':                                       [200, 200, 200, 200, 200, 200, 401, 401, 401, 401],
  'GET /api/settings':                                 [200, 200, 200, 403, 403, 403, 401, 401, 401, 401],
  'PUT /api/settings':                                 [400, 400, 403, 403, 403, 403, 401, 401, 401, 401],
  'POST /api/settings/drafts':                         [200, 200, 403, 403, 403, 403, 401, 401, 401, 401],
  'POST /api/settings/test-connection':                [400, 400, 403, 403, 403, 403, 401, 401, 401, 401],
  'GET /api/catalog/assets':                           [200, 200, 200, 200, 200, 200, 401, 401, 401, 401],
  'POST /api/catalog/assets':                          [400, 400, 400, 403, 403, 403, 401, 401, 401, 401],
  'PUT /api/catalog/assets/:id':                       [404, 404, 404, 403, 403, 403, 401, 401, 401, 401],
  'GET /api/templates':                                [200, 200, 200, 403, 403, 403, 401, 401, 401, 401],
  'POST /api/templates':                               [400, 400, 400, 403, 403, 403, 401, 401, 401, 401],
  'PUT /api/templates/:id':                            [404, 404, 404, 403, 403, 403, 401, 401, 401, 401],
  'GET /api/rules':                                    [200, 200, 200, 403, 403, 403, 401, 401, 401, 401],
  'PUT /api/rules':                                    [400, 400, 400, 403, 403, 403, 401, 401, 401, 401],
  'POST /api/requests':                                [400, 400, 400, 400, 400, 400, 401, 401, 401, 401],
  'GET /api/requests':                                 [200, 200, 200, 200, 200, 200, 401, 401, 401, 401],
  'GET /api/requests/stream':                          [200, 200, 200, 200, 200, 200, 401, 401, 401, 401],
  'GET /api/requests/:id':                             [404, 404, 404, 404, 404, 404, 401, 401, 401, 401],
  'POST /api/requests/:id/revoke':                     [404, 404, 404, 404, 404, 404, 401, 401, 401, 401],
  'POST /api/requests/:id/force-revoke':               [404, 404, 403, 403, 403, 403, 401, 401, 401, 401],
  'POST /api/requests/:id/retry':                      [404, 404, 404, 404, 404, 404, 401, 401, 401, 401],
  'GET /api/inbox':                                    [200, 200, 200, 200, 200, 200, 401, 401, 401, 401],
  'GET /api/inbox/stream':                             [200, 200, 200, 200, 200, 200, 401, 401, 401, 401],
  'POST /api/inbox/:requestId/approve':                [404, 404, 404, 404, 404, 404, 401, 401, 401, 401],
  'POST /api/inbox/:requestId/reject':                 [404, 404, 404, 404, 404, 404, 401, 401, 401, 401],
};

interface Probe {
  /** The path to call; by default the route's, each `:param` replaced by an id nobody has. */
  path?: string;
  body?: unknown;
}

const asset = {
  id: 'no.such.asset',
  name: 'Nothing',
  type: 'table',
  sensitivity: 'L1',
  project: 'none',
  environment: 'none',
};

/** What each route is sent, where a bare call would not reach its own answer. */
const probes: Record<string, Probe> = {
  'POST /api/oa/bpms/integration/thirdparty/callback': {
    path: `/api/oa/bpms/integration/thirdparty/callback?signature=${'0'.repeat(40)}&timestamp=1767603600000&nonce=matrix`,
    body: { encrypt: 'AAAAAAAAAAAAAAAAAAAAAA==' },
  },
  'POST /api/dev/sign-in': { body: { userId: 'no-such-user' } },
  'PUT /api/settings': { body: {} },
  'POST /api/settings/drafts': { body: { kind: 'other' } },
  'POST /api/settings/test-connection': { body: {} },
  'POST /api/catalog/assets': { body: {} },
  'PUT /api/catalog/assets/:id': { path: `/api/catalog/assets/${asset.id}`, body: asset },
  'POST /api/templates': { body: {} },
  'PUT /api/templates/:id': {
    body: {
      name: 'Nothing',
      systemRef: 'builtin',
      nodes: [{ mode: 'OR', approverIds: ['aaron'] }],
    },
  },
  'PUT /api/rules': { body: {} },
  'POST /api/requests': { body: {} },
  'POST /api/inbox/:requestId/reject': { body: { comment: 'Not needed.' } },
};

/** Every route the app serves, as `METHOD /path`; middleware (`use`, path ending in `*`) left out. */
function servedRoutes(routes: ReadonlyArray<{ method: string; path: string }>): string[] {
  const served = routes
    .filter((route) => !(route.method === 'ALL' && route.path.endsWith('*')))
    .map((route) => `${route.method} ${route.path}`);
  return [...new Set(served)].sort();
}

/** The claims of each persona that holds a valid token. */
const signedIn = {
  super_admin: { sub: 'alice', name: 'Alice Chen', roles: ['super_admin'] },
  system_admin: { sub: 'sam', name: 'Sam Okafor', roles: ['system_admin'] },
  security_admin: { sub: 'sara', name: 'Sara Lindqvist', roles: ['security_admin'] },
  requester: { sub: 'rita', name: 'Rita Alvarez', roles: ['requester'] },
  approver: { sub: 'aaron', name: 'Aaron Patel', roles: ['approver'] },
  service: { sub: 'host-backend', name: 'Host backend', roles: [] },
} satisfies Partial<Record<Persona, { sub: string; name: string; roles: string[] }>>;

let signoff: RunningSignoff;
let tarballDir: string;
const tokens = new Map<Persona, string | null>();

beforeAll(async () => {
  // Any file serves as the SDK tarball here; what matters is who may download it.
  tarballDir = await mkdtemp(join(tmpdir(), 'signoff-matrix-'));
  const tarball = join(tarballDir, 'signoff-sdk.tgz');
  await writeFile(tarball, 'not really a tarball');
  signoff = await startSignoff({ SDK_TARBALL: tarball });

  const options = signoff.signoff.tokens;
  for (const [persona, claims] of Object.entries(signedIn)) {
    tokens.set(persona as Persona, await issueToken(claims, options));
  }
  const { super_admin: alice } = signedIn;
  tokens.set('anonymous', null);
  tokens.set('expired', await issueToken(alice, options, -3600));
  tokens.set(
    'wrong_signature',
    await issueToken(alice, { ...options, secret: 'a-secret-this-server-does-not-hold-000' }),
  );
  tokens.set('wrong_audience', await issueToken(alice, { ...options, audience: 'another-app' }));
});

afterAll(async () => {
  await signoff?.close();
  if (tarballDir) await rm(tarballDir, { recursive: true, force: true });
});

/** Calls one route as one persona and returns the status; a stream is closed once it answers. */
async function statusOf(route: string, persona: Persona): Promise<number> {
  const [method = '', routePath = ''] = route.split(' ');
  const probe = probes[route] ?? {};
  const path = probe.path ?? routePath.replace(/:(\w+)/g, 'no-such-$1');
  const token = tokens.get(persona);
  const headers: Record<string, string> = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (probe.body !== undefined) headers['content-type'] = 'application/json';

  const response = await signoff.signoff.app.request(path, {
    method,
    headers,
    body: probe.body === undefined ? undefined : JSON.stringify(probe.body),
  });
  await response.body?.cancel();
  return response.status;
}

describe('the role matrix', () => {
  it('has a row for every route the app serves, and none for a route it does not', () => {
    const served = servedRoutes(signoff.signoff.app.routes);
    const rows = Object.keys(expected).sort();

    expect(
      served.filter((route) => !rows.includes(route)),
      'routes served without a row in the table',
    ).toEqual([]);
    expect(
      rows.filter((route) => !served.includes(route)),
      'rows for routes the app does not serve',
    ).toEqual([]);
  });

  it('probes only routes that have a row', () => {
    expect(Object.keys(probes).filter((route) => !(route in expected))).toEqual([]);
  });

  it.each(Object.entries(expected))('%s', async (route, codes) => {
    const answered: Record<string, number> = {};
    for (const persona of personas) answered[persona] = await statusOf(route, persona);

    expect(answered).toEqual(Object.fromEntries(personas.map((p, i) => [p, codes[i]])));
  });
});
