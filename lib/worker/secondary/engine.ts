// The secondary engine: keeps one refresh timer per secondary zone (from its
// SOA, within ZK_REFRESH_MIN/MAX), runs refreshes (refresh.ts) when a timer
// fires, a NOTIFY arrives (RFC 1996 §4.7) or an operator asks (`zone
// retrieve`), and tells the loader to reload after a transfer or at expiry so
// the served copy follows. On start it checks every secondary zone once,
// paced, before arming its timer. One refresh per zone at a time: a NOTIFY
// during a refresh queues one more after it. It also answers notify-in's questions
// (NotifyInbox): which zones are ours and of what kind, who the autoprimaries
// are; each sync re-reads what the change feed names (lib/zones/zone-changes.ts),
// the whole registry only at the first.
import { refreshLimits, transferSource, type ListenAddress, type RefreshLimits, type TransferSource } from '../../config/env';
import { canonicalIp, storedAddressPorts } from '../../dns/address';
import { announceChange, db } from '../../db';
import { databaseFailure } from '../../db-errors';
import { readList } from '../../zones/json-lists';
import { nonSecondaryZones } from '../../zones/load-reads';
import { ChangeCursor, findByNames } from '../../zones/zone-changes';
import type { Logger } from '../logger';
import type { NotifyInbox, NotifyZoneInfo } from '../notify-inbox';
import type { ZoneStore } from '../zone-store';
import { adoptZone, type AutoprimaryEntry } from './autoprimary';
import { recordEvent, type SecondaryEvent } from './events';
import { refreshZone, type RefreshOutcome, type SecondaryZone } from './refresh';
import type { TransferLimits } from './transfer-in';

export interface SecondaryEngineOptions {
  /** Defaults to ZK_REFRESH_MIN / ZK_REFRESH_MAX / ZK_RETRY_MAX. */
  limits?: RefreshLimits;
  /** Where SOA checks, transfers and autoprimary NS questions are sent from; defaults to ZK_TRANSFER_SOURCE. */
  source?: TransferSource;
  queryTimeoutsMs?: number[];
  transferLimits?: Partial<TransferLimits>;
  /** Refreshes running at once; more wait their turn (NOTIFYs and `zone retrieve` first). */
  maxConcurrent?: number;
  /** Start-up checks begun per second at most (STARTUP_CHECKS_PER_SECOND). */
  startupChecksPerSecond?: number;
  /** Called after a transfer changed a zone and when a zone expires, so the loader swaps the served copy. */
  reload?: () => Promise<unknown>;
  /** Recorded on the events (ZK_WORKER_ID). */
  workerId?: string;
  /**
   * ZK_READ_ONLY: serve what the database holds (a read-write worker keeps
   * secondary zones current there) and never refresh, transfer in or record.
   */
  readOnly?: boolean;
}

/** Unknown zones from autoprimaries checked at once; NOTIFYs beyond are dropped (the primary retries). */
const MAX_ADOPTING = 16;

/** setTimeout's limit (about 24.8 days); a longer wait is re-armed when it fires. */
const MAX_TIMER_MS = 2 ** 31 - 1;

/**
 * The start-up checks begin at most this many a second (50,000 zones: about
 * four minutes), and only while fewer than `maxConcurrent` refreshes wait for
 * a slot: a primary that answers slowly slows them further, and a NOTIFY
 * never queues behind them.
 */
export const STARTUP_CHECKS_PER_SECOND = 200;
const STARTUP_TICK_MS = 50;

const DEFAULT_MAX_CONCURRENT = 10;

export class SecondaryEngine implements NotifyInbox {
  private zones = new Map<string, NotifyZoneInfo>();
  private autoprimaries: AutoprimaryEntry[] = [];
  private readonly timers = new Map<string, NodeJS.Timeout>();
  private readonly expiryTimers = new Map<string, { at: number; timer: NodeJS.Timeout }>();
  private readonly inflight = new Map<string, Promise<RefreshOutcome | null>>();
  private readonly again = new Set<string>();
  private readonly adopting = new Map<string, Promise<void>>();
  private readonly expiredNoted = new Set<string>();
  private readonly abort = new AbortController();
  private stopped = false;
  private running = 0;
  /** Refreshes waiting for a slot; urgent ones (NOTIFY, `zone retrieve`) before the others. */
  private readonly waiting: { urgent: (() => void)[]; other: (() => void)[] } = { urgent: [], other: [] };
  private readonly limits: RefreshLimits;
  private readonly source: TransferSource;
  private synced = false;
  /** Zones still to check at start, in order (a Set keeps insertion order); they have no timer yet. */
  private readonly startupPending = new Set<string>();
  private startupTimer: NodeJS.Timeout | undefined;
  private readonly feed = new ChangeCursor();
  /** The sync under way: syncs run one after another, each from where the last left the feed. */
  private syncing: Promise<void> = Promise.resolve();

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
    private readonly opts: SecondaryEngineOptions = {},
  ) {
    this.limits = opts.limits ?? refreshLimits();
    this.source = opts.source ?? transferSource();
  }

  // ------------------------------------------------------------ registry

  /**
   * Re-reads the zones the change feed names (every zone at the first sync,
   * or when this process fell behind the feed) and the autoprimaries when
   * they changed; arms a timer for every secondary zone that has none. The
   * first sync queues every secondary zone for a check instead
   * (startupChecks). `feedAt`: the zone loader's feed position right after
   * a sync of its own (ZoneLoader.feedAt); when this engine stands there
   * too, nothing new can be read and it asks the database nothing.
   */
  sync(feedAt?: number | null): Promise<void> {
    const run = this.syncing.then(() => this.syncOnce(feedAt ?? null));
    this.syncing = run.catch(() => undefined);
    return run;
  }

  private async syncOnce(feedAt: number | null): Promise<void> {
    if (this.stopped || (feedAt !== null && feedAt === this.feed.position)) return;
    const changes = await this.feed.read();
    const select = { id: true, name: true, kind: true, primaries: true, serial: true, nextRefreshAt: true, expiresAt: true, tsigKey: { select: { name: true } } } as const;
    const [rows, others, autos] = await Promise.all([
      changes.everything ? db().zone.findMany({ where: { kind: 'secondary' }, select }) : findByNames(changes.zones, (names) => db().zone.findMany({ where: { name: { in: names } }, select })),
      changes.everything ? nonSecondaryZones() : [],
      changes.everything || changes.shared ? db().autoprimary.findMany() : null,
    ]);
    if (this.stopped) return;
    const zones = changes.everything ? new Map<string, NotifyZoneInfo>() : this.zones;
    // A zone named without a row was deleted.
    for (const name of changes.zones) zones.delete(name);
    const now = Date.now();
    const first = !this.synced;
    this.synced = true;
    const startup: { name: string; order: number }[] = [];
    for (const r of others) zones.set(r.name, { kind: 'primary', id: r.id });
    for (const r of rows) {
      if (r.kind !== 'secondary') {
        zones.set(r.name, { kind: 'primary', id: r.id });
        continue;
      }
      zones.set(r.name, { kind: 'secondary', id: r.id, primaries: parsePrimaries(r.primaries), tsigKeyName: r.tsigKey?.name ?? null });
      const due = r.nextRefreshAt?.getTime() ?? now;
      // Nothing to serve yet first, then the most overdue.
      if (first && !this.opts.readOnly) startup.push({ name: r.name, order: r.serial === 0n ? 0 : due });
      else if (!this.timers.has(r.name) && !this.inflight.has(r.name) && !this.startupPending.has(r.name)) this.schedule(r.name, due);
      if (r.serial !== 0n && r.expiresAt) this.scheduleExpiry(r.name, r.expiresAt.getTime());
    }
    const looked = changes.everything ? [...this.timers.keys(), ...this.startupPending] : changes.zones;
    for (const name of looked) {
      if (zones.get(name)?.kind === 'secondary') continue;
      this.unschedule(name);
      this.startupPending.delete(name);
    }
    this.zones = zones;
    if (startup.length > 0) this.startupChecks(startup.sort((a, b) => a.order - b.order).map((z) => z.name));
    if (autos) this.autoprimaries = autos.map((a) => ({ ip: a.ip, port: a.port, nameserver: a.nameserver, account: a.account }));
    this.feed.advance(changes);
  }

  zoneInfo(zone: string): NotifyZoneInfo | undefined {
    return this.zones.get(zone);
  }

  isAutoprimary(address: string): boolean {
    return this.autoprimaries.some((a) => a.ip === address);
  }

  record(event: SecondaryEvent): void {
    if (this.opts.readOnly) return;
    void recordEvent(event, this.log, this.opts.workerId ?? null);
  }

  // ------------------------------------------------------------ triggers

  notified(zone: string): void {
    void this.refreshNow(zone, true);
  }

  notifiedUnknown(zone: string, from: ListenAddress): void {
    if (this.stopped || this.opts.readOnly || this.adopting.has(zone)) return;
    // Forged NOTIFYs for made-up zones must not turn into a stream of NS questions to the autoprimary.
    if (this.adopting.size >= MAX_ADOPTING) {
      this.log.warn({ zone, peer: from.address, adopting: this.adopting.size }, 'NOTIFY from an autoprimary dropped: too many zones being checked at once');
      return;
    }
    const address = canonicalIp(from.address) ?? from.address;
    const entries = this.autoprimaries.filter((a) => a.ip === address);
    const task = (async () => {
      const decision = await adoptZone(zone, entries, { log: this.log, queryTimeoutsMs: this.opts.queryTimeoutsMs, signal: this.abort.signal, source: this.source });
      if (!decision.created) {
        this.log.warn({ zone, peer: address, reason: decision.detail }, 'NOTIFY from an autoprimary: zone not created');
        this.record({ zoneId: null, zoneName: zone, kind: 'notify-in', peer: address, outcome: decision.outcome, detail: decision.detail });
        return;
      }
      await this.sync();
      const info = this.zones.get(zone);
      this.record({ zoneId: info?.id ?? null, zoneName: zone, kind: 'notify-in', peer: address, outcome: 'ok', detail: decision.detail });
      // The first transfer now; a failure is retried by the zone's timer (timers.ts: from 5 s, doubling).
      await this.refreshNow(zone, true);
    })()
      .catch((err: Error) => this.log.error({ zone, err: err.message }, 'autoprimary handling failed'))
      .finally(() => this.adopting.delete(zone));
    this.adopting.set(zone, task);
  }

  /**
   * Refreshes `zone` now (SOA check, transfer when newer). A call while one
   * runs marks the zone to run once more afterwards and shares the running one.
   * `urgent` (a NOTIFY): ahead of timers and start-up checks waiting for a slot.
   */
  refreshNow(zone: string, urgent = false): Promise<RefreshOutcome | null> {
    if (this.opts.readOnly) return Promise.resolve(null);
    const running = this.inflight.get(zone);
    if (running) {
      this.again.add(zone);
      return running;
    }
    return this.start(zone, false, urgent);
  }

  /** `zonekeeper zone retrieve`: waits for a running refresh, then transfers the whole zone whatever its serial. */
  async retrieve(zone: string): Promise<RefreshOutcome | null> {
    const info = this.zones.get(zone);
    if (!info) throw new Error(`no zone ${zone}`);
    if (info.kind !== 'secondary') throw new Error(`${zone} is a primary zone here; only secondary zones are transferred in`);
    if (this.opts.readOnly) throw new Error('this worker is read-only (ZK_READ_ONLY); ask a read-write worker to retrieve the zone');
    for (let running = this.inflight.get(zone); running; running = this.inflight.get(zone)) await running.catch(() => null);
    return this.start(zone, true, true);
  }

  private start(zone: string, force: boolean, urgent: boolean): Promise<RefreshOutcome | null> {
    if (this.stopped) return Promise.resolve(null);
    this.unschedule(zone);
    // Any refresh is the start-up check too; its outcome arms the timer.
    this.startupPending.delete(zone);
    const p = this.run(zone, force, urgent)
      .catch((err: Error) => {
        this.log.error({ zone, err: databaseFailure(err)?.message ?? err.stack ?? err.message }, 'refresh failed unexpectedly');
        return null;
      })
      .then((outcome) => {
        this.inflight.delete(zone);
        if (this.stopped) return outcome;
        // The NOTIFY that came during the refresh asks again.
        if (this.again.delete(zone)) void this.start(zone, false, true);
        else if (outcome) this.schedule(zone, outcome.nextRefreshAt);
        else if (this.zones.get(zone)?.kind === 'secondary') this.schedule(zone, Date.now() + this.limits.minSeconds * 1000);
        if (outcome?.expiresAt) this.scheduleExpiry(zone, outcome.expiresAt);
        return outcome;
      });
    this.inflight.set(zone, p);
    return p;
  }

  private async run(zone: string, force: boolean, urgent: boolean): Promise<RefreshOutcome | null> {
    await this.slot(urgent);
    try {
      const z = await loadSecondaryZone(zone);
      if (!z || this.stopped) return null;
      const outcome = await refreshZone(z, { force }, {
        log: this.log,
        limits: this.limits,
        key: (n) => this.store.tsigKeys.get(n),
        queryTimeoutsMs: this.opts.queryTimeoutsMs,
        transferLimits: this.opts.transferLimits,
        signal: this.abort.signal,
        workerId: this.opts.workerId,
        source: this.source,
      });
      if (outcome.ok) this.expiredNoted.delete(zone);
      // A refresh that confirms or replaces the copy also lifts an expiry: reload either way.
      if (outcome.ok && (outcome.status === 'transferred' || (z.expiresAt !== null && z.expiresAt <= Date.now()))) {
        await this.reload();
        // Other workers on the same (PostgreSQL) database serve it at once too.
        await announceChange(zone).catch(() => undefined);
      }
      // A consumed catalog's new members came with the reload (their serial 0 makes them due now);
      // reset ones already had a timer, so they are asked for now.
      if (outcome.ok && outcome.catalogReset) for (const member of outcome.catalogReset) void this.refreshNow(member);
      return outcome;
    } finally {
      this.release();
    }
  }

  // ------------------------------------------------------------ start-up

  /**
   * Asks the primaries of every secondary zone for their SOA now, paced. The
   * stored next refresh may be hours away, yet the copy can already be behind:
   * a NOTIFY is a best-efforts hint (RFC 1996 §3.1) that this worker may have
   * acknowledged and then died before its transfer was stored, and the
   * primary does not send it again. RFC 1035 §4.3.5 lets a freshly loaded
   * zone wait REFRESH seconds; like BIND at load, we do not.
   */
  private startupChecks(zones: string[]): void {
    for (const z of zones) this.startupPending.add(z);
    const perSecond = this.opts.startupChecksPerSecond ?? STARTUP_CHECKS_PER_SECOND;
    const perTick = Math.max(1, Math.round((perSecond * STARTUP_TICK_MS) / 1000));
    const maxWaiting = this.opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT;
    const started = Date.now();
    this.log.info({ zones: zones.length, perSecond }, 'checking every secondary zone with its primaries');
    const tick = () => {
      let begun = 0;
      for (const zone of this.startupPending) {
        if (begun >= perTick || this.waiting.other.length >= maxWaiting) break;
        this.startupPending.delete(zone);
        if (this.inflight.has(zone) || this.zones.get(zone)?.kind !== 'secondary') continue;
        begun++;
        void this.refreshNow(zone);
      }
      if (this.startupPending.size === 0 || this.stopped) {
        clearInterval(this.startupTimer);
        this.startupTimer = undefined;
        if (!this.stopped) this.log.info({ zones: zones.length, ms: Date.now() - started }, 'start-up checks of secondary zones begun');
      }
    };
    clearInterval(this.startupTimer);
    this.startupTimer = setInterval(tick, STARTUP_TICK_MS);
    this.startupTimer.unref();
    tick();
  }

  // ------------------------------------------------------------ timers

  private schedule(zone: string, at: number): void {
    this.unschedule(zone);
    if (this.stopped || this.opts.readOnly) return;
    const delay = Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS);
    const timer = setTimeout(() => {
      this.timers.delete(zone);
      void this.refreshNow(zone);
    }, delay);
    timer.unref();
    this.timers.set(zone, timer);
  }

  private unschedule(zone: string): void {
    const t = this.timers.get(zone);
    if (t) clearTimeout(t);
    this.timers.delete(zone);
  }

  /** At `at` the loader must swap in a copy that answers SERVFAIL (it also checks on every sync). */
  private scheduleExpiry(zone: string, at: number): void {
    const have = this.expiryTimers.get(zone);
    if (have?.at === at || this.stopped) return;
    if (have) clearTimeout(have.timer);
    const timer = setTimeout(() => {
      this.expire(zone, at).catch((err: Error) => this.log.error({ zone, err: err.message }, 'expiry check failed; the loader still checks on every sync'));
    }, Math.min(Math.max(0, at - Date.now()), MAX_TIMER_MS));
    timer.unref();
    this.expiryTimers.set(zone, { at, timer });
  }

  private async expire(zone: string, at: number): Promise<void> {
    this.expiryTimers.delete(zone);
    if (this.stopped) return;
    if (Date.now() < at) return this.scheduleExpiry(zone, at);
    const row = await db().zone.findUnique({ where: { name: zone }, select: { id: true, kind: true, expiresAt: true, serial: true, lastRefreshAt: true } });
    if (!row || row.kind !== 'secondary' || !row.expiresAt) return;
    // Refreshed meanwhile (by this worker or another on the same database): a later expiry.
    if (row.expiresAt.getTime() > Date.now()) return this.scheduleExpiry(zone, row.expiresAt.getTime());
    await this.reload();
    if (this.expiredNoted.has(zone)) return;
    this.expiredNoted.add(zone);
    const detail = `no successful refresh since ${row.lastRefreshAt?.toISOString() ?? 'the first transfer'}; answering SERVFAIL until one succeeds`;
    this.log.warn({ zone, serial: Number(row.serial) }, `zone expired: ${detail}`);
    this.record({ zoneId: row.id, zoneName: zone, kind: 'expire', peer: '', serial: Number(row.serial), outcome: 'expired', detail });
  }

  private async reload(): Promise<void> {
    try {
      await this.opts.reload?.();
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'reload after a transfer failed; the next poll retries');
    }
  }

  // ------------------------------------------------------------ concurrency

  private async slot(urgent: boolean): Promise<void> {
    if (this.running < (this.opts.maxConcurrent ?? DEFAULT_MAX_CONCURRENT)) {
      this.running++;
      return;
    }
    await new Promise<void>((resolve) => (urgent ? this.waiting.urgent : this.waiting.other).push(resolve));
  }

  private release(): void {
    const next = this.waiting.urgent.shift() ?? this.waiting.other.shift();
    if (next) next();
    else this.running--;
  }

  /** Cancels timers and running transfers; resolves once every refresh has ended. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.startupTimer);
    this.startupPending.clear();
    for (const t of this.timers.values()) clearTimeout(t);
    for (const t of this.expiryTimers.values()) clearTimeout(t.timer);
    this.timers.clear();
    this.expiryTimers.clear();
    this.abort.abort();
    // Waiters would otherwise never get a slot.
    for (const w of [...this.waiting.urgent.splice(0), ...this.waiting.other.splice(0)]) w();
    await Promise.allSettled([...this.inflight.values(), ...this.adopting.values()]);
  }
}

function parsePrimaries(text: string): ListenAddress[] {
  return storedAddressPorts(readList(text), 53);
}

/** The zone as a refresh needs it, fresh from the database; null when it is gone or not a secondary. */
export async function loadSecondaryZone(name: string): Promise<SecondaryZone | null> {
  const z = await db().zone.findUnique({ where: { name }, include: { tsigKey: { select: { name: true } } } });
  if (!z || z.kind !== 'secondary') return null;
  return {
    id: z.id,
    name: z.name,
    serial: Number(z.serial),
    primaries: parsePrimaries(z.primaries),
    tsigKeyName: z.tsigKey?.name ?? null,
    timers: { refresh: z.soaRefresh, retry: z.soaRetry, expire: z.soaExpire },
    failures: z.refreshFailures,
    expiresAt: z.expiresAt?.getTime() ?? null,
    catalogConsumer: z.catalogRole === 'consumer',
  };
}
