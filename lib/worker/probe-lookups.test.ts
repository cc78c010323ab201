// The sweep's lookups of secondaries named by host: zones of one provider
// share their NS hosts, so a sweep looks each name up once a minute, not once
// per zone (a file of its own: zones of other tests would be swept too).
import dns from 'node:dns/promises';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { db } from '../db';
import { eventually } from '../testing/dns-client';
import { startSoaSecondary, type Responder } from '../testing/dns-responder';
import { applyChangeset } from '../zones/changes';
import { createZone, setZoneOptions } from '../zones/zone-lifecycle';
import { startWorker, type RunningWorker } from './worker';

const actor = { name: 'test' };
const names = Array.from({ length: 6 }, (_, i) => `l${i}.lookups.test.`);
const HOST = 'secondary.lookups.test';
/** SOA questions the secondary got, per zone. */
const asked = new Map<string, number>();
let secondary: Responder;
let worker: RunningWorker;
const lookup = vi.spyOn(dns, 'lookup');

beforeAll(async () => {
  secondary = await startSoaSecondary(
    () => 1,
    (name) => asked.set(name, (asked.get(name) ?? 0) + 1),
  );
  // The secondary's name resolves to the responder (the system resolver is not ours to set up).
  lookup.mockImplementation((async (host: string) =>
    host === HOST ? [{ address: '127.0.0.1', family: 4 }] : Promise.reject(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' }))) as unknown as typeof dns.lookup);
  for (const name of names) {
    await createZone({ name }, actor);
    // NS hosts outside the zone, without glue: the sweep looks their names up (and asks them on
    // port 53, where nothing answers). The also-notify address is the responder, which counts sweeps.
    await setZoneOptions(name, { alsoNotify: [`127.0.0.1:${secondary.port}`] }, actor);
    await applyChangeset(name, { add: [{ name: '@', type: 'NS', content: `${HOST}.` }, { name: '@', type: 'NS', content: 'gone.lookups.test.' }] }, actor);
  }
  // Only the sweep looks names up here: the NOTIFYs of these commits (and the probes that chase them) are not sent.
  await db().notifyJob.deleteMany({});
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 600_000, changeFeed: false, probe: { intervalMs: 100, zonesPerSecond: 50, timeoutsMs: [200] } });
});

afterAll(async () => {
  await worker?.stop();
  await secondary?.close();
  lookup.mockRestore();
});

describe('the sweep of secondaries named by host', () => {
  it('looks each name up once for many zones and sweeps, a failed one too, and still probes and records every zone', async () => {
    // Two sweeps over every zone.
    await eventually(async () => Math.min(...names.map((n) => asked.get(n) ?? 0)), (n) => n >= 2, 15_000);
    const looked = (host: string) => lookup.mock.calls.filter(([h]) => h === host).length;
    // Bug: every probe of every zone asked the system resolver for each of its secondaries' names.
    expect(looked(HOST)).toBe(1);
    expect(looked('gone.lookups.test')).toBe(1);
    const statuses = await eventually(() => db().replicaStatus.findMany({ where: { zone: { name: { in: names } } } }), (rs) => rs.length === 3 * names.length, 5000);
    const byTarget = (t: string) => statuses.filter((s) => s.target === t);
    expect(byTarget(`127.0.0.1:${secondary.port}`).map((s) => s.state)).toEqual(names.map(() => 'ok'));
    // The looked-up address is probed for every zone (nothing answers there).
    expect(byTarget('127.0.0.1:53')).toHaveLength(names.length);
    // A name that does not resolve is shown as an error on every zone, with the resolver's reason.
    expect(byTarget('gone.lookups.test.:53').map((s) => [s.state, s.error])).toEqual(names.map(() => ['error', expect.stringContaining('ENOTFOUND')]));
  });
});
