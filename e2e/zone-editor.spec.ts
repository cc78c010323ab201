// The zone editor on /zones/NAME: batched edits committed as one change, the
// checks that block a commit, a conflict between two editors, NOTIFY now, and
// the read-only views (secondary zone, viewer).
import dgram from 'node:dgram';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import Database from 'better-sqlite3';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import type { MxAnswer, SoaAnswer, StringAnswer } from 'dns-packet';
import { createUser, uniqueName, zk } from './helpers/cli';
import { queryUntil } from './helpers/dns';
import { DATABASE_URL, DNS_HOST, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';

const dns = { host: DNS_HOST, port: DNS_PORT, totalMs: 5000 };

/** A fresh primary zone with one name server (the SOA primary, so NOTIFY goes only to also-notify targets). */
async function newZone(prefix: string): Promise<string> {
  const zone = `${uniqueName(prefix)}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  return zone;
}

/** Committed changes of a zone, read from the product's database file. */
function changeCount(zone: string): number {
  const file = DATABASE_URL.replace(/^file:/, '');
  const sqlite = new Database(file, { readonly: true, fileMustExist: true });
  try {
    const row = sqlite.prepare('SELECT COUNT(*) AS n FROM "Change" c JOIN "Zone" z ON z.id = c.zoneId WHERE z.name = ?').get(`${zone}.`) as { n: number };
    return row.n;
  } finally {
    sqlite.close();
  }
}

async function serialOf(page: Page): Promise<number> {
  return Number((await page.getByTestId('zone-serial').innerText()).trim());
}

/** Queues an added record through the "Add record" form. */
async function addRecord(page: Page, name: string, type: string, fields: Record<string, string>, ttl = '') {
  await page.getByRole('button', { name: 'Add record' }).click();
  const form = page.getByRole('form', { name: 'Add record' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Type', { exact: true }).selectOption(type);
  if (ttl) await form.getByLabel('TTL', { exact: true }).fill(ttl);
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: 'Queue record' }).click();
  await expect(form).toHaveCount(0);
}

const pendingList = (page: Page) => page.getByRole('list', { name: 'Pending edits' });
const commitButton = (page: Page) => page.getByRole('button', { name: 'Commit', exact: true });

test('five edits committed as one batch: one changelog entry, one serial bump, all served', async ({ page }) => {
  const zone = await newZone('batch');
  await zk(['record', 'add', zone, 'old', 'A', '300', '192.0.2.99']);
  await zk(['record', 'add', zone, 'slow', 'A', '300', '192.0.2.98']);
  await signIn(page);
  await page.goto(`/zones/${zone}`);
  const serial = await serialOf(page);
  const changes = changeCount(zone);

  await addRecord(page, 'www', 'A', { 'IPv4 address': '192.0.2.10' });
  await addRecord(page, 'mail', 'A', { 'IPv4 address': '192.0.2.20' }, '5m');
  await addRecord(page, '@', 'MX', { Priority: '10', 'Mail server': 'mail' });
  await page.getByRole('row').filter({ hasText: '192.0.2.99' }).getByRole('button', { name: 'Delete' }).click();
  await page.getByRole('row').filter({ hasText: '192.0.2.98' }).getByRole('button', { name: 'Edit' }).click();
  const edit = page.getByRole('form', { name: 'Edit record' });
  await edit.getByLabel('TTL', { exact: true }).fill('1h');
  await edit.getByRole('button', { name: 'Queue edit' }).click();

  const list = pendingList(page);
  await expect(list.getByRole('listitem')).toHaveText([
    /add www A 192\.0\.2\.10/,
    /add mail A 192\.0\.2\.20/,
    new RegExp(`add @ MX 10 mail\\.${zone.replace(/\./g, '\\.')}\\.`),
    /delete old A 192\.0\.2\.99/,
    /TTL of slow A 300 → 3600/,
  ]);

  await expect(commitButton(page)).toBeEnabled();
  await page.getByRole('button', { name: 'Review changes' }).click();
  const diff = page.getByTestId('review-diff');
  await expect(diff).toContainText(`serial ${serial} → ${serial + 1}`);
  await expect(diff.getByRole('listitem')).toHaveCount(6); // 2 removed (old, slow@300), 4 added
  await page.getByLabel('Comment').fill('five edits in one go');
  await commitButton(page).click();

  await expect(page.getByText(`Committed: serial ${serial} → ${serial + 1}.`)).toBeVisible();
  await expect(page.getByTestId('zone-serial')).toHaveText(String(serial + 1));
  expect(changeCount(zone)).toBe(changes + 1);
  await expect(list).toHaveCount(0);

  const www = await queryUntil(`www.${zone}`, 'A', { ...dns, done: (r) => (r.answers ?? []).length > 0 });
  expect(www.answers?.map((a) => (a as StringAnswer).data)).toEqual(['192.0.2.10']);
  const mail = await queryUntil(`mail.${zone}`, 'A', { ...dns, done: (r) => (r.answers ?? []).length > 0 });
  expect(mail.answers?.map((a) => [(a as StringAnswer).data, (a as StringAnswer).ttl])).toEqual([['192.0.2.20', 300]]);
  const mx = await queryUntil(zone, 'MX', { ...dns, done: (r) => (r.answers ?? []).length > 0 });
  expect(mx.answers?.map((a) => (a as MxAnswer).data.exchange.toLowerCase())).toEqual([`mail.${zone}`]);
  const old = await queryUntil(`old.${zone}`, 'A', { ...dns, done: (r) => r.rcode === 'NXDOMAIN' });
  expect(old.rcode).toBe('NXDOMAIN');
  const slow = await queryUntil(`slow.${zone}`, 'A', { ...dns, done: (r) => (r.answers?.[0] as StringAnswer | undefined)?.ttl === 3600 });
  expect((slow.answers?.[0] as StringAnswer | undefined)?.ttl).toBe(3600);
});

test('an invalid record keeps Commit disabled and says why', async ({ page }) => {
  const zone = await newZone('invalid');
  await zk(['record', 'add', zone, 'www', 'A', '300', '192.0.2.1']);
  await signIn(page);
  await page.goto(`/zones/${zone}`);

  await addRecord(page, 'www', 'CNAME', { 'Alias of': 'elsewhere.example.' });
  await expect(page.getByText(/www\.\S+ has a CNAME and other data \(A\)/)).toBeVisible();
  await expect(commitButton(page)).toBeDisabled();

  // A field the form itself rejects never joins the queue and is explained beside its input.
  await page.getByRole('button', { name: 'Add record' }).click();
  const form = page.getByRole('form', { name: 'Add record' });
  await form.getByLabel('Name', { exact: true }).fill('x');
  await form.getByLabel('IPv4 address', { exact: true }).fill('999.1.1.1');
  await form.getByRole('button', { name: 'Queue record' }).click();
  await expect(form.getByText(/needs an IPv4 address/)).toBeVisible();
  await form.getByRole('button', { name: 'Cancel' }).click();

  // Removing the offending edit unblocks the (now empty) queue; nothing was written meanwhile.
  await pendingList(page).getByRole('button', { name: /^Remove/ }).click();
  await expect(pendingList(page)).toHaveCount(0);
  expect(changeCount(zone)).toBe(2); // zone created, www added
});

test('two editors: the stale commit sees who changed the zone, keeps its edits, and re-applies after reload', async ({ browser }) => {
  const zone = await newZone('conflict');
  const other = await createUser('admin');
  const ctxA = await browser.newContext();
  const ctxB = await browser.newContext();
  const a = await ctxA.newPage();
  const b = await ctxB.newPage();
  await signIn(a, other.name, other.password);
  await signIn(b);
  await a.goto(`/zones/${zone}`);
  await b.goto(`/zones/${zone}`);
  const serial = await serialOf(b);

  await addRecord(b, 'bee', 'A', { 'IPv4 address': '192.0.2.2' });
  await expect(commitButton(b)).toBeEnabled();

  await addRecord(a, 'ant', 'A', { 'IPv4 address': '192.0.2.1' });
  await a.getByLabel('Comment').fill('ant got here first');
  await expect(commitButton(a)).toBeEnabled();
  await commitButton(a).click();
  await expect(a.getByTestId('zone-serial')).toHaveText(String(serial + 1));

  await commitButton(b).click();
  const conflict = b.getByTestId('conflict');
  await expect(conflict).toContainText(`Changed by ${other.name} at`);
  await expect(conflict).toContainText('ant got here first');
  await expect(conflict).toContainText(`serial ${serial} → ${serial + 1}`);
  await expect(conflict.getByRole('listitem').filter({ hasText: 'ant 3600 A 192.0.2.1' })).toHaveCount(1);
  await expect(pendingList(b).getByRole('listitem')).toHaveText([/add bee A 192\.0\.2\.2/]);
  await expect(commitButton(b)).toBeDisabled();

  await conflict.getByRole('button', { name: 'Reload zone' }).click();
  await expect(b.getByTestId('zone-serial')).toHaveText(String(serial + 1));
  await expect(b.getByRole('cell', { name: '192.0.2.1', exact: true })).toBeVisible();
  await expect(commitButton(b)).toBeEnabled();
  await commitButton(b).click();
  await expect(b.getByTestId('zone-serial')).toHaveText(String(serial + 2));
  await expect(b.getByRole('cell', { name: '192.0.2.2', exact: true })).toBeVisible();
  expect(changeCount(zone)).toBe(3);
  await ctxA.close();
  await ctxB.close();
});

test('pending edits survive a reload and are picked up from the revert flow; leaving asks first', async ({ page }) => {
  const zone = await newZone('persist');
  await signIn(page);
  // What the history page's "Revert this change" does: store the edits on another page, then open the editor.
  await page.goto('/zones');
  await page.evaluate(
    ([key, value]) => sessionStorage.setItem(key, value),
    [`zk:pending:${zone}.`, JSON.stringify([{ kind: 'add', record: { name: `back.${zone}.`, type: 'TXT', ttl: 60, content: '"restored"' } }])],
  );
  await page.goto(`/zones/${zone}`);
  await expect(pendingList(page).getByRole('listitem')).toHaveText([/add back TXT "restored"/]);
  // Leaving asks first: an in-app link asks with a confirm (answered "stay" here); a reload may ask too.
  const messages: string[] = [];
  page.on('dialog', (d) => {
    if (d.type() === 'beforeunload') return void d.accept();
    messages.push(d.message());
    void d.dismiss();
  });
  // A reload keeps them.
  await page.reload();
  await expect(pendingList(page).getByRole('listitem')).toHaveText([/add back TXT "restored"/]);

  await page.getByRole('navigation', { name: 'Breadcrumb' }).getByRole('link', { name: 'Zones' }).click();
  await expect.poll(() => messages.length).toBe(1);
  expect(messages[0]).toMatch(/pending edits/);
  await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));
  await expect(commitButton(page)).toBeEnabled();
});

test('the SOA is edited through the same commit: serial by policy, fields as typed; Discard all empties the queue', async ({ page }) => {
  const zone = await newZone('soa');
  await signIn(page);
  await page.goto(`/zones/${zone}`);
  const serial = await serialOf(page);
  const changes = changeCount(zone);
  page.on('dialog', (d) => void d.accept());

  await addRecord(page, 'tmp', 'TXT', { Text: 'x'.repeat(300) });
  await expect(pendingList(page).getByRole('listitem')).toHaveText([new RegExp(`add tmp TXT "x{255}" "x{45}"`)]);
  await page.getByRole('button', { name: 'Discard all' }).click();
  await expect(pendingList(page)).toHaveCount(0);
  expect(await page.evaluate((key) => sessionStorage.getItem(key), `zk:pending:${zone}.`)).toBeNull();

  await page.getByRole('row').filter({ has: page.getByRole('cell', { name: 'SOA', exact: true }) }).getByRole('button', { name: 'Edit' }).click();
  const form = page.getByRole('form', { name: 'Edit SOA' });
  await form.getByLabel('Refresh', { exact: true }).fill('2h');
  await form.getByLabel('Negative TTL', { exact: true }).fill('5m');
  await form.getByRole('button', { name: 'Queue SOA edit' }).click();
  await expect(pendingList(page).getByRole('listitem')).toHaveText([/SOA refresh 10800 → 7200, negative TTL 3600 → 300/]);
  await expect(commitButton(page)).toBeEnabled();
  await commitButton(page).click();
  await expect(page.getByTestId('zone-serial')).toHaveText(String(serial + 1));
  expect(changeCount(zone)).toBe(changes + 1);
  const soa = await queryUntil(zone, 'SOA', { ...dns, done: (r) => (r.answers?.[0] as SoaAnswer | undefined)?.data.serial === serial + 1 });
  expect((soa.answers?.[0] as SoaAnswer).data).toMatchObject({ serial: serial + 1, refresh: 7200, minimum: 300 });
});

test('records are paged by RRset on the server and filtered through the URL', async ({ page }) => {
  const zone = await newZone('paged');
  const lines = [`$ORIGIN ${zone}.`, '$TTL 300', `@ NS ns1.${zone}.`];
  for (let i = 0; i < 120; i++) lines.push(`host-${String(i).padStart(3, '0')} A 10.0.0.${i}`);
  const file = path.join(os.tmpdir(), `${zone}.zone`);
  fs.writeFileSync(file, `${lines.join('\n')}\n`);
  await zk(['zone', 'import', zone, file]);
  await signIn(page);
  await page.goto(`/zones/${zone}`);

  const pages = page.getByRole('navigation', { name: 'Record pages' });
  await expect(pages).toContainText('Page 1 of 2 (121 record sets)');
  await expect(page.getByRole('cell', { name: 'host-098', exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'host-099', exact: true })).toHaveCount(0);
  await pages.getByRole('link', { name: /Next/ }).click();
  await expect(page).toHaveURL(/\?page=2$/);
  await expect(page.getByRole('cell', { name: 'host-119', exact: true })).toBeVisible();
  await expect(page.getByRole('cell', { name: 'SOA', exact: true })).toHaveCount(0);

  await page.getByLabel('Filter records').fill('host-11');
  await page.getByRole('button', { name: 'Filter', exact: true }).click();
  await expect(page).toHaveURL(/\?q=host-11$/);
  await expect(page.getByRole('cell', { name: /^host-11\d$/ })).toHaveCount(10);
  await expect(pages).toHaveCount(0);
});

test('Notify secondaries now shows each target and what it answered', async ({ page }) => {
  const zone = await newZone('notify');
  // A stand-in secondary on loopback: acknowledges each NOTIFY by echoing it as a response (QR set).
  const secondary = dgram.createSocket('udp4');
  secondary.on('message', (msg, from) => {
    const reply = Buffer.from(msg);
    reply[2] = reply[2]! | 0x80;
    secondary.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => secondary.bind(0, '127.0.0.1', () => r()));
  const port = secondary.address().port;
  try {
    await zk(['zone', 'set', zone, '--also-notify', `127.0.0.1:${port}`]);
    await signIn(page);
    await page.goto(`/zones/${zone}`);
    await page.getByRole('button', { name: 'Notify secondaries now' }).click();
    const result = page.getByTestId('worker-action-result');
    await expect(result).toContainText('1 of 1 secondaries acknowledged', { timeout: 20_000 });
    const row = result.getByRole('row').filter({ hasText: `127.0.0.1:${port}` });
    await expect(row).toContainText('acknowledged');
  } finally {
    secondary.close();
  }
});

test('a secondary zone offers Retrieve from primary and no edit controls; a viewer only reads', async ({ page }) => {
  const zone = `${uniqueName('secondary')}.test`;
  await zk(['zone', 'create', zone, '--secondary', '--primary', '127.0.0.1:9']);
  await signIn(page);
  await page.goto(`/zones/${zone}`);
  await expect(page.getByRole('button', { name: 'Retrieve from primary' })).toBeVisible();
  await expect(page.getByText(/secondary zone: its records are copied by zone transfer/)).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add record' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Notify secondaries now' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Retrieve from primary' }).click();
  await expect(page.getByTestId('worker-action-result')).toContainText(/Retrieve/, { timeout: 45_000 });

  const primary = await newZone('viewed');
  await zk(['record', 'add', primary, 'www', 'A', '300', '192.0.2.1']);
  const viewer = await createUser('viewer');
  await page.context().clearCookies();
  await signIn(page, viewer.name, viewer.password);
  await page.goto(`/zones/${primary}`);
  await expect(page.getByText('You can view this zone but not edit it.')).toBeVisible();
  await expect(page.getByRole('cell', { name: '192.0.2.1', exact: true })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add record' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Edit' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Delete' })).toHaveCount(0);
  await expect(page.getByRole('button', { name: 'Notify secondaries now' })).toHaveCount(0);

  // An editor sees only the zones granted to them.
  const editor = await createUser('editor');
  await page.context().clearCookies();
  await signIn(page, editor.name, editor.password);
  await page.goto(`/zones/${primary}`);
  await expect(page.getByText('Not allowed')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Add record' })).toHaveCount(0);
});

test('a required comment is enforced by the server: the commit is refused until one is written', async ({ page }) => {
  const zone = await newZone('comment');
  const sqlite = new Database(DATABASE_URL.replace(/^file:/, ''));
  const setRequired = (on: boolean) =>
    sqlite
      .prepare('INSERT OR REPLACE INTO "Setting" ("key", "value", "updatedAt") VALUES (?, ?, ?)')
      .run('editor', JSON.stringify({ requireComment: on }), new Date().toISOString().replace('Z', '+00:00'));
  setRequired(true);
  try {
    await signIn(page);
    await page.goto(`/zones/${zone}`);
    const changes = changeCount(zone);
    await addRecord(page, 'c', 'A', { 'IPv4 address': '192.0.2.3' });
    await expect(commitButton(page)).toBeEnabled();
    await commitButton(page).click();
    const comment = page.getByLabel('Comment');
    await expect(comment).toHaveAttribute('aria-invalid', 'true');
    await expect(page.locator('#commit-comment-error')).toHaveText('Write a comment: this server requires one on every change.');
    expect(changeCount(zone)).toBe(changes);
    await comment.fill('now with a reason');
    await commitButton(page).click();
    await expect(page.getByText(/^Committed: serial/)).toBeVisible();
    expect(changeCount(zone)).toBe(changes + 1);
  } finally {
    setRequired(false);
    sqlite.close();
  }
});
