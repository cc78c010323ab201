// Signing a zone from its page, against the real product: an admin signs
// with one button, the page shows the DS to give the parent with a copy
// button, the worker answers with signatures, the signer's records are listed
// read-only on request, an editor of the zone sees the keys but no form, and
// unsigning goes in its two steps.
import { expect, test } from './helpers/test';
import { createUser, uniqueName, zk } from './helpers/cli';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';
import { ask } from '../lib/testing/dns-client';

test('a zone is signed from its page and served signed', async ({ page, browser }) => {
  const zone = `${uniqueName('sig')}.test`;
  await zk(['zone', 'create', zone]);
  await zk(['record', 'add', zone, 'www', 'A', '300', '192.0.2.80']);

  await test.step('an admin signs the zone with the panel’s button; the DS for the parent is shown', async () => {
    await signIn(page);
    await page.goto(`/zones/${zone}`);
    const panel = page.getByRole('region', { name: 'DNSSEC' });
    await expect(panel.getByTestId('dnssec-state')).toContainText('Not signed');
    await panel.getByRole('button', { name: 'Sign zone' }).click();
    await expect(panel.getByTestId('dnssec-state')).toContainText('Signed with NSEC3');
    await expect(panel.getByTestId('dnssec-ds')).toHaveText(new RegExp(`^${zone.replace(/\./g, '\\.')}\\. IN DS \\d+ 13 2 [0-9A-F]{64}$`));
    await expect(panel.getByRole('button', { name: 'Copy DS record' })).toBeVisible();
    const ds = (await panel.getByTestId('dnssec-ds').textContent())!;
    expect((await zk(['zone', 'status', zone])).stdout).toContain(ds);
    await expect(panel.getByText(/PRIVATE/)).toHaveCount(0);
  });

  await test.step('the worker answers with signatures when asked with DO', async () => {
    await expect
      .poll(async () => (await ask(DNS_PORT, `www.${zone}.`, 'A', { dnssecOk: true, timeoutMs: 2000 }, DNS_HOST)).answers.map((a) => a.type).sort().join(' '), { timeout: 10_000 })
      .toBe('A RRSIG');
  });

  await test.step('the signer’s records are listed on request, with no edit controls', async () => {
    await page.getByTestId('dnssec-toggle').click();
    await expect(page).toHaveURL(/dnssec=1/);
    const rrsig = page.getByRole('row').filter({ hasText: 'RRSIG' }).first();
    await expect(rrsig).toBeVisible();
    await expect(rrsig.getByRole('button', { name: /Edit|Delete/ })).toHaveCount(0);
  });

  await test.step('an editor of the zone sees the keys and the DS but cannot sign or unsign', async () => {
    const editor = await createUser('editor');
    await zk(['user', 'grant', editor.name, zone]);
    const context = await browser.newContext();
    try {
      const p = await context.newPage();
      await signIn(p, editor.name, editor.password);
      await p.goto(`/zones/${zone}`);
      const panel = p.getByRole('region', { name: 'DNSSEC' });
      await expect(panel.getByTestId('dnssec-ds')).toBeVisible();
      await expect(panel.getByRole('button', { name: 'Copy DS record' })).toBeVisible();
      await expect(panel.getByRole('button', { name: /sign/i })).toHaveCount(0);
    } finally {
      await context.close();
    }
  });

  await test.step('unsigning: first the parent is asked to drop the DS, then the signatures go', async () => {
    const panel = page.getByRole('region', { name: 'DNSSEC' });
    await panel.getByRole('button', { name: /Start unsigning/ }).click();
    await expect(panel.getByText(/asks its parent to remove the DS/).first()).toBeVisible();
    await panel.getByRole('button', { name: /The parent has no DS: unsign now/ }).click();
    await expect(panel.getByTestId('dnssec-state')).toContainText('Not signed');
    await expect
      .poll(async () => (await ask(DNS_PORT, `www.${zone}.`, 'A', { dnssecOk: true, timeoutMs: 2000 }, DNS_HOST)).answers.map((a) => a.type).join(' '), { timeout: 10_000 })
      .toBe('A');
  });
});
