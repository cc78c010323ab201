// Change requests and approval rules (issue 21) in the browser: a requester's
// Request changes, the reviewer's badge, review against the zone as it is now,
// approval as one change (the changelog names both people, the secondary gets
// one NOTIFY), a rejection whose reason the requester reads, a request that a
// later change made conflict, and an approval rule that stops an editor's apex
// NS change until a second editor approves it.
import dgram from 'node:dgram';
import type { Browser, Page } from '@playwright/test';
import { decode, type SoaAnswer, type StringAnswer } from 'dns-packet';
import { createUser, uniqueName, zk } from './helpers/cli';
import { queryUntil, type DnsReply } from './helpers/dns';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';
import { expect, test } from './helpers/test';

type Person = { name: string; password: string };

async function newZone(prefix: string): Promise<string> {
  const zone = `${uniqueName(prefix)}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  return zone;
}

/** A requester and an editor of `zone`, and a second editor. */
async function people(zone: string): Promise<{ requester: Person; editor: Person; second: Person }> {
  const [requester, editor, second] = [await createUser('editor'), await createUser('editor'), await createUser('editor')];
  await zk(['user', 'grant', requester.name, zone, '--request']);
  await zk(['user', 'grant', editor.name, zone]);
  await zk(['user', 'grant', second.name, zone]);
  return { requester, editor, second };
}

/** A page of its own (cookies apart), signed in as `who`. */
async function pageAs(browser: Browser, who: Person): Promise<Page> {
  const page = await (await browser.newContext()).newPage();
  await signIn(page, who.name, who.password);
  return page;
}

async function addRecord(page: Page, name: string, type: string, fields: Record<string, string>) {
  await page.getByRole('button', { name: 'Add record' }).click();
  const form = page.getByRole('form', { name: 'Add record' });
  await form.getByLabel('Name', { exact: true }).fill(name);
  await form.getByLabel('Type', { exact: true }).selectOption(type);
  for (const [label, value] of Object.entries(fields)) await form.getByLabel(label, { exact: true }).fill(value);
  await form.getByRole('button', { name: 'Queue record' }).click();
  await expect(form).toHaveCount(0);
}

/** Queues `edit` in the zone editor and sends it as a change request; returns the request's page path. */
async function requestChanges(page: Page, zone: string, button: 'Request changes' | 'Request approval', comment: string, edit: (page: Page) => Promise<void>): Promise<string> {
  await page.goto(`/zones/${zone}`);
  await edit(page);
  const send = page.getByRole('button', { name: button, exact: true });
  await expect(send).toBeEnabled();
  // The comment is required: without one the server says so and keeps the edits.
  await send.click();
  await expect(page.getByText(/Write a comment/).first()).toBeVisible();
  await page.getByLabel('Comment', { exact: true }).fill(comment);
  await send.click();
  const link = page.getByRole('link', { name: 'See the request' });
  await expect(link).toBeVisible();
  await expect(page.getByRole('list', { name: 'Pending edits' })).toHaveCount(0);
  return (await link.getAttribute('href'))!;
}

test('a requester’s change is reviewed against the zone now, approved as one change naming both, with one NOTIFY', async ({ page, browser }) => {
  const zone = await newZone('req');
  // A stand-in secondary (also-notify): counts each NOTIFY and acknowledges it.
  const notifies: number[] = [];
  const secondary = dgram.createSocket('udp4');
  secondary.on('message', (msg, from) => {
    const packet = decode(msg) as DnsReply;
    if (packet.opcode === 'NOTIFY') notifies.push(((packet.answers ?? []).find((a) => a.type === 'SOA') as SoaAnswer | undefined)?.data.serial ?? -1);
    const reply = Buffer.from(msg);
    reply[2] = reply[2]! | 0x80;
    secondary.send(reply, from.port, from.address);
  });
  await new Promise<void>((r) => secondary.bind(0, '127.0.0.1', () => r()));
  try {
    await zk(['zone', 'set', zone, '--also-notify', `127.0.0.1:${secondary.address().port}`]);
    const { requester, editor } = await people(zone);

    await signIn(page, requester.name, requester.password);
    await page.goto(`/zones/${zone}`);
    await expect(page.getByText(/You may request changes to this zone/)).toBeVisible();
    await expect(page.getByRole('button', { name: 'Commit', exact: true })).toHaveCount(0);
    const href = await requestChanges(page, zone, 'Request changes', 'a web server for the launch', (p) => addRecord(p, 'www', 'A', { 'IPv4 address': '192.0.2.10' }));

    const reviewer = await pageAs(browser, editor);
    const badge = reviewer.getByTestId('requests-badge');
    await expect(badge).toHaveText(/^1/);
    await reviewer.getByRole('link', { name: /^Requests/ }).click();
    await reviewer.getByRole('list', { name: 'Requests to review' }).getByRole('link', { name: `Request ${href.split('/').pop()}` }).click();
    await expect(reviewer.getByTestId('request-comment')).toHaveText('a web server for the launch');
    await expect(reviewer.getByRole('list', { name: 'Records changed' })).toContainText('192.0.2.10');
    const serialBefore = Number(/serial (\d+)\)/.exec(await reviewer.getByRole('heading', { name: /Against the zone as it is now/ }).innerText())![1]);
    notifies.length = 0;
    await reviewer.getByRole('button', { name: 'Approve' }).click();
    await expect(reviewer.getByTestId('request-decision')).toContainText(`Approved by ${editor.name}`);
    await expect(reviewer.getByTestId('requests-badge')).toHaveCount(0);

    const answer = await queryUntil(`www.${zone}`, 'A', { host: DNS_HOST, port: DNS_PORT, totalMs: 5000, done: (r) => (r.answers ?? []).length > 0 });
    expect(answer.answers?.map((a) => (a as StringAnswer).data)).toEqual(['192.0.2.10']);
    await reviewer.goto(`/zones/${zone}/history`);
    await expect(reviewer.getByTestId('change-people').first()).toHaveText(new RegExp(`requested by ${requester.name}, approved by ${editor.name}`));

    // One NOTIFY round for the one change: wait past the worker's first retry, then count.
    await expect.poll(() => notifies.length, { timeout: 15_000 }).toBeGreaterThan(0);
    await new Promise((r) => setTimeout(r, 3000));
    expect(notifies).toEqual([serialBefore + 1]);
  } finally {
    secondary.close();
  }
});

test('a rejection takes a reason, which the requester reads', async ({ page, browser }) => {
  const zone = await newZone('reject');
  const { requester, editor } = await people(zone);
  await signIn(page, requester.name, requester.password);
  const href = await requestChanges(page, zone, 'Request changes', 'a test host', (p) => addRecord(p, 'test', 'A', { 'IPv4 address': '192.0.2.77' }));

  const reviewer = await pageAs(browser, editor);
  await reviewer.goto(href);
  await reviewer.getByRole('button', { name: 'Reject' }).click();
  await expect(reviewer.getByText('Give a reason: the requester sees it.').first()).toBeVisible();
  await reviewer.getByLabel('Reason for rejecting').fill('use the staging zone for tests');
  await reviewer.getByRole('button', { name: 'Reject' }).click();
  await expect(reviewer.getByTestId('request-decision')).toContainText('use the staging zone for tests');

  await page.goto('/requests');
  const mine = page.getByRole('list', { name: 'Your requests' }).getByTestId('request').filter({ hasText: 'a test host' });
  await expect(mine.getByTestId('request-state')).toHaveText('rejected');
  await expect(mine.getByTestId('request-reason')).toHaveText('“use the staging zone for tests”');
});

test('a request that a later change made conflict says which edit, and offers only Reject', async ({ page, browser }) => {
  const zone = await newZone('conflict');
  await zk(['record', 'add', zone, 'api', 'A', '300', '192.0.2.20']);
  const { requester, editor } = await people(zone);
  await signIn(page, requester.name, requester.password);
  const href = await requestChanges(page, zone, 'Request changes', 'move the api', async (p) => {
    await p.getByRole('row').filter({ hasText: '192.0.2.20' }).getByRole('button', { name: 'Delete' }).click();
    await addRecord(p, 'api', 'A', { 'IPv4 address': '192.0.2.21' });
  });
  // Someone deletes the record the request deletes, after it was made.
  await zk(['record', 'delete', zone, 'api', 'A', '192.0.2.20']);

  const reviewer = await pageAs(browser, editor);
  await reviewer.goto(href);
  const conflict = reviewer.getByRole('list', { name: 'Requested edits' }).getByRole('listitem').filter({ has: reviewer.getByTestId('request-conflict') });
  await expect(conflict).toHaveCount(1);
  await expect(conflict).toContainText('delete api A 192.0.2.20');
  await expect(conflict.getByTestId('request-conflict')).toContainText('no A record "192.0.2.20" at api');
  await expect(reviewer.getByText(/One edit no longer applies/)).toBeVisible();
  await expect(reviewer.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  await expect(reviewer.getByRole('button', { name: 'Reject' })).toBeVisible();
});

test('an approval rule stops an editor’s apex NS change until a second editor approves it', async ({ page, browser }) => {
  const zone = await newZone('rule');
  await zk(['zone', 'set', zone, '--approval', 'ns-soa']);
  const { editor, second } = await people(zone);
  await signIn(page, editor.name, editor.password);
  await page.goto(`/zones/${zone}`);
  // In the zone and without an address, so the NOTIFY of the approved change goes nowhere off this machine.
  await addRecord(page, '@', 'NS', { 'Name server': `ns2.${zone}.` });
  await expect(page.getByTestId('approval-needed')).toContainText('need a second person’s approval');
  await expect(page.getByRole('button', { name: 'Commit', exact: true })).toHaveCount(0);
  const href = await requestChanges(page, zone, 'Request approval', 'a second name server', async () => {});

  // Not by its own requester.
  await page.goto(href);
  await expect(page.getByRole('button', { name: 'Withdraw request' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Approve' })).toHaveCount(0);
  const ns = () => queryUntil(zone, 'NS', { host: DNS_HOST, port: DNS_PORT, totalMs: 5000, done: (r) => (r.answers ?? []).length > 1 });
  expect((await queryUntil(zone, 'NS', { host: DNS_HOST, port: DNS_PORT, done: (r) => (r.answers ?? []).length > 0 })).answers).toHaveLength(1);

  const approver = await pageAs(browser, second);
  await expect(approver.getByTestId('requests-badge')).toHaveText(/^1/);
  await approver.goto(href);
  await approver.getByRole('button', { name: 'Approve' }).click();
  await expect(approver.getByTestId('request-decision')).toContainText(`Approved by ${second.name}`);
  expect((await ns()).answers?.map((a) => (a as StringAnswer).data).sort()).toEqual([`ns1.${zone}`, `ns2.${zone}`]);
});
