// The PowerDNS-compatible HTTP API through the real product (the route files
// app/api/route.ts and app/api/v1/[[...path]]/route.ts, the key check, the
// router, the change service, the worker): a key made with `zonekeeper apikey
// add`, limited to one zone's _acme-challenge TXT records as an ACME client
// would get, reads its zone and sets a challenge that the worker then serves;
// everything else is refused with the reason, and a deleted key at once.
import { expect, test } from './helpers/test';
import { uniqueName, zk } from './helpers/cli';
import { queryUntil } from './helpers/dns';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';

test('an ACME-scoped API key sets its challenge TXT, served by the worker, and nothing else', async ({ request, page }) => {
  const zone = `${uniqueName('api')}.test`;
  const other = `${uniqueName('api-other')}.test`;
  await zk(['zone', 'create', zone]);
  await zk(['zone', 'create', other]);
  const keyName = uniqueName('lego');
  const added = await zk(['apikey', 'add', keyName, '--zone', zone, '--name', '_acme-challenge.*', '--type', 'TXT']);
  const secret = /secret: (zk_\S+)/.exec(added.stdout)?.[1];
  expect(secret, added.stdout).toBeTruthy();
  const auth = { 'X-API-Key': secret! };
  const zones = '/api/v1/servers/localhost/zones';

  await test.step('no key, or a wrong one, is 401 in JSON', async () => {
    const none = await request.get('/api');
    expect(none.status()).toBe(401);
    expect(await none.json()).toEqual({ error: 'Unauthorized' });
    const wrong = await request.get(`${zones}/${zone}.`, { headers: { 'X-API-Key': 'zk_wrong' } });
    expect(wrong.status()).toBe(401);
  });

  await test.step('the key reads the API index, the server and its zone, and nothing of another zone', async () => {
    expect(await (await request.get('/api', { headers: auth })).json()).toEqual([{ url: '/api/v1', version: 1 }]);
    const server = await (await request.get('/api/v1/servers/localhost', { headers: { Authorization: `Bearer ${secret}` } })).json();
    expect(server).toMatchObject({ id: 'localhost', daemon_type: 'authoritative' });
    const got = await request.get(`${zones}/${zone}.`, { headers: auth });
    expect(got.status()).toBe(200);
    const body = await got.json();
    expect(body).toMatchObject({ id: `${zone}.`, name: `${zone}.`, kind: 'Master', url: `/api/v1/servers/localhost/zones/${zone}.` });
    expect(body.rrsets.some((r: { type: string }) => r.type === 'SOA')).toBe(true);
    expect((await request.get(`${zones}/${other}.`, { headers: auth })).status()).toBe(404);
    const listed = (await (await request.get(zones, { headers: auth })).json()) as { name: string }[];
    expect(listed.map((z) => z.name)).toEqual([`${zone}.`]);
  });

  await test.step('PATCH sets the challenge in one change, named after the key, and the worker serves it', async () => {
    const patch = await request.patch(`${zones}/${zone}.`, {
      headers: auth,
      data: { rrsets: [{ name: `_acme-challenge.${zone}.`, type: 'TXT', ttl: 60, changetype: 'REPLACE', records: [{ content: '"token-123"', disabled: false }] }] },
    });
    expect(patch.status(), await patch.text()).toBe(204);
    const reply = await queryUntil(`_acme-challenge.${zone}`, 'TXT', {
      host: DNS_HOST,
      port: DNS_PORT,
      done: (r) => r.answers?.some((a) => a.type === 'TXT') ?? false,
    });
    expect(reply.answers?.flatMap((a) => (a.type === 'TXT' ? [a.data].flat().map(String) : []))).toEqual(['token-123']);
    expect((await zk(['zone', 'status', zone])).stdout).toContain(`api key ${keyName}`);
  });

  await test.step("the zone's history shows the change under the key's name", async () => {
    await signIn(page);
    await page.goto(`/zones/${zone}/history`);
    const entry = page.getByRole('listitem').filter({ hasText: `api key ${keyName}` });
    await expect(entry).toHaveCount(1);
    await expect(entry).toContainText(`_acme-challenge`);
  });

  await test.step('an A record, or a name outside its pattern, is refused with the reason and changes nothing', async () => {
    const serialBefore = (await (await request.get(`${zones}/${zone}.`, { headers: auth })).json()).serial;
    const a = await request.patch(`${zones}/${zone}.`, {
      headers: auth,
      data: { rrsets: [{ name: `www.${zone}.`, type: 'A', ttl: 60, changetype: 'REPLACE', records: [{ content: '192.0.2.1', disabled: false }] }] },
    });
    expect(a.status()).toBe(403);
    expect((await a.json()).error).toContain(`API key ${keyName} may change only`);
    expect((await (await request.get(`${zones}/${zone}.`, { headers: auth })).json()).serial).toBe(serialBefore);
  });

  await test.step('a deleted key is refused at once', async () => {
    await zk(['apikey', 'delete', keyName]);
    expect((await request.get(`${zones}/${zone}.`, { headers: auth })).status()).toBe(401);
  });
});
