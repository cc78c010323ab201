// Zone events: what happened between this server and its peers, one row per
// NOTIFY, transfer, refresh, expiry or probe, kept for the dashboard
// (events.ts, data.ts, metrics.ts), the doctor and `zonekeeper zone status`,
// ZK_EVENT_DAYS days (the writer deletes older ones as it writes). This module
// owns the closed set of kinds and the one writer; the worker writes them
// (lib/worker: transfer-out.ts, notify-queue.ts, notify-now.ts, prober.ts,
// and secondary/events.ts for NOTIFY in, transfers in, refreshes, expiry).
import { eventDays } from '../config/env';
import { db } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { daysBefore, deleteOldest, pruneBatch } from '../retention';

export const ZONE_EVENT_KINDS = [
  'notify-out', // a NOTIFY we sent (notify-queue.ts, notify-now.ts)
  'notify-in', // a NOTIFY we received (notify-in.ts, secondary/engine.ts)
  'axfr-out', // a transfer we served or refused (transfer-out.ts)
  'ixfr-out',
  'axfr-in', // a transfer of a secondary zone (secondary/refresh.ts)
  'ixfr-in',
  'refresh', // a secondary zone's SOA check that failed (secondary/refresh.ts)
  'expire', // a secondary zone past its expire (secondary/engine.ts)
  'probe', // news from a probe of a secondary: a new state or serial (prober.ts)
  'update', // a DNS UPDATE we applied or refused (lib/worker/update.ts)
  'dnssec', // a signing, unsigning or key rollover step (lib/zones/zone-signing.ts, key-rollover.ts)
  'catalog', // a catalog's member added, removed or refused, or a catalog refused whole (lib/zones/catalog*.ts)
] as const;

export type ZoneEventKind = (typeof ZONE_EVENT_KINDS)[number];

export interface ZoneEvent {
  /** null when the zone is not ours (a refused NOTIFY for an unknown zone). */
  zoneId: number | null;
  zoneName: string;
  kind: ZoneEventKind;
  /** "address:port", or a bare address (a NOTIFY's source, a transfer client); '' for an expiry. */
  peer: string;
  serial?: number | null;
  /** ok | acknowledged | refused | notauth | formerr | error | timeout | expired | a probe state */
  outcome: string;
  detail?: string | null;
  records?: number | null;
  bytes?: number | null;
  durationMs?: number | null;
  /** The worker that wrote it (ZK_WORKER_ID): several may share a database. */
  workerId?: string | null;
  /** When it happened, if not now (a probe batch records the time of its probes). */
  createdAt?: Date;
}

/** The database, or a transaction of it (the prober writes its events with the statuses they explain). */
export type ZoneEventWriter = Pick<Prisma.TransactionClient, 'zoneEvent'>;

/**
 * Writes `events` in one statement (a sweep of the prober or a NOTIFY to
 * many targets is one round trip), then deletes events older than
 * ZK_EVENT_DAYS, oldest first, a bounded number (`opts.now`: the time they
 * are measured from). Failures are the caller's: some give up quietly, some
 * retry with the rest of their transaction.
 */
export async function recordZoneEvents(events: readonly ZoneEvent[], writer: ZoneEventWriter = db(), opts: { now?: Date } = {}): Promise<void> {
  if (events.length === 0) return;
  await writer.zoneEvent.createMany({
    data: events.map((e) => ({
      zoneId: e.zoneId,
      zoneName: e.zoneName,
      kind: e.kind,
      peer: e.peer,
      serial: e.serial === undefined || e.serial === null ? null : BigInt(e.serial),
      outcome: e.outcome,
      detail: e.detail ?? null,
      records: e.records ?? null,
      bytes: e.bytes ?? null,
      durationMs: e.durationMs ?? null,
      workerId: e.workerId ?? null,
      ...(e.createdAt ? { createdAt: e.createdAt } : {}),
    })),
  });
  // Every write prunes a little: the table holds ZK_EVENT_DAYS days, whatever the number of zones.
  const cutoff = daysBefore(opts.now ?? new Date(), eventDays());
  await deleteOldest(writer.zoneEvent, { createdAt: { lt: cutoff } }, { createdAt: 'asc' }, pruneBatch(events.length));
}
