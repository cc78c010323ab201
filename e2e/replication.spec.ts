import { expect, test } from './helpers/test';
import { bindSecondaries } from './helpers/bind-secondary';
import { createUser, uniqueName, zk } from './helpers/cli';
import { BASE_URL } from './helpers/env';
import { signIn } from './helpers/session';

// A real BIND 9 secondary of the product's worker; the pages must follow it
// from "in sync" to "unreachable" while they stay open, without a reload.
test.describe('replication dashboard', () => {
  const startBindSecondary = bindSecondaries();

  test('shows a change reaching BIND, then BIND going away, live', async ({ page, playwright }) => {
    test.setTimeout(120_000);
    const { zone, bind, secondary } = await startBindSecondary('rep');

    await signIn(page);
    await page.goto(`/zones/${zone}/replication`);
    await page.evaluate(() => ((window as unknown as { zkMarker: number }).zkMarker = 1));
    const row = page.getByTestId('secondary-row').filter({ hasText: secondary });
    await expect(row.getByTestId('replica-state')).toHaveText('in sync', { timeout: 15_000 });

    const added = await zk(['record', 'add', zone, 'www', 'A', '300', '192.0.2.10']);
    const serial = /serial \d+ → (\d+)/.exec(added.stdout)![1]!;
    await expect(page.getByTestId('primary-serial')).toHaveText(serial, { timeout: 15_000 });
    await expect(row).toContainText(serial);
    await expect(row.getByTestId('replica-state')).toHaveText('in sync');
    const latest = page.getByTestId('propagation').first();
    await expect(latest).toContainText(`serial ${serial}`);
    await expect(latest.getByTestId('propagation-summary')).toHaveText(/live on 1 of 1 secondary after \d+(\.\d)? s/);
    expect(await page.evaluate(() => (window as unknown as { zkMarker?: number }).zkMarker)).toBe(1);

    await page.goto('/replication');
    await page.evaluate(() => ((window as unknown as { zkMarker: number }).zkMarker = 2));
    const zoneRow = page.getByTestId('replication-row').filter({ hasText: zone });
    await expect(zoneRow.getByTestId('replica-state')).toHaveText('in sync');

    await bind.stop();
    await expect(zoneRow.getByTestId('replica-state')).toHaveText('unreachable', { timeout: 20_000 });
    await expect(zoneRow).toContainText(`${secondary} unreachable`);
    // Still the same page: it refreshed its data, not itself.
    expect(await page.evaluate(() => (window as unknown as { zkMarker?: number }).zkMarker)).toBe(2);

    // The zone list shows the state as a badge, and the zone's page a banner saying who is behind.
    await page.goto(`/zones?q=${zone}`);
    await expect(page.getByRole('row').filter({ hasText: zone }).getByTestId('replica-state')).toHaveText('unreachable');
    await page.goto(`/zones/${zone}`);
    await expect(page.getByTestId('replication-banner')).toContainText(`${secondary} is unreachable`);

    // Prometheus metrics: for a signed-in user, and refused with the reason without a session or token.
    const metrics = await page.request.get('/api/metrics');
    expect(metrics.status()).toBe(200);
    const text = await metrics.text();
    expect(text).toContain(`zonekeeper_zone_serial{zone="${zone}."} ${serial}`);
    expect(text).toContain(`zonekeeper_secondary_up{zone="${zone}.",secondary="${secondary}",state="unreachable"} 0`);
    const stranger = await playwright.request.newContext({ baseURL: BASE_URL });
    const anonymous = await stranger.get('/api/metrics');
    expect(anonymous.status()).toBe(401);
    expect(await anonymous.text()).toMatch(/ZK_METRICS_TOKEN/);
    await stranger.dispose();
  });
});

// The dashboard counts and pages in the database: an editor's view must still hold only the zones granted to them.
test('an editor sees and counts only the zones granted to them', async ({ page }) => {
  const mine = `${uniqueName('rep-mine')}.test`;
  const theirs = `${uniqueName('rep-theirs')}.test`;
  // Their only NS is the SOA primary: no secondary to probe, so their state stays "no secondaries".
  await zk(['zone', 'create', mine, '--ns', `ns1.${mine}.`]);
  await zk(['zone', 'create', theirs, '--ns', `ns1.${theirs}.`]);
  const editor = await createUser('editor');
  await zk(['user', 'grant', editor.name, mine]);

  await signIn(page, editor.name, editor.password);
  await page.goto('/replication');
  const rows = page.getByTestId('replication-row');
  await expect(rows).toHaveCount(1);
  await expect(rows).toContainText(mine);
  await expect(page.getByText(theirs)).toHaveCount(0);
  await expect(page.getByTestId('replication-summary')).toHaveText('Showing 1–1 of 1 zone, worst state first');
  const filters = page.getByRole('navigation', { name: 'Filter by state' });
  await expect(filters.getByRole('link', { name: /^All/ })).toHaveText('All 1');

  // Its state's filter keeps it, in the URL; the summary says how to see every zone again.
  await filters.getByRole('link', { name: 'no secondaries 1' }).click();
  await expect(page).toHaveURL(/\/replication\?state=no(\+|%20)secondaries$/);
  await expect(rows).toHaveCount(1);
  await expect(page.getByTestId('replication-summary')).toHaveText('Showing 1–1 of 1 no secondaries zone · show every zone');
  await page.getByTestId('replication-summary').getByRole('link', { name: 'show every zone' }).click();
  await expect(page).toHaveURL(/\/replication$/);
});

test('the secondary zones this server transfers in are listed with their state and what went wrong', async ({ page }) => {
  const zone = `${uniqueName('incoming')}.test`;
  // Nothing answers on port 9: the zone is never transferred, and its last error says why.
  await zk(['zone', 'create', zone, '--secondary', '--primary', '127.0.0.1:9']);
  await signIn(page);
  await page.goto('/replication');
  const section = page.getByRole('region', { name: 'Secondary zones' });
  await expect(section.getByTestId('incoming-summary')).toContainText('not transferred');
  const row = section.getByTestId('incoming-row').filter({ hasText: zone });
  await expect(row).toContainText('not transferred');
  await expect(row).toContainText('127.0.0.1:9');
  // The worker's first attempt fails at once; the page refreshes itself every 3 s.
  await expect(row).toContainText('port unreachable', { timeout: 20_000 });
  await row.getByRole('link', { name: zone }).click();
  await expect(page).toHaveURL(new RegExp(`/zones/${zone.replace(/\./g, '\\.')}$`));
});
