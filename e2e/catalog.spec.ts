// Catalog zones (RFC 9432) as an admin meets them in the web app: the zone
// template names a catalog, the new-zone form offers it, the new zone is
// listed in the catalog (which the worker serves), the catalog shows as a
// read-only system zone with its members, and a member's page names its
// catalog.
import { expect, test } from './helpers/test';
import { uniqueName, zk } from './helpers/cli';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { queryUntil } from './helpers/dns';
import { signIn } from './helpers/session';

test('a zone created from the form joins the template catalog, which is served and shown read-only', async ({ page }) => {
  const catalog = `${uniqueName('cat')}.test`;
  const zone = `${uniqueName('member')}.test`;
  await signIn(page);
  await page.goto('/settings/zone-defaults');
  const saved = await page.getByLabel('Catalog').inputValue();
  try {
    await test.step('an ordinary zone cannot be the template catalog', async () => {
      const plain = `${uniqueName('plain')}.test`;
      await zk(['zone', 'create', plain]);
      await page.getByLabel('Catalog').fill(plain);
      await page.getByRole('button', { name: 'Save zone defaults' }).click();
      await expect(page.locator('#zd-catalog-error')).toContainText('an ordinary zone, not a catalog of ours');
    });
    await page.getByLabel('Catalog').fill(catalog);
    await page.getByRole('button', { name: 'Save zone defaults' }).click();
    await expect(page.getByRole('status')).toContainText('Saved.');

    await test.step('the new-zone form is filled in with the template catalog; a group is added', async () => {
      await page.goto('/zones/new');
      await expect(page.getByLabel('Catalog', { exact: true })).toHaveValue(`${catalog}.`);
      await page.getByLabel('Zone name').fill(zone);
      await page.getByLabel('Catalog group').fill('has space');
      await page.getByRole('button', { name: 'Create zone' }).click();
      await expect(page.locator('#zone-catalog-group-error')).toContainText('no space');
      await page.getByLabel('Catalog group').fill('gold');
      await page.getByRole('button', { name: 'Create zone' }).click();
      await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));
      await expect(page.getByTestId('catalog-member-of')).toContainText(`Listed in the catalog ${catalog} in group gold`);
    });

    await test.step('the worker serves the catalog with the member listed', async () => {
      const reply = await queryUntil(`version.${catalog}`, 'TXT', { host: DNS_HOST, port: DNS_PORT, done: (r) => r.rcode === 'NOERROR' && (r.answers?.length ?? 0) > 0 });
      expect(reply.answers?.flatMap((a) => (a.type === 'TXT' ? [a.data].flat().map(String) : []))).toEqual(['2']);
    });

    await test.step('the zone list marks the catalog; its page lists the member and offers no editing', async () => {
      await page.goto(`/zones?q=${catalog}`);
      const row = page.getByRole('row').filter({ hasText: catalog });
      await expect(row.getByText('catalog', { exact: true })).toBeVisible();
      await row.getByRole('link', { name: catalog, exact: true }).click();
      await expect(page.getByTestId('catalog-role')).toContainText('A system zone: it lists the 1 zone');
      const member = page.getByTestId('catalog-members').getByRole('row').filter({ hasText: zone });
      await expect(member).toContainText('gold');
      await expect(page.getByRole('button', { name: /Add record|Edit|Delete/ })).toHaveCount(0);
      // An admin still reaches its settings page, to delete it once it lists no zone: no update policy, no approval rules there.
      await page.getByRole('link', { name: 'Zone settings' }).click();
      await expect(page.getByText(/is a catalog zone: its records follow its members/)).toBeVisible();
      await expect(page.getByRole('heading', { name: 'Approval rules' })).toHaveCount(0);
      await expect(page.getByRole('heading', { name: 'Delete zone' })).toBeVisible();
    });
  } finally {
    // Later specs create zones expecting the stock template.
    await page.goto('/settings/zone-defaults');
    await page.getByLabel('Catalog').fill(saved);
    await page.getByRole('button', { name: 'Save zone defaults' }).click();
    await expect(page.getByRole('status')).toContainText('Saved.');
  }
});
