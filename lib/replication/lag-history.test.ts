// The lag charts' data: a secondary probed over time by the worker's prober,
// read back as series and a distribution; and how a dense series is thinned.
import { afterEach, describe, expect, it } from 'vitest';
import { db } from '../db';
import { contentToWire } from '../dns/rdata';
import { decodeMessage, encodeMessage, newResponse, OPCODE } from '../dns/wire';
import { eventually } from '../testing/dns-client';
import { startResponder } from '../testing/dns-responder';
import { startWorker } from '../worker/worker';
import { applyChangeset } from '../zones/changes';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { lagHistory, serveDistribution, serveTimes, toPoints, type SampleRow } from './lag-history';

const actor = { name: 'test' };
const cleanup: (() => Promise<void>)[] = [];
afterEach(async () => {
  for (const c of cleanup.splice(0).reverse()) await c();
});

/** A secondary that serves `serial()` as the zone's SOA serial, or stays silent when it is null; NOTIFYs are acknowledged and ignored. */
async function secondary(serial: () => number | null) {
  const r = await startResponder((raw) => {
    const q = decodeMessage(raw);
    const reply = newResponse(q);
    reply.aa = true;
    if (q.opcode !== OPCODE.NOTIFY) {
      const s = serial();
      if (s === null) return [];
      const name = q.questions[0]!.name;
      reply.answers = [{ name, type: 'SOA', class: 'IN', ttl: 300, data: contentToWire('SOA', `ns1.${name} hostmaster.${name} ${s} 3600 600 86400 300`) }];
    }
    return [encodeMessage(reply).buf];
  });
  cleanup.push(() => r.close());
  return r;
}

describe('lag history from the prober', () => {
  it('gives each secondary a series: in sync, behind for a while, unreachable (a gap), in sync again; and the change\'s serving time', async () => {
    let serving: number | null = 0;
    const sec = await secondary(() => serving);
    const created = await createZone({ name: 'lag-series.test' }, actor);
    serving = created.serial;
    const target = `127.0.0.1:${sec.port}`;
    await setZoneOptions('lag-series.test', { alsoNotify: [target] }, actor);
    // No sweep and no chase: each probe below is one the test asks for.
    const worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 100, probe: { intervalMs: 0, chaseDelaysMs: [], timeoutsMs: [100, 100] } });
    cleanup.push(() => worker.stop());
    process.env.ZK_CONTROL_PORT = String(worker.controlPort);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'lag-series.test.' } });

    await worker.prober.probeZone('lag-series.test.');
    const change = await applyChangeset('lag-series.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await eventually(async () => worker.store.get('lag-series.test.')?.serial, (s) => s === change.newSerial, 5000);
    await new Promise((r) => setTimeout(r, 1100));
    await worker.prober.probeZone('lag-series.test.');
    serving = null;
    await worker.prober.probeZone('lag-series.test.');
    serving = change.newSerial;
    await worker.prober.probeZone('lag-series.test.');

    const day = await lagHistory(zone.id, 'day');
    expect(day.series.map((s) => s.target)).toEqual([target]);
    const [series] = day.series;
    expect(series!.points.map((p) => p.serials)).toEqual([0, 1, null, 0]);
    const seconds = series!.points.map((p) => p.seconds);
    expect(seconds[0]).toBe(0);
    expect(seconds[1]).toBeGreaterThanOrEqual(1);
    expect(seconds.slice(2)).toEqual([null, 0]);
    expect(series!.failed).toBe(1);

    const times = await serveTimes(zone.id, 'day');
    expect(times.count).toBe(1);
    expect(times.medianMs).toBeGreaterThanOrEqual(1100);
    expect(times.buckets.find((b) => b.label === '1–5 s')!.count).toBe(1);

    // Two days ago is in the week's chart, not the day's.
    await db().lagSample.create({ data: { zoneId: zone.id, target, at: new Date(Date.now() - 2 * 86_400_000), state: 'ok', lagSeconds: 30, lagSerials: 3 } });
    expect((await lagHistory(zone.id, 'day')).series[0]!.points).toHaveLength(4);
    expect((await lagHistory(zone.id, 'week')).series[0]!.points.map((p) => p.serials)).toEqual([3, 0, 1, null, 0]);
  });
});

describe('toPoints', () => {
  const from = new Date('2026-12-06T00:00:00Z');
  const to = new Date('2026-12-06T01:00:00Z');
  const row = (minute: number, lag: number | null): SampleRow => ({
    at: new Date(from.getTime() + minute * 60_000),
    state: lag === null ? 'timeout' : 'ok',
    lagSeconds: lag,
    lagSerials: lag === null ? null : Math.ceil(lag / 10),
  });

  it('keeps every sample while there are few', () => {
    expect(toPoints([row(1, 0), row(2, null), row(3, 20)], from, to).map((p) => p.seconds)).toEqual([0, null, 20]);
  });

  it('draws each period of a dense series as its worst lag, or a gap when any probe in it failed', () => {
    // 60 samples, a minute apart, drawn as 6 periods of 10 minutes.
    const rows = Array.from({ length: 60 }, (_, m) => row(m, m === 25 ? null : m % 10 === 3 ? 40 : 0));
    const points = toPoints(rows, from, to, 6);
    expect(points.map((p) => p.seconds)).toEqual([40, 40, null, 40, 40, 40]);
    expect(points.map((p) => p.serials)).toEqual([4, 4, null, 4, 4, 4]);
    expect(points[0]!.at).toEqual(rows[9]!.at);
  });
});

describe('serveDistribution', () => {
  it('counts times per bucket, bounds going to the bucket above, with median and 95th percentile', () => {
    const times = [200, 999, 1000, 4999, 5000, 29_999, 30_000, 299_999, 300_000, 3_600_000];
    const d = serveDistribution(times);
    expect(d.buckets).toEqual([
      { label: '< 1 s', count: 2 },
      { label: '1–5 s', count: 2 },
      { label: '5–30 s', count: 2 },
      { label: '30 s–5 min', count: 2 },
      { label: '> 5 min', count: 2 },
    ]);
    expect(d.medianMs).toBe(5000);
    expect(d.p95Ms).toBe(3_600_000);
    expect(serveDistribution([])).toMatchObject({ count: 0, medianMs: null, p95Ms: null });
  });
});
