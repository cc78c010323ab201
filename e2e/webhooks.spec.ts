// Settings → Webhooks in the browser: an admin adds a signed webhook (the
// secret is not shown again), sends it a test that reaches a receiver here,
// sees the delivery in the log, disables and removes the webhook.
import { createHmac } from 'node:crypto';
import { expect, test } from './helpers/test';
import { signIn } from './helpers/session';
import { startWebhookReceiver } from '../lib/testing/webhook-receiver';

test('an admin adds a signed webhook, sends a test that arrives signed, and sees it in the delivery log', async ({ page }) => {
  const receiver = await startWebhookReceiver(204, '/e2e-hook');
  const { url, got } = receiver;
  const secret = 'e2e-secret-0123456789abcdef';
  try {
    await signIn(page);
    await page.goto('/settings/webhooks');
    await page.getByLabel('URL').fill('ftp://example.net/');
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.locator('#wh-url-error')).toContainText('http:// or https://');

    await page.getByLabel('URL').fill(url);
    await page.getByLabel('Secret (optional)').fill(secret);
    await page.getByRole('button', { name: 'Add webhook' }).click();
    await expect(page.getByRole('status').first()).toContainText('will not be shown again');
    const row = page.getByTestId('webhook-row').filter({ hasText: url });
    await expect(row).toContainText('yes');
    await expect(page.locator('body')).not.toContainText(secret);
    await expect(page.getByLabel('Secret (optional)')).toHaveValue('');

    await row.getByRole('button', { name: `Send a test to ${url}` }).click();
    await expect(row).toContainText('Delivered (HTTP 204).');
    expect(got).toHaveLength(1);
    expect(got[0]!.headers['x-zonekeeper-signature']).toBe(`sha256=${createHmac('sha256', secret).update(got[0]!.body).digest('hex')}`);
    await page.reload();
    await expect(page.getByTestId('delivery-row').filter({ hasText: url }).first()).toContainText('delivered');

    await row.getByRole('button', { name: `Disable webhook ${url}` }).click();
    await expect(row).toContainText('disabled');
    page.once('dialog', (d) => void d.accept());
    await row.getByRole('button', { name: `Delete webhook ${url}` }).click();
    await expect(page.getByTestId('webhook-row').filter({ hasText: url })).toHaveCount(0);
  } finally {
    await receiver.close();
  }
});
