// ZK_TRANSFER_SOURCE against a real BIND 9 primary that allows transfers from
// 127.0.0.9 only (BIND listens on 127.0.0.1; the address it allows is ours, the
// client's, and Node can bind any 127/8 address). Each case is a worker
// started with the variable set as a user would, checking the zone at start.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { db } from '../../db';
import { RCODE } from '../../dns/wire';
import { startBind, type RunningBind } from '../../testing/bind';
import { ask, eventually } from '../../testing/dns-client';
import { requireProgram } from '../../testing/system-program';
import { getZone, getZoneRefreshStatus } from '../../zones/data';
import { createZone } from '../../zones/zone-lifecycle';
import { startWorker } from '../worker';
import { sourceFor } from './transfer-source';

const named = requireProgram('named', 'bind9');

describe('the source address a socket to a primary binds', () => {
  const both = { ipv4: '192.0.2.53', ipv6: '2001:db8::53' };
  it.each([
    ['an IPv4 primary, the IPv4 address', '192.0.2.1', both, '192.0.2.53'],
    ['an IPv6 primary, the IPv6 address', '2001:db8::1', both, '2001:db8::53'],
    ['a family not given, none (the kernel picks)', '2001:db8::1', { ipv4: '192.0.2.53' }, undefined],
    ['nothing set, none', '192.0.2.1', {}, undefined],
  ])('for %s', (_what, address, source, want) => {
    expect(sourceFor({ address, port: 53 }, source)).toBe(want);
  });
});
const ZONE = 'source.test';

describe.skipIf(!named)('ZK_TRANSFER_SOURCE, with a BIND primary that allows transfers from 127.0.0.9 only', { timeout: 60_000 }, () => {
  let bind: RunningBind;
  const saved = process.env.ZK_TRANSFER_SOURCE;

  beforeAll(async () => {
    bind = await startBind({
      program: named!,
      files: { 'source.test.zone': ['$TTL 300', `@ IN SOA ns1.${ZONE}. hostmaster.${ZONE}. 7 3600 600 86400 300`, `@ IN NS ns1.${ZONE}.`, 'ns1 IN A 127.0.0.1', 'www IN A 192.0.2.7', ''].join('\n') },
      config: (dir) => `zone "${ZONE}" { type primary; file "${dir}/source.test.zone"; notify no; allow-transfer { 127.0.0.9; }; };`,
    });
    await createZone({ name: ZONE, kind: 'secondary', primaries: [`127.0.0.1:${bind.port}`] }, { name: 'test' });
  });

  afterAll(async () => {
    if (saved === undefined) delete process.env.ZK_TRANSFER_SOURCE;
    else process.env.ZK_TRANSFER_SOURCE = saved;
    await bind?.stop();
  });

  /** Starts a worker with ZK_TRANSFER_SOURCE as given; its start-up check's event and refresh state, and what it served then. */
  async function checkAtStart(source: string | undefined) {
    if (source === undefined) delete process.env.ZK_TRANSFER_SOURCE;
    else process.env.ZK_TRANSFER_SOURCE = source;
    const since = (await db().zoneEvent.findFirst({ orderBy: { id: 'desc' } }))?.id ?? 0;
    const started = new Date();
    const zoneId = (await getZone(ZONE))!.id;
    const worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 1000 });
    try {
      const events = await eventually(
        () => db().zoneEvent.findMany({ where: { zoneName: `${ZONE}.`, id: { gt: since }, kind: { in: ['refresh', 'axfr-in'] } } }),
        (e) => e.length > 0,
        15_000,
        50,
      );
      // The refresh writes its outcome into the zone's state before the worker may stop.
      const state = await eventually(() => getZoneRefreshStatus(zoneId), (s) => !!s?.lastCheckAt && s.lastCheckAt >= started, 5000, 50);
      const www = await eventually(() => ask(worker.dns[0]!.port, `www.${ZONE}.`, 'A'), (m) => events[0]!.outcome !== 'ok' || m.answers.length > 0, 3000, 50);
      return { event: events[0]!, state: state!, www, serial: (await getZone(ZONE))!.serial };
    } finally {
      await worker.stop();
    }
  }

  it('without it, the kernel sends from 127.0.0.1 and BIND refuses the transfer', async () => {
    const r = await checkAtStart(undefined);
    expect(r.event).toMatchObject({ kind: 'axfr-in', outcome: 'refused', detail: 'the primary answered AXFR with REFUSED' });
    expect(r.www.rcode).toBe(RCODE.REFUSED);
  });

  it('from another address, 127.0.0.10, BIND refuses it too', async () => {
    const r = await checkAtStart('127.0.0.10');
    expect(r.event).toMatchObject({ kind: 'axfr-in', outcome: 'refused' });
    expect(bind.log()).toMatch(/client @\S+ 127\.0\.0\.10#\d+ \(source\.test\): zone transfer 'source\.test\/AXFR\/IN' denied/);
  });

  it('from an address this machine does not have, the refresh fails naming the setting', async () => {
    const r = await checkAtStart('192.0.2.99');
    expect(r.event).toMatchObject({ kind: 'refresh', outcome: 'error' });
    expect(r.event.detail).toBe('SOA check: cannot send from 192.0.2.99, ZK_TRANSFER_SOURCE: no interface of this machine has that address');
    expect(r.state.lastError).toBe(`127.0.0.1:${bind.port}: ${r.event.detail!.replace('SOA check: ', '')}`);
  });

  it('from 127.0.0.9 the zone is transferred and served', async () => {
    const r = await checkAtStart('127.0.0.9');
    expect(r.event).toMatchObject({ kind: 'axfr-in', outcome: 'ok' });
    expect(r.www.answers.map((a) => a.data)).toEqual(['192.0.2.7']);
    expect(r.serial).toBe(7);
    expect(r.state).toMatchObject({ lastError: null, refreshFailures: 0 });
    expect(bind.log()).toMatch(/client @\S+ 127\.0\.0\.9#\d+ \(source\.test\): transfer of 'source\.test\/IN': AXFR started/);
  });
});
