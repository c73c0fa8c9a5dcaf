// The built-in system in headless Chromium: a requester asks for an L3 asset, which the seeded
// rules send to the data owner in the built-in inbox; the owner approves it there, with a
// comment, and the requester's page shows the approval without a reload.
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

beforeAll(async () => {
  buildDemo();
  dataDir = await mkdtemp(join(tmpdir(), 'signoff-e2e-'));
  const ports = { server: await freePort(), simulator: await freePort(), demo: await freePort() };
  processes = await launchLoop({ ports, dataDir });
  demoUrl = processes[2]!.url;
  browser = await chromium.launch({ executablePath: chromiumPath, args: chromiumArgs });
});

afterAll(async () => {
  await browser?.close();
  await Promise.all(processes.map((p) => p.stop()));
  if (dataDir) await rm(dataDir, { recursive: true, force: true });
});

/** A page of its own browser context, so each person keeps their own session. */
async function signedIn(userId: string, hash: string): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await page.goto(`${demoUrl}/#/${hash}`);
  await page.locator('#user-select').selectOption(userId);
  await page.getByRole('button', { name: 'Sign in' }).click();
  return page;
}

describe('the built-in inbox in the demo portal', () => {
  it('lets the data owner approve a request with a comment, shown live to the requester', async () => {
    const rita = await signedIn('rita', 'request');
    try {
      await rita.getByLabel('Data asset').selectOption('finance.ledger');
      await rita.getByLabel('Reason').fill('Quarter-end reconciliation');
      await rita.getByRole('button', { name: 'Submit request' }).click();
      const row = rita.getByRole('row', { name: 'Request for General ledger' });
      await row.getByText('Pending approval').waitFor({ timeout: 15_000 });

      const aaron = await signedIn('aaron', 'inbox');
      const task = aaron.getByRole('region', {
        name: 'Approval request: Rita Alvarez, read access to General ledger',
      });
      await task.getByText('Step 1 of 1: any one approver decides.').waitFor();

      // A rejection needs a reason; the page says so and sends nothing.
      await task.getByRole('button', { name: 'Reject' }).click();
      await task.getByRole('alert').filter({ hasText: 'why you reject' }).waitFor();

      await task.getByLabel('Comment').fill('Fine for the audit');
      await task.getByRole('button', { name: 'Approve' }).click();
      await aaron.getByRole('status').filter({ hasText: 'the request is now approved' }).waitFor();
      await expect.poll(() => task.count()).toBe(0);

      await row.getByText('Approved', { exact: true }).waitFor({ timeout: 15_000 });
      await row.getByText('by Aaron Patel: “Fine for the audit”').waitFor();
    } finally {
      await Promise.all(browser.contexts().map((context) => context.close()));
    }
  });
});
