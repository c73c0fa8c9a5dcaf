// The console page as served, in-process: its fixed names, and that text from outside is escaped.

import { describe, expect, it } from 'vitest';
import { createSimulatorApp } from '../app.ts';
import { connectionValues } from '../testing/fixtures.ts';

describe('third-party console page', () => {
  it('is served at / with the heading, labelled fields and the Submit Approval Request URL', async () => {
    const app = createSimulatorApp({ print: () => {} });

    const response = await app.request('http://127.0.0.1:8788/');

    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^text\/html/);
    const page = await response.text();
    expect(page).toContain('<h1>Third-party approver</h1>');
    for (const [id, label] of [
      ['callbackUrl', 'Callback URL'],
      ['accessToken', 'Access Token'],
      ['encodingAesKey', 'Encoding AES Key'],
      ['tenantId', 'Tenant ID'],
    ]) {
      expect(page).toContain(`<label for="${id}">${label}</label>`);
      expect(page).toContain(`<input id="${id}"`);
    }
    expect(page).toContain('<button type="submit">Save connection</button>');
    expect(page).toContain('http://127.0.0.1:8788/third-party</code>');
    // An empty icon keeps browsers from asking for a /favicon.ico the simulator does not serve.
    expect(page).toContain('<link rel="icon" href="data:,">');
  });

  it('is reached from /third-party/console too', async () => {
    const app = createSimulatorApp({ print: () => {} });

    const response = await app.request('/third-party/console');

    expect(response.status).toBe(302);
    expect(response.headers.get('location')).toBe('/');
  });

  it('escapes saved values and never prints the secrets', async () => {
    const hostile = 'http://127.0.0.1:8787/cb?"><img src=x onerror=alert(1)>';
    const app = createSimulatorApp({
      print: () => {},
      thirdParty: { connection: { ...connectionValues, callbackUrl: hostile } },
    });

    const page = await (await app.request('/')).text();

    expect(page).not.toContain('<img');
    expect(page).toContain(
      'value="http://127.0.0.1:8787/cb?&quot;&gt;&lt;img src=x onerror=alert(1)&gt;"',
    );
    expect(page).not.toContain(connectionValues.accessToken);
    expect(page).not.toContain(connectionValues.encodingAesKey);
    expect(page).toContain('Saved (****5b1e)');
  });

  it('answers unknown paths with JSON', async () => {
    const app = createSimulatorApp({ print: () => {} });

    const response = await app.request('/no-such-page');

    expect(response.status).toBe(404);
    expect(await response.json()).toMatchObject({ success: false, code: 'NOT_FOUND' });
  });

  it('shows the policy in force and a group per fault', async () => {
    const app = createSimulatorApp({
      print: () => {},
      thirdParty: { policy: { approveAfterSeconds: 3, rejectWhen: { projects: ['hr'] } } },
    });

    const page = await (await app.request('/')).text();

    expect(page).toContain(
      '<label for="approveAfterSeconds">Approve automatically after (seconds)</label>',
    );
    expect(page).toContain(
      'Rejects a request when the project is hr; approves the rest after 3 s.',
    );
    expect(page).toMatch(/<input id="projects"[^>]*value="hr"/);
    expect(page).toContain('<button type="submit">Save policy</button>');
    for (const legend of ['Submit answers 5xx', 'Submit times out', 'Callbacks reordered']) {
      expect(page).toContain(`<legend>${legend}</legend>`);
    }
  });

  it('serves its scripts as JavaScript modules, and nothing else from the disk', async () => {
    const app = createSimulatorApp({ print: () => {} });

    const main = await app.request('/console/main.js');
    const other = await app.request('/console/secrets.js');
    const traversal = await app.request('/console/..%2Fapp.ts');

    expect(main.status).toBe(200);
    expect(main.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect(await main.text()).toContain("import './approvals.js';");
    expect(other.status).toBe(404);
    expect(traversal.status).toBe(404);
  });
});
