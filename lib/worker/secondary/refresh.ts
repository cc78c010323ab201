// One refresh of one secondary zone (RFC 1035 §4.3.5, RFC 1996 §4.7): ask
// each primary in order for its SOA; when one answers with a newer serial
// (RFC 1982), transfer from it, IXFR first and AXFR when the primary sends the
// whole zone or the IXFR fails; apply the result in one transaction. The
// first primary that answers decides. Every transfer and every failed check
// is recorded as an event, and the zone's refresh state (next check, expiry,
// failures) is written back.
import type { ListenAddress, RefreshLimits, TransferSource } from '../../config/env';
import type { RefreshResult } from '../../control/protocol';
import { formatHostPort } from '../../dns/address';
import { serialGreater } from '../../dns/serial';
import type { TsigKey } from '../../dns/tsig';
import type { RR } from '../../dns/types';
import { lowercased } from '../../dns/wire';
import { DatabaseError, failureMessage } from '../../db-errors';
import { AppError } from '../../errors';
import {
  applySecondaryDiffs,
  recordRefreshState,
  replaceSecondaryContent,
  type ReceivedSoa,
  type RefreshState,
  type SecondaryApplyResult,
} from '../../zones/secondary-store';
import type { Logger } from '../logger';
import { catalogEvents, recordEvent, recordEvents, type SecondaryEvent } from './events';
import { PrimaryQueryError, queryPrimary } from './query-primary';
import { afterFailure, afterSuccess, effectiveTimers, type SoaTimers } from './timers';
import { receiveTransfer, TransferError, type ReceivedTransfer, type TransferLimits } from './transfer-in';
import { describeSkipped } from './xfr-parse';

/** A secondary zone as a refresh needs it, read from the database just before. */
export interface SecondaryZone {
  id: number;
  name: string;
  /** 0 until the first transfer. */
  serial: number;
  primaries: ListenAddress[];
  tsigKeyName: string | null;
  timers: SoaTimers;
  failures: number;
  expiresAt: number | null;
  /** A catalog we consume (RFC 9432): its refresh may go straight to the transfer (see refreshZone). */
  catalogConsumer?: boolean;
}

export interface RefreshDeps {
  log: Logger;
  limits: RefreshLimits;
  key: (name: string) => TsigKey | undefined;
  queryTimeoutsMs?: number[];
  transferLimits?: Partial<TransferLimits>;
  signal?: AbortSignal;
  now?: () => number;
  /** Recorded on the events (ZK_WORKER_ID). */
  workerId?: string;
  /** Where SOA checks and transfers are sent from (ZK_TRANSFER_SOURCE). */
  source?: TransferSource;
}

export interface RefreshOptions {
  /** Transfer the whole zone even when the serial is not newer (`zone retrieve`). */
  force?: boolean;
}

export type RefreshOutcome = RefreshResult & {
  nextRefreshAt: number;
  expiresAt: number | null;
  /** A consumer catalog's members this transfer reset (RFC 9432 §5.4): the engine transfers them now. */
  catalogReset?: string[];
};

type TransferAttempt =
  | { ok: true; serial: number; style: 'ixfr' | 'axfr' | 'current'; records: number; soa: ReceivedSoa; catalogReset?: string[] }
  /** `unstored`: received, but the database refused it (a full disk); another primary would fare no better. */
  | { ok: false; error: string; unstored?: boolean };

export async function refreshZone(zone: SecondaryZone, opts: RefreshOptions, deps: RefreshDeps): Promise<RefreshOutcome> {
  const now = deps.now ?? Date.now;
  const event = (e: Omit<SecondaryEvent, 'zoneId' | 'zoneName'>) => recordEvent({ zoneId: zone.id, zoneName: zone.name, ...e }, deps.log, deps.workerId);
  const errors: string[] = [];
  const key = zone.tsigKeyName ? deps.key(zone.tsigKeyName) : undefined;
  if (zone.tsigKeyName && !key) errors.push(`the zone's TSIG key ${zone.tsigKeyName} does not exist`);
  else if (zone.primaries.length === 0) errors.push('the zone has no primaries');
  else {
    for (const primary of zone.primaries) {
      if (deps.signal?.aborted) break;
      const peer = formatHostPort(primary);
      const started = now();
      let remote: number | null;
      try {
        remote = await primarySerial(primary, zone, key, deps);
      } catch (err) {
        const kind = err instanceof PrimaryQueryError ? err.kind : 'error';
        // Knot answers questions about a catalog zone only over TCP (it REFUSES the UDP SOA question);
        // the transfer, over TCP, says whether ours is current (an IXFR answered with the SOA alone).
        const overTcp = zone.catalogConsumer && kind === 'refused';
        if (!overTcp) {
          errors.push(`${peer}: ${(err as Error).message}`);
          deps.log.warn({ zone: zone.name, primary: peer, err: (err as Error).message }, 'SOA check failed');
          await event({ kind: 'refresh', peer, serial: zone.serial || null, outcome: kind, detail: `SOA check: ${(err as Error).message}`, durationMs: now() - started });
          continue;
        }
        remote = null;
      }
      if (remote !== null && !opts.force && zone.serial !== 0 && !serialGreater(remote, zone.serial)) {
        if (remote !== zone.serial) deps.log.warn({ zone: zone.name, primary: peer, ours: zone.serial, theirs: remote }, "the primary's serial is behind ours; keeping our copy");
        return succeed(zone, { soa: null, serial: zone.serial, status: 'current', primary: peer }, deps);
      }
      const t = await transferFrom(primary, zone, key, !!opts.force, deps);
      if (t.ok) {
        // A transfer wrote the refresh state with the content; "already current" did not.
        if (t.style === 'current') return succeed(zone, { soa: null, serial: t.serial, status: 'current', primary: peer }, deps);
        const outcome = await succeed(zone, { soa: t.soa, serial: t.serial, status: 'transferred', primary: peer, style: t.style, records: t.records }, deps);
        return t.catalogReset?.length ? { ...outcome, catalogReset: t.catalogReset } : outcome;
      }
      errors.push(`${peer}: ${t.error}`);
      if (t.unstored) break;
    }
  }
  // A worker that stops mid-refresh has learnt nothing about the primaries: leave the state as it was.
  if (deps.signal?.aborted) return { ok: false, error: 'stopped', nextRefreshAt: now(), expiresAt: zone.expiresAt };
  const failures = zone.failures + 1;
  const at = now();
  const next = afterFailure(at, effectiveTimers(zone.timers, deps.limits), failures, zone.serial === 0).nextRefreshAt;
  const error = errors.join('; ');
  await writeState(zone, { checkedAt: new Date(at), nextRefreshAt: new Date(next), failures, error }, deps);
  return { ok: false, error, nextRefreshAt: next, expiresAt: zone.expiresAt };
}

/** The primary's serial, from an authoritative SOA answer for the zone's apex. */
async function primarySerial(primary: ListenAddress, zone: SecondaryZone, key: TsigKey | undefined, deps: RefreshDeps): Promise<number> {
  const m = await queryPrimary(primary, zone.name, 'SOA', { key, timeoutsMs: deps.queryTimeoutsMs, signal: deps.signal, source: deps.source });
  const soa = m.answers.find((r) => r.type === 'SOA' && lowercased(r.name) === zone.name);
  // A server that does not hold the zone (lame, or an expired secondary) is no primary for it.
  if (!m.aa || !soa) throw new PrimaryQueryError('error', `no authoritative SOA for ${zone.name}`);
  return (soa.data as { serial: number }).serial;
}

async function succeed(
  zone: SecondaryZone,
  r: { soa: ReceivedSoa | null; serial: number; status: 'current' | 'transferred'; primary: string; style?: 'ixfr' | 'axfr'; records?: number },
  deps: RefreshDeps,
): Promise<RefreshOutcome> {
  const at = (deps.now ?? Date.now)();
  const next = afterSuccess(at, effectiveTimers(r.soa ? r.soa.soa : zone.timers, deps.limits));
  // A transfer wrote this state in its own transaction already; a check that found us current writes it now.
  if (!r.soa) {
    await writeState(zone, { checkedAt: new Date(at), refreshedAt: new Date(at), nextRefreshAt: new Date(next.nextRefreshAt), expiresAt: new Date(next.expiresAt), failures: 0, error: null }, deps);
  }
  return { ok: true, status: r.status, serial: r.serial, primary: r.primary, style: r.style, records: r.records, ...next };
}

async function writeState(zone: SecondaryZone, state: RefreshState, deps: RefreshDeps): Promise<void> {
  try {
    await recordRefreshState(zone.id, state);
  } catch (err) {
    deps.log.error({ zone: zone.name, err: failureMessage(err) }, 'could not record the refresh state');
  }
}

/** The state a transfer that ends with `soa` leaves, written with the content. */
function stateAfterTransfer(soa: ReceivedSoa, deps: RefreshDeps): RefreshState {
  const at = (deps.now ?? Date.now)();
  const next = afterSuccess(at, effectiveTimers(soa.soa, deps.limits));
  return { checkedAt: new Date(at), refreshedAt: new Date(at), nextRefreshAt: new Date(next.nextRefreshAt), expiresAt: new Date(next.expiresAt), failures: 0, error: null };
}

/** IXFR (unless forced or never transferred), then AXFR; each attempt recorded. */
async function transferFrom(primary: ListenAddress, zone: SecondaryZone, key: TsigKey | undefined, force: boolean, deps: RefreshDeps): Promise<TransferAttempt> {
  const peer = formatHostPort(primary);
  const common = { zone: zone.name, key, limits: deps.transferLimits, signal: deps.signal, source: deps.source };
  const event = (e: Omit<SecondaryEvent, 'zoneId' | 'zoneName'>) => recordEvent({ zoneId: zone.id, zoneName: zone.name, ...e }, deps.log, deps.workerId);
  const withKey = (detail: string) => (key ? `${detail}, TSIG ${key.name}` : detail);
  // The primary did its part; our database could not keep it. The copy served stays the one stored.
  const unstored = async (kind: 'ixfr-in' | 'axfr-in', err: DatabaseError, stats?: { records: number; bytes: number; durationMs: number }): Promise<TransferAttempt> => {
    deps.log.error({ zone: zone.name, primary: peer, err: err.message }, 'transfer received but not stored');
    await event({ kind, peer, serial: zone.serial || null, outcome: 'error', detail: withKey(`not stored: ${err.message}`), ...stats });
    return { ok: false, error: `not stored: ${err.message}`, unstored: true };
  };

  if (!force && zone.serial !== 0) {
    const started = Date.now();
    let r: ReceivedTransfer | null = null;
    try {
      r = await receiveTransfer(primary, { ...common, type: 'IXFR', serial: zone.serial });
    } catch (err) {
      const e = err as TransferError;
      deps.log.warn({ zone: zone.name, primary: peer, err: e.message }, 'IXFR failed; trying AXFR');
      await event({ kind: 'ixfr-in', peer, serial: zone.serial, outcome: e instanceof TransferError ? e.kind : 'error', detail: withKey(`${e.message}; trying AXFR`), bytes: e instanceof TransferError ? e.bytes : null, durationMs: Date.now() - started });
    }
    if (r) {
      const c = r.content;
      const stats = { records: r.records, bytes: r.bytes, durationMs: r.ms };
      // The reader takes a lone SOA for "current" only when it is not newer than ours (RFC 1995 §2).
      if (c.style === 'up-to-date') {
        await event({ kind: 'ixfr-in', peer, serial: zone.serial, outcome: 'ok', detail: withKey('already current'), ...stats });
        return { ok: true, serial: zone.serial, style: 'current', records: 0, soa: c.soa };
      }
      if (c.style === 'incremental') {
        try {
          const applied = await applySecondaryDiffs(zone.id, c.diffs, { peer, state: stateAfterTransfer(c.soa, deps) });
          const skipped = describeSkipped(c.skipped);
          const detail = withKey(`incremental: ${c.diffs.length} change${c.diffs.length > 1 ? 's' : ''}, +${applied.added} −${applied.removed} records${skipped ? `; ${skipped}` : ''}`);
          await event({ kind: 'ixfr-in', peer, serial: applied.newSerial, outcome: 'ok', detail, ...stats });
          deps.log.info({ zone: zone.name, primary: peer, from: zone.serial, to: applied.newSerial, changes: c.diffs.length, ms: r.ms }, 'IXFR applied');
          const catalogReset = await recordCatalog(zone, peer, applied, deps);
          return { ok: true, serial: applied.newSerial, style: 'ixfr', records: applied.records, soa: c.soa, catalogReset };
        } catch (err) {
          if (err instanceof DatabaseError) return unstored('ixfr-in', err, stats);
          if (!(err instanceof AppError)) throw err;
          deps.log.warn({ zone: zone.name, primary: peer, err: err.message }, 'IXFR does not apply; trying AXFR');
          await event({ kind: 'ixfr-in', peer, serial: zone.serial, outcome: 'error', detail: withKey(`${err.message}; trying AXFR`), ...stats });
        }
      } else {
        try {
          return await applyFull(zone, c.soa, c.records, describeSkipped(c.skipped), { peer, force, stats, note: 'the whole zone in answer to IXFR' }, withKey, deps);
        } catch (err) {
          if (err instanceof DatabaseError) return unstored('axfr-in', err, stats);
          const e = err as Error;
          await event({ kind: 'axfr-in', peer, serial: zone.serial, outcome: 'error', detail: withKey(e.message), ...stats });
          return { ok: false, error: e.message };
        }
      }
    }
  }

  const started = Date.now();
  let stats: { records: number; bytes: number; durationMs: number } | undefined;
  try {
    const r = await receiveTransfer(primary, { ...common, type: 'AXFR' });
    if (r.content.style !== 'full') throw new TransferError('error', `the answer to AXFR is not a whole zone (${r.content.style})`, r.bytes, r.messages);
    stats = { records: r.records, bytes: r.bytes, durationMs: r.ms };
    return await applyFull(zone, r.content.soa, r.content.records, describeSkipped(r.content.skipped), { peer, force, stats }, withKey, deps);
  } catch (err) {
    if (err instanceof DatabaseError) return unstored('axfr-in', err, stats);
    const e = err as Error;
    deps.log.warn({ zone: zone.name, primary: peer, err: e.message }, 'AXFR failed');
    await event({ kind: 'axfr-in', peer, serial: zone.serial || null, outcome: e instanceof TransferError ? e.kind : 'error', detail: withKey(e.message), bytes: e instanceof TransferError ? e.bytes : null, durationMs: Date.now() - started });
    return { ok: false, error: e.message };
  }
}

async function applyFull(
  zone: SecondaryZone,
  soa: ReceivedSoa,
  records: RR[],
  skipped: string,
  how: { peer: string; force: boolean; stats: { records: number; bytes: number; durationMs: number }; note?: string },
  withKey: (d: string) => string,
  deps: RefreshDeps,
): Promise<TransferAttempt> {
  let applied: SecondaryApplyResult;
  try {
    applied = await replaceSecondaryContent(zone.id, soa, records, { peer: how.peer, force: how.force, state: stateAfterTransfer(soa, deps) });
  } catch (err) {
    if (!(err instanceof AppError)) throw err;
    throw new TransferError('error', `not stored: ${err.message}`, how.stats.bytes);
  }
  const parts = [how.note ?? 'whole zone', applied.changed ? `${applied.records} records (+${applied.added} −${applied.removed})` : `serial ${soa.soa.serial} is not newer than ours; kept`];
  if (skipped) parts.push(skipped);
  await recordEvent(
    { zoneId: zone.id, zoneName: zone.name, kind: 'axfr-in', peer: how.peer, serial: soa.soa.serial, outcome: 'ok', detail: withKey(parts.join('; ')), ...how.stats },
    deps.log,
    deps.workerId,
  );
  deps.log.info({ zone: zone.name, primary: how.peer, serial: soa.soa.serial, records: applied.records, ms: how.stats.durationMs }, 'AXFR applied');
  const catalogReset = await recordCatalog(zone, how.peer, applied, deps);
  // A whole zone that is not newer (a primary that went back) was checked, not taken.
  return { ok: true, serial: applied.newSerial, style: applied.changed ? 'axfr' : 'current', records: applied.records, soa, catalogReset };
}

/**
 * A consumer catalog's stored version created, deleted, reset or refused
 * members (lib/zones/catalog-consumer.ts): recorded now it is committed, and
 * logged. Returns the members reset, for the engine to transfer now.
 */
async function recordCatalog(zone: SecondaryZone, peer: string, applied: SecondaryApplyResult, deps: RefreshDeps): Promise<string[] | undefined> {
  const sync = applied.catalog;
  if (!sync) return undefined;
  const count = (o: string) => sync.events.filter((e) => e.outcome === o).length;
  const summary = { zone: zone.name, serial: applied.newSerial, added: count('added'), removed: count('removed'), reset: count('reset'), conflicts: count('conflict') };
  const refused = sync.events.find((e) => e.outcome === 'refused');
  if (refused) deps.log.warn({ zone: zone.name, serial: applied.newSerial, reason: refused.detail }, 'catalog refused');
  else deps.log.info(summary, 'catalog members synced');
  await recordEvents(catalogEvents(zone, peer, applied.newSerial, sync), deps.log, deps.workerId ?? null);
  return sync.reset;
}
