// "Notify secondaries now" (CLI `zonekeeper notify`, the web button later):
// send the zone's current SOA to every target at once, record each outcome as
// an event, and report them.
import { notifySource } from '../config/env';
import { formatHostPort, splitHostPort } from '../dns/address';
import { recordZoneEvents } from '../replication/zone-events';
import { getZone } from '../zones/data';
import { notifyTargets } from '../zones/notify-targets';
import type { NotifyReport } from '../control/protocol';
import { sendNotify } from './notify-out';
import { resolveTarget } from './notify-queue';
import type { ZoneStore } from './zone-store';

/** NOTIFY to every secondary of the zone now, or only to `only` (ADDRESS:PORT as the dashboard lists it). */
export async function notifyZoneNow(store: ZoneStore, zoneName: string, only?: string, workerId: string | null = null): Promise<NotifyReport> {
  const zone = await getZone(zoneName);
  if (!zone) throw new Error(`no zone ${zoneName}`);
  if (zone.kind !== 'primary') throw new Error(`${zone.name} is a secondary zone; only its primary sends NOTIFY`);
  const soa = zone.records[0]!;
  const keyName = store.get(zone.name)?.transfer.tsigKeyName;
  const key = keyName ? store.tsigKeys.get(keyName) : undefined;
  const targets = notifyTargets(zone.name, zone.soa.mname, zone.records, zone.alsoNotify);
  let addresses = (await Promise.all(targets.map((t) => resolveTarget(t).catch(() => [splitHostPort(t, 53)])))).flat();
  if (only) {
    addresses = addresses.filter((a) => formatHostPort(a) === only);
    if (addresses.length === 0) throw new Error(`${only} is not a secondary of ${zone.name} (not an NS host address or also-notify target)`);
  }
  const results = await Promise.all(addresses.map((a) => sendNotify(soa, a, { source: notifySource(), key })));
  await recordZoneEvents(
    results.map((r) => ({
      zoneId: zone.id,
      zoneName: zone.name,
      kind: 'notify-out',
      peer: r.target,
      serial: zone.serial,
      outcome: r.outcome,
      detail: r.detail ?? null,
      durationMs: r.ms ?? null,
      workerId,
    })),
  );
  return { zone: zone.name, serial: zone.serial, results };
}
