import { expect, test } from './helpers/test';
import { bindSecondaries } from './helpers/bind-secondary';
import { uniqueName, zk } from './helpers/cli';
import { signIn } from './helpers/session';

// A real BIND 9 secondary follows three changes; the zone's replication page
// then draws its lag over time (points for the probes) and the histogram of
// how long each change took to be served there.
test.describe('replication lag charts', () => {
  const startBindSecondary = bindSecondaries();

  test('after a series of changes, shows each probe as a point and every change in the histogram', async ({ page }) => {
    test.setTimeout(120_000);
    const { zone, secondary } = await startBindSecondary('lag');

    await signIn(page);
    await page.goto(`/zones/${zone}/replication`);
    const row = page.getByTestId('secondary-row').filter({ hasText: secondary });
    await expect(row.getByTestId('replica-state')).toHaveText('in sync', { timeout: 15_000 });

    // Each change reaches BIND (NOTIFY, transfer) and the probe after it sees the new serial before the next.
    for (const n of [1, 2, 3]) {
      const added = await zk(['record', 'add', zone, `www${n}`, 'A', '300', `192.0.2.${n}`]);
      const serial = /serial \d+ → (\d+)/.exec(added.stdout)![1]!;
      // (The serial's own cell: the serials here are small numbers, which BIND's port may contain.)
      await expect(row.getByRole('cell').nth(1)).toHaveText(serial, { timeout: 15_000 });
      await expect(row.getByTestId('replica-state')).toHaveText('in sync');
    }

    await page.goto(`/zones/${zone}/replication`);
    const seconds = page.getByTestId('lag-seconds');
    const serials = page.getByTestId('lag-serials');
    await expect(seconds).toBeVisible();
    await expect(seconds.getByTestId('chart-line')).toHaveAttribute('data-series', secondary);
    // A point for every probe of BIND: the sweep's every 2 s and the chases after each NOTIFY.
    const points = await seconds.getByTestId('chart-point').count();
    expect(points).toBeGreaterThanOrEqual(4);
    expect(await serials.getByTestId('chart-point').count()).toBe(points);
    // For screen readers, a summary naming the secondary.
    await expect(seconds.locator('svg desc')).toContainText(`${secondary}:`);

    const histogram = page.getByTestId('serving-histogram');
    await expect(histogram.getByTestId('histogram-bar')).toHaveCount(5);
    const counts = await histogram.getByTestId('histogram-bar').evaluateAll((bars) => bars.map((b) => Number(b.getAttribute('data-count'))));
    expect(counts.reduce((a, b) => a + b, 0)).toBe(3);
    await expect(page.getByTestId('serving-summary')).toHaveText(/^3 changes live on a secondary · median \S+ (ms|s) · 95th percentile \S+ (ms|s)$/);

    // The week's range, by the URL.
    await page.getByRole('navigation', { name: 'Chart range' }).getByRole('link', { name: 'last week' }).click();
    await expect(page).toHaveURL(/\?range=week$/);
    await expect(page.getByTestId('lag-seconds')).toContainText('Lag in seconds, last week');
    expect(await page.getByTestId('lag-seconds').getByTestId('chart-point').count()).toBeGreaterThanOrEqual(points);
  });
});

test('a zone whose secondaries were never probed says when the charts will fill', async ({ page }) => {
  const zone = `${uniqueName('lag-empty')}.test`;
  await zk(['zone', 'create', zone, '--ns', `ns1.${zone}.`]);
  await signIn(page);
  await page.goto(`/zones/${zone}/replication?range=week`);
  await expect(page.getByTestId('lag-empty')).toContainText('No lag recorded over the last week yet');
  await expect(page.getByTestId('lag-empty')).toContainText('after each NOTIFY');
  await expect(page.getByTestId('serving-empty')).toBeVisible();
});
