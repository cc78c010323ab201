// The recent transfer and NOTIFY events of a zone, worded for the dashboard
// (zone-events.ts owns the kinds and writes them), and as stored for
// `zonekeeper zone status`.
import { db } from '../db';
import type { ZoneEventKind } from './zone-events';

export interface ZoneEventView {
  id: number;
  createdAt: Date;
  label: string;
  peer: string;
  serial: number | null;
  outcome: string;
  ok: boolean;
  details: string;
}

/** The kinds the dashboard's event list shows; probes show in the propagation timeline (data.ts), every kind in `zonekeeper zone status`. */
const LABELS: Partial<Record<ZoneEventKind, string>> = {
  'notify-out': 'NOTIFY sent',
  'notify-in': 'NOTIFY received',
  'axfr-out': 'AXFR served',
  'ixfr-out': 'IXFR served',
  'axfr-in': 'AXFR received',
  'ixfr-in': 'IXFR received',
  update: 'UPDATE received',
  dnssec: 'DNSSEC key step',
  catalog: 'Catalog',
};

export async function recentZoneEvents(zoneId: number, limit = 20): Promise<ZoneEventView[]> {
  const rows = await db().zoneEvent.findMany({
    where: { zoneId, kind: { in: Object.keys(LABELS) } },
    orderBy: { id: 'desc' },
    take: limit,
  });
  return rows.map((e) => ({
    id: e.id,
    createdAt: e.createdAt,
    label: LABELS[e.kind as ZoneEventKind] ?? e.kind,
    peer: e.peer,
    serial: e.serial === null ? null : Number(e.serial),
    outcome: e.outcome,
    ok: e.outcome === 'ok' || e.outcome === 'acknowledged' || e.outcome === 'unchanged',
    details: [
      e.records !== null ? `${e.records} records` : '',
      e.bytes !== null ? `${e.bytes} bytes` : '',
      e.durationMs !== null ? `${e.durationMs} ms` : '',
      e.detail ?? '',
      // Several workers may share a database: say which one did it.
      e.workerId ? `by ${e.workerId}` : '',
    ]
      .filter(Boolean)
      .join(', '),
  }));
}

/** One stored event as `zonekeeper zone status` lists it: every kind, every column it prints. */
export interface ZoneEventRow {
  createdAt: Date;
  kind: string;
  peer: string;
  serial: bigint | null;
  outcome: string;
  records: number | null;
  bytes: number | null;
  durationMs: number | null;
  detail: string | null;
}

/** The latest `limit` events of the zone named `zoneName` (a deleted zone's too), newest first. */
export async function latestZoneEvents(zoneName: string, limit: number): Promise<ZoneEventRow[]> {
  return db().zoneEvent.findMany({
    where: { zoneName },
    orderBy: { id: 'desc' },
    take: limit,
    select: { createdAt: true, kind: true, peer: true, serial: true, outcome: true, records: true, bytes: true, durationMs: true, detail: true },
  });
}
