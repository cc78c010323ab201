// The replication prober: asks every secondary of each primary zone (its NS
// hosts and also-notify targets, the same set NOTIFY goes to) which SOA serial
// it serves, and writes what it saw to ReplicaStatus for the dashboard. A
// probe that sees a target on a new serial, or in a new state, is also kept as
// a `probe` event, so that the time from a commit to "live on that secondary"
// can be read back later for each change.
//
// It runs on a timer over all zones, and "chases" a zone right after each
// NOTIFY: the secondary usually transfers within a second of it, so the
// target is probed at short, growing delays until it serves the new serial.
// A probe that finds a secondary answering with an older serial than the one
// we serve says so (onBehind); the NOTIFY queue decides whether to notify it
// again.
import { db } from '../db';
import { failureMessage } from '../db-errors';
import { formatHostPort, type ListenAddress } from '../config/env';
import { lowercased, RCODE } from '../dns/wire';
import { serialGreater } from '../dns/serial';
import type { RR } from '../dns/types';
import { notifyTargets } from '../zones/notify-targets';
import { readList } from '../zones/json-lists';
import type { Logger } from './logger';
import { resolveTarget } from './notify-queue';
import { PrimaryQueryError, queryPrimary, rcodeName } from './secondary/query-primary';
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
  /** Between rounds over every zone; 0: no timer (chases after NOTIFY still run). */
  intervalMs: number;
  workerId?: string;
  timeoutsMs?: number[];
  /** Delays of the probes after a NOTIFY, until the target serves the new serial. */
  chaseDelaysMs?: number[];
  /** A probe found `target` (ADDRESS:PORT) serving `theirs`, older (RFC 1982) than our served `serial`. */
  onBehind?: (zone: { id: number; name: string }, target: string, serial: number, theirs: number) => void;
}

const DEFAULT_CHASE_MS = [0, 200, 400, 800, 1500, 3000, 6000, 12_000, 30_000, 60_000];

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
  private timer: NodeJS.Timeout | undefined;
  private round: Promise<void> | null = null;
  private stopped = false;
  /** zone → target → the serial being chased and its pending timer. */
  private readonly chases = new Map<string, { serial: number; timer: NodeJS.Timeout | undefined }>();
  private readonly inFlight = new Set<Promise<unknown>>();

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
    private readonly opts: ProberOptions,
  ) {}

  start(): void {
    if (this.opts.intervalMs <= 0) return;
    this.timer = setInterval(() => void this.probeAll(), this.opts.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.timer) clearInterval(this.timer);
    for (const c of this.chases.values()) clearTimeout(c.timer);
    this.chases.clear();
    await Promise.allSettled([this.round, ...this.inFlight]);
  }

  /** One round over every primary zone this worker serves. Rounds never overlap. */
  probeAll(): Promise<void> {
    this.round ??= (async () => {
      try {
        const rows = await db().zone.findMany({ where: { kind: 'primary' }, select: { name: true } });
        for (const { name } of rows) {
          if (this.stopped) return;
          await this.probeZone(name);
        }
      } catch (err) {
        this.log.error({ err: failureMessage(err) }, 'probe round failed');
      } finally {
        this.round = null;
      }
    })();
    return this.round;
  }

  /** Probes every secondary of one zone now and records the results. */
  async probeZone(zoneName: string): Promise<ProbeResult[]> {
    const targets = await this.targetsOf(zoneName);
    if (!targets) return [];
    const results = await Promise.all(targets.addresses.map((a) => this.track(probeSoa(zoneName, a, this.opts.timeoutsMs))));
    for (const r of results) await this.record(targets.zoneId, zoneName, r);
    // A server no longer among the zone's NS or also-notify leaves the dashboard.
    const keep = [...results.map((r) => r.target), ...targets.unresolved];
    await db().replicaStatus.deleteMany({ where: { zoneId: targets.zoneId, target: { notIn: keep } } });
    return results;
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
        await this.record(zone.id, zoneName, r);
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

  private async targetsOf(zoneName: string): Promise<{ zoneId: number; addresses: ListenAddress[]; unresolved: string[] } | null> {
    const snapshot = this.store.get(zoneName);
    const row = await db().zone.findUnique({ where: { name: zoneName }, select: { id: true, kind: true, soaMname: true, alsoNotify: true } });
    if (!snapshot || !row || row.kind !== 'primary') return null;
    const targets = notifyTargets(zoneName, row.soaMname, nsAndGlue(snapshot), readList(row.alsoNotify));
    const addresses: ListenAddress[] = [];
    const unresolved: string[] = [];
    for (const t of targets) {
      try {
        addresses.push(...(await resolveTarget(t)));
      } catch (err) {
        // A host name that does not resolve is a target we cannot reach: say so on the dashboard.
        unresolved.push(t);
        await this.record(row.id, zoneName, { target: t, state: 'error', error: `cannot resolve: ${(err as Error).message}` });
      }
    }
    const unique = new Map(addresses.map((a) => [formatHostPort(a), a]));
    return { zoneId: row.id, addresses: [...unique.values()], unresolved };
  }

  /** Upserts the target's status; a new serial or state is also kept as a `probe` event. */
  private async record(zoneId: number, zoneName: string, r: ProbeResult): Promise<void> {
    const now = new Date();
    const before = await db().replicaStatus.findUnique({ where: { zoneId_target: { zoneId, target: r.target } } });
    const ok = r.state === 'ok';
    const data = {
      state: r.state,
      // An unreachable secondary keeps the serial it was last seen serving.
      serial: ok ? BigInt(r.serial!) : (before?.serial ?? null),
      error: r.error ?? null,
      rttMs: r.rttMs ?? null,
      checkedAt: now,
      lastOkAt: ok ? now : (before?.lastOkAt ?? null),
      workerId: this.opts.workerId ?? null,
    };
    await db().replicaStatus.upsert({
      where: { zoneId_target: { zoneId, target: r.target } },
      create: { zoneId, target: r.target, ...data },
      update: data,
    });
    const ours = this.store.get(zoneName)?.serial;
    if (ok && ours !== undefined && serialGreater(ours, r.serial!)) this.opts.onBehind?.({ id: zoneId, name: zoneName }, r.target, ours, r.serial!);
    const changed = !before || before.state !== r.state || (ok && before.serial !== BigInt(r.serial!));
    if (changed) {
      await db().zoneEvent.create({
        data: {
          zoneId,
          zoneName,
          kind: 'probe',
          peer: r.target,
          serial: ok ? BigInt(r.serial!) : null,
          outcome: r.state,
          detail: r.error ?? null,
          durationMs: r.rttMs ?? null,
          workerId: this.opts.workerId ?? null,
          createdAt: now,
        },
      });
    }
  }
}
