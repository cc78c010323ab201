// Who may create which zone where, as an editor meets it on /zones/new, and
// the admin's setting that lets editors create secondary zones.
import type { Browser, Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { createUser, uniqueName, zk } from './helpers/cli';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { queryUntil } from './helpers/dns';
import { signIn } from './helpers/session';

/** A signed-in editor granted `zones`, in a browser context of their own. */
async function editorPage(browser: Browser, zones: string[]): Promise<{ page: Page; close: () => Promise<void> }> {
  const editor = await createUser('editor');
  for (const z of zones) await zk(['user', 'grant', editor.name, z]);
  const context = await browser.newContext();
  const page = await context.newPage();
  await signIn(page, editor.name, editor.password);
  return { page, close: () => context.close() };
}

async function submitNewZone(page: Page, name: string): Promise<void> {
  await page.goto('/zones/new');
  await page.getByLabel('Zone name').fill(name);
  await page.getByRole('button', { name: 'Create zone' }).click();
}

test('an editor granted only alpha cannot create a zone inside beta: the form names beta beside the zone name', async ({ browser }) => {
  // Bug: /zones/new created www.beta for an editor granted only alpha, granted it to them, and the worker answered www.beta from their zone instead of beta.
  const alpha = `${uniqueName('alpha')}.test`;
  const beta = `${uniqueName('beta')}.test`;
  await zk(['zone', 'create', alpha]);
  await zk(['zone', 'create', beta]);
  const { page, close } = await editorPage(browser, [alpha]);
  try {
    await submitNewZone(page, `www.${beta}`);
    await expect(page.locator('#zone-name-error')).toHaveText(
      `www.${beta}. lies inside ${beta}., which you may not edit: ask an admin to create it or to grant you ${beta}.`,
    );
    await expect(page).toHaveURL(/\/zones\/new$/);
    await expect(page.getByLabel('Zone name')).toHaveAttribute('aria-describedby', /zone-name-error/);
    await expect(page.getByLabel('Zone name')).toHaveValue(`www.${beta}`);
    expect((await zk(['zone', 'list'])).stdout).not.toContain(`www.${beta}.`);
    // beta still answers for the name.
    const reply = await queryUntil(`www.${beta}`, 'SOA', { host: DNS_HOST, port: DNS_PORT, done: (r) => r.rcode === 'NXDOMAIN' });
    expect(reply.rcode).toBe('NXDOMAIN');
    expect(reply.authorities?.map((a) => a.name)).toEqual([beta]);

    // Inside their own zone the editor may create one, and it is theirs.
    await submitNewZone(page, `www.${alpha}`);
    await expect(page).toHaveURL(new RegExp(`/zones/www\\.${alpha.replace(/\./g, '\\.')}$`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`www.${alpha}`);
  } finally {
    await close();
  }
});

test('editors create secondary zones only from the primaries an admin allows in Settings', async ({ page, browser }) => {
  const zone = `${uniqueName('sec')}.test`;
  const { page: editor, close } = await editorPage(browser, []);
  await signIn(page);
  try {
    await test.step('with no ranges allowed, the editor is not offered a secondary zone and is told why', async () => {
      await editor.goto('/zones/new');
      await expect(editor.getByRole('radio', { name: /^Primary/ })).toBeChecked();
      await expect(editor.getByRole('radio', { name: /^Secondary/ })).toHaveCount(0);
      await expect(editor.getByText('Secondary zones are created by an admin here')).toBeVisible();
    });

    await test.step('the admin allows a range; a bad one is refused beside the field', async () => {
      await page.goto('/settings/zone-defaults');
      await page.getByLabel('Primaries editors may use').fill('192.0.2.0/33');
      await page.getByRole('button', { name: 'Save secondary zone settings' }).click();
      await expect(page.locator('#sz-editorPrimaryRanges-error')).toContainText('"192.0.2.0/33" is not an address range');
      await page.getByLabel('Primaries editors may use').fill('192.0.2.0/24');
      await page.getByRole('button', { name: 'Save secondary zone settings' }).click();
      await expect(page.getByRole('status')).toHaveText('Saved: editors may create secondary zones whose primaries all lie in 192.0.2.0/24.');
    });

    await test.step('the editor names a primary outside it and is refused beside the primaries, then one inside it', async () => {
      await editor.goto('/zones/new');
      await editor.getByRole('radio', { name: /^Secondary/ }).check();
      await expect(editor.getByText('An admin allows primaries in 192.0.2.0/24 only.')).toBeVisible();
      await editor.getByLabel('Zone name').fill(zone);
      await editor.getByLabel('Primaries', { exact: true }).fill('10.0.0.5:22');
      await editor.getByRole('button', { name: 'Create zone' }).click();
      await expect(editor.locator('#zone-primaries-error')).toContainText('10.0.0.5:22 is outside the ranges an admin allows for primaries (192.0.2.0/24)');
      await editor.getByLabel('Primaries', { exact: true }).fill('192.0.2.53');
      await editor.getByRole('button', { name: 'Create zone' }).click();
      await expect(editor).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));
    });
  } finally {
    await close();
    // Later specs expect the stock setting: only admins create secondary zones.
    await page.goto('/settings/zone-defaults');
    await page.getByLabel('Primaries editors may use').fill('');
    await page.getByRole('button', { name: 'Save secondary zone settings' }).click();
    await expect(page.getByRole('status')).toHaveText('Saved: only admins create secondary zones.');
  }
});

test('a classless reverse zone (RFC 2317, 0/26.2.0.192.in-addr.arpa) opens in the editor and is served', async ({ page }) => {
  const label = uniqueName('classless');
  const zone = `0/26.${label}.in-addr.arpa`;
  await zk(['zone', 'create', zone, '--ns', 'ns1.example.net.']);
  await zk(['record', 'add', zone, '5', 'PTR', '300', 'host5.example.net.']);
  await signIn(page);
  await page.goto(`/zones?q=${label}`);
  await page.getByRole('link', { name: zone, exact: true }).click();
  await expect(page).toHaveURL(/\/zones\/0%2F26\./);
  await expect(page.getByRole('heading', { name: zone })).toBeVisible();
  await expect(page.getByText('host5.example.net.')).toBeVisible();
  const reply = await queryUntil(`5.${zone}`, 'PTR', { host: DNS_HOST, port: DNS_PORT, done: (r) => (r.answers?.length ?? 0) > 0 });
  expect(reply.answers?.flatMap((a) => (a.type === 'PTR' ? [String(a.data)] : []))).toEqual(['host5.example.net']);
});
