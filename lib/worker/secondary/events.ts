// Events of the secondary side (notify-in, axfr-in, ixfr-in, refresh,
// expire, and catalog for what a consumed catalog did to its members), written through the one zone-event writer
// (lib/replication/zone-events.ts) for `zonekeeper zone status` and the
// dashboard. Writing one must never break what it records: a failure (a full
// disk) is logged and forgotten, never retried, so that it cannot loop.
import { failureMessage } from '../../db-errors';
import { recordZoneEvents, type ZoneEvent, type ZoneEventKind } from '../../replication/zone-events';
import type { CatalogSync } from '../../zones/catalog-consumer';
import type { Logger } from '../logger';

export type SecondaryEventKind = Extract<ZoneEventKind, 'notify-in' | 'axfr-in' | 'ixfr-in' | 'refresh' | 'expire' | 'catalog'>;

/** A zone event of the secondary side; the worker that records it adds its ID. */
export type SecondaryEvent = Omit<ZoneEvent, 'kind' | 'workerId' | 'createdAt'> & { kind: SecondaryEventKind };

export async function recordEvent(e: SecondaryEvent, log: Logger, workerId: string | null = null): Promise<void> {
  await recordEvents([e], log, workerId);
}

/** Several events in one statement (a catalog version that adds thousands of members). */
export async function recordEvents(es: readonly SecondaryEvent[], log: Logger, workerId: string | null = null): Promise<void> {
  try {
    await recordZoneEvents(es.map((e) => ({ ...e, workerId })));
  } catch (err) {
    log.warn({ zone: es[0]?.zoneName, kind: es[0]?.kind, events: es.length, err: failureMessage(err) }, 'could not record an event');
  }
}

/**
 * The events of what catalog `catalog`'s version `serial` (from `peer`) did
 * to its members: every one on the catalog, and those of a member that is
 * still here (added, reset) on the member too, so that its own history says
 * where it came from.
 */
export function catalogEvents(catalog: { id: number; name: string }, peer: string, serial: number, sync: CatalogSync): SecondaryEvent[] {
  const out: SecondaryEvent[] = [];
  for (const e of sync.events) {
    out.push({ zoneId: catalog.id, zoneName: catalog.name, kind: 'catalog', peer, serial, outcome: e.outcome, detail: e.detail });
    if (e.member && e.memberId !== null) out.push({ zoneId: e.memberId, zoneName: e.member, kind: 'catalog', peer, serial: null, outcome: e.outcome, detail: `catalog ${catalog.name}: ${e.detail}` });
  }
  return out;
}
