// The header's search box (issue 21) against the real product: an IP address
// finds its A record and its PTR, a name finds its records, a part of a zone
// name finds the zone, and a result leads to the record in its zone's editor.
// An editor finds nothing in zones not granted to them; without a session the
// search page sends to sign in.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { createUser, uniqueName, zk } from './helpers/cli';
import { signIn } from './helpers/session';

const octet = () => 1 + Math.floor(Math.random() * 250);

/** Types `text` in the header's box and submits it with Enter, as people do. */
async function find(page: Page, text: string): Promise<void> {
  const box = page.getByRole('searchbox', { name: 'Find zones and records' });
  await box.fill(text);
  await box.press('Enter');
  await expect(page).toHaveURL(/\/search\?q=/);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(text);
}

test('search by IP, by name and by zone from the header, then follow a result to its record', async ({ page, browser }) => {
  const zone = `${uniqueName('find')}.test`;
  const [b, c] = [octet(), octet()];
  const ip = `10.${b}.${c}.77`;
  const reverse = `${c}.${b}.10.in-addr.arpa`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  await zk(['record', 'add', zone, 'www', 'A', '300', ip]);
  await zk(['record', 'add', zone, 'alias', 'CNAME', '300', `www.${zone}.`]);
  await zk(['zone', 'create', reverse, '--ns', `ns1.${zone}.`]);
  await zk(['record', 'add', reverse, '77', 'PTR', '300', `www.${zone}.`]);
  await signIn(page);

  await test.step('an IP address finds its A record and the PTR at its reverse name', async () => {
    // Written with leading zeros: any spelling of the address finds it.
    await find(page, `10.${b}.${String(c).padStart(3, '0')}.077`);
    const found = page.getByTestId('search-content');
    await expect(found.getByTestId('search-content-count')).toHaveText('2');
    await expect(found.getByRole('row').filter({ hasText: 'PTR' })).toContainText(`77.${reverse}`);
    await expect(found.getByRole('row').filter({ hasText: ip })).toContainText(`www.${zone}`);
  });

  await test.step('a host name finds its records and what points at it', async () => {
    await find(page, `www.${zone}`);
    await expect(page.getByTestId('search-names').getByRole('row').filter({ hasText: ip })).toBeVisible();
    const pointing = page.getByTestId('search-content');
    await expect(pointing.getByRole('heading')).toHaveText(`Records pointing at www.${zone}`);
    await expect(pointing.getByRole('row').filter({ hasText: 'CNAME' })).toContainText(`alias.${zone}`);
    await expect(pointing.getByRole('row').filter({ hasText: 'PTR' })).toBeVisible();
  });

  await test.step('part of a zone name finds the zone, and the zone link opens it', async () => {
    await find(page, zone.split('.')[0]!.slice(2));
    await page.getByTestId('search-zones').getByRole('link', { name: zone, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));
  });

  await test.step('a record found leads to its zone’s editor, filtered to it', async () => {
    await find(page, ip);
    await page.getByTestId('search-content').getByRole('link', { name: `www.${zone}`, exact: true }).click();
    await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}\\?q=www`));
    await expect(page.getByRole('row').filter({ hasText: ip })).toBeVisible();
    await expect(page.getByRole('row').filter({ hasText: `ns1.${zone}` })).toHaveCount(0);
  });

  await test.step('an editor finds nothing in zones not granted to them', async () => {
    const editor = await createUser('editor');
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      await signIn(other, editor.name, editor.password);
      await find(other, ip);
      await expect(other.getByTestId('search-content-count')).toHaveText('0');
      await zk(['user', 'grant', editor.name, zone]);
      await find(other, ip);
      await expect(other.getByTestId('search-content-count')).toHaveText('1');
      await expect(other.getByTestId('search-content').getByRole('row').filter({ hasText: 'PTR' })).toHaveCount(0);
    } finally {
      await context.close();
    }
  });

  await test.step('without a session the search page sends to sign in', async () => {
    const anonymous = await browser.newContext();
    try {
      const p = await anonymous.newPage();
      await p.goto(`/search?q=${ip}`);
      await expect(p).toHaveURL(/\/login/);
      await expect(p.getByRole('searchbox', { name: 'Find zones and records' })).toHaveCount(0);
    } finally {
      await anonymous.close();
    }
  });
});
