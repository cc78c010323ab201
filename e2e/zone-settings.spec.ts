// A zone's Settings page and its DNS UPDATE policy, against the real product:
// an admin's bad rule is named by its line and nothing is saved; good rules
// are saved and the worker then takes an UPDATE they grant and refuses one
// they do not; an editor of the zone sees the rules but cannot change them,
// and an editor of another zone is refused the page (403).
import { signMessage, secretFromBase64 } from '../lib/dns/tsig';
import { decodeMessage, rcodeName } from '../lib/dns/wire';
import { sendRaw } from '../lib/testing/dns-client';
import { buildUpdate } from '../lib/testing/update-builder';
import { expect, test } from './helpers/test';
import { createUser, uniqueName, zk } from './helpers/cli';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';

test('the update policy is set on the zone settings page, and the worker follows it', async ({ page, browser }) => {
  const zone = `${uniqueName('upd')}.test`;
  const key = uniqueName('acme-key');
  await zk(['zone', 'create', zone]);
  const made = await zk(['tsig', 'add', key, 'hmac-sha256']);
  const secret = /secret: (\S+)/.exec(made.stdout)?.[1];
  expect(secret, made.stdout).toBeTruthy();

  await test.step('a rule naming an unknown key is refused with its line, and nothing is saved', async () => {
    await signIn(page);
    await page.goto(`/zones/${zone}`);
    await page.getByRole('main').getByRole('link', { name: 'Zone settings' }).click();
    await expect(page.getByRole('heading', { name: `Settings of ${zone}` })).toBeVisible();
    const rules = page.getByRole('textbox', { name: 'Dynamic update policy' });
    await rules.fill(`grant ${key} name _acme-challenge.${zone}. TXT\ngrant no-such-key zonesub`);
    await page.getByRole('button', { name: 'Save update policy' }).click();
    await expect(page.getByText(/line 2: .*no-such-key/)).toBeVisible();
    await expect(rules).toHaveAttribute('aria-invalid', 'true');
    expect((await zk(['zone', 'status', zone])).stdout).not.toContain(`grant ${key}`);
  });

  await test.step('good rules are saved and shown', async () => {
    const rules = page.getByRole('textbox', { name: 'Dynamic update policy' });
    await rules.fill(`grant ${key} name _acme-challenge.${zone}. TXT`);
    await page.getByRole('button', { name: 'Save update policy' }).click();
    await expect(page.getByText('Saved 1 rule')).toBeVisible();
    expect((await zk(['zone', 'status', zone])).stdout).toContain(`grant ${key}. name _acme-challenge.${zone}. TXT`);
  });

  await test.step('the worker takes an UPDATE the rule grants and refuses one it does not', async () => {
    const tsig = { name: `${key}.`, algorithm: 'hmac-sha256' as const, secret: secretFromBase64(secret!) };
    const send = async (type: string, content: string, name = `_acme-challenge.${zone}.`) => {
      const raw = signMessage(buildUpdate(`${zone}.`, [], [{ name, type, ttl: 60, content }]), tsig).message;
      return rcodeName(decodeMessage((await sendRaw(DNS_PORT, raw, 'tcp', 5000, DNS_HOST))!).rcode);
    };
    expect(await send('TXT', '"token"')).toBe('NOERROR');
    expect(await send('A', '192.0.2.1', `www.${zone}.`)).toBe('REFUSED');
    expect((await zk(['zone', 'status', zone])).stdout).toContain(`tsig key ${key}`);
  });

  await test.step('an editor of the zone sees the rules but no form; an editor of another zone is refused', async () => {
    const editor = await createUser('editor');
    await zk(['user', 'grant', editor.name, zone]);
    const outsider = await createUser('editor');
    const other = `${uniqueName('other')}.test`;
    await zk(['zone', 'create', other]);
    await zk(['user', 'grant', outsider.name, other]);
    for (const [who, expectPage] of [[editor, true], [outsider, false]] as const) {
      const context = await browser.newContext();
      try {
        const p = await context.newPage();
        await signIn(p, who.name, who.password);
        const response = await p.goto(`/zones/${zone}/settings`);
        if (expectPage) {
          await expect(p.getByTestId('update-policy')).toContainText(`grant ${key}.`);
          await expect(p.getByRole('button', { name: 'Save update policy' })).toHaveCount(0);
        } else {
          expect(response?.status()).toBe(403);
          await expect(p.getByText(`grant ${key}`)).toHaveCount(0);
        }
      } finally {
        await context.close();
      }
    }
  });
});
