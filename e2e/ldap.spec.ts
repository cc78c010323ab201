// Signing in with the LDAP directory, in the browser: the product runs with a
// directory (e2e/helpers/env.ts, a slapd started by e2e/global-setup.ts). A
// directory user signs in through the login form, reaches the zone their group
// grants, and shows as a directory user in Settings → Users, where their role
// and password cannot be changed but the account can be disabled.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { zk } from './helpers/cli';
import { DIRECTORY_PEOPLE, directoryEnabled, LDAP_ZONE } from './helpers/env';
import { signIn } from './helpers/session';

test.skip(!directoryEnabled, 'slapd is not installed (apt-get install slapd ldap-utils)');

test.beforeAll(async () => {
  await zk(['zone', 'create', LDAP_ZONE]);
});

async function tryLogin(page: Page, name: string, password: string) {
  await page.goto('/login');
  await page.getByLabel('User name').fill(name);
  await page.getByLabel('Password').fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
}

test('a directory user signs in with the role and zone of their groups, and is marked as such for the admin', async ({ page, browser }) => {
  await test.step('a wrong directory password is refused like a local one', async () => {
    await tryLogin(page, 'dora', 'not-doras-password');
    await expect(page.getByText('Wrong user name or password.')).toBeVisible();
  });

  await test.step('a directory user in no role group is told so', async () => {
    await tryLogin(page, 'ned', DIRECTORY_PEOPLE.ned);
    await expect(page.getByText(/in none of the groups that give a role/)).toBeVisible();
  });

  await test.step('the editor from the directory reaches the zone of their zone group', async () => {
    await signIn(page, 'dora', DIRECTORY_PEOPLE.dora);
    await expect(page.getByRole('link', { name: LDAP_ZONE, exact: true })).toBeVisible();
    await page.goto('/account');
    await expect(page.getByText('change it there')).toBeVisible();
    await expect(page.getByLabel('Current password')).toHaveCount(0);
  });

  await test.step('the admin sees the directory mark, no role or password form, and can disable the user', async () => {
    const admin = await browser.newPage();
    await signIn(admin);
    await admin.goto('/settings/users');
    const row = admin.getByRole('row').filter({ has: admin.getByRole('link', { name: 'dora', exact: true }) });
    await expect(row).toContainText('directory');
    await expect(row).toContainText('editor');
    await row.getByRole('link', { name: 'dora', exact: true }).click();
    await expect(admin.getByText(/Signs in through the LDAP directory as uid=dora,ou=people/)).toBeVisible();
    await expect(admin.getByRole('button', { name: 'Change role' })).toHaveCount(0);
    await expect(admin.getByRole('list', { name: 'Granted zones' })).toContainText(LDAP_ZONE);
    await expect(admin.getByRole('button', { name: `Revoke ${LDAP_ZONE}` })).toHaveCount(0);
    await admin.getByRole('button', { name: 'Disable account' }).click();
    await expect(admin.getByRole('button', { name: 'Enable account' })).toBeVisible();
    await admin.close();
  });

  await test.step('the disabled directory user is out, and cannot sign in again', async () => {
    await page.goto('/zones');
    await expect(page).toHaveURL(/\/login/);
    await tryLogin(page, 'dora', DIRECTORY_PEOPLE.dora);
    await expect(page.getByText('Wrong user name or password.')).toBeVisible();
  });

});
