// The prober's sweep over every primary zone, against one scripted secondary
// that serves them all: it goes at a bounded pace, and starts again no sooner
// than the interval (a file of its own: zones of other tests would be swept too).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db, queryCounts, statementTrace } from '../db';
import { eventually } from '../testing/dns-client';
import { startSoaSecondary, type Responder } from '../testing/dns-responder';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
// Enough zones that a few queries per batch of records stay well below one per zone.
const ZONES = 24;
const names = Array.from({ length: ZONES }, (_, i) => `p${String(i).padStart(2, '0')}.sweep.test.`);
const serials = new Map<string, number>();
/** When each zone's SOA was asked for, in order. */
const asked = new Map<string, number[]>();
let secondary: Responder;
let worker: RunningWorker;

beforeAll(async () => {
  // In step with us: it answers each zone's SOA with the serial we serve, and acknowledges NOTIFY.
  secondary = await startSoaSecondary(
    (name) => serials.get(name) ?? 1,
    (name) => asked.set(name, [...(asked.get(name) ?? []), Date.now()]),
  );
  for (const name of names) {
    serials.set(name, (await createZone({ name }, actor)).serial);
    await setZoneOptions(name, { alsoNotify: [`127.0.0.1:${secondary.port}`] }, actor);
  }
  // No poll and no change feed (on MySQL a query five times a second): only the sweep's queries are counted.
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 600_000, changeFeed: false, probe: { intervalMs: 300, zonesPerSecond: 20, timeoutsMs: [500] } });
});

afterAll(async () => {
  await worker?.stop();
  await secondary?.close();
});

describe('the probe sweep', () => {
  it('probes the zones at most zonesPerSecond a second, and sweeps again after max(interval, zones / rate)', async () => {
    // Bug: every minute a round probed every primary zone back to back: with 50,000 zones, hundreds of probes a second, forever.
    const last = names[ZONES - 1]!;
    await eventually(async () => asked.get(last)?.length ?? 0, (n) => n >= 2, 10_000);
    // (The very first probe of the process may take a while longer: counted from the second zone.)
    const firsts = names.slice(1).map((n) => asked.get(n)?.[0] ?? Infinity);
    // 24 zones at 20 a second: the last is asked 1.1 s after the second, not within a few milliseconds.
    expect(Math.max(...firsts) - Math.min(...firsts)).toBeGreaterThanOrEqual((ZONES - 2) * 50 - 20);
    // The next sweep begins 1.2 s (24 / 20 s) after the first did: the interval (300 ms) is the shorter.
    const [first, second] = asked.get(last)!;
    expect(second! - first!).toBeGreaterThanOrEqual(ZONES * 50 - 20);
    // Every zone's secondary is recorded as in step.
    const statuses = await eventually(() => db().replicaStatus.findMany(), (rs) => rs.length === ZONES, 5000);
    expect(statuses.every((s) => s.state === 'ok')).toBe(true);
  });

  it('records a sweep that finds nothing new with a few queries, not some per zone, and still moves each check time', async () => {
    // Bug: each zone's probe read and wrote its status on its own: the database work grew with the zones swept.
    const first = names[0]!;
    const last = names[ZONES - 1]!;
    const before = new Map((await db().replicaStatus.findMany({ include: { zone: true } })).map((s) => [s.zone.name, s.checkedAt.getTime()]));
    // From the start of one sweep to the end of the next one's records.
    const sweep = asked.get(first)!.length;
    await eventually(async () => asked.get(first)?.length ?? 0, (n) => n > sweep, 10_000, 5);
    const start = { ...queryCounts };
    await eventually(async () => asked.get(last)?.length ?? 0, (n) => n > sweep, 10_000, 5);
    await eventually(() => db().replicaStatus.findFirstOrThrow({ where: { zone: { name: last } } }), (s) => s.checkedAt.getTime() > before.get(last)!, 5000, 5);
    // The sweep's page of zones and three batches of records, where each zone read and wrote its own
    // status before.
    expect(queryCounts.queries - start.queries).toBeLessThan(ZONES);
    const after = await db().replicaStatus.findMany({ include: { zone: true } });
    expect(after.every((s) => s.state === 'ok' && s.checkedAt.getTime() > before.get(s.zone.name)!)).toBe(true);
    // Nothing new: no probe event beyond the first of each zone.
    expect(await db().zoneEvent.count({ where: { kind: 'probe' } })).toBe(ZONES);
  });

  it('records a sweep that finds every secondary changed with a few queries too, and keeps each change as an event', async () => {
    // Bug: each target seen anew was written, and its event kept, by queries of its own: a secondary
    // that went away cost a sweep of 50,000 zones four queries a zone.
    // Every statement of the transactions that record probes, writes included, from the moment the
    // secondary serves other serials than the ones recorded until every zone's status says so.
    const written: string[] = [];
    statementTrace.statements = written;
    try {
      for (const name of names) serials.set(name, serials.get(name)! + 1000);
      await eventually(() => db().replicaStatus.findMany({ include: { zone: true } }), (rs) => rs.every((s) => s.serial === BigInt(serials.get(s.zone.name)!)), 10_000, 5);
    } finally {
      statementTrace.statements = null;
    }
    const after = await db().replicaStatus.findMany({ include: { zone: true } });
    // A few writes per batch of zones (besides the check times of a batch probed before the change),
    // where each zone had two or three of its own.
    expect(written.filter((sql) => /^\s*(INSERT|UPDATE|DELETE)/i.test(sql)).length).toBeLessThan(ZONES);
    expect(after).toHaveLength(ZONES);
    expect(after.every((s) => s.state === 'ok' && s.lastOkAt !== null)).toBe(true);
    // One event for each zone's new serial, besides the first of each.
    expect(await db().zoneEvent.count({ where: { kind: 'probe' } })).toBe(2 * ZONES);
  });
});
