// The one zone-event writer: a batch in one statement, read back by the
// dashboard's event list as the worker wrote it; an unknown kind does not
// compile.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createZone } from '../zones/zone-lifecycle';
import { recentZoneEvents } from './events';
import { recordZoneEvents, type ZoneEvent } from './zone-events';

// `tsc --noEmit` (every check) fails if this line ever compiles.
// @ts-expect-error 'axfr-sent' is not a ZoneEventKind
const unknownKind: ZoneEvent = { zoneId: null, zoneName: 'x.', kind: 'axfr-sent', peer: '', outcome: 'ok' };
void unknownKind;

describe('recordZoneEvents', () => {
  it('writes a batch that the dashboard lists, newest first, worded and attributed', async () => {
    await createZone({ name: 'events.test' }, { name: 'test' });
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'events.test.' } });
    const at = new Date(Date.now() - 60_000);
    const base = { zoneId: zone.id, zoneName: zone.name, serial: 2026120601 };
    await recordZoneEvents([
      { ...base, kind: 'notify-out', peer: '192.0.2.1:53', outcome: 'acknowledged', durationMs: 4, workerId: 'w1', createdAt: at },
      { ...base, kind: 'axfr-out', peer: '192.0.2.1', outcome: 'ok', detail: 'axfr', records: 12, bytes: 900, durationMs: 7 },
      { ...base, kind: 'probe', peer: '192.0.2.1:53', outcome: 'ok' },
    ]);
    const rows = await db().zoneEvent.findMany({ where: { zoneId: zone.id }, orderBy: { id: 'asc' } });
    expect(rows.map((r) => [r.kind, r.serial, r.workerId, r.detail])).toEqual([
      ['notify-out', 2026120601n, 'w1', null],
      ['axfr-out', 2026120601n, null, 'axfr'],
      ['probe', 2026120601n, null, null],
    ]);
    expect(rows[0]!.createdAt.getTime()).toBe(at.getTime());
    const listed = await recentZoneEvents(zone.id);
    // Probes are not in the event list (data.ts shows them in the propagation timeline).
    expect(listed.map((e) => [e.label, e.ok, e.details])).toEqual([
      ['AXFR served', true, '12 records, 900 bytes, 7 ms, axfr'],
      ['NOTIFY sent', true, '4 ms, by w1'],
    ]);
  });

  it('writes nothing for an empty batch', async () => {
    const before = await db().zoneEvent.count();
    await recordZoneEvents([]);
    expect(await db().zoneEvent.count()).toBe(before);
  });

  it('keeps ZK_EVENT_DAYS days: each write deletes older events, oldest first, a bounded batch at a time', async () => {
    await createZone({ name: 'old-events.test' }, { name: 'test' });
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'old-events.test.' } });
    const base = { zoneId: zone.id, zoneName: zone.name, kind: 'notify-out' as const, peer: '192.0.2.9:53', outcome: 'acknowledged' };
    const now = new Date();
    const daysAgo = (d: number, ms = 0) => new Date(now.getTime() - d * 86_400_000 - ms);
    // 1,200 events from 40 days ago (oldest first by a millisecond each), and one of 29 days ago.
    await db().zoneEvent.createMany({ data: Array.from({ length: 1200 }, (_, i) => ({ ...base, createdAt: daysAgo(40, 1200 - i) })) });
    await db().zoneEvent.create({ data: { ...base, detail: 'recent', createdAt: daysAgo(29) } });
    const kept = () => db().zoneEvent.findMany({ where: { zoneId: zone.id }, orderBy: { createdAt: 'asc' }, select: { createdAt: true, detail: true } });

    // One new event: at least 500 of the oldest go (the default keeps 30 days), not the recent one.
    await recordZoneEvents([{ ...base, detail: 'new' }], db(), { now });
    let rows = await kept();
    expect(rows).toHaveLength(1200 - 500 + 2);
    expect(rows[0]!.createdAt.getTime()).toBe(daysAgo(40, 700).getTime());
    // Two more writes drain the backlog; what is younger than ZK_EVENT_DAYS stays.
    await recordZoneEvents([{ ...base, detail: 'new' }], db(), { now });
    await recordZoneEvents([{ ...base, detail: 'new' }], db(), { now });
    rows = await kept();
    expect(rows.map((r) => r.detail)).toEqual(['recent', 'new', 'new', 'new']);

    // A shorter setting: the 29-day-old event goes at the next write.
    process.env.ZK_EVENT_DAYS = '7';
    try {
      await recordZoneEvents([{ ...base, detail: 'newer' }], db(), { now });
    } finally {
      delete process.env.ZK_EVENT_DAYS;
    }
    expect((await kept()).map((r) => r.detail)).toEqual(['new', 'new', 'new', 'newer']);
  });
});
