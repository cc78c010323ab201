// Zonekeeper as the producer of a catalog zone (RFC 9432) for a real
// consumer on loopback (BIND, Knot): the catalog exists before the consumer
// starts, so that its first transfer finds it, and the zone template sends
// NOTIFY for the catalog and for every new member to the consumer, which is
// how an operator sets up secondaries that follow a catalog. Members are
// created as an operator would (a zone, then its records), and what the
// consumer serves is read back with bounded polls.
import { writeTransaction } from '../db';
import { RCODE, rcodeName } from '../dns/wire';
import { getSetting } from '../settings/data';
import { setSetting } from '../settings/mutations';
import { startWorker, type RunningWorker } from '../worker/worker';
import { producerCatalog } from '../zones/catalog';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { COMMIT_TX } from '../zones/zone-version';
import { freePort } from './bind';
import { ask } from './dns-client';

const actor = { name: 'test' };

/**
 * Makes `catalog` a producer catalog and the template's catalog, with NOTIFY
 * of new zones (the catalog too) to 127.0.0.1:`consumerPort`, then starts a
 * worker on a port of its own that the CLI and the change service nudge.
 */
export async function produceCatalogFor(catalog: string, consumerPort: number): Promise<RunningWorker> {
  await setSetting('zoneDefaults', { ...(await getSetting('zoneDefaults')), catalog, alsoNotify: [`127.0.0.1:${consumerPort}`] });
  await writeTransaction((tx) => producerCatalog(tx, catalog, actor), COMMIT_TX);
  const worker = await startWorker({
    listen: [{ address: '127.0.0.1', port: await freePort('127.0.0.1') }],
    controlPort: 0,
    pollIntervalMs: 200,
    notify: { firstBackoffMs: 200, timeoutsMs: [500, 1000] },
    probe: { intervalMs: 0 },
  });
  // Commits nudge this worker at once rather than at its next poll.
  process.env.ZK_CONTROL_PORT = String(worker.controlPort);
  return worker;
}

/**
 * Creates `zone` (listed in the template's catalog, in `group` when given)
 * and then gives it `www A address`, as an operator creates a zone and fills
 * it. Its name server lies outside it, with no address we would NOTIFY.
 */
export async function createMember(zone: string, address: string, group?: string): Promise<void> {
  const { catalog } = await getSetting('zoneDefaults');
  await createZone({ name: zone, nameservers: ['ns1.example.net.'], ...(group ? { catalog, catalogGroup: group } : {}) }, actor);
  await applyChangeset(zone, { add: [{ name: 'www', type: 'A', content: address }] }, actor);
}

/** What `port` answers for `www.ZONE A`: the addresses, or the rcode's name when it is not NOERROR, or null when silent. */
export async function wwwAt(port: number, zone: string): Promise<string[] | string | null> {
  try {
    const r = await ask(port, `www.${zone}`, 'A', { timeoutMs: 500 });
    if (r.rcode !== RCODE.NOERROR) return rcodeName(r.rcode);
    return r.answers.filter((a) => a.type === 'A').map((a) => String(a.data));
  } catch {
    return null;
  }
}

/** Polls `wwwAt` until it equals `expected` (JSON-equal) or `withinMs` passes; returns the last answer. */
export async function waitForWww(port: number, zone: string, expected: string[] | string, withinMs: number): Promise<string[] | string | null> {
  const want = JSON.stringify(expected);
  const deadline = Date.now() + withinMs;
  for (;;) {
    const got = await wwwAt(port, zone);
    if (JSON.stringify(got) === want || Date.now() > deadline) return got;
    await new Promise((r) => setTimeout(r, 100));
  }
}
