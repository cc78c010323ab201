// Events of the secondary side (notify-in, axfr-in, ixfr-in, refresh,
// expire), written through the one zone-event writer
// (lib/replication/zone-events.ts) for `zonekeeper zone status` and the
// dashboard. Writing one must never break what it records: a failure (a full
// disk) is logged and forgotten, never retried, so that it cannot loop.
import { failureMessage } from '../../db-errors';
import { recordZoneEvents, type ZoneEvent, type ZoneEventKind } from '../../replication/zone-events';
import type { Logger } from '../logger';

export type SecondaryEventKind = Extract<ZoneEventKind, 'notify-in' | 'axfr-in' | 'ixfr-in' | 'refresh' | 'expire'>;

/** A zone event of the secondary side; the worker that records it adds its ID. */
export type SecondaryEvent = Omit<ZoneEvent, 'kind' | 'workerId' | 'createdAt'> & { kind: SecondaryEventKind };

export async function recordEvent(e: SecondaryEvent, log: Logger, workerId: string | null = null): Promise<void> {
  try {
    await recordZoneEvents([{ ...e, workerId }]);
  } catch (err) {
    log.warn({ zone: e.zoneName, kind: e.kind, err: failureMessage(err) }, 'could not record an event');
  }
}
