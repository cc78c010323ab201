// The replication prober: asks every secondary of each primary zone (its NS
// hosts and also-notify targets, the same set NOTIFY goes to) which SOA serial
// it serves, and writes what it saw to ReplicaStatus for the dashboard. A
// probe that sees a target on a new serial, or in a new state, is also kept as
// a `probe` event, so that the time from a commit to "live on that secondary"
// can be read back later for each change.
//
// It "chases" a zone right after each NOTIFY: the secondary usually transfers
// within a second of it, so the target is probed at short, growing delays
// until it serves the new serial. Besides, a slow sweep goes over every
// primary zone, at most `zonesPerSecond` zones a second (ZK_PROBE_RATE), and
// starts again no sooner than `intervalMs` after it began: a sweep takes
// max(interval, zones / rate). Its cost is that of the rate, whatever the
// number of zones: the packets of each zone's probes, and a few queries per
// batch of zones (a minute of the sweep, RECORD_WITHIN_MS) to write what they
// found (a query through the client costs a millisecond or more of CPU).
// The chase after each NOTIFY, not the sweep, is what follows changes.
// Each probe result is also kept as a lag sample, and a secondary seen moving
// to a new serial as a commit-to-serving time (lib/replication/lag-samples.ts),
// in the same batch writes: the charts of a zone's replication page.
// A probe that finds a secondary answering with an older serial than the one
// we serve says so (onBehind); the NOTIFY queue decides whether to notify it
// again. After each batch, the zones in it are checked for a move between
// healthy and a problem, which writes webhook deliveries (lib/webhooks/
// transitions.ts; onAlerts then wakes the sender).
import { db, writeTransaction } from '../db';
import type { Prisma, ReplicaStatus } from '../generated/prisma/client';
import { failureMessage, isForeignKeyViolation, isUniqueViolation } from '../db-errors';
import { lagDays, type ListenAddress } from '../config/env';
import { formatHostPort } from '../dns/address';
import { lowercased, RCODE, rcodeName } from '../dns/wire';
import { recordZoneEvents, type ZoneEvent } from '../replication/zone-events';
import { recordLag, type LagObservation } from '../replication/lag-samples';
import { recordTransitions } from '../webhooks/transitions';
import { serialGreater } from '../dns/serial';
import type { RR } from '../dns/types';
import { notifyTargets } from '../zones/notify-targets';
import { readList } from '../zones/json-lists';
import type { Logger } from './logger';
import { resolveTarget } from './notify-queue';
import { PrimaryQueryError, queryPrimary } from './secondary/query-primary';
import type { ZoneSnapshot } from './zone-snapshot';
import type { ZoneStore } from './zone-store';

/**
 * What one probe found. `refused`: the server refused the question (an
 * authoritative-only server does that for a zone it does not have, so the
 * dashboard counts it as missing); `missing`: NXDOMAIN/NOTAUTH, or an answer
 * that is not an authoritative SOA.
 */
export type ProbeState = 'ok' | 'timeout' | 'refused' | 'missing' | 'error';

export interface ProbeResult {
  target: string;
  state: ProbeState;
  serial?: number;
  rttMs?: number;
  error?: string;
}

export interface ProberOptions {
  /** Between the starts of two sweeps over every zone; 0: no sweeps (chases after NOTIFY still run). */
  intervalMs: number;
  /** The most zones a sweep probes in a second (ZK_PROBE_RATE). */
  zonesPerSecond: number;
  workerId?: string;
  timeoutsMs?: number[];
  /** Delays of the probes after a NOTIFY, until the target serves the new serial. */
  chaseDelaysMs?: number[];
  /** Days of lag samples kept (ZK_LAG_DAYS). */
  lagDays?: number;
  /** A probe found `target` (ADDRESS:PORT) serving `theirs`, older (RFC 1982) than our served `serial`. */
  onBehind?: (zone: { id: number; name: string }, target: string, serial: number, theirs: number) => void;
  /** A batch turned a zone's replication bad or good again, and webhook deliveries were written. */
  onAlerts?: () => void;
}

const DEFAULT_CHASE_MS = [0, 200, 400, 800, 1500, 3000, 6000, 12_000, 30_000, 60_000];

/** Zones a sweep reads from the database at a time. */
const SWEEP_PAGE = 100;
/**
 * A sweep writes what it found at most this long after the first probe it
 * has not written yet: each write is a dozen statements through the client
 * whatever the number of zones in it, so at the default rate (a zone a
 * second) a batch holds about 60 zones, and a check time on the dashboard is
 * at most a minute late (a sweep of 50,000 zones takes 14 hours).
 */
const RECORD_WITHIN_MS = 60_000;
/** And at most this many zones at a time (a faster ZK_PROBE_RATE). */
const RECORD_MOST = 100;
/** How long the sweep reuses a target's lookup (lookupForSweep), and how many it keeps before dropping the expired ones. */
const LOOKUP_REUSE_MS = 60_000;
const LOOKUPS_KEPT = 1000;

/** What probing a zone needs of its row: where NOTIFY goes. */
const PROBE_ROW = { id: true, name: true, kind: true, soaMname: true, alsoNotify: true } as const;
type ProbeRow = Prisma.ZoneGetPayload<{ select: typeof PROBE_ROW }>;

/** Asks `to` for the zone's SOA over UDP (TCP when truncated) and classifies the answer. */
export async function probeSoa(zone: string, to: ListenAddress, timeoutsMs = [1000, 2000]): Promise<ProbeResult> {
  const target = formatHostPort(to);
  const started = performance.now();
  const rtt = () => Math.round(performance.now() - started);
  try {
    const reply = await queryPrimary(to, zone, 'SOA', { timeoutsMs });
    const soa = reply.answers.find((a) => a.type === 'SOA' && lowercased(a.name) === zone);
    if (!reply.aa || !soa) {
      return { target, state: 'missing', rttMs: rtt(), error: reply.aa ? 'no SOA in the answer' : 'the answer is not authoritative: the server does not serve this zone' };
    }
    return { target, state: 'ok', serial: (soa.data as { serial: number }).serial, rttMs: rtt() };
  } catch (err) {
    if (!(err instanceof PrimaryQueryError)) return { target, state: 'error', error: (err as Error).message };
    const rcode = err.rcode;
    if (rcode === RCODE.NXDOMAIN || rcode === RCODE.NOTAUTH) return { target, state: 'missing', rttMs: rtt(), error: `${rcodeName(rcode)}: the server does not serve this zone` };
    if (rcode === RCODE.REFUSED) return { target, state: 'refused', rttMs: rtt(), error: 'REFUSED: the server does not serve this zone, or does not answer us' };
    if (err.kind === 'timeout') return { target, state: 'timeout', error: 'no answer' };
    return { target, state: 'error', rttMs: rcode === undefined ? undefined : rtt(), error: err.message };
  }
}

/** The zone's NS, and the glue of NS hosts inside it, from the served snapshot. */
function nsAndGlue(zone: ZoneSnapshot): RR[] {
  const ns = zone.recordsAt(zone.name, 'NS');
  return [...ns, ...ns.flatMap((r) => zone.addressesOf(r.content))];
}

export class Prober {
  private sweeping: Promise<void> | null = null;
  private stopped = false;
  /** Wakes the sweep from its pause when the prober stops. */
  private wake: (() => void) | null = null;
  /** zone → target → the serial being chased and its pending timer. */
  private readonly chases = new Map<string, { serial: number; timer: NodeJS.Timeout | undefined }>();
  private readonly inFlight = new Set<Promise<unknown>>();
  /** The sweep's recent lookups of targets (lookupForSweep). */
  private readonly lookups = new Map<string, { until: number; addresses: Promise<ListenAddress[]> }>();

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
    private readonly opts: ProberOptions,
  ) {}

  start(): void {
    if (this.opts.intervalMs <= 0 || this.sweeping) return;
    this.sweeping = this.sweep();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    this.wake?.();
    for (const c of this.chases.values()) clearTimeout(c.timer);
    this.chases.clear();
    await Promise.allSettled([this.sweeping, ...this.inFlight]);
  }

  /**
   * Sweeps over every primary zone this worker serves, again and again: one
   * zone no sooner than 1 / zonesPerSecond seconds after the one before (a
   * slow probe is not made up for by a burst after it), the next sweep no
   * sooner than intervalMs after the last began. The zones are read a page at
   * a time, so a sweep holds no list of every zone, and what they found is
   * written a batch at a time (record(), RECORD_WITHIN_MS).
   */
  private async sweep(): Promise<void> {
    const gapMs = 1000 / this.opts.zonesPerSecond;
    let next = Date.now();
    while (!this.stopped) {
      const began = Date.now();
      const found: ZoneProbe[] = [];
      try {
        for (let after = 0; ; ) {
          const page = await db().zone.findMany({ where: { kind: 'primary', id: { gt: after } }, orderBy: { id: 'asc' }, take: SWEEP_PAGE, select: PROBE_ROW });
          for (const row of page) {
            // Written before a pause that would hold them past RECORD_WITHIN_MS (a slow ZK_PROBE_RATE).
            if (found.length > 0 && next - found[0]!.at.getTime() >= RECORD_WITHIN_MS) await this.recordSwept(found.splice(0));
            await this.pause(next);
            if (this.stopped) break;
            next = Date.now() + gapMs;
            const probe = await this.probeRow(row, this.lookupForSweep);
            if (probe) found.push(probe);
            if (found.length >= RECORD_MOST) await this.recordSwept(found.splice(0));
          }
          if (this.stopped || page.length < SWEEP_PAGE) break;
          after = page.at(-1)!.id;
        }
        await this.recordSwept(found.splice(0));
      } catch (err) {
        this.log.error({ err: failureMessage(err) }, 'probe sweep failed');
      }
      // An empty sweep waits its gap too, rather than spin.
      next = Math.max(next, began + this.opts.intervalMs, Date.now() + gapMs);
      await this.pause(next);
    }
  }

  /** record() for the sweep, which goes on whatever happens to one batch (a zone deleted meanwhile, say). */
  private async recordSwept(probes: ZoneProbe[]): Promise<void> {
    try {
      await this.record(probes);
    } catch (err) {
      this.log.warn({ zones: probes.map((p) => p.zoneName), err: failureMessage(err) }, 'probe results not recorded');
    }
  }

  /** Waits until `at` (ms since the epoch), or until the prober stops. */
  private pause(at: number): Promise<void> {
    const ms = at - Date.now();
    if (ms <= 0 || this.stopped) return Promise.resolve();
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.wake = null;
        resolve();
      }, ms);
      timer.unref();
      this.wake = () => {
        clearTimeout(timer);
        this.wake = null;
        resolve();
      };
    });
  }

  /** Probes every secondary of one zone now and records the results. */
  async probeZone(zoneName: string): Promise<ProbeResult[]> {
    const row = await db().zone.findUnique({ where: { name: zoneName }, select: PROBE_ROW });
    const probe = row ? await this.probeRow(row) : null;
    if (!probe) return [];
    await this.record([probe]);
    return probe.results.filter((r) => !probe.unresolved.includes(r));
  }

  /** Asks every secondary of the zone for its SOA; null when this worker does not serve it as a primary. */
  private async probeRow(row: ProbeRow, lookup: (target: string) => Promise<ListenAddress[]> = resolveTarget): Promise<ZoneProbe | null> {
    const targets = await this.targetsOf(row, lookup);
    if (!targets) return null;
    const answers = await Promise.all(targets.addresses.map((a) => this.track(probeSoa(row.name, a, this.opts.timeoutsMs))));
    return { zoneId: row.id, zoneName: row.name, results: [...targets.unresolved, ...answers], unresolved: targets.unresolved, at: new Date(), everyTarget: true };
  }

  /**
   * After a NOTIFY of `serial` went to `target` (ADDRESS:PORT or HOST:PORT):
   * probe it at growing delays until it serves that serial or newer.
   */
  chase(zoneName: string, serial: number, target: string): void {
    if (this.stopped) return;
    const key = `${zoneName} ${target}`;
    const previous = this.chases.get(key);
    if (previous) clearTimeout(previous.timer);
    const state = { serial, timer: undefined as NodeJS.Timeout | undefined };
    this.chases.set(key, state);
    const delays = this.opts.chaseDelaysMs ?? DEFAULT_CHASE_MS;
    const step = (i: number) => {
      if (this.stopped || this.chases.get(key) !== state || i >= delays.length) {
        if (this.chases.get(key) === state) this.chases.delete(key);
        return;
      }
      state.timer = setTimeout(() => {
        void this.track(this.chaseOnce(zoneName, serial, target)).then((done) => (done ? this.chases.delete(key) : step(i + 1)));
      }, delays[i]);
      state.timer.unref();
    };
    step(0);
  }

  private async chaseOnce(zoneName: string, serial: number, target: string): Promise<boolean> {
    try {
      const zone = await db().zone.findUnique({ where: { name: zoneName }, select: { id: true } });
      if (!zone) return true;
      const addresses = await resolveTarget(target);
      let caughtUp = true;
      for (const a of addresses) {
        const r = await probeSoa(zoneName, a, this.opts.timeoutsMs);
        await this.record([{ zoneId: zone.id, zoneName, results: [r], unresolved: [], at: new Date(), everyTarget: false }]);
        if (r.state !== 'ok' || r.serial === undefined || serialGreater(serial, r.serial)) caughtUp = false;
      }
      return caughtUp;
    } catch (err) {
      this.log.warn({ zone: zoneName, target, err: failureMessage(err) }, 'probe after NOTIFY failed');
      return false;
    }
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inFlight.add(p);
    void p.finally(() => this.inFlight.delete(p));
    return p;
  }

  /**
   * resolveTarget for the sweep: a target's lookup, failed or not, serves the
   * zones swept for LOOKUP_REUSE_MS after it (a provider's zones share their
   * NS hosts: one lookup a minute, not two a zone). A probe on demand and a
   * chase after NOTIFY look up afresh.
   */
  private readonly lookupForSweep = (target: string): Promise<ListenAddress[]> => {
    const now = Date.now();
    const known = this.lookups.get(target);
    if (known && known.until > now) return known.addresses;
    if (this.lookups.size >= LOOKUPS_KEPT) for (const [t, l] of this.lookups) if (l.until <= now) this.lookups.delete(t);
    const addresses = resolveTarget(target);
    addresses.catch(() => undefined); // the caller sees the failure
    this.lookups.set(target, { until: now + LOOKUP_REUSE_MS, addresses });
    return addresses;
  };

  /** The addresses to probe, and as results the targets whose host name does not resolve. */
  private async targetsOf(row: ProbeRow, lookup: (target: string) => Promise<ListenAddress[]>): Promise<{ addresses: ListenAddress[]; unresolved: ProbeResult[] } | null> {
    const snapshot = this.store.get(row.name);
    if (!snapshot || row.kind !== 'primary') return null;
    const targets = notifyTargets(row.name, row.soaMname, nsAndGlue(snapshot), readList(row.alsoNotify));
    const addresses: ListenAddress[] = [];
    const unresolved: ProbeResult[] = [];
    for (const t of targets) {
      try {
        addresses.push(...(await lookup(t)));
      } catch (err) {
        // A host name that does not resolve is a target we cannot reach: say so on the dashboard.
        unresolved.push({ target: t, state: 'error', error: `cannot resolve: ${(err as Error).message}` });
      }
    }
    const unique = new Map(addresses.map((a) => [formatHostPort(a), a]));
    return { addresses: [...unique.values()], unresolved };
  }

  /**
   * Writes what the probes found to ReplicaStatus, in one transaction (one
   * commit, where SQLite waits for the disk, for all of them). A target
   * seen anew (another serial, state or reason) has its row written again
   * with every field, and a new serial or state is kept as a `probe` event at
   * the time of its probe. Targets in the state they were (what a sweep finds
   * almost always) only have their check time moved. Each of these is one
   * statement for the whole batch: a sweep costs a few queries per
   * batch of zones, not several per zone. (Their round-trip time stays
   * that of the last probe that saw something new.) A probe of every target
   * of a zone also drops the servers no longer among them.
   */
  private async record(probes: ZoneProbe[]): Promise<void> {
    if (probes.length === 0) return;
    try {
      await this.write(probes);
    } catch (err) {
      // A chase and a sweep that found the same target anew at the same moment (PostgreSQL runs
      // them side by side): the one that lost writes again over what the other wrote.
      if (isUniqueViolation(err)) await this.write(probes);
      // A zone deleted since it was probed (every result writes a lag sample): the others' go in without it.
      else if (isForeignKeyViolation(err)) await this.write(await stillThere(probes));
      else throw err;
    }
    for (const p of probes) for (const r of p.results) this.checkBehind(p, r);
    await this.checkTransitions(probes);
  }

  /** The alerts of a recorded batch; a failure here loses no probe result (the next probe of the zone looks again). */
  private async checkTransitions(probes: ZoneProbe[]): Promise<void> {
    try {
      if ((await recordTransitions([...new Set(probes.map((p) => p.zoneId))])) > 0) this.opts.onAlerts?.();
    } catch (err) {
      this.log.warn({ zones: probes.map((p) => p.zoneName), err: failureMessage(err) }, 'replication alerts not checked');
    }
  }

  /** record()'s transaction. */
  private async write(probes: ZoneProbe[]): Promise<void> {
    const workerId = this.opts.workerId ?? null;
    await writeTransaction(async (tx) => {
      const statuses = await tx.replicaStatus.findMany({ where: { zoneId: { in: probes.map((p) => p.zoneId) } } });
      const known = new Map(statuses.map((s) => [`${s.zoneId} ${s.target}`, s]));
      const same: { ok: number[]; failed: number[] } = { ok: [], failed: [] };
      // Rows seen anew are replaced, and their news kept, in one statement each for the batch:
      // when a secondary goes away, every zone a sweep probes has news (a query each cost 1-3 ms).
      const gone: number[] = [];
      const fresh: Prisma.ReplicaStatusCreateManyInput[] = [];
      const events: ZoneEvent[] = [];
      const lags: LagObservation[] = [];
      for (const p of probes) {
        const ours = this.store.get(p.zoneName)?.serial ?? null;
        for (const r of p.results) {
          const before = known.get(`${p.zoneId} ${r.target}`) ?? null;
          lags.push({ zoneId: p.zoneId, target: r.target, at: p.at, state: r.state, theirs: r.serial ?? null, ours, before: before?.serial == null ? null : Number(before.serial) });
          if (before && sameAs(before, r)) {
            (r.state === 'ok' ? same.ok : same.failed).push(before.id);
            continue;
          }
          if (before) gone.push(before.id);
          fresh.push(statusOf(p, r, before, workerId));
          if (isNews(before, r)) events.push(eventOf(p, r, workerId));
        }
        // A server no longer among the zone's NS or also-notify leaves the dashboard.
        const targets = new Set(p.results.map((r) => r.target));
        if (p.everyTarget) for (const s of statuses) if (s.zoneId === p.zoneId && !targets.has(s.target)) gone.push(s.id);
      }
      const now = new Date();
      if (same.ok.length > 0) await tx.replicaStatus.updateMany({ where: { id: { in: same.ok } }, data: { checkedAt: now, lastOkAt: now, workerId } });
      if (same.failed.length > 0) await tx.replicaStatus.updateMany({ where: { id: { in: same.failed } }, data: { checkedAt: now, workerId } });
      if (gone.length > 0) await tx.replicaStatus.deleteMany({ where: { id: { in: gone } } });
      if (fresh.length > 0) await tx.replicaStatus.createMany({ data: fresh });
      await recordZoneEvents(events, tx);
      // The lag history: a sample per result, written and pruned with the rest of the batch.
      await recordLag(tx, lags, { keepDays: this.opts.lagDays ?? lagDays() });
    });
  }

  /** A target answering an older serial than ours is reported, on every probe that sees it (the NOTIFY queue paces what it does). */
  private checkBehind(p: ZoneProbe, r: ProbeResult): void {
    const ours = this.store.get(p.zoneName)?.serial;
    if (r.state === 'ok' && ours !== undefined && serialGreater(ours, r.serial!)) this.opts.onBehind?.({ id: p.zoneId, name: p.zoneName }, r.target, ours, r.serial!);
  }
}

/** What probing one zone found, to be recorded. */
interface ZoneProbe {
  zoneId: number;
  zoneName: string;
  /** One per target probed, the unresolved ones included. */
  results: ProbeResult[];
  /** Those of `results` whose host name did not resolve. */
  unresolved: ProbeResult[];
  /** When the probes were answered. */
  at: Date;
  /** Every target of the zone was probed (not a chase of one): statuses of other targets are stale. */
  everyTarget: boolean;
}

/** The probes of the zones that still exist. */
async function stillThere(probes: ZoneProbe[]): Promise<ZoneProbe[]> {
  const zones = await db().zone.findMany({ where: { id: { in: probes.map((p) => p.zoneId) } }, select: { id: true } });
  const ids = new Set(zones.map((z) => z.id));
  return probes.filter((p) => ids.has(p.zoneId));
}

/** A target's status as a probe found it anew. */
function statusOf(p: ZoneProbe, r: ProbeResult, before: ReplicaStatus | null, workerId: string | null): Prisma.ReplicaStatusCreateManyInput {
  const ok = r.state === 'ok';
  return {
    zoneId: p.zoneId,
    target: r.target,
    state: r.state,
    // An unreachable secondary keeps the serial it was last seen serving.
    serial: ok ? BigInt(r.serial!) : (before?.serial ?? null),
    error: r.error ?? null,
    rttMs: r.rttMs ?? null,
    checkedAt: p.at,
    lastOkAt: ok ? p.at : (before?.lastOkAt ?? null),
    workerId,
  };
}

/** Whether a probe is news to keep as an event: a new state, or a new serial. A new reason alone (another error text in the same state) is not. */
function isNews(before: ReplicaStatus | null, r: ProbeResult): boolean {
  return !before || before.state !== r.state || (r.state === 'ok' && before.serial !== BigInt(r.serial!));
}

/** The `probe` event that keeps a probe's news, at the time of the probe. */
function eventOf(p: ZoneProbe, r: ProbeResult, workerId: string | null): ZoneEvent {
  const ok = r.state === 'ok';
  return { zoneId: p.zoneId, zoneName: p.zoneName, kind: 'probe', peer: r.target, serial: ok ? r.serial! : null, outcome: r.state, detail: r.error ?? null, durationMs: r.rttMs ?? null, workerId, createdAt: p.at };
}

/** Whether a probe found a target as its status already says: same state, serial and reason. */
function sameAs(before: ReplicaStatus, r: ProbeResult): boolean {
  return before.state === r.state && (r.state !== 'ok' || before.serial === BigInt(r.serial!)) && before.error === (r.error ?? null);
}
