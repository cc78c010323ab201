// The changelog, revert, import and export in the browser, against the real
// product: what the user sees, and what the DNS worker then serves.
import fs from 'node:fs';
import type { Page } from '@playwright/test';
import { expect, test } from './helpers/test';
import { createUser, uniqueName, zk } from './helpers/cli';
import { queryUntil, type DnsReply } from './helpers/dns';
import { DNS_HOST, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';

/** A primary zone with a few records, made with the CLI. */
async function zoneWithRecords(): Promise<string> {
  const zone = `${uniqueName('hist')}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  await zk(['record', 'add', zone, 'www', 'A', '300', '192.0.2.1']);
  await zk(['record', 'add', zone, 'mail', 'A', '300', '192.0.2.5']);
  await zk(['record', 'add', zone, 'old', 'TXT', '300', '"bye"']);
  return zone;
}

async function serialOf(zone: string): Promise<string> {
  const { stdout } = await zk(['zone', 'list']);
  const line = stdout.split('\n').find((l) => l.startsWith(`${zone}.`));
  const serial = line?.trim().split(/\s+/)[2];
  expect(serial).toMatch(/^\d+$/);
  return serial!;
}

const aContents = (r: DnsReply) => (r.answers ?? []).flatMap((a) => (a.type === 'A' ? [String(a.data)] : []));

function ask(name: string, type: 'A' | 'TXT', done: (r: DnsReply) => boolean): Promise<DnsReply> {
  return queryUntil(name, type, { host: DNS_HOST, port: DNS_PORT, totalMs: 5000, done });
}

async function openImport(page: Page, zone: string) {
  await page.goto(`/zones/${zone}/import`);
  await expect(page.getByRole('heading', { level: 1 })).toContainText(zone);
}

test('import: preview adds, changes and deletes, commit the checked ones with a comment', async ({ page }) => {
  const zone = await zoneWithRecords();
  const comment = `e2e import ${uniqueName('c')}`;
  await signIn(page);
  await openImport(page, zone);

  await test.step('paste a zone file and preview it', async () => {
    await page.getByLabel('Zone file').fill(
      ['$TTL 300', `@    3600 IN NS ns1.${zone}.`, 'www  IN A 192.0.2.2', 'mail IN A 192.0.2.5', 'new  IN A 192.0.2.10', 'skip IN A 192.0.2.11', ''].join('\n'),
    );
    await page.getByRole('button', { name: 'Preview import' }).click();
    await expect(page.getByTestId('import-counts')).toContainText('2 to add, 1 to change, 1 to delete, 2 unchanged');
    await expect(page.getByRole('checkbox', { name: 'Add new A 192.0.2.10' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Change www A 192.0.2.1 → 192.0.2.2' })).toBeChecked();
    await expect(page.getByRole('checkbox', { name: 'Delete old TXT "bye"' })).toBeChecked();
  });

  await test.step('uncheck one addition and commit with a comment', async () => {
    await page.getByRole('checkbox', { name: 'Add skip A 192.0.2.11' }).uncheck();
    await expect(page.getByLabel('Select all 2 (1 selected)')).not.toBeChecked();
    await page.getByLabel('Comment').fill(comment);
    await page.getByRole('button', { name: /^Commit import \(3 of 4\)$/ }).click();
    await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}/history$`));
  });

  await test.step('the history shows one entry with that comment, and it can be found by searching', async () => {
    const entries = page.getByTestId('change').filter({ hasText: comment });
    await expect(entries).toHaveCount(1);
    await expect(entries.first()).toContainText('new');
    await expect(entries.first()).not.toContainText('192.0.2.11');
    await page.getByLabel('Comment contains').fill(comment);
    await page.getByRole('button', { name: 'Search' }).click();
    await expect(page).toHaveURL(/\?q=/);
    await expect(page.getByTestId('change')).toHaveCount(1);
    await expect(page.getByTestId('change-count')).toHaveText('1 change match');
  });

  await test.step('DNS serves the applied records and not the unchecked one', async () => {
    const added = await ask(`new.${zone}.`, 'A', (r) => aContents(r).includes('192.0.2.10'));
    expect(aContents(added)).toEqual(['192.0.2.10']);
    const changed = await ask(`www.${zone}.`, 'A', (r) => aContents(r).includes('192.0.2.2'));
    expect(aContents(changed)).toEqual(['192.0.2.2']);
    const skipped = await ask(`skip.${zone}.`, 'A', (r) => r.rcode === 'NXDOMAIN');
    expect(skipped.rcode).toBe('NXDOMAIN');
    const deleted = await ask(`old.${zone}.`, 'TXT', (r) => r.rcode === 'NXDOMAIN');
    expect(deleted.rcode).toBe('NXDOMAIN');
  });
});

test('import: a bad line is listed with its line number and nothing changes', async ({ page }) => {
  const zone = await zoneWithRecords();
  const before = await serialOf(zone);
  await signIn(page);
  await openImport(page, zone);
  await page.getByLabel('Zone file').fill(['$TTL 300', `@ 3600 IN NS ns1.${zone}.`, 'www IN A 999.1.1.1', 'fine IN A 192.0.2.3', ''].join('\n'));
  await page.getByRole('button', { name: 'Preview import' }).click();
  const errors = page.getByRole('list', { name: 'Errors in the zone file' });
  await expect(errors.getByRole('listitem')).toHaveCount(1);
  await expect(errors.getByRole('listitem').first()).toContainText('Line 3:');
  await expect(page.getByRole('textbox', { name: 'Zone file' })).toHaveAttribute('aria-invalid', 'true');
  await expect(page.getByRole('button', { name: /^Commit import/ })).toHaveCount(0);
  expect(await serialOf(zone)).toBe(before);
});

test('export: downloads NAME.zone with the zone records; refused without the right', async ({ page, browser }) => {
  const zone = await zoneWithRecords();
  await signIn(page);
  await page.goto(`/zones/${zone}/history`);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: 'Export zone file' }).click()]);
  expect(download.suggestedFilename()).toBe(`${zone}.zone`);
  const text = fs.readFileSync((await download.path())!, 'utf8');
  expect(text).toContain(`$ORIGIN ${zone}.`);
  expect(text).toMatch(/^www\s+300\s+IN\s+A\s+192\.0\.2\.1$/m);
  expect(text).toMatch(/^old\s+300\s+IN\s+TXT\s+"bye"$/m);
  expect(text).toMatch(/\sIN\s+SOA\s/);

  const unknown = await page.request.get(`/zones/no-such-${zone}/export`, { maxRedirects: 0 });
  expect(unknown.status()).toBe(404);

  // An editor without a grant on the zone may not read it.
  const editor = await createUser('editor');
  const other = await browser.newContext();
  try {
    const editorPage = await other.newPage();
    await signIn(editorPage, editor.name, editor.password);
    const refused = await editorPage.request.get(`/zones/${zone}/export`, { maxRedirects: 0 });
    expect(refused.status()).toBe(403);
    expect(await refused.text()).toContain('may not read the zone');
  } finally {
    await other.close();
  }

  const anonymous = await browser.newContext();
  try {
    const res = await anonymous.request.get(`/zones/${zone}/export`, { maxRedirects: 0 });
    expect([307, 303, 302, 401]).toContain(res.status());
    if (res.status() !== 401) expect(res.headers().location).toContain('/login');
  } finally {
    await anonymous.close();
  }
});

test('revert: queues the undo of a change next to other pending edits, for the zone editor to commit', async ({ page }) => {
  const zone = await zoneWithRecords();
  const comment = `e2e revert ${uniqueName('r')}`;
  await zk(['record', 'add', '--comment', comment, zone, 'rev', 'A', '300', '192.0.2.99']);
  const served = await ask(`rev.${zone}.`, 'A', (r) => aContents(r).includes('192.0.2.99'));
  expect(aContents(served)).toEqual(['192.0.2.99']);
  await signIn(page);

  await page.goto(`/zones/${zone}/history`);
  // Another edit the user already queued in this tab: the revert must add to it, not replace it.
  const key = `zk:pending:${zone}.`;
  const otherEdit = { kind: 'add', record: { name: `keep.${zone}.`, type: 'A', ttl: 300, content: '192.0.2.50' } };
  await page.evaluate(([k, v]) => sessionStorage.setItem(k!, v!), [key, JSON.stringify([otherEdit])]);
  const entry = page.getByTestId('change').filter({ hasText: comment });
  await expect(entry).toHaveCount(1);
  await expect(entry).toContainText('192.0.2.99');
  await entry.getByRole('button', { name: 'Revert this change' }).click();
  await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));

  // The zone editor is built alongside this page; when it is there, go all the way through it.
  const review = page.getByRole('button', { name: 'Review changes' });
  const hasEditor = await review.waitFor({ timeout: 5000 }).then(
    () => true,
    () => false,
  );
  if (hasEditor) {
    await expect(page.getByRole('heading', { name: /Pending changes/ })).toContainText('(2)');
    await expect(review).toBeEnabled();
    await review.click();
    await page.getByRole('textbox', { name: /^Comment/ }).fill(`undo ${comment}`);
    await page.getByRole('button', { name: 'Commit', exact: true }).click();
    const gone = await ask(`rev.${zone}.`, 'A', (r) => r.rcode === 'NXDOMAIN');
    expect(gone.rcode).toBe('NXDOMAIN');
    const kept = await ask(`keep.${zone}.`, 'A', (r) => aContents(r).includes('192.0.2.50'));
    expect(aContents(kept)).toEqual(['192.0.2.50']);
    await page.goto(`/zones/${zone}/history`);
    await expect(page.getByTestId('change').first()).toContainText(`undo ${comment}`);
  } else {
    const stored = await page.evaluate((k) => sessionStorage.getItem(k), key);
    expect(JSON.parse(stored ?? 'null')).toEqual([
      otherEdit,
      { kind: 'delete', record: { name: `rev.${zone}.`, type: 'A', ttl: 300, content: '192.0.2.99' } },
    ]);
  }
});
