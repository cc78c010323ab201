import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { queryUntil, type DnsReply } from './helpers/dns';
import { createUser, uniqueName, zk } from './helpers/cli';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';

const dns = { host: DNS_HOST, port: DNS_PORT, totalMs: 5000 };

/** The rdata of a reply's answers, as dns-packet decodes it (names without the trailing dot). */
const answerData = (r: DnsReply) => (r.answers ?? []).map((a) => String((a as { data?: unknown }).data));

async function serialOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('zone-serial').innerText()).trim());
}

test('delete a zone by typing its name, find it under Deleted zones, restore it: served again, history intact', async ({ page }) => {
  const zone = `${uniqueName('gone')}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  await zk(['zone', 'set', zone, '--also-notify', '127.0.0.1:5']);
  await zk(['record', 'add', '--comment', 'the web server', zone, 'www', 'A', '300', '192.0.2.44']);
  await queryUntil(`www.${zone}.`, 'A', { ...dns, done: (r) => r.rcode === 'NOERROR' && (r.answers ?? []).length > 0 });
  await signIn(page);
  await page.goto(`/zones/${zone}`);
  const deletedSerial = await serialOf(page);

  await test.step('the settings page warns of the secondaries and the snapshot, and wants the name typed', async () => {
    await page.getByRole('link', { name: 'Zone settings' }).click();
    const warnings = page.getByTestId('delete-warnings');
    await expect(warnings).toContainText('keep serving it until it is removed there too: 127.0.0.1:5');
    await expect(warnings).toContainText('kept 30 days');
    await page.getByLabel(`Type ${zone} to confirm`).fill('something-else.test');
    await page.getByRole('button', { name: 'Delete zone' }).click();
    await expect(page.getByText(`Type the zone’s name, ${zone}, to delete it.`)).toBeVisible();
    await page.getByLabel(`Type ${zone} to confirm`).fill(zone);
    await page.getByRole('button', { name: 'Delete zone' }).click();
    await expect(page).toHaveURL(/\/settings\/deleted-zones\?deleted=/);
  });

  await test.step('the zone is gone from the list and from DNS, and listed as deleted', async () => {
    const row = page.getByTestId('deleted-zone-row').filter({ hasText: zone });
    await expect(row).toHaveCount(1);
    await expect(row).toContainText('admin');
    await expect(row.getByRole('cell').nth(2)).toHaveText('2');
    const refused = await queryUntil(`www.${zone}.`, 'A', { ...dns, done: (r) => r.rcode === 'REFUSED' });
    expect(refused.rcode).toBe('REFUSED');
    await page.goto('/zones');
    await expect(page.getByRole('link', { name: zone, exact: true })).toHaveCount(0);
  });

  await test.step('Restore brings it back under a greater serial, served again', async () => {
    await page.goto('/settings/deleted-zones');
    await page.getByRole('button', { name: new RegExp(`^Restore ${zone.replace(/\./g, '\\.')} deleted`) }).click();
    await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));
    expect(await serialOf(page)).toBeGreaterThan(deletedSerial);
    const reply = await queryUntil(`www.${zone}.`, 'A', { ...dns, done: (r) => r.rcode === 'NOERROR' && (r.answers ?? []).length > 0 });
    expect(answerData(reply)).toEqual(['192.0.2.44']);
  });

  await test.step('its history shows the old changes under the restore', async () => {
    await page.goto(`/zones/${zone}/history`);
    const titles = page.getByTestId('change').getByRole('heading', { level: 3 });
    await expect(titles.first()).toHaveText(/^restored by admin \(deleted by admin at /);
    await expect(page.getByTestId('change').filter({ hasText: 'the web server' })).toHaveCount(1);
    await page.goto('/settings/deleted-zones');
    await expect(page.getByTestId('deleted-zone-row').filter({ hasText: zone })).toHaveCount(0);
  });
});

test('with a second admin required, one admin requests the deletion and a different admin confirms it', async ({ page, browser }) => {
  const zone = `${uniqueName('twice')}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  const second = await createUser('admin');
  await signIn(page);
  const setting = page.getByLabel('A second admin confirms each deletion');
  const save = async (on: boolean) => {
    await page.goto('/settings/deleted-zones');
    await setting.setChecked(on);
    await page.getByRole('button', { name: 'Save zone deletion settings' }).click();
    await expect(page.getByText(on ? /^Saved: deleting a zone now needs a second admin/ : 'Saved: an admin deletes a zone alone.')).toBeVisible();
  };
  await save(true);
  try {
    await page.goto(`/zones/${zone}/settings`);
    await page.getByLabel(`Type ${zone} to confirm`).fill(zone);
    await page.getByRole('button', { name: 'Request deletion' }).click();
    await expect(page.getByTestId('deletion-request')).toContainText('Deletion requested by admin at');
    await expect(page.getByRole('button', { name: 'Confirm deletion' })).toHaveCount(0);
    await page.goto(`/zones/${zone}`);
    await expect(page.getByTestId('deletion-banner')).toContainText('the zone keeps serving until another admin confirms it');

    const other = await browser.newContext();
    const otherPage = await other.newPage();
    await signIn(otherPage, second.name, second.password);
    await otherPage.goto(`/zones/${zone}/settings`);
    await otherPage.getByRole('button', { name: 'Confirm deletion' }).click();
    await expect(otherPage).toHaveURL(/\/settings\/deleted-zones\?deleted=/);
    await expect(otherPage.getByTestId('deleted-zone-row').filter({ hasText: zone })).toContainText(`${second.name} (requested by admin)`);
    await other.close();
  } finally {
    await save(false);
  }
});

test('an editor of the zone gets no Delete zone section and no Deleted zones page', async ({ page }) => {
  const zone = `${uniqueName('kept')}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  const editor = await createUser('editor');
  await zk(['user', 'grant', editor.name, zone]);
  await signIn(page, editor.name, editor.password);
  await page.goto(`/zones/${zone}/settings`);
  await expect(page.getByRole('heading', { name: 'Dynamic update policy' })).toBeVisible();
  await expect(page.getByRole('heading', { name: 'Delete zone' })).toHaveCount(0);
  const denied = await page.goto('/settings/deleted-zones');
  expect(denied?.status()).toBe(403);
});

test('an A record committed with "Also set PTR" updates the reverse zone, linked in its history and answered over DNS', async ({ page }) => {
  const zone = `${uniqueName('fwd')}.e2e-shop.de`;
  // A reverse zone of its own per run: 10.x.y.in-addr.arpa. with random x, y.
  const [x, y] = [1 + Math.floor(Math.random() * 250), 1 + Math.floor(Math.random() * 250)];
  const reverse = `${y}.${x}.10.in-addr.arpa`;
  const address = `10.${x}.${y}.7`;
  const ptrName = `7.${reverse}.`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  await zk(['zone', 'create', reverse, '--ns', `ns1.${zone}.`]);
  await zk(['record', 'add', reverse, '7', 'PTR', '300', 'old-host.elsewhere.test.']);
  await signIn(page);
  await page.goto(`/zones/${zone}`);

  await page.getByRole('button', { name: 'Add record' }).click();
  const form = page.getByRole('form', { name: 'Add record' });
  await form.getByLabel('Name', { exact: true }).fill('db');
  await form.getByLabel('IPv4 address', { exact: true }).fill(address);
  await form.getByRole('button', { name: 'Queue record' }).click();

  const pending = page.getByRole('list', { name: 'Pending edits' });
  const ptrBox = pending.getByRole('checkbox', { name: `Also set PTR in ${reverse} (replaces old-host.elsewhere.test.)` });
  await expect(ptrBox).toBeChecked();
  // A private address in a zone whose name is public: a warning, and Commit stays possible.
  await expect(pending.getByTestId('address-warning')).toContainText('a private address (10.0.0.0/8, RFC 1918)');
  await page.getByLabel('Comment').fill('database host');
  await page.getByRole('button', { name: 'Commit', exact: true }).click();
  await expect(page.getByText(new RegExp(`^Committed: serial \\d+ → \\d+\\. PTR set in ${reverse.replace(/\./g, '\\.')}\\. \\(serial`))).toBeVisible();

  const reply = await queryUntil(ptrName, 'PTR', { ...dns, done: (r) => answerData(r).includes(`db.${zone}`) });
  expect(answerData(reply)).toEqual([`db.${zone}`]);

  await page.goto(`/zones/${reverse}/history`);
  const latest = page.getByTestId('change').first();
  await expect(latest.getByRole('heading', { level: 3 })).toHaveText(`PTR for db.${zone}. (${address}), with a change to ${zone}.`);
  await latest.getByTestId('change-link').getByRole('link').click();
  await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}/history#change-\\d+$`));
  await expect(page.getByTestId('change').first().getByTestId('change-link')).toContainText(`Also changed: change #`);
  await expect(page.getByTestId('change').first().getByRole('heading', { level: 3 })).toHaveText('database host');
});
