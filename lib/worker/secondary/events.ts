// Events of the secondary side (notify-in, axfr-in, ixfr-in, refresh,
// expire), written for `zonekeeper zone status` and the dashboard. Writing
// one must never break what it records: a failure (a full disk) is logged
// and forgotten, never retried, so that it cannot loop.
import { db } from '../../db';
import { failureMessage } from '../../db-errors';
import type { Logger } from '../logger';

export type SecondaryEventKind = 'notify-in' | 'axfr-in' | 'ixfr-in' | 'refresh' | 'expire';

export interface SecondaryEvent {
  zoneId: number | null;
  zoneName: string;
  kind: SecondaryEventKind;
  /** "address:port" (or the bare address of a NOTIFY's source). */
  peer: string;
  serial?: number | null;
  /** ok | refused | notauth | formerr | error | timeout | expired */
  outcome: string;
  detail?: string | null;
  records?: number | null;
  bytes?: number | null;
  durationMs?: number | null;
}

export async function recordEvent(e: SecondaryEvent, log: Logger, workerId: string | null = null): Promise<void> {
  try {
    await db().zoneEvent.create({
      data: {
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
        workerId,
      },
    });
  } catch (err) {
    log.warn({ zone: e.zoneName, kind: e.kind, err: failureMessage(err) }, 'could not record an event');
  }
}
