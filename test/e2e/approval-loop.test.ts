// Steps 1–5 of the whole approval loop, in headless Chromium, against really started server,
// simulator and demo processes on ports this test chose. The admin copies the connection values
// from <approval-settings> into the simulator's console while they are still visible, exactly as
// a person would.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type Browser, chromium, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemo, freePort, type Launched, launchLoop } from '../../scripts/launch.ts';
import { chromiumArgs, chromiumPath } from '../fixtures/chromium.ts';

let processes: Launched[] = [];
let browser: Browser;
let dataDir: string;
let demoUrl: string;
let simulatorUrl: string;
let serverUrl: string;

beforeAll(async () => {
  buildDemo();
  dataDir = await mkdtemp(join(tmpdir(), 'signoff-e2e-'));
  const ports = { server: await freePort(), simulator: await freePort(), demo: await freePort() };
  processes = await launchLoop({ ports, dataDir });
  [serverUrl, simulatorUrl, demoUrl] = processes.map((p) => p.url) as [string, string, string];
  browser = await chromium.launch({
    executablePath: chromiumPath,
    args: chromiumArgs,
  });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(processes.map((p) => p.stop()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** The processes' output, to read when a step fails. */
function diagnostics(): string {
  return processes.map((p) => `--- ${p.name} ---\n${p.output().slice(-4000)}`).join('\n');
}

async function signIn(page: Page, userId: string): Promise<void> {
  await page.goto(`${demoUrl}/#/settings`);
  await page.locator('#user-select').selectOption(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

describe('the whole approval loop on the embedded default', () => {
  it('configures an Other system, routes a request to it, and shows the approval live', async () => {
    const admin = await browser.newPage();
    const console_ = await browser.newPage();
    try {
      // 1. The portal serves the element; the built-in system is the default.
      await signIn(admin, 'sam');
      const defaultSystem = admin.getByLabel('Default approval system', { exact: true });
      await expect.poll(() => defaultSystem.inputValue()).toBe('builtin');

      // 2. Turn external approval on and add an Other system pointing at the simulator.
      await admin.getByLabel('External approval system', { exact: true }).check();
      await admin.getByRole('button', { name: 'Add Other system' }).click();
      await admin.getByLabel('Approval system name', { exact: true }).fill('Acme approvals');
      await admin
        .getByLabel('Submit Approval Request URL', { exact: true })
        .fill(`${simulatorUrl}/third-party`);
      await admin.getByRole('button', { name: 'Generate Access Token' }).click();
      await admin.getByRole('button', { name: 'Generate Encoding AES Key' }).click();
      const connection = {
        'Callback URL': await admin.getByLabel('Callback URL', { exact: true }).inputValue(),
        'Access Token': await admin.getByLabel('Access Token', { exact: true }).inputValue(),
        'Encoding AES Key': await admin
          .getByLabel('Encoding AES Key', { exact: true })
          .inputValue(),
        'Tenant ID': await admin.getByLabel('Tenant ID', { exact: true }).inputValue(),
      };
      expect(connection['Callback URL']).toBe(
        `${serverUrl}/api/oa/bpms/integration/thirdparty/callback`,
      );
      expect(connection['Encoding AES Key']).toMatch(/^[A-Za-z0-9]{43}$/);
      expect(connection['Tenant ID']).not.toBe('');

      // The admin copies the values into the simulator's connection form.
      await console_.goto(simulatorUrl);
      for (const [label, value] of Object.entries(connection)) {
        await console_.getByLabel(label, { exact: true }).fill(value);
      }
      await console_.getByRole('button', { name: 'Save connection' }).click();
      await console_.getByText('Connection saved').waitFor();

      await admin.getByRole('button', { name: 'Test Connection' }).click();
      await admin.getByText(/Connection succeeded/).waitFor({ timeout: 15_000 });
      await defaultSystem.selectOption({ label: 'Acme approvals' });
      await admin.getByRole('button', { name: 'Save', exact: true }).click();
      await admin.getByText('Settings saved').waitFor();

      // 3. A requester asks for an L3 asset: the default rule sends it to the default system.
      await signIn(admin, 'rita');
      await admin.goto(`${demoUrl}/#/request`);
      await admin.getByLabel('Data asset').selectOption('finance.ledger');
      await admin.getByLabel('Reason').fill('Quarter-end reconciliation');
      await admin.getByRole('button', { name: 'Submit request' }).click();
      const row = admin.getByRole('row', { name: 'Request for General ledger' });
      await row.getByText('Pending approval').waitFor({ timeout: 15_000 });

      // 4. The approval appears in the simulator's console; approving it calls Signoff back,
      // and the portal shows the request approved without a reload.
      const approval = console_.getByRole('region', { name: /Approval request: .*General ledger/ });
      await approval.getByLabel('Comment').fill('Fine for the audit');
      await approval.getByRole('button', { name: 'Approve' }).click();
      await row.getByText('Approved', { exact: true }).waitFor({ timeout: 15_000 });
      await row.getByText('by Simulator Approver: “Fine for the audit”').waitFor();
      expect(admin.url()).toBe(`${demoUrl}/#/requests`);

      // 5. A requester cannot change settings: the API answers 403, and the element shows the
      // reason the API gave instead of a form.
      const token = await admin.evaluate(
        () =>
          (JSON.parse(sessionStorage.getItem('signoff-demo-session') ?? '{}') as { token: string })
            .token,
      );
      const call = (method: string, body?: unknown) =>
        fetch(`${serverUrl}/api/settings`, {
          method,
          headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
          body: body === undefined ? undefined : JSON.stringify(body),
        });
      const put = await call('PUT', {
        baseVersion: 1,
        externalEnabled: false,
        defaultSystemId: 'builtin',
        systems: [],
      });
      expect(put.status).toBe(403);
      const get = await call('GET');
      expect(get.status).toBe(403);
      const reason = ((await get.json()) as { error: { message: string } }).error.message;
      expect(reason).toMatch(/^Only super administrators, system administrators/);

      await admin.goto(`${demoUrl}/#/settings`);
      const alert = admin.locator('approval-settings').getByRole('alert');
      await alert.filter({ hasText: reason }).waitFor();
      await expect.poll(() => admin.getByRole('button', { name: 'Save' }).count()).toBe(0);
    } catch (error) {
      console.error(diagnostics());
      throw error;
    } finally {
      await admin.close();
      await console_.close();
    }
  });

  // Runs after the test above, which configured the Other system as the default.
  it('shows a rejection made in the third-party system with the approver and the comment', async () => {
    const requester = await browser.newPage();
    const console_ = await browser.newPage();
    try {
      await signIn(requester, 'rita');
      await requester.goto(`${demoUrl}/#/request`);
      await requester.getByLabel('Data asset').selectOption('payments.api');
      await requester.getByLabel('Permission').selectOption('write');
      await requester.getByLabel('Reason').fill('Change the payout schedule');
      await requester.getByRole('button', { name: 'Submit request' }).click();
      const row = requester.getByRole('row', { name: 'Request for Payments API' });
      await row.getByText('Pending approval').waitFor({ timeout: 15_000 });

      await console_.goto(simulatorUrl);
      await console_.getByLabel('Approver name', { exact: true }).fill('Mei Lin');
      const approval = console_.getByRole('region', { name: /Approval request: .*Payments API/ });
      await approval.getByLabel('Comment').fill('Write access needs a change ticket');
      await approval.getByRole('button', { name: 'Reject' }).click();

      await row.getByText('Rejected', { exact: true }).waitFor({ timeout: 15_000 });
      await row.getByText('by Mei Lin: “Write access needs a change ticket”').waitFor();
    } catch (error) {
      console.error(diagnostics());
      throw error;
    } finally {
      await requester.close();
      await console_.close();
    }
  });
});
