// Signing in with the LDAP directory, in the browser: the product is configured
// (e2e/helpers/env.ts) with a directory on LDAP_PORT, and this spec starts a
// real slapd there. A directory user signs in through the login form, reaches
// the zone their group grants, and shows as a directory user in Settings → Users,
// where their role and password cannot be changed but the account can be disabled.
import { expect, test } from './helpers/test';
import { zk } from './helpers/cli';
import { LDAP_PORT, LDAP_ROOT_PASSWORD, LDAP_SUFFIX, LDAP_ZONE } from './helpers/env';
import { signIn } from './helpers/session';
import { baseLdif, groupLdif, personLdif, requireSlapd, startSlapd, type RunningSlapd } from '../lib/testing/slapd';

const programs = requireSlapd();
let slapd: RunningSlapd | undefined;

test.skip(!programs, 'slapd is not installed (apt-get install slapd ldap-utils)');

test.beforeAll(async () => {
  slapd = await startSlapd({
    programs: programs!,
    suffix: LDAP_SUFFIX,
    port: LDAP_PORT,
    rootPassword: LDAP_ROOT_PASSWORD,
    ldif: [
      baseLdif(LDAP_SUFFIX),
      personLdif(LDAP_SUFFIX, 'dora', 'dora-directory-pass'),
      personLdif(LDAP_SUFFIX, 'ned', 'ned-directory-pass'),
      groupLdif(LDAP_SUFFIX, 'dns-editors', ['dora']),
      groupLdif(LDAP_SUFFIX, 'zone-team', ['dora', 'ned']),
    ].join('\n'),
  });
  await zk(['zone', 'create', LDAP_ZONE]).catch((err: Error) => {
    // An earlier spec run on the same data may have made it.
    if (!/already exists/.test(err.message)) throw err;
  });
});

test.afterAll(async () => {
  await slapd?.stop();
});

async function tryLogin(page: import('@playwright/test').Page, name: string, password: string) {
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
    await tryLogin(page, 'ned', 'ned-directory-pass');
    await expect(page.getByText(/in none of the groups that give a role/)).toBeVisible();
  });

  await test.step('the editor from the directory reaches the zone of their zone group', async () => {
    await signIn(page, 'dora', 'dora-directory-pass');
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
    await tryLogin(page, 'dora', 'dora-directory-pass');
    await expect(page.getByText('Wrong user name or password.')).toBeVisible();
  });

  await test.step('with the directory down, directory users are told it is unreachable', async () => {
    await slapd!.stop();
    slapd = undefined;
    await tryLogin(page, 'ned', 'ned-directory-pass');
    await expect(page.getByText(/LDAP directory cannot be reached/)).toBeVisible();
  });
});
