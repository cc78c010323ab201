// An operator on call checks the dashboard on a phone, 390 px wide: the page
// itself never scrolls sideways (a wide table scrolls inside its own box) and
// every action is in reach. The header once pushed Log out off the screen, and
// record tables squeezed their content into one-word columns.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { uniqueName, zk } from './helpers/cli';
import { ADMIN_USER } from './helpers/env';
import { signIn } from './helpers/session';

test.use({ viewport: { width: 390, height: 844 } });

async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const { scroll, client } = await page.evaluate(() => ({ scroll: document.documentElement.scrollWidth, client: document.documentElement.clientWidth }));
  expect(scroll, `${page.url()} scrolls sideways`).toBeLessThanOrEqual(client);
}

/** Scrolled to (inside its table's box if need be), it is wholly on screen and a click would reach it, not something on top. */
async function expectReachable(target: Locator): Promise<void> {
  await target.scrollIntoViewIfNeeded();
  await expect(target).toBeInViewport({ ratio: 1 });
  await target.click({ trial: true });
}

async function expectHeaderReachable(page: Page): Promise<void> {
  const nav = page.getByRole('navigation', { name: 'Main' });
  for (const link of ['Zones', 'Replication', 'Activity', 'Settings']) await expectReachable(nav.getByRole('link', { name: link, exact: true }));
  await expectReachable(page.getByRole('banner').getByRole('searchbox', { name: 'Find zones and records' }));
  await expectReachable(page.getByRole('banner').getByRole('button', { name: 'Find', exact: true }));
  await expectReachable(page.getByRole('banner').getByRole('link', { name: new RegExp(ADMIN_USER) }));
  await expectReachable(page.getByRole('button', { name: 'Log out' }));
}

test('the header, zone list, zone records and replication pages fit a phone, every action in reach', async ({ page }) => {
  test.setTimeout(120_000);
  const zone = `${uniqueName('phone')}.test`;
  // Enough record sets for a second page, and long contents for the table to hold.
  const lines = [
    `$ORIGIN ${zone}.`,
    '$TTL 300',
    `@ NS ns1.${zone}.`,
    `@ TXT "v=spf1 include:_spf.example.net include:_spf.another-provider.example.org -all"`,
    `_dmarc TXT "v=DMARC1; p=reject; rua=mailto:dmarc-reports@${zone}; ruf=mailto:dmarc-forensics@${zone}; fo=1"`,
  ];
  for (let i = 0; i < 120; i++) lines.push(`host-${String(i).padStart(3, '0')} A 10.0.0.${i}`);
  const file = path.join(os.tmpdir(), `${zone}.zone`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  await zk(['zone', 'import', zone, file]);
  // A secondary that never answers, so the replication pages have a row with its buttons.
  await zk(['zone', 'set', zone, '--also-notify', '127.0.0.1:9']);
  await signIn(page);

  await test.step('the zone list', async () => {
    await page.goto('/zones');
    await expectNoSidewaysScroll(page);
    await expectHeaderReachable(page);
    await expectReachable(page.getByRole('searchbox', { name: 'Search zones' }));
    await expectReachable(page.getByLabel('Kind'));
    await expectReachable(page.getByRole('button', { name: 'Search', exact: true }));
    await expectReachable(page.getByRole('link', { name: 'New zone' }));
    await expectReachable(page.getByRole('link', { name: zone, exact: true }));
  });

  await test.step('a zone’s records', async () => {
    await page.goto(`/zones/${zone}`);
    await expectNoSidewaysScroll(page);
    await expectHeaderReachable(page);
    for (const link of ['History', 'Export', 'Import']) await expectReachable(page.getByRole('link', { name: link, exact: true }));
    await expectReachable(page.getByRole('button', { name: 'Notify secondaries now' }));
    await expectReachable(page.getByLabel('Filter records'));
    await expectReachable(page.getByRole('button', { name: 'Filter', exact: true }));
    // The last column of the table: reached by scrolling the table, not the page.
    await expectReachable(page.getByRole('button', { name: 'Edit' }).first());
    await expectReachable(page.getByRole('button', { name: 'Delete' }).first());
    await expectReachable(page.getByRole('navigation', { name: 'Record pages' }).getByRole('link', { name: /Next/ }));
    await expectNoSidewaysScroll(page);

    await expectReachable(page.getByRole('button', { name: 'Add record' }));
    await page.getByRole('button', { name: 'Add record' }).click();
    const form = page.getByRole('form', { name: 'Add record' });
    await expectReachable(form.getByRole('button', { name: 'Queue record' }));
    await expectNoSidewaysScroll(page);
  });

  await test.step('the zone’s replication page', async () => {
    await page.goto(`/zones/${zone}/replication`);
    await expect(page.getByTestId('secondary-row').first()).toBeVisible({ timeout: 20_000 });
    await expectNoSidewaysScroll(page);
    await expectHeaderReachable(page);
    await expectReachable(page.getByRole('button', { name: 'Re-notify all' }));
    await expectReachable(page.getByTestId('secondary-row').filter({ hasText: '127.0.0.1:9' }).getByRole('button', { name: 'Re-notify' }));
    await expectNoSidewaysScroll(page);
  });

  await test.step('the replication dashboard', async () => {
    await page.goto('/replication');
    await expectNoSidewaysScroll(page);
    await expectHeaderReachable(page);
    const filters = page.getByRole('navigation', { name: 'Filter by state' });
    for (const link of await filters.getByRole('link').all()) await expectReachable(link);
    // The zone's row (the doctor's summary above the table links to it too).
    await expectReachable(page.getByTestId('replication-row').getByRole('link', { name: zone, exact: true }));
    await expectReachable(page.getByTestId('doctor-summary').getByRole('link', { name: zone, exact: true }));
  });

  await test.step('the search results and the activity page', async () => {
    await page.goto(`/search?q=${zone}`);
    await expectNoSidewaysScroll(page);
    await expectHeaderReachable(page);
    await expectReachable(page.getByTestId('search-names').getByRole('link').first());
    await page.goto('/activity');
    await expectNoSidewaysScroll(page);
    await expectHeaderReachable(page);
    await expectReachable(page.getByRole('link', { name: /^Diff of change/ }).first());
  });
});
