// The frame around every signed-in page (app/(app)/layout.tsx): the header
// with the main navigation and Log out. /replication and /account once
// rendered without it, leaving the browser's back button as the only way out.
import { expect, test } from './helpers/test';
import { uniqueName, zk } from './helpers/cli';
import { ADMIN_USER } from './helpers/env';
import { signIn } from './helpers/session';

test('every signed-in page has the header, its navigation and Log out; the sign-in page has none', async ({ page }) => {
  const zone = `${uniqueName('frame')}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);

  await page.goto('/login');
  await expect(page.getByRole('banner')).toHaveCount(0);
  await signIn(page);

  const pages = [
    '/zones',
    '/zones/new',
    `/zones/${zone}`,
    `/zones/${zone}/history`,
    `/zones/${zone}/replication`,
    `/zones/${zone}/import`,
    `/zones/${zone}/settings`,
    '/replication',
    '/settings/users',
    `/settings/users/${ADMIN_USER}`,
    '/settings/tsig',
    '/settings/autoprimaries',
    '/settings/zone-defaults',
    '/account',
  ];
  for (const path of pages) {
    await test.step(path, async () => {
      await page.goto(path);
      await expect(page).toHaveURL(new RegExp(`${path.replace(/[.?]/g, '\\$&')}$`));
      // One header, not the layout's and a page's own.
      await expect(page.getByRole('banner')).toHaveCount(1);
      const nav = page.getByRole('navigation', { name: 'Main' });
      for (const link of ['Zones', 'Replication', 'Settings']) await expect(nav.getByRole('link', { name: link, exact: true })).toBeVisible();
      await expect(page.getByRole('banner').getByRole('link', { name: new RegExp(ADMIN_USER) })).toBeVisible();
      await expect(page.getByRole('button', { name: 'Log out' })).toBeVisible();
      await expect(page.getByRole('main')).toHaveCount(1);
    });
  }

  await test.step('the navigation leads back from /account to the zone list', async () => {
    await page.goto('/account');
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Zones', exact: true }).click();
    await expect(page).toHaveURL(/\/zones$/);
  });
});
