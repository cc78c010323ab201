// Sends the NOTIFY jobs that the change service writes in the same
// transaction as each change (RFC 1996). Jobs live in the database, so a
// worker that was down at commit time sends them when it starts. Each attempt
// and its outcome is recorded as an event; a target that does not
// acknowledge is retried with a doubling delay until GIVE_UP_AFTER_MS.
//
// It also re-notifies a secondary the prober sees serving an older serial
// than ours (renotifyBehind): an acknowledged NOTIFY is no promise of a
// transfer (the secondary may die before storing it, or fail and wait for a
// long SOA retry), and nothing else would tell it again until its refresh.
import dns from 'node:dns/promises';
import net from 'node:net';
import { db, dbCapabilities, writeTransaction } from '../db';
import { failureMessage, isForeignKeyViolation } from '../db-errors';
import { serialGreater } from '../dns/serial';
import { dnsListen, type ListenAddress } from '../config/env';
import { formatHostPort, splitHostPort } from '../dns/address';
import { recordZoneEvents } from '../replication/zone-events';
import type { Logger } from './logger';
import type { NotifyResult } from '../control/protocol';
import { sendNotify } from './notify-out';
import type { ZoneStore } from './zone-store';

export interface NotifyQueueOptions {
  source?: string;
  /** Delay before the first retry; doubles each attempt up to maxBackoffMs. */
  firstBackoffMs?: number;
  maxBackoffMs?: number;
  /** A job not acknowledged this long after it was written is marked failed. */
  giveUpAfterMs?: number;
  /** Timeouts of the UDP tries within one attempt. */
  timeoutsMs?: number[];
  workerId?: string;
  /** Called when a target acknowledged a NOTIFY (the prober then watches it pick the change up). */
  onAcknowledged?: (zone: string, serial: number, target: string) => void;
  /** Re-notifying secondaries that stay behind (tests shorten it; maxPerSerial 0 turns it off). */
  renotify?: Partial<RenotifyPolicy>;
}

/**
 * When a secondary seen behind gets one more NOTIFY: the k-th (k = 0, 1, …)
 * of one serial to one target goes out min(firstDelayMs · 2^k, maxDelayMs)
 * after the last NOTIFY job of that serial to it (else after the change), at
 * most maxPerSerial times. Each is a single attempt, not retried.
 */
export interface RenotifyPolicy {
  firstDelayMs: number;
  maxDelayMs: number;
  maxPerSerial: number;
}

/**
 * One minute (the chase after a NOTIFY has then seen it not move), doubling
 * to an hour, eight times: about three hours of trying for one serial, then
 * nothing until the next change or an operator's re-notify. A secondary
 * that acknowledges and never transfers costs eight packets per change.
 */
export const DEFAULT_RENOTIFY: RenotifyPolicy = { firstDelayMs: 60_000, maxDelayMs: 3_600_000, maxPerSerial: 8 };

/** How long after the last NOTIFY of a serial to a target its `k`-th re-notify (k = 0, 1, …) may go out. */
export function renotifyDelayMs(k: number, policy: RenotifyPolicy = DEFAULT_RENOTIFY): number {
  return Math.min(policy.firstDelayMs * 2 ** Math.min(Math.max(0, k), 30), policy.maxDelayMs);
}

const DEFAULTS = { firstBackoffMs: 2000, maxBackoffMs: 300_000, giveUpAfterMs: 3_600_000, timeoutsMs: [1000, 2000] };
/** While one worker sends a job, others leave it alone for this long. */
const LEASE_MS = 60_000;
const BATCH = 50;
/** The longest a poll trusts that no job is due without asking the database again. */
const QUIET_MAX_MS = 60_000;

type Job = Awaited<ReturnType<typeof dueJobs>>[number];

function dueJobs(now: Date) {
  return db().notifyJob.findMany({
    where: { state: 'pending', nextAttemptAt: { lte: now } },
    orderBy: { nextAttemptAt: 'asc' },
    take: BATCH,
    include: { zone: { select: { name: true } } },
  });
}

/**
 * Takes a lease on due jobs (moves nextAttemptAt LEASE_MS ahead) so that every
 * other worker on the same database leaves them alone: each NOTIFY goes out
 * once, not once per worker. `due`: how many due jobs were seen. A job keeps
 * its original nextAttemptAt in memory, so that "not yet, wait for the reload"
 * can hand it back.
 */
async function claimDueJobs(now: Date): Promise<{ due: number; mine: Job[] }> {
  const lease = new Date(now.getTime() + LEASE_MS);
  const can = dbCapabilities();
  if (can.skipLocked) {
    // Rows another worker is claiming at this instant are skipped, not waited for.
    const ids = can.updateReturning ? await leaseInOneStatement(now, lease) : await leaseLockedRows(now, lease);
    if (ids.length === 0) return { due: 0, mine: [] };
    const mine = await db().notifyJob.findMany({
      where: { id: { in: ids } },
      orderBy: { id: 'asc' },
      include: { zone: { select: { name: true } } },
    });
    return { due: ids.length, mine: mine.map((j) => ({ ...j, nextAttemptAt: now })) };
  }
  const jobs = await dueJobs(now);
  const mine: Job[] = [];
  for (const job of jobs) {
    // A conditional update is the claim: a second worker's finds the row changed and skips it.
    const { count } = await db().notifyJob.updateMany({
      where: { id: job.id, state: 'pending', attempts: job.attempts, nextAttemptAt: job.nextAttemptAt },
      data: { nextAttemptAt: lease },
    });
    if (count === 1) mine.push(job);
  }
  return { due: jobs.length, mine };
}

/** claimDueJobs on PostgreSQL: the ids of the jobs it leased, in one statement. */
async function leaseInOneStatement(now: Date, lease: Date): Promise<number[]> {
  // Times go in as UTC text: the columns are timestamp(3) holding UTC, whatever the server's TimeZone.
  const rows = await db().$queryRaw<{ id: number }[]>`
    WITH due AS (
      SELECT "id" FROM "NotifyJob"
      WHERE "state" = 'pending' AND "nextAttemptAt" <= (${now.toISOString()}::timestamptz AT TIME ZONE 'UTC')
      ORDER BY "nextAttemptAt" LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED
    )
    UPDATE "NotifyJob" AS j SET "nextAttemptAt" = (${lease.toISOString()}::timestamptz AT TIME ZONE 'UTC')
    FROM due WHERE j."id" = due."id"
    RETURNING j."id"`;
  return rows.map((r) => Number(r.id));
}

/**
 * claimDueJobs where UPDATE cannot return rows (MySQL/MariaDB): the due rows
 * locked and then moved, in one transaction. The scan must follow the
 * (state, nextAttemptAt) index in its order: InnoDB locks every row it reads,
 * and an order the index does not give (by id, say) reads and locks every due
 * row before the LIMIT, so that a second worker found none to take.
 */
async function leaseLockedRows(now: Date, lease: Date): Promise<number[]> {
  return writeTransaction(async (tx) => {
    const rows = await tx.$queryRaw<{ id: number }[]>`
      SELECT "id" FROM "NotifyJob"
      WHERE "state" = 'pending' AND "nextAttemptAt" <= ${now}
      ORDER BY "nextAttemptAt" LIMIT ${BATCH}
      FOR UPDATE SKIP LOCKED`;
    const ids = rows.map((r) => Number(r.id));
    if (ids.length > 0) await tx.notifyJob.updateMany({ where: { id: { in: ids } }, data: { nextAttemptAt: lease } });
    return ids;
  });
}

export class NotifyQueue {
  /** A run claiming due jobs; it does not wait for the NOTIFYs it starts (see runOnce). */
  private running: Promise<void> | null = null;
  private again = false;
  /** NOTIFYs under way, each settling once its job is acknowledged, retried later or given up. */
  private readonly sending = new Set<Promise<unknown>>();
  /** Before this time (ms since the epoch) no pending job is due, as of the last run; 0: not known. */
  private quietUntil = 0;
  private readonly opts: Required<Omit<NotifyQueueOptions, 'source' | 'workerId' | 'onAcknowledged' | 'renotify'>> & NotifyQueueOptions;
  private readonly renotify: RenotifyPolicy;
  /**
   * "zoneId target" → the serial last considered and the time before which
   * no re-notify of it can be due: probes every minute of a secondary that
   * stays behind then cost no query until then (Infinity: the cap is reached).
   */
  private readonly renotifyNotBefore = new Map<string, { serial: number; at: number }>();
  /** Re-notify decisions under way, one per "zoneId target": a chase and a round probing it at once queue one NOTIFY, not two. */
  private readonly renotifyChecks = new Map<string, Promise<boolean>>();

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
    opts: NotifyQueueOptions = {},
  ) {
    this.opts = { ...DEFAULTS, ...opts };
    this.renotify = { ...DEFAULT_RENOTIFY, ...opts.renotify };
  }

  /**
   * A probe saw `target` (ADDRESS:PORT) serve `theirs`, older than the
   * `serial` we serve: queue one NOTIFY to it when the policy allows, and
   * send it at once. Not while a NOTIFY job for that serial to it is pending.
   * Returns whether one was queued.
   */
  renotifyBehind(zoneId: number, zoneName: string, target: string, serial: number, theirs: number): Promise<boolean> {
    if (this.renotify.maxPerSerial <= 0) return Promise.resolve(false);
    const key = `${zoneId} ${target}`;
    if (this.renotifyChecks.has(key)) return Promise.resolve(false);
    const check = this.decideRenotify(key, zoneId, zoneName, target, serial, theirs).finally(() => this.renotifyChecks.delete(key));
    this.renotifyChecks.set(key, check);
    return check;
  }

  private async decideRenotify(key: string, zoneId: number, zoneName: string, target: string, serial: number, theirs: number): Promise<boolean> {
    const now = Date.now();
    const known = this.renotifyNotBefore.get(key);
    if (known && known.serial === serial && now < known.at) return false;
    const jobs = await db().notifyJob.findMany({
      where: { zoneId, target, serial: BigInt(serial) },
      select: { state: true, reason: true, createdAt: true },
    });
    if (jobs.some((j) => j.state === 'pending')) return false;
    const sent = jobs.filter((j) => j.reason === 'behind').length;
    if (sent >= this.renotify.maxPerSerial) {
      if (known?.at !== Infinity || known.serial !== serial) {
        this.log.info({ zone: zoneName, target, serial, theirs, renotified: sent }, 'secondary still behind; re-notified as often as allowed for this serial');
      }
      this.renotifyNotBefore.set(key, { serial, at: Infinity });
      return false;
    }
    let last = Math.max(0, ...jobs.map((j) => j.createdAt.getTime()));
    if (last === 0) {
      // No NOTIFY of this serial went to this address (it was sent to the NS host's name, or never): count from the change.
      const change = await db().change.findFirst({ where: { zoneId }, orderBy: { id: 'desc' }, select: { createdAt: true } });
      last = change?.createdAt.getTime() ?? 0;
    }
    const due = last + renotifyDelayMs(sent, this.renotify);
    if (now < due) {
      this.renotifyNotBefore.set(key, { serial, at: due });
      return false;
    }
    this.renotifyNotBefore.delete(key);
    await db().notifyJob.create({
      data: { zoneId, serial: BigInt(serial), target, reason: 'behind', lastResult: `it served serial ${theirs} when probed` },
    });
    this.log.info({ zone: zoneName, target, serial, theirs, renotify: sent + 1 }, 'secondary behind; NOTIFY again');
    void this.kick();
    return true;
  }

  /**
   * What a poll that found no changed zone calls: sends whatever is due, but
   * asks the database only once the earliest pending job the last run saw
   * is due (or QUIET_MAX_MS have passed). A new job comes with a change to
   * its zone, and the sync that loads it calls kick().
   */
  poll(): Promise<void> {
    if (Date.now() < this.quietUntil) return Promise.resolve();
    return this.kick();
  }

  /**
   * Sends whatever is due now; calls during a run cause one more run after it.
   * Resolves once the NOTIFYs due by then have been sent and answered (or
   * retried later, or given up).
   */
  kick(): Promise<void> {
    if (this.running) this.again = true;
    else {
      this.running = (async () => {
        try {
          do {
            this.again = false;
            await this.runOnce();
          } while (this.again);
        } catch (err) {
          this.log.error({ err: failureMessage(err) }, 'NOTIFY queue run failed; retrying at the next poll');
        } finally {
          this.running = null;
        }
      })();
    }
    return this.running!.then(() => this.sent());
  }

  /** Resolves when no run, no NOTIFY and no re-notify decision is in progress (for a clean stop). */
  async settle(): Promise<void> {
    await Promise.allSettled([...this.renotifyChecks.values()]);
    while (this.running || this.sending.size > 0) {
      await this.running;
      await this.sent();
    }
  }

  /** Resolves once the NOTIFYs under way now have settled. */
  private async sent(): Promise<void> {
    await Promise.allSettled([...this.sending]);
  }

  /**
   * Claims the due jobs and starts their NOTIFYs. A batch that is not full is
   * all that was due: the run ends without waiting for its answers, so a job
   * of the next commit is claimed and sent at once, not after a secondary that
   * does not answer has timed out (3 s with the default timeouts). A full
   * batch is waited for before the next is claimed, which bounds the NOTIFYs
   * in flight.
   */
  private async runOnce(): Promise<void> {
    this.quietUntil = 0;
    for (;;) {
      const now = new Date();
      const { due, mine } = await claimDueJobs(now);
      if (due === 0) {
        const next = await db().notifyJob.findFirst({ where: { state: 'pending' }, orderBy: { nextAttemptAt: 'asc' }, select: { nextAttemptAt: true } });
        this.quietUntil = Math.min(next?.nextAttemptAt.getTime() ?? Infinity, now.getTime() + QUIET_MAX_MS);
        return;
      }
      const attempts = mine.map((job) => this.track(job));
      if (due < BATCH) return;
      // Jobs waiting for a reload are due again at once: stop rather than fetch them again.
      if ((await Promise.all(attempts)).every((o) => o === 'waiting')) return;
    }
  }

  /** attempt(job), kept among those under way until it settles; a failure is logged, and the job is tried again once its lease ends. */
  private track(job: Job): Promise<'waiting' | void> {
    const p = this.attempt(job).catch((err: unknown) => {
      // The job went with its zone (deleted meanwhile): nothing to retry, nothing wrong.
      if (isForeignKeyViolation(err)) return void this.log.debug({ zone: job.zone.name, target: job.target }, 'zone deleted while its NOTIFY was under way');
      this.log.error({ zone: job.zone.name, target: job.target, err: failureMessage(err) }, 'NOTIFY attempt failed; retrying once its lease ends');
    });
    this.sending.add(p);
    void p.finally(() => {
      this.sending.delete(p);
      // Its retry time replaces the lease a run may have taken for the next job due.
      this.quietUntil = 0;
    });
    return p;
  }

  private async attempt(job: Job): Promise<'waiting' | void> {
    const zone = this.store.get(job.zone.name);
    if (!zone || zone.id !== job.zoneId) {
      await this.finish(job, 'failed', 'the zone is not served by this worker');
      return;
    }
    // Committed after our last reload: a NOTIFY now would carry the old SOA, the secondary would
    // answer "up to date" and not look again (RFC 1996 §3.7). The reload kicks the queue again.
    if (serialGreater(Number(job.serial), zone.serial) && Date.now() - job.createdAt.getTime() < this.opts.giveUpAfterMs) {
      await db().notifyJob.updateMany({ where: { id: job.id, state: 'pending' }, data: { nextAttemptAt: job.nextAttemptAt } });
      return 'waiting';
    }
    const soa = zone.soaRR();
    const key = zone.transfer.tsigKeyName ? this.store.tsigKeys.get(zone.transfer.tsigKeyName) : undefined;
    let results: NotifyResult[];
    try {
      const addresses = await resolveTarget(job.target);
      results = await Promise.all(addresses.map((a) => sendNotify(soa, a, { source: this.opts.source, timeoutsMs: this.opts.timeoutsMs, key })));
      if (results.length === 0) results = [{ target: job.target, outcome: 'error', detail: 'resolves only to this server' }];
    } catch (err) {
      results = [{ target: job.target, outcome: 'error', detail: (err as Error).message }];
    }
    const behind = job.reason === 'behind';
    await recordZoneEvents(
      results.map((r) => ({
        zoneId: job.zoneId,
        zoneName: job.zone.name,
        kind: 'notify-out',
        peer: r.target,
        serial: zone.serial,
        outcome: r.outcome,
        // The dashboard's event list and `zone status` show why this NOTIFY went out again.
        detail: behind ? [`re-notify: ${job.lastResult ?? 'behind'}`, r.detail].filter(Boolean).join('; ') : (r.detail ?? null),
        durationMs: r.ms ?? null,
        workerId: this.opts.workerId ?? null,
      })),
    );
    const summary = results.map((r) => `${r.target} ${r.outcome}${r.detail ? ` (${r.detail})` : ''}`).join('; ');
    if (results.every((r) => r.outcome === 'acknowledged')) {
      await this.finish(job, 'acked', summary, job.attempts + 1);
      this.log.info({ zone: job.zone.name, serial: zone.serial, target: job.target }, 'NOTIFY acknowledged');
      this.opts.onAcknowledged?.(job.zone.name, zone.serial, job.target);
      return;
    }
    const attempts = job.attempts + 1;
    // A re-notify is not retried: the next one, if any, comes by its own backoff (renotifyBehind).
    if (behind) {
      await this.finish(job, 'failed', summary, attempts);
      this.log.info({ zone: job.zone.name, target: job.target, result: summary }, 'NOTIFY again to a secondary behind not acknowledged');
      return;
    }
    if (Date.now() - job.createdAt.getTime() >= this.opts.giveUpAfterMs) {
      await this.finish(job, 'failed', `gave up after ${attempts} attempts: ${summary}`, attempts);
      this.log.warn({ zone: job.zone.name, target: job.target, attempts }, 'NOTIFY never acknowledged; gave up');
      return;
    }
    const delay = Math.min(this.opts.firstBackoffMs * 2 ** (attempts - 1), this.opts.maxBackoffMs);
    await db().notifyJob.updateMany({
      where: { id: job.id, state: 'pending' },
      data: { attempts, lastResult: summary, nextAttemptAt: new Date(Date.now() + delay) },
    });
    this.log.info({ zone: job.zone.name, target: job.target, attempts, retryInMs: delay, result: summary }, 'NOTIFY not acknowledged; will retry');
  }

  private async finish(job: Job, state: 'acked' | 'failed', lastResult: string, attempts = job.attempts): Promise<void> {
    // A job superseded by a newer change meanwhile keeps that state.
    await db().notifyJob.updateMany({ where: { id: job.id, state: 'pending' }, data: { state, lastResult, attempts } });
  }
}

/**
 * A target is `ADDRESS:PORT`, or `HOST:PORT` for an NS host without glue in
 * the zone, looked up with the system resolver now. Never ourselves.
 */
export async function resolveTarget(target: string): Promise<ListenAddress[]> {
  const hp = splitHostPort(target, 53);
  let addresses: string[];
  if (net.isIP(hp.address)) addresses = [hp.address];
  else addresses = (await dns.lookup(hp.address.replace(/\.$/, ''), { all: true })).map((a) => a.address);
  const self = new Set(dnsListen().map(formatHostPort));
  return addresses.map((address) => ({ address, port: hp.port })).filter((a) => !self.has(formatHostPort(a)));
}
