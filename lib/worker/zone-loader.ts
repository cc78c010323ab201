// Keeps the ZoneStore in step with the database. The change feed
// (lib/zones/zone-changes.ts) names the zones written since the last sync, and
// an expiry watch the secondary zones whose copy has just expired; only those
// zones' versions are read, and only zones whose version moved are read in full
// and swapped. Every zone is compared only at the first sync (and if this
// process fell behind the feed). Runs at start, on every nudge from the control
// channel, on each change the database announces, and on a timer as a
// fallback. Syncs never overlap; a request during a sync runs one more after it.
//
// A zone this process serves already is brought up to date from the journal:
// the changes since the version it serves are applied to its snapshot
// (zone-patch.ts), which takes milliseconds where reading a million records
// takes seconds. A zone that is new here, or that the journal cannot bring up
// to date, is read in full.
//
// A sync loads every changed zone before it swaps any in, and swaps them all in
// one synchronous step. With answer threads (answer-threads.ts) the step first
// hands the new snapshots to them and waits until they serve them, so that
// the threads and this one start serving a new serial within one message of
// each other, and a NOTIFY sent after the sync finds it served everywhere.
// Only a sync that starts with nothing served (a start) swaps each batch in as
// it is read: there is no older state to keep consistent, and the answer
// threads take one batch while this thread reads the next. A start also shares
// its batches with load threads (load-threads.ts), which read and build them on
// the other cores.
import { db } from '../db';
import { parseAlgorithm, type TsigKey } from '../dns/tsig';
import { TimeSlice } from '../time-slice';
import { JOURNAL_PIECE, readChangeRecords } from '../zones/journal';
import { allZoneStates, zoneStatesNamed, type ZoneLoadRow, type ZoneState } from '../zones/load-reads';
import { signingKey } from '../zones/tsig-keys';
import { ChangeCursor } from '../zones/zone-changes';
import { ExpiryWatch } from './expiry-watch';
import { collectGarbage } from './heap';
import type { Logger } from './logger';
import { LoadThread } from './load-threads';
import { BATCH, batches, loadBatch, type BatchOptions, type ZoneToLoad } from './zone-batch';
import { patchSnapshot } from './zone-patch';
import type { SnapshotHeader, ZoneSnapshot } from './zone-snapshot';
import type { ZoneStore } from './zone-store';

export interface SyncResult {
  loaded: string[];
  removed: string[];
}

/** What one sync swaps in: the zones loaded, the names of those removed, and the TSIG keys. */
export interface StoreChange {
  loaded: readonly ZoneSnapshot[];
  removed: readonly string[];
  keys: ReadonlyMap<string, TsigKey>;
}

/**
 * Hands a sync's change to the others that serve this store's zones (the
 * answer threads) and resolves once they serve it; the store swaps it in
 * then. A sync that finds nothing to change calls nothing. The swap happens
 * also when the publisher throws: the changes are committed, so serving them
 * late is the worst outcome.
 */
export type Publisher = (change: StoreChange) => Promise<void>;

export interface LoaderOptions {
  /** Zones read per batch (tests make it small). */
  batchSize?: number;
  /** Threads that read a start's batches beside this one (load-threads.ts); none by default. */
  loadThreads?: number;
}

/** What a sync found to do, and `done`, which records that it was done except the zones that failed to load. */
interface Changes {
  keys: ReadonlyMap<string, TsigKey>;
  toLoad: ZoneToLoad[];
  removed: string[];
  done(failed: string[]): void;
}

/** Zone names a reload's log line lists before it counts the rest. */
const LOGGED_NAMES = 20;

export class ZoneLoader {
  private current: Promise<SyncResult> | null = null;
  private queued: Promise<SyncResult> | null = null;
  private publisher: Publisher | null = null;
  private readonly feed = new ChangeCursor();
  /** Served secondary zones by expiry, so that an expired copy is swapped without a write to tell. */
  private readonly expiries = new ExpiryWatch();
  /** Zones to compare at the next sync whatever the feed says: their expiry came, or their load failed. */
  private pending = new Set<string>();
  private readAt: number | null = null;
  /** Records read from the database by builds since the last full garbage collection. */
  private readSinceGc = 0;

  private readonly batchSize: number;
  private readonly loadThreads: number;
  private readonly batchOptions: BatchOptions;

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
    opts: LoaderOptions = {},
  ) {
    this.batchSize = opts.batchSize ?? BATCH;
    this.loadThreads = opts.loadThreads ?? 0;
    this.batchOptions = { log, patch: (served, z, header, slice) => this.patch(served, z, header, slice), onRecords: (n) => (this.readSinceGc += n) };
  }

  /**
   * The change feed's newest row as of this loader's latest read, which began
   * after every sync() call that has returned (null before the first). A
   * reader of the feed at this row, right after such a call, has nothing new
   * to read: the secondary engine skips its own read then.
   */
  get feedAt(): number | null {
    return this.readAt;
  }

  /** From the next sync on, every change goes through `publisher` (none: null) before the store swaps it in. */
  publishTo(publisher: Publisher | null): void {
    this.publisher = publisher;
  }

  /** Brings the store up to date; concurrent callers share the next sync. */
  sync(): Promise<SyncResult> {
    if (!this.current) {
      this.current = this.run().finally(() => {
        this.current = null;
      });
      return this.current;
    }
    this.queued ??= this.current.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<SyncResult> {
    this.queued = null;
    return this.sync();
  }

  private async run(): Promise<SyncResult> {
    const { keys, toLoad, removed, done } = await this.changes();
    if (toLoad.length === 0 && removed.length === 0 && sameKeys(keys, this.store.tsigKeys)) {
      done([]);
      return { loaded: [], removed: [] };
    }
    const loaded: ZoneSnapshot[] = [];
    const failed: string[] = [];
    const slice = new TimeSlice();
    // With nothing served yet (a start), there is no old state to keep answering: each batch is
    // served as soon as it is read, and the answer threads take it while the next one is read.
    const asRead = this.store.size === 0;
    const queue = batches(toLoad, this.batchSize);
    let next = 0;
    const lane = async (load: (batch: ZoneToLoad[]) => Promise<ZoneSnapshot[]>) => {
      for (let batch = queue[next++]; batch; batch = queue[next++]) {
        const built = await load(batch);
        loaded.push(...built);
        if (asRead && built.length > 0) await this.swapIn({ loaded: built, removed: [], keys });
      }
    };
    const here = (batch: ZoneToLoad[]) => loadBatch(batch, slice, failed, this.batchOptions);
    // A start shares its batches with load threads, two to a thread so that none waits for this
    // thread's event loop to hand it the next; a batch a thread fails on is read here after all.
    const helpers = asRead && queue.length >= THREADS_FROM_BATCHES ? await LoadThread.start(this.loadThreads, this.log) : [];
    const there = (thread: LoadThread) => async (batch: ZoneToLoad[]) => {
      try {
        const { built, failed: theirs } = await thread.load(batch);
        failed.push(...theirs);
        return built;
      } catch (err) {
        this.log.warn({ err: (err as Error).message, zones: batch.length }, 'a load thread failed; reading its zones here');
        return here(batch);
      }
    };
    // Every lane runs to its end before a failure is thrown: none may swap a zone in after.
    const lanes = await Promise.allSettled([lane(here), ...helpers.flatMap((t) => [lane(there(t)), lane(there(t))])]);
    for (const t of helpers) void t.end();
    for (const l of lanes) if (l.status === 'rejected') throw l.reason;
    try {
      const rest = asRead ? [] : loaded;
      if (rest.length > 0 || removed.length > 0 || this.store.tsigKeys !== keys) await this.swapIn({ loaded: rest, removed, keys });
    } finally {
      done(failed);
    }
    const result = { loaded: loaded.map((z) => z.name), removed };
    if (loaded.length || removed.length) {
      // A start loads every zone: name a few, count the rest (a line per 50,000 names is a megabyte).
      const some = (names: string[]) => (names.length <= LOGGED_NAMES ? names : [...names.slice(0, LOGGED_NAMES), `… ${names.length - LOGGED_NAMES} more`]);
      this.log.info({ loaded: some(result.loaded), removed: some(removed), zones: this.store.size }, 'zones reloaded');
    }
    if (this.readSinceGc >= GC_AFTER_RECORDS) {
      this.readSinceGc = 0;
      collectGarbage();
    }
    return result;
  }

  /** Hands `change` to the publisher, then serves it here; also when the publisher throws (it is committed). */
  private async swapIn(change: StoreChange): Promise<void> {
    try {
      await this.publisher?.(change);
    } finally {
      this.store.tsigKeys = change.keys;
      for (const z of change.loaded) this.store.set(z);
      for (const name of change.removed) this.store.delete(name);
    }
  }

  /**
   * What differs between the database and the store, for the zones the change
   * feed names and those in `pending`: O(changes). Every zone only when the
   * feed says so (the first sync, or this process fell behind it).
   */
  private async changes(): Promise<Changes> {
    const feed = await this.feed.read();
    this.readAt = Math.max(this.readAt ?? 0, feed.upTo);
    const now = Date.now();
    for (const name of this.expiries.due(now)) this.pending.add(name);
    const keys = feed.everything || feed.shared ? await this.loadKeys() : this.store.tsigKeys;
    let names: Set<string>;
    let rows: ZoneState[];
    if (feed.everything) {
      rows = await allZoneStates();
      names = new Set([...rows.map((r) => r.name), ...this.store.names()]);
    } else {
      names = new Set([...feed.zones, ...this.pending]);
      rows = await zoneStatesNamed(names);
    }
    const byName = new Map(rows.map((r) => [r.name, r]));
    const toLoad: ZoneToLoad[] = [];
    const removed: string[] = [];
    const expiries = new Map<string, number | null>();
    for (const name of names) {
      const row = byName.get(name);
      // A secondary that has never been transferred has nothing to serve yet.
      if (!row || (row.kind === 'secondary' && row.serial === 0n)) {
        if (this.store.get(name)) removed.push(name);
        expiries.set(name, null);
        continue;
      }
      // A secondary past its expiry is swapped for a copy that answers SERVFAIL, and back once refreshed.
      const expiresAt = row.kind === 'secondary' ? (row.expiresAt?.getTime() ?? null) : null;
      const expired = expiresAt !== null && expiresAt <= now;
      expiries.set(name, expired ? null : expiresAt);
      const have = this.store.get(name);
      if (have && have.version === row.version && have.id === row.id && have.expired === expired) continue;
      toLoad.push({ id: row.id, name: row.name, expired, served: have?.id === row.id ? have : undefined });
    }
    const done = (failed: string[]) => {
      this.feed.advance(feed);
      for (const [name, at] of expiries) this.expiries.set(name, at);
      this.pending = new Set(failed);
    };
    return { keys, toLoad, removed, done };
  }

  /** The keyring is tiny: read whole whenever the feed says it changed. */
  private async loadKeys(): Promise<ReadonlyMap<string, TsigKey>> {
    const rows = await db().tsigKey.findMany();
    const keys = new Map<string, TsigKey>();
    for (const k of rows) {
      const algorithm = parseAlgorithm(k.algorithm);
      if (algorithm) keys.set(k.name, signingKey({ name: k.name, algorithm, secret: k.secret }));
    }
    return keys;
  }

  /**
   * `served` brought up to `z` with the journal entries since its version, or null when they
   * cannot do it: a write that changed records without an entry, entries that do not lead from
   * the served serial to the stored one, or too many records for a patch to be the cheaper way.
   */
  private async patch(served: ZoneSnapshot, z: ZoneLoadRow, header: SnapshotHeader, slice: TimeSlice): Promise<ZoneSnapshot | null> {
    if (z.unjournaled !== served.unjournaled || z.version < served.version) return null;
    const entries = await db().change.findMany({
      where: { zoneId: z.id, version: { gt: served.version, lte: z.version } },
      orderBy: { id: 'asc' },
      select: { id: true, oldSerial: true, newSerial: true, removed: true, added: true },
    });
    let serial = served.serial;
    for (const e of entries) {
      if (Number(e.oldSerial) !== serial) return null;
      serial = Number(e.newSerial);
    }
    if (serial !== header.serial) return null;
    // A change of many records (parts of at most JOURNAL_PIECE records a list) is read from the zone instead.
    const limit = PATCH_RECORDS + served.recordCount / 4;
    const parts = entries.length ? await db().changePart.count({ where: { changeId: { in: entries.map((e) => e.id) } } }) : 0;
    if (parts * JOURNAL_PIECE > limit) return null;
    const steps = [...(await readChangeRecords(db(), entries, slice)).values()];
    if (steps.reduce((n, s) => n + s.removed.length + s.added.length, 0) > limit) return null;
    return patchSnapshot(served, header, steps);
  }
}

/** Batches a start must have for load threads to be worth starting (each costs some 20 MB while it runs). */
const THREADS_FROM_BATCHES = 4;

/** Records read in full after which a sync ends with a full garbage collection (heap.ts). */
const GC_AFTER_RECORDS = 200_000;

/** Journal records beyond which a rebuild is cheaper than a patch (besides a quarter of the zone). */
const PATCH_RECORDS = 20_000;

/** Whether two keyrings hold the same keys (a changed keyring is a change to serve in step). */
function sameKeys(a: ReadonlyMap<string, TsigKey>, b: ReadonlyMap<string, TsigKey>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, k] of a) {
    const other = b.get(name);
    if (!other || other.algorithm !== k.algorithm || !other.secret.equals(k.secret)) return false;
  }
  return true;
}
