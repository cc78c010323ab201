// Settings → Webhooks' actions posted directly, with a real session cookie:
// an admin adds, tests, disables and removes a webhook (its secret never comes
// back); an editor and a signed-out visitor are refused and change nothing.
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';

vi.mock('next/headers', async () => (await import('../testing/next-actions')).nextHeaders);
vi.mock('next/cache', async () => (await import('../testing/next-actions')).nextCache);
vi.mock('next/navigation', async () => (await import('../testing/next-actions')).nextNavigation);

import { createUser } from '../auth/users';
import type { SessionUser } from '../auth/permission';
import { db } from '../db';
import { form, signIn } from '../testing/next-actions';
import { startWebhookReceiver, type WebhookReceiver } from '../testing/webhook-receiver';
import { addWebhookAction, deleteWebhookAction, sendTestWebhookAction, setWebhookEnabledAction } from './actions';
import { listDeliveries, listWebhooks } from './data';
import { signBody } from './signature';

let admin: SessionUser;
let editor: SessionUser;
let receiver: WebhookReceiver;
let url = '';

beforeAll(async () => {
  admin = await createUser('wh-admin', 'correct horse battery', 'admin');
  editor = await createUser('wh-editor', 'correct horse battery', 'editor');
  receiver = await startWebhookReceiver(204);
  url = receiver.url;
});
afterAll(() => receiver.close());
beforeEach(async () => {
  await db().webhook.deleteMany({});
  receiver.got.length = 0;
});

describe('Settings → Webhooks actions', () => {
  it('lets an admin add a signed webhook, send it a test, disable and remove it; the secret never comes back', async () => {
    await signIn(admin);
    const secret = 'a-secret-of-twenty-chars';
    const added = await addWebhookAction({}, form({ url, secret }));
    expect(added).toMatchObject({ ok: true });
    expect(JSON.stringify(added)).not.toContain(secret);
    const [hook] = await listWebhooks();
    expect(hook).toMatchObject({ url, signed: true, enabled: true });
    expect(JSON.stringify(hook)).not.toContain(secret);

    const test = await sendTestWebhookAction({}, form({ id: String(hook!.id) }));
    expect(test).toMatchObject({ ok: true, message: 'Delivered (HTTP 204).' });
    expect(receiver.got).toHaveLength(1);
    expect(receiver.got[0]!.headers['x-zonekeeper-signature']).toBe(signBody(receiver.got[0]!.body, secret));
    expect(JSON.parse(receiver.got[0]!.body)).toMatchObject({ event: 'test' });
    expect((await listDeliveries(1)).rows).toEqual([expect.objectContaining({ event: 'test', status: 'delivered', attempts: 1, lastStatus: 204 })]);

    expect(await setWebhookEnabledAction({}, form({ id: String(hook!.id), enabled: 'false' }))).toMatchObject({ ok: true });
    expect((await listWebhooks())[0]!.enabled).toBe(false);
    expect(await deleteWebhookAction({}, form({ id: String(hook!.id) }))).toMatchObject({ ok: true });
    expect(await listWebhooks()).toEqual([]);
  });

  it('refuses a URL that is not http or https, and a short secret, saving nothing', async () => {
    await signIn(admin);
    const r = await addWebhookAction({}, form({ url: 'ftp://example.net/x', secret: 'short' }));
    expect(r.fieldErrors?.url?.[0]).toMatch(/http/);
    expect(r.fieldErrors?.secret?.[0]).toMatch(/16/);
    expect(r.values).not.toHaveProperty('secret');
    expect(await listWebhooks()).toEqual([]);
  });

  it('refuses an editor and a signed-out visitor, changing nothing', async () => {
    const hook = await db().webhook.create({ data: { url } });
    for (const who of [editor, null]) {
      await signIn(who);
      const refusal = who ? /NEXT_FORBIDDEN/ : /NEXT_REDIRECT/;
      await expect(addWebhookAction({}, form({ url: 'https://evil.example/x', secret: '' }))).rejects.toThrow(refusal);
      await expect(setWebhookEnabledAction({}, form({ id: String(hook.id), enabled: 'false' }))).rejects.toThrow(refusal);
      await expect(sendTestWebhookAction({}, form({ id: String(hook.id) }))).rejects.toThrow(refusal);
      await expect(deleteWebhookAction({}, form({ id: String(hook.id) }))).rejects.toThrow(refusal);
    }
    expect(await listWebhooks()).toEqual([expect.objectContaining({ url, enabled: true })]);
    expect(receiver.got).toHaveLength(0);
  });
});
