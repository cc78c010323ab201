// The dashboard's states and timeline, from probe results and events written
// the way the worker writes them.
import { describe, expect, it } from 'vitest';
import { createUser, grantZone } from '../auth/users';
import { db } from '../db';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { getZoneReplication, listReplication, listReplicationPage, propagationTimeline, ZONE_STATES, type ZoneReplicaState, type ZoneReplication } from './data';
import { recordZoneEvents } from './zone-events';

const actor = { name: 'test' };

async function status(zoneId: number, target: string, state: string, serial: number | null) {
  await db().replicaStatus.create({ data: { zoneId, target, state, serial: serial === null ? null : BigInt(serial), checkedAt: new Date(), lastOkAt: state === 'ok' ? new Date() : null } });
}

describe('replication states', () => {
  it('gives each secondary and the zone a state an operator can act on', async () => {
    const created = await createZone({ name: 'states.test' }, actor);
    const change = await applyChangeset('states.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'states.test.' } });
    await status(zone.id, '192.0.2.10:53', 'ok', change.newSerial);
    await status(zone.id, '192.0.2.11:53', 'ok', created.serial);
    const behindMs = 60_000;

    const fresh = await getZoneReplication(zone.id, { behindMs });
    expect(fresh!.secondaries.map((s) => [s.target, s.state, s.lagSerials])).toEqual([
      ['192.0.2.10:53', 'in sync', 0],
      ['192.0.2.11:53', 'propagating', 1],
    ]);
    expect(fresh!.state).toBe('propagating');

    // The same lag past the threshold is "behind", with its age in seconds.
    const later = new Date(Date.now() + 120_000);
    const old = await getZoneReplication(zone.id, { behindMs, now: later });
    expect(old!.state).toBe('behind');
    expect(old!.secondaries[1]!.lagSeconds).toBeGreaterThanOrEqual(119);

    await db().replicaStatus.updateMany({ where: { zoneId: zone.id, target: '192.0.2.11:53' }, data: { state: 'timeout' } });
    expect((await getZoneReplication(zone.id, { behindMs }))!.state).toBe('unreachable');
    await db().replicaStatus.updateMany({ where: { zoneId: zone.id, target: '192.0.2.10:53' }, data: { state: 'refused' } });
    const worst = await getZoneReplication(zone.id, { behindMs });
    expect(worst!.state).toBe('missing');
    expect(worst!.secondaries.map((s) => s.state)).toEqual(['missing', 'unreachable']);
  });

  it('lists zones with no secondaries apart, and counts each state', async () => {
    await createZone({ name: 'lonely.test' }, actor);
    const all = await listReplication();
    expect(all.find((z) => z.zone === 'lonely.test.')?.state).toBe('no secondaries');
    expect((await listReplicationPage()).counts['no secondaries']).toBeGreaterThanOrEqual(1);
  });
});

/** A zone at `serial` whose secondaries last answered as given: [probe state, serial they served]. */
async function zoneWith(name: string, serial: number, secondaries: [string, number | null][]): Promise<void> {
  await createZone({ name }, actor);
  const zone = await db().zone.update({ where: { name: `${name}.` }, data: { serial: BigInt(serial) } });
  for (const [i, [state, theirs]] of secondaries.entries()) await status(zone.id, `192.0.2.${i + 1}:53`, state, theirs);
}

describe('the journal of lagging zones', () => {
  // Read for every lagging zone at once: a zone with a long history still gives only its newest 200 changes.
  it('dates and counts what each lagging secondary lacks from the newest 200 changes of its zone', async () => {
    const t0 = Date.now() - 3_600_000;
    async function history(name: string, changes: number, theirs: number): Promise<void> {
      await zoneWith(name, changes, [['ok', theirs]]);
      const zone = await db().zone.findUniqueOrThrow({ where: { name: `${name}.` } });
      await db().change.deleteMany({ where: { zoneId: zone.id } });
      await db().change.createMany({
        data: Array.from({ length: changes }, (_, i) => ({
          zoneId: zone.id, actor: 'test', oldSerial: BigInt(i), newSerial: BigInt(i + 1), removed: '[]', added: '[]', createdAt: new Date(t0 + (i + 1) * 1000),
        })),
      });
    }
    await history('long-history.test', 250, 10);
    await history('short-history.test', 3, 1);
    const now = new Date(t0 + 1_000_000);
    const byName = new Map((await listReplication({ now, behindMs: 60_000 })).map((z) => [z.zone, z.secondaries[0]!]));
    // Serials 51..250 are the newest 200: the first it lacks among them is 51, committed at t0 + 51 s.
    expect(byName.get('long-history.test.')).toMatchObject({ state: 'behind', lagSerials: 200, lagSeconds: 1_000 - 51 });
    expect(byName.get('short-history.test.')).toMatchObject({ state: 'behind', lagSerials: 2, lagSeconds: 1_000 - 2 });
  });
});

describe('the dashboard a page at a time', () => {
  // The database ranks and counts the zones, listReplication says each zone's state: the two must agree,
  // on every rule of secondaryState (RFC 1982 wrap-around and the undefined half-way point included).
  it('counts and pages exactly the states listReplication gives, worst first, then by name', async () => {
    await zoneWith('p-synced.test', 10, [['ok', 10], ['ok', 11]]);
    await zoneWith('p-wrapped-ahead.test', 4294967295, [['ok', 3]]); // 3 is after 4294967295: in sync
    await zoneWith('p-wrapped-behind.test', 5, [['ok', 4294967295]]); // 4294967295 is before 5: lagging
    await zoneWith('p-half-way.test', 0, [['ok', 2147483648]]); // neither before nor after: not in sync
    await zoneWith('p-no-serial.test', 7, [['ok', null]]);
    await zoneWith('p-timeout.test', 1, [['ok', 1], ['timeout', 1]]);
    await zoneWith('p-error.test', 1, [['error', null]]);
    await zoneWith('p-refused.test', 1, [['timeout', 1], ['refused', null]]);
    await zoneWith('p-missing.test', 1, [['missing', null], ['ok', 0]]);
    await zoneWith('p-lonely.test', 1, []);
    // Lagging behind a change just committed: propagating, until behindMs has passed.
    const created = await createZone({ name: 'p-fresh.test' }, actor);
    await applyChangeset('p-fresh.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await status((await db().zone.findUniqueOrThrow({ where: { name: 'p-fresh.test.' } })).id, '192.0.2.1:53', 'ok', created.serial);

    for (const behindMs of [60_000, 1]) {
      const opts = { behindMs, now: new Date(Date.now() + 1000) };
      const all = await listReplication(opts);
      const order = (z: { state: ZoneReplicaState; zone: string }) => [ZONE_STATES.indexOf(z.state), z.zone] as const;
      const expected = [...all].sort((a, b) => {
        const [x, y] = [order(a), order(b)];
        return x[0] - y[0] || (x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0);
      });
      expect(new Set(expected.map((z) => z.state))).toEqual(new Set(behindMs === 1 ? ZONE_STATES.filter((s) => s !== 'propagating') : ZONE_STATES));

      // Every zone once, in order, wherever a page boundary falls (inside the lagging ones too).
      const first = await listReplicationPage({ ...opts, pageSize: 3 });
      expect(first.total).toBe(all.length);
      for (const pageSize of [1, 2, 3, 5]) {
        const pages = Math.ceil(all.length / pageSize);
        const paged: ZoneReplication[][] = [];
        for (let page = 1; page <= pages; page++) paged.push((await listReplicationPage({ ...opts, pageSize, page })).zones);
        expect(paged.flat().map((z) => [z.zone, z.state]), `pages of ${pageSize}`).toEqual(expected.map((z) => [z.zone, z.state]));
        expect(paged.slice(0, -1).every((p) => p.length === pageSize)).toBe(true);
      }
      // A page past the end is the last one.
      expect((await listReplicationPage({ ...opts, pageSize: 3, page: 99 })).page).toBe(first.pages);

      for (const state of ZONE_STATES) {
        const want = expected.filter((z) => z.state === state);
        expect(first.counts[state], state).toBe(want.length);
        const filtered = await listReplicationPage({ ...opts, state, pageSize: 2 });
        expect(filtered.matching).toBe(want.length);
        expect(filtered.zones.map((z) => z.zone)).toEqual(want.slice(0, 2).map((z) => z.zone));
        const last = await listReplicationPage({ ...opts, state, pageSize: 2, page: filtered.pages });
        expect(last.zones.map((z) => z.zone)).toEqual(want.slice((filtered.pages - 1) * 2).map((z) => z.zone));
      }
      expect(ZONE_STATES.reduce((n, s) => n + first.counts[s], 0)).toBe(first.total);

      // The doctor's zones come with any page and filter: those not in sync, worst first, as many as asked.
      const notInSync = expected.filter((z) => z.state !== 'in sync' && z.state !== 'no secondaries').map((z) => [z.zone, z.state]);
      expect(notInSync.length).toBeGreaterThan(3);
      for (const asked of [1, 3, Infinity]) {
        const { problems } = await listReplicationPage({ ...opts, state: 'in sync', pageSize: 1, page: 2, problems: asked });
        expect(problems.map((z) => [z.zone, z.state]), `problems: ${asked}`).toEqual(notInSync.slice(0, asked));
      }
      expect(first.problems).toEqual([]);
    }
  });

  it('shows an editor only the zones granted to them, and a viewer every zone', async () => {
    await zoneWith('mine.rights.test', 3, [['ok', 3]]);
    await zoneWith('theirs.rights.test', 3, [['timeout', 3]]);
    const editor = await createUser('rights-editor', 'a-long-password', 'editor');
    const stranger = await createUser('rights-stranger', 'a-long-password', 'editor');
    const viewer = await createUser('rights-viewer', 'a-long-password', 'viewer');
    await grantZone('rights-editor', 'mine.rights.test');

    const mine = await listReplicationPage({ visibleTo: editor });
    expect(mine.zones.map((z) => z.zone)).toEqual(['mine.rights.test.']);
    expect(mine.total).toBe(1);
    expect(mine.counts).toMatchObject({ 'in sync': 1, unreachable: 0 });
    // Filtering for the state of a zone they may not see finds nothing, and says so by its count.
    expect((await listReplicationPage({ visibleTo: editor, state: 'unreachable' })).zones).toEqual([]);

    expect((await listReplicationPage({ visibleTo: editor, problems: 10 })).problems).toEqual([]);

    const none = await listReplicationPage({ visibleTo: stranger, problems: 10 });
    expect(none.total).toBe(0);
    expect(none.zones).toEqual([]);
    expect(none.problems).toEqual([]);

    const everything = await listReplicationPage({ visibleTo: viewer, pageSize: 500 });
    expect(everything.total).toBe((await listReplication()).length);
    expect(everything.zones.map((z) => z.zone)).toEqual(expect.arrayContaining(['mine.rights.test.', 'theirs.rights.test.']));
  });
});

describe('propagationTimeline', () => {
  it('follows a change from NOTIFY through the transfer to the first probe that saw it', async () => {
    await createZone({ name: 'timeline.test' }, actor);
    const c = await applyChangeset('timeline.test', { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'timeline.test.' } });
    const change = await db().change.findUniqueOrThrow({ where: { id: c.changeId! } });
    const t = (ms: number) => new Date(change.createdAt.getTime() + ms);
    const target = '127.0.0.9:5300';
    await status(zone.id, target, 'ok', c.newSerial);
    await status(zone.id, '127.0.0.10:53', 'timeout', null);
    const ev = { zoneId: zone.id, zoneName: zone.name, serial: c.newSerial };
    await recordZoneEvents([
      { ...ev, kind: 'notify-out', peer: target, outcome: 'acknowledged', durationMs: 3, createdAt: t(50) },
      { ...ev, kind: 'ixfr-out', peer: '127.0.0.9', outcome: 'ok', durationMs: 12, records: 4, createdAt: t(300) },
      { ...ev, kind: 'probe', peer: target, outcome: 'ok', durationMs: 1, createdAt: t(800) },
    ]);
    const [latest] = await propagationTimeline(zone.id);
    expect(latest!.serial).toBe(c.newSerial);
    const reached = latest!.targets.find((p) => p.target === target)!;
    expect(reached.notify?.outcome).toBe('acknowledged');
    expect(reached.transfer).toMatchObject({ kind: 'IXFR', durationMs: 12 });
    expect(reached.elapsedMs).toBe(800);
    expect(latest!.live).toBe(1);
    expect(latest!.targets).toHaveLength(2);
    expect(latest!.allLiveAfterMs).toBeNull();
  });
});

describe('renderMetrics', () => {
  it('exposes serials, lag and counters in the Prometheus text format', async () => {
    const { renderMetrics } = await import('./metrics');
    await createZone({ name: 'metrics.test' }, actor);
    const c = await applyChangeset('metrics.test', { add: [{ name: 'a', type: 'A', content: '192.0.2.7' }] }, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: 'metrics.test.' } });
    await status(zone.id, '192.0.2.20:53', 'ok', c.oldSerial);
    await recordZoneEvents([
      { zoneId: zone.id, zoneName: zone.name, kind: 'notify-out', peer: '192.0.2.20:53', outcome: 'acknowledged' },
      { zoneId: zone.id, zoneName: zone.name, kind: 'notify-out', peer: '192.0.2.20:53', outcome: 'timeout' },
      { zoneId: zone.id, zoneName: zone.name, kind: 'axfr-out', peer: '192.0.2.20', outcome: 'ok' },
    ]);
    const text = await renderMetrics({ visible: { id: zone.id } });
    expect(text).toContain(`zonekeeper_zone_serial{zone="metrics.test."} ${c.newSerial}`);
    expect(text).toContain(`zonekeeper_secondary_serial{zone="metrics.test.",secondary="192.0.2.20:53"} ${c.oldSerial}`);
    expect(text).toContain('zonekeeper_secondary_lag_serials{zone="metrics.test.",secondary="192.0.2.20:53"} 1');
    expect(text).toContain('zonekeeper_notify_total{outcome="acknowledged"} 1');
    expect(text).toContain('zonekeeper_notify_total{outcome="timeout"} 1');
    expect(text).toContain('zonekeeper_transfers_total{kind="axfr-out",outcome="ok"} 1');
    expect(text).toMatch(/# TYPE zonekeeper_secondary_lag_seconds gauge/);
  });
});
