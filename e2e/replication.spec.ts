import { expect, test } from './helpers/test';
import { startBind, type RunningBind } from '../lib/testing/bind';
import { requireProgram } from '../lib/testing/system-program';
import { uniqueName, zk } from './helpers/cli';
import { BASE_URL, DNS_PORT } from './helpers/env';
import { signIn } from './helpers/session';

const named = requireProgram('named', 'bind9');

// A real BIND 9 secondary of the product's worker; the pages must follow it
// from "in sync" to "unreachable" while they stay open, without a reload.
test.describe('replication dashboard', () => {
  test.skip(!named, 'named (bind9) is not installed');
  let bind: RunningBind | undefined;
  test.afterEach(async () => {
    await bind?.stop();
  });

  test('shows a change reaching BIND, then BIND going away, live', async ({ page, playwright }) => {
    test.setTimeout(120_000);
    const zone = `${uniqueName('rep')}.test`;
    await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
    bind = await startBind({
      program: named!,
      options: ['allow-notify { 127.0.0.0/8; };', 'notify no;', 'min-refresh-time 86400;', 'min-retry-time 86400;'],
      config: (d) => `zone "${zone}" { type secondary; primaries { 127.0.0.1 port ${DNS_PORT}; }; file "${d}/z.db"; };`,
    });
    await bind.waitForLog(new RegExp(`zone ${zone.replace(/\./g, '\\.')}/IN: transferred serial`), 20_000);
    const secondary = `127.0.0.1:${bind.port}`;
    await zk(['zone', 'set', zone, '--also-notify', secondary]);

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
    bind = undefined;
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
