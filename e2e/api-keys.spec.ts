// Settings > API keys (app/(app)/settings/api-keys): an admin creates a scoped
// key, sees its secret once, finds it listed with its scope in words and
// deletes it; editors and viewers are refused the page.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { createUser, uniqueName, zk } from './helpers/cli';
import { ADMIN_USER } from './helpers/env';
import { signIn } from './helpers/session';

async function expectForbidden(page: Page): Promise<void> {
  await expect(page.getByRole('heading', { name: 'Not allowed' })).toBeVisible();
  await expect(page.getByText('403', { exact: true })).toBeVisible();
}

test('an admin creates a scoped API key, sees the secret once, and deletes it', async ({ page }) => {
  const zone = `${uniqueName('apikeys')}.test`;
  await zk(['zone', 'create', zone]);
  const key = uniqueName('lego');
  await signIn(page);
  await page.goto('/settings');
  await page.getByRole('navigation', { name: 'Settings' }).getByRole('link', { name: 'API keys' }).click();
  await expect(page).toHaveURL(/\/settings\/api-keys$/);

  await test.step('a bad scope is refused with the field marked, and nothing is created', async () => {
    await page.getByLabel('Key name').fill(key);
    await page.getByLabel('Zones', { exact: true }).fill('missing-zone.test');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByText('there is no zone missing-zone.test.')).toBeVisible();
    await expect(page.getByLabel('Zones', { exact: true })).toHaveAttribute('aria-invalid', 'true');
    await expect(page.getByRole('cell', { name: key, exact: true })).toHaveCount(0);
  });

  let secret = '';
  await test.step('the secret is shown once, with the scope in words', async () => {
    await page.getByLabel('Key name').fill(key);
    await page.getByLabel('Zones', { exact: true }).fill(zone);
    await page.getByLabel('Record names it may change').fill('_acme-challenge.*');
    await page.getByLabel('Record types it may change').fill('txt');
    await page.getByRole('button', { name: 'Create key' }).click();
    await expect(page.getByRole('status')).toHaveText(`API key ${key} created.`);
    secret = (await page.getByTestId('api-key-secret').innerText()).trim();
    expect(secret).toMatch(/^zk_[A-Za-z0-9_-]{43}$/);
    await expect(page.getByText('It will not be shown again.')).toBeVisible();
  });

  await test.step('the list shows name, scope, last use and creator, never the secret', async () => {
    await page.reload();
    const row = page.getByRole('row').filter({ has: page.getByRole('cell', { name: key, exact: true }) });
    await expect(row).toContainText(`${zone}; changes only TXT records at _acme-challenge.*`);
    await expect(row).toContainText('never');
    await expect(row).toContainText(ADMIN_USER);
    await expect(page.getByTestId('api-key-secret')).toHaveCount(0);
    expect(await page.content()).not.toContain(secret);
    // The CLI reads the same store.
    expect((await zk(['apikey', 'list'])).stdout).toContain(key);
  });

  await test.step('delete asks first, then the key is gone', async () => {
    page.once('dialog', (d) => void d.dismiss());
    await page.getByRole('button', { name: `Delete API key ${key}` }).click();
    await expect(page.getByRole('cell', { name: key, exact: true })).toBeVisible();
    page.once('dialog', (d) => void d.accept());
    await page.getByRole('button', { name: `Delete API key ${key}` }).click();
    await expect(page.getByRole('cell', { name: key, exact: true })).toHaveCount(0);
    expect((await zk(['apikey', 'list'])).stdout).not.toContain(key);
  });
});

for (const [role, who] of [['editor', 'an editor'], ['viewer', 'a viewer']] as const) {
  test(`${who} is refused the API keys page`, async ({ page }) => {
    const user = await createUser(role);
    await zk(['apikey', 'add', uniqueName('hidden')]);
    await signIn(page, user.name, user.password);
    await page.goto('/settings/api-keys');
    await expectForbidden(page);
    await expect(page.getByText('hidden-')).toHaveCount(0);
  });
}
