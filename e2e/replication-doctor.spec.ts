import { expect, test } from './helpers/test';
import { freePort } from '../lib/testing/bind';
import { uniqueName, zk } from './helpers/cli';
import { signIn } from './helpers/session';

// The replication doctor in the browser: "Probe now" asks the worker for a
// fresh look, and the page then says beside the secondary why it is not in
// sync and what to change; the dashboard counts it under its cause.
test('the zone page shows the doctor’s diagnosis after Probe now, the dashboard its cause', async ({ page }) => {
  test.setTimeout(90_000);
  const zone = `${uniqueName('doc')}.test`;
  // A port where nothing listens: a secondary that does not answer at all.
  const port = await freePort('127.0.0.1');
  const secondary = `127.0.0.1:${port}`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  await zk(['zone', 'set', zone, '--also-notify', secondary]);

  await signIn(page);
  await page.goto(`/zones/${zone}/replication`);
  await page.getByRole('button', { name: 'Probe now' }).click();
  await expect(page.getByRole('status').filter({ hasText: /Probed \d+ secondar/ })).toBeVisible({ timeout: 20_000 });

  const note = page.getByTestId('doctor-note');
  await expect(note).toHaveAttribute('data-cause', 'unreachable', { timeout: 15_000 });
  await expect(note).toContainText(`no answer from 127.0.0.1 port ${port}`);
  await expect(note.getByRole('list', { name: 'Fix' })).toContainText(`listens on 127.0.0.1 port ${port}`);

  await page.goto('/replication');
  const cause = page.getByTestId('doctor-cause-unreachable');
  await expect(cause).toBeVisible();
  await cause.getByRole('link', { name: zone }).click();
  await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}/replication$`));
});
