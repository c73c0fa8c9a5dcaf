// The console driven in Chromium through accessible names only, as a person (or an end-to-end
// scenario) uses it: save the connection, watch a submitted request appear, decide it.

import { existsSync } from 'node:fs';
import { THIRD_PARTY_PATHS } from '@signoff/sdk';
import { type Browser, chromium, type Page } from 'playwright';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { chromiumArgs, chromiumPath } from '../../../test/fixtures/chromium.ts';
import { type RunningSimulator, startSimulator } from '../server.ts';
import { type CallbackReceiver, startCallbackReceiver } from '../testing/callback-receiver.ts';
import { connectionValues, submitBody } from '../testing/fixtures.ts';

describe.skipIf(!existsSync(chromiumPath))(
  `third-party console in Chromium (needs ${chromiumPath}; install with apt-get install chromium)`,
  () => {
    let browser: Browser;
    let page: Page;
    let simulator: RunningSimulator;
    let receiver: CallbackReceiver;

    beforeAll(async () => {
      browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
    });
    afterAll(async () => {
      await browser?.close();
    });
    beforeEach(async () => {
      receiver = await startCallbackReceiver(connectionValues);
      simulator = await startSimulator({
        port: 0,
        print: () => {},
        thirdParty: { delivery: { retries: 0 } },
      });
      page = await browser.newPage();
      // Well above the one-second poll, well below the test timeout, so a failure says what it waited for.
      page.setDefaultTimeout(5_000);
      await page.goto(`${simulator.url}/`);
    });
    afterEach(async () => {
      await page?.close();
      await simulator?.close();
      await receiver?.close();
    });

    async function saveConnection(values: Record<string, string>) {
      await page.getByLabel('Callback URL').fill(values.callbackUrl ?? '');
      await page.getByLabel('Access Token').fill(values.accessToken ?? '');
      await page.getByLabel('Encoding AES Key').fill(values.encodingAesKey ?? '');
      await page.getByLabel('Tenant ID').fill(values.tenantId ?? '');
      await page.getByRole('button', { name: 'Save connection' }).click();
    }

    function submit(body: typeof submitBody) {
      const url = new URL(`${simulator.url}/third-party${THIRD_PARTY_PATHS.create}`);
      url.searchParams.set('accessToken', connectionValues.accessToken);
      url.searchParams.set('timestamp', String(Date.now()));
      return fetch(url, { method: 'POST', body: JSON.stringify(body) });
    }

    it('shows field errors, then saves the connection', async () => {
      await expect
        .poll(() => page.getByRole('heading', { level: 1 }).textContent())
        .toBe('Third-party approver');

      await saveConnection({ ...connectionValues, callbackUrl: 'ftp://x', encodingAesKey: 'k' });

      await page.getByText('Encoding AES Key must be exactly 43 letters and digits.').waitFor();
      expect(await page.getByLabel('Callback URL').getAttribute('aria-invalid')).toBe('true');

      await saveConnection({ ...connectionValues, callbackUrl: receiver.url });

      await page.getByText('Connection saved').waitFor();
      expect(await page.getByLabel('Access Token').inputValue()).toBe('');
      expect(await page.getByLabel('Callback URL').getAttribute('aria-invalid')).toBeNull();
    });

    it('lists a submitted request without a reload, escaped, and approves it', async () => {
      await saveConnection({ ...connectionValues, callbackUrl: receiver.url });
      await page.getByText('Connection saved').waitFor();
      const title = '<b>Export</b> "orders" & more';

      const response = await submit({ ...submitBody, title });
      const { processInstanceId } = (await response.json()) as { processInstanceId: string };

      const card = page.getByRole('region', { name: submitBody.applyId });
      await card.getByRole('heading', { name: title }).waitFor();
      expect(await card.locator('b').count()).toBe(0);
      await card.getByLabel('Comment').fill('Approved in the console');
      await card.getByRole('button', { name: 'Approve' }).click();

      await card.getByText('Callback: delivered').waitFor();
      expect(await card.getByText('Approved by Simulator Approver').count()).toBe(1);
      expect(await card.getByRole('button', { name: 'Approve' }).count()).toBe(0);
      expect(receiver.received).toEqual([
        expect.objectContaining({
          processInstanceId,
          status: 'APPROVED',
          comment: 'Approved in the console',
        }),
      ]);
    });

    it('rejects as the approver named on the page', async () => {
      await saveConnection({ ...connectionValues, callbackUrl: receiver.url });
      await page.getByText('Connection saved').waitFor();
      await submit(submitBody);

      const card = page.getByRole('region', { name: submitBody.title });
      await page.getByLabel('Approver name').fill('Han Meimei');
      await card.getByRole('button', { name: 'Reject' }).click();

      await card.getByText('Callback: delivered').waitFor();
      expect(receiver.received).toEqual([
        expect.objectContaining({
          status: 'REJECTED',
          approver: { userSourceId: 'src-2001', userName: 'Han Meimei' },
        }),
      ]);
    });

    it('shows a failed delivery and resends it', async () => {
      await saveConnection({ ...connectionValues, callbackUrl: receiver.url });
      await page.getByText('Connection saved').waitFor();
      await submit(submitBody);
      receiver.failWithStatus = 500;

      const card = page.getByRole('region', { name: submitBody.applyId });
      await card.getByRole('button', { name: 'Approve' }).click();
      await card.getByText(/Callback: failed: .*HTTP 500/).waitFor();
      receiver.failWithStatus = undefined;
      await card.getByRole('button', { name: 'Resend callback' }).click();

      await card.getByText('Callback: delivered').waitFor();
      expect(receiver.received).toHaveLength(1);
    });

    it('saves a policy, names a bad field, and lets the policy decide', async () => {
      await saveConnection({ ...connectionValues, callbackUrl: receiver.url });
      await page.getByText('Connection saved').waitFor();
      const policy = page.getByRole('region', { name: 'Policy' });

      await policy.getByLabel('Reject titles matching').fill('(');
      await policy.getByRole('button', { name: 'Save policy' }).click();
      await policy.getByText('Title pattern is not a valid regular expression.').waitFor();
      await policy.getByLabel('Reject titles matching').fill('');
      await policy.getByLabel('Approve automatically after (seconds)').fill('0');
      await policy.getByLabel('Reject sensitivity levels').fill('L4, L3');
      await policy.getByRole('button', { name: 'Save policy' }).click();
      await policy.getByText('Policy saved').waitFor();
      await submit(submitBody);

      await policy
        .getByText(
          'Rejects a request when the sensitivity level is L4 or L3; approves the rest after 0 s.',
        )
        .waitFor();
      const card = page.getByRole('region', { name: submitBody.applyId });
      await card.getByText('Approved by Simulator Policy').waitFor();
      await card.getByText('Callback: delivered').waitFor();
    });

    it('refuses a number field holding something that is not a number', async () => {
      const fault = page.getByRole('group', { name: 'Callback wrongly signed' });
      const policy = page.getByRole('region', { name: 'Policy' });

      // Chromium keeps an "e" in a number field but reads the field as empty.
      await fault.getByLabel('Times').pressSequentially('e');
      await fault.getByRole('button', { name: 'Arm' }).click();
      await policy.getByLabel('Approve automatically after (seconds)').pressSequentially('e');
      await policy.getByRole('button', { name: 'Save policy' }).click();

      await fault.getByText(/Not armed: Times and Delay must be numbers/).waitFor();
      await policy.getByText('Seconds must be a number, or empty to wait for a person.').waitFor();
      const faults = await (await fetch(`${simulator.url}/third-party/api/faults`)).json();
      expect(faults).toMatchObject({ faults: [] });
    });

    it('arms a fault, shows its effect on the card, and reports it used up', async () => {
      await saveConnection({ ...connectionValues, callbackUrl: receiver.url });
      await page.getByText('Connection saved').waitFor();
      const fault = page.getByRole('group', { name: 'Callback wrongly signed' });

      await fault.getByLabel('Times').fill('1');
      await fault.getByRole('button', { name: 'Arm' }).click();
      await fault.getByText('Armed for the next decision').waitFor();
      await submit(submitBody);
      const card = page.getByRole('region', { name: submitBody.applyId });
      await card.getByRole('button', { name: 'Approve' }).click();

      await card.getByText(/Callback: failed: .*HTTP 401/).waitFor();
      await card.getByText(/APPROVED .*: failed: .*\[wrongly signed\]/).waitFor();
      await fault.getByText('Off').waitFor();
      await page
        .getByRole('list', { name: 'Fired faults' })
        .getByText(/Callback wrongly signed · req-20240601-0001/)
        .waitFor();
      await card.getByRole('button', { name: 'Resend callback' }).click();
      await card.getByText('Callback: delivered').waitFor();
      expect(receiver.received).toHaveLength(1);
    });
  },
);
