// The lag history as the prober writes it: what a probe's lag is, when a
// change counts as served, and the retention enforced at write time.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { lagOf, recordLag, serveTimeOf, type LagObservation } from './lag-samples';

const actor = { name: 'test' };
const DAY = 86_400_000;

const observed = (o: Partial<LagObservation>): LagObservation => ({ zoneId: 1, target: '192.0.2.1:53', at: new Date(), state: 'ok', theirs: 10, ours: 10, before: 10, ...o });

describe('lagOf and serveTimeOf', () => {
  const t0 = new Date('2026-12-06T12:00:00Z');
  const journal = [
    { newSerial: 12n, createdAt: new Date(t0.getTime() + 20_000) },
    { newSerial: 11n, createdAt: new Date(t0.getTime() + 10_000) },
    { newSerial: 10n, createdAt: t0 },
  ];

  it('dates the lag from the first change the secondary lacks and counts serials by RFC 1982', () => {
    const at = new Date(t0.getTime() + 70_000);
    expect(lagOf(observed({ at, theirs: 10, ours: 12 }), journal)).toEqual({ lagSeconds: 60, lagSerials: 2 });
    expect(lagOf(observed({ at, theirs: 12, ours: 12 }), journal)).toEqual({ lagSeconds: 0, lagSerials: 0 });
    // A secondary ahead of us (a restore here) is not behind; the doctor says what is wrong with it.
    expect(lagOf(observed({ at, theirs: 13, ours: 12 }), journal)).toEqual({ lagSeconds: 0, lagSerials: 0 });
    // Across the wrap: 4294967295 → 1 is two serials.
    expect(lagOf(observed({ at, theirs: 4294967295, ours: 1 }), [])).toEqual({ lagSeconds: null, lagSerials: 2 });
    expect(lagOf(observed({ state: 'timeout', theirs: null }), journal)).toEqual({ lagSeconds: null, lagSerials: null });
  });

  it('keeps a serving time when a secondary moves on to a change we made, not at its first probe', () => {
    const at = new Date(t0.getTime() + 21_500);
    expect(serveTimeOf(observed({ at, before: 10, theirs: 12 }), journal)).toMatchObject({ serial: 12n, ms: 1500 });
    expect(serveTimeOf(observed({ at, before: null, theirs: 12 }), journal)).toBeNull();
    expect(serveTimeOf(observed({ at, before: 12, theirs: 12 }), journal)).toBeNull();
    // A serial no change of ours made (imported, or older than the journal read).
    expect(serveTimeOf(observed({ at, before: 10, theirs: 99 }), journal)).toBeNull();
  });
});

describe('recordLag', () => {
  it('writes one sample per probe result, with the lag dated from the journal, and the serving time of a change', async () => {
    const created = await createZone({ name: 'lag-write.test' }, actor);
    const change = await applyChangeset('lag-write.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'lag-write.test.' } });
    const committed = (await db().change.findUniqueOrThrow({ where: { id: change.changeId! } })).createdAt;
    const at = new Date(committed.getTime() + 4_000);
    await recordLag(
      db(),
      [
        observed({ zoneId: zone.id, target: 'a:53', at, theirs: created.serial, ours: change.newSerial, before: created.serial }),
        observed({ zoneId: zone.id, target: 'b:53', at, theirs: change.newSerial, ours: change.newSerial, before: created.serial }),
        observed({ zoneId: zone.id, target: 'c:53', at, state: 'timeout', theirs: null, ours: change.newSerial, before: created.serial }),
      ],
      { keepDays: 8 },
    );
    const samples = await db().lagSample.findMany({ where: { zoneId: zone.id }, orderBy: { target: 'asc' } });
    expect(samples.map((s) => [s.target, s.state, s.lagSeconds, s.lagSerials])).toEqual([
      ['a:53', 'ok', 4, 1],
      ['b:53', 'ok', 0, 0],
      ['c:53', 'timeout', null, null],
    ]);
    const served = await db().serveTime.findMany({ where: { zoneId: zone.id } });
    expect(served.map((s) => [s.target, Number(s.serial), s.ms])).toEqual([['b:53', change.newSerial, 4000]]);
  });

  it('deletes what is older than the retention as it writes, a bounded batch at a time', async () => {
    await createZone({ name: 'lag-prune.test' }, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'lag-prune.test.' } });
    const now = new Date();
    const sample = (ageMs: number) => ({ zoneId: zone.id, target: 'a:53', at: new Date(now.getTime() - ageMs), state: 'ok', lagSeconds: 0, lagSerials: 0 });
    // 1,200 samples nine days old (a backlog: ZK_LAG_DAYS just lowered, say), and two within the window.
    await db().lagSample.createMany({ data: Array.from({ length: 1200 }, (_, i) => sample(9 * DAY + i * 1000)) });
    await db().lagSample.createMany({ data: [sample(7.5 * DAY), sample(DAY)] });
    await db().serveTime.createMany({
      data: [9 * DAY, DAY].map((age) => ({ zoneId: zone.id, target: 'a:53', serial: 5n, committedAt: new Date(now.getTime() - age - 1000), servedAt: new Date(now.getTime() - age), ms: 1000 })),
    });
    const old = () => db().lagSample.count({ where: { zoneId: zone.id, at: { lt: new Date(now.getTime() - 8 * DAY) } } });
    const write = (o: Partial<LagObservation> = {}) => recordLag(db(), [observed({ zoneId: zone.id, at: now, ...o })], { keepDays: 8, now });

    await write();
    expect(await old()).toBe(700);
    await write();
    await write();
    expect(await old()).toBe(0);
    // The window is kept whole (8 days: 7.5 days old stays), with what was written.
    expect(await db().lagSample.count({ where: { zoneId: zone.id } })).toBe(2 + 3);
    // Serving times go with the batches that add one.
    expect(await db().serveTime.count({ where: { zoneId: zone.id } })).toBe(2);
    const change = await applyChangeset('lag-prune.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await write({ theirs: change.newSerial, ours: change.newSerial, before: change.newSerial - 1 });
    expect((await db().serveTime.findMany({ where: { zoneId: zone.id } })).map((s) => Number(s.serial)).sort()).toEqual([5, change.newSerial].sort());
  });
});
