// The activity pages (issue 21) against the real product: the global
// changelog filtered by user and by zone, an entry followed to its diff, and a
// user's own page reached from a changelog and from the account page.
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { createUser, uniqueName, zk } from './helpers/cli';
import { signIn } from './helpers/session';

async function filter(page: Page, fields: { User?: string; Zone?: string }): Promise<void> {
  const form = page.getByRole('search', { name: 'Filter changes' });
  await form.getByLabel('User', { exact: true }).fill(fields.User ?? '');
  await form.getByLabel('Zone', { exact: true }).fill(fields.Zone ?? '');
  await form.getByRole('button', { name: 'Search' }).click();
}

test('activity: filter by user and by zone, follow an entry to its diff, a user’s own page', async ({ page, browser }) => {
  const red = `${uniqueName('act-red')}.test`;
  const blue = `${uniqueName('act-blue')}.test`;
  const comment = `web server ${uniqueName('c')}`;
  await zk(['zone', 'create', red, '--ns', `ns1.${red}.`]);
  await zk(['zone', 'create', blue, '--ns', `ns1.${blue}.`]);
  await zk(['record', 'add', blue, 'mail', 'A', '300', '192.0.2.40']);
  const editor = await createUser('editor');
  await zk(['user', 'grant', editor.name, red]);
  await zk(['user', 'grant', editor.name, blue]);
  await signIn(page, editor.name, editor.password);

  await test.step('the editor commits a record with a comment', async () => {
    await page.goto(`/zones/${red}`);
    await page.getByRole('button', { name: 'Add record' }).click();
    const form = page.getByRole('form', { name: 'Add record' });
    await form.getByLabel('Name', { exact: true }).fill('www');
    await form.getByLabel('Type', { exact: true }).selectOption('A');
    await form.getByLabel('IPv4 address', { exact: true }).fill('192.0.2.31');
    await form.getByRole('button', { name: 'Queue record' }).click();
    await page.getByRole('button', { name: 'Review changes' }).click();
    await page.getByLabel('Comment').fill(comment);
    await page.getByRole('button', { name: 'Commit', exact: true }).click();
    await expect(page.getByText(/^Committed: serial/)).toBeVisible();
  });

  await test.step('Activity in the header lists it, newest first, with zone, user and counts', async () => {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Activity', exact: true }).click();
    await expect(page).toHaveURL(/\/activity$/);
    const first = page.getByTestId('activity-entry').first();
    await expect(first).toContainText(comment);
    await expect(first.getByTestId('activity-zone')).toHaveText(red);
    await expect(first.getByTestId('change-actor')).toHaveText(editor.name);
    await expect(first.getByTestId('activity-counts')).toHaveText('+1 record');
  });

  await test.step('filtered by user: only that user’s changes', async () => {
    await filter(page, { User: editor.name });
    await expect(page).toHaveURL(new RegExp(`user=${editor.name}`));
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Activity of ${editor.name}`);
    const users = page.getByTestId('change-actor');
    await expect(users).toHaveText([editor.name]);
    await expect(page.getByTestId('activity-entry')).toContainText([comment]);
  });

  await test.step('filtered by zone: only that zone’s changes, whoever made them', async () => {
    await filter(page, { Zone: blue });
    const zones = page.getByTestId('activity-zone');
    await expect(zones.first()).toHaveText(blue);
    for (const z of await zones.allInnerTexts()) expect(z).toBe(blue);
    await expect(page.getByTestId('change-actor').first()).toHaveText('cli');
    await expect(page.getByText(comment)).toHaveCount(0);
  });

  await test.step('an entry leads to its diff on the zone’s history', async () => {
    await filter(page, { User: editor.name, Zone: red });
    await page.getByTestId('activity-entry').filter({ hasText: comment }).getByRole('link', { name: /^Diff of change/ }).click();
    await expect(page).toHaveURL(new RegExp(`/zones/${red.replace(/\./g, '\\.')}/history\\?change=\\d+`));
    const change = page.getByTestId('change');
    await expect(change).toHaveCount(1);
    await expect(change).toContainText(comment);
    await expect(change).toContainText('192.0.2.31');
  });

  await test.step('the user name in a changelog and the account page lead to the user’s activity', async () => {
    await page.getByTestId('change').getByRole('link', { name: editor.name, exact: true }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Activity of ${editor.name}`);
    await page.goto('/account');
    await page.getByRole('link', { name: 'Your activity' }).click();
    await expect(page.getByRole('heading', { level: 1 })).toHaveText(`Activity of ${editor.name}`);
    await expect(page.getByTestId('activity-entry').first()).toContainText(comment);
  });

  await test.step('an admin reaches the user’s activity from Settings → Users', async () => {
    const context = await browser.newContext();
    try {
      const admin = await context.newPage();
      await signIn(admin);
      await admin.goto(`/settings/users/${editor.name}`);
      await admin.getByRole('main').getByRole('link', { name: 'Activity', exact: true }).click();
      await expect(admin.getByRole('heading', { level: 1 })).toHaveText(`Activity of ${editor.name}`);
      await expect(admin.getByTestId('activity-entry').first()).toContainText(comment);
    } finally {
      await context.close();
    }
  });

  await test.step('another editor sees none of these zones’ changes; without a session, sign in first', async () => {
    const outsider = await createUser('editor');
    const context = await browser.newContext();
    try {
      const other = await context.newPage();
      await other.goto('/activity');
      await expect(other).toHaveURL(/\/login/);
      await signIn(other, outsider.name, outsider.password);
      await other.goto(`/activity?user=${editor.name}`);
      await expect(other.getByText('No change matches.')).toBeVisible();
    } finally {
      await context.close();
    }
  });
});
