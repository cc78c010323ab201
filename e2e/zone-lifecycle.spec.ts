import { expect, test } from './helpers/test';
import type { SoaAnswer } from 'dns-packet';
import { queryUntil } from './helpers/dns';
import { ADMIN_PASSWORD, ADMIN_USER, DNS_HOST, DNS_PORT } from './helpers/env';

test('sign in, create a zone, see it listed and served over DNS, sign out', async ({ page }) => {
  const zone = `e2e-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}.test`;
  const ns = `ns1.${zone}.`;

  await test.step('an anonymous visit to /zones goes to the login page', async () => {
    await page.goto('/zones');
    await expect(page).toHaveURL(/\/login\?next=%2Fzones$/);
  });

  await test.step('a wrong password is refused without saying which part was wrong', async () => {
    await page.getByLabel('User name').fill(ADMIN_USER);
    await page.getByLabel('Password').fill('not-the-password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page.getByText('Wrong user name or password.')).toBeVisible();
    await expect(page.getByLabel('User name')).toHaveValue(ADMIN_USER);
    await expect(page).toHaveURL(/\/login/);
  });

  await test.step('the right password signs in and returns to /zones', async () => {
    await page.getByLabel('Password').fill(ADMIN_PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect(page).toHaveURL(/\/zones$/);
    await expect(page.getByRole('banner')).toContainText(ADMIN_USER);
  });

  let serial = '';
  await test.step('create the zone on /zones/new and land on its page', async () => {
    await page.getByRole('link', { name: 'New zone' }).click();
    await expect(page).toHaveURL(/\/zones\/new$/);
    await page.getByLabel('Zone name').fill(zone);
    await page.getByLabel('Name servers').fill(ns);
    await page.getByRole('button', { name: 'Create zone' }).click();

    await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(zone);
    const rows = page.getByRole('table').getByRole('row');
    const cell = (text: string) => page.getByRole('cell', { name: text, exact: true });
    await expect(rows.filter({ has: cell('SOA') })).toHaveCount(1);
    await expect(rows.filter({ has: cell('NS') }).filter({ has: cell(ns) })).toHaveCount(1);
    serial = (await page.getByTestId('zone-serial').innerText()).trim();
    expect(serial).toMatch(/^\d+$/);
  });

  await test.step('the zone is listed on /zones', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Zones' }).click();
    await expect(page).toHaveURL(/\/zones$/);
    await expect(page.getByRole('link', { name: zone, exact: true })).toBeVisible();
  });

  await test.step('the DNS worker answers the SOA authoritatively with the same serial', async () => {
    const reply = await queryUntil(`${zone}.`, 'SOA', {
      host: DNS_HOST,
      port: DNS_PORT,
      totalMs: 3000,
      done: (r) => r.rcode === 'NOERROR' && (r.answers ?? []).some((a) => a.type === 'SOA'),
    });
    expect(reply.rcode).toBe('NOERROR');
    expect(reply.flag_aa).toBe(true);
    const soa = (reply.answers ?? []).find((a): a is SoaAnswer => a.type === 'SOA');
    expect(soa?.name.toLowerCase().replace(/\.$/, '')).toBe(zone);
    expect(String(soa?.data.serial)).toBe(serial);
  });

  await test.step('after logging out, /zones sends the browser to the login page', async () => {
    await page.getByRole('button', { name: 'Log out' }).click();
    await expect(page).toHaveURL(/\/login$/);
    await page.goto('/zones');
    await expect(page).toHaveURL(/\/login\?next=%2Fzones$/);
    await expect(page.getByRole('button', { name: 'Sign in' })).toBeVisible();
  });
});
