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
// threads take one batch while this thread reads the next.
import { db } from '../db';
import { parseAlgorithm, type TsigKey } from '../dns/tsig';
import { TimeSlice } from '../time-slice';
import { soaRecordOf } from '../zones/data';
import { JOURNAL_PIECE, readChangeRecords } from '../zones/journal';
import { readList } from '../zones/json-lists';
import { allZoneStates, rangeRecordPages, zoneLoadRows, zoneStatesNamed, zoneVersions, type ZoneLoadRow, type ZoneState } from '../zones/load-reads';
import { signingKey } from '../zones/tsig-keys';
import { ChangeCursor } from '../zones/zone-changes';
import { ExpiryWatch } from './expiry-watch';
import { collectGarbage } from './heap';
import type { Logger } from './logger';
import { patchSnapshot } from './zone-patch';
import { DEFAULT_TRANSFER_POLICY, ZoneBuilder, type SnapshotHeader, type TransferPolicy, type ZoneSnapshot } from './zone-snapshot';
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

/** A zone whose stored version differs from the one served: to be read in full. */
interface ZoneToLoad {
  id: number;
  name: string;
  /** A secondary past its expiry: its copy answers SERVFAIL. */
  expired: boolean;
  /** The copy served now, to patch with the journal. */
  served?: ZoneSnapshot;
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

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
    /** Zones read per batch (tests make it small). */
    private readonly batchSize = BATCH,
  ) {}

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
    let swapped = 0;
    for (const batch of batches(toLoad, this.batchSize)) {
      loaded.push(...(await this.loadBatch(batch, slice, failed)));
      if (asRead && loaded.length > swapped) {
        await this.swapIn({ loaded: loaded.slice(swapped), removed: [], keys });
        swapped = loaded.length;
      }
    }
    try {
      if (swapped < loaded.length || removed.length > 0 || this.store.tsigKeys !== keys) await this.swapIn({ loaded: loaded.slice(swapped), removed, keys });
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
   * Reads some zones and builds their snapshots, a slice at a time: the
   * process answers queries from the copies it serves meanwhile, and a zone of
   * hundreds of thousands of records would otherwise hold it for seconds. The
   * zones' rows come in one query, and their versions again in one after the
   * records (50,000 small zones took three queries each before).
   */
  private async loadBatch(zones: ZoneToLoad[], slice: TimeSlice, failed: string[]): Promise<ZoneSnapshot[]> {
    const out: ZoneSnapshot[] = [];
    let batch = zones;
    // The records come in pages, outside any transaction: a commit between two pages would
    // mix two versions. Every commit bumps the version, so an unchanged one means none came.
    for (let attempt = 1; batch.length > 0; attempt++) {
      const wanted = new Map(batch.map((z) => [z.id, z]));
      // By id range, one seek along the primary key (Prisma took 0.2–1 s for a list of 500 ids).
      const ids = { gte: batch[0]!.id, lte: batch.at(-1)!.id };
      const rows = await zoneLoadRows(ids.gte, ids.lte);
      // Zones new here that fill most of the id range (a start) have their records read together.
      const together = batch.length > 1 && batch.length * 2 > ids.lte - ids.gte + 1 && batch.every((z) => !z.served);
      const read = together ? await this.readRecords(rows.filter((z) => wanted.has(z.id)), wanted, ids.gte, ids.lte, slice) : null;
      const built: ZoneSnapshot[] = [];
      for (const z of rows) {
        const want = wanted.get(z.id);
        if (!want) continue;
        try {
          const patched = want.served ? await this.patch(want.served, z, headerOf(z, want.expired), slice) : null;
          const copy = patched ?? read?.get(z.id) ?? (await this.readRecords([z], wanted, z.id, z.id, slice)).get(z.id)!;
          if (copy instanceof Error) throw copy;
          built.push(copy instanceof ZoneBuilder ? await copy.finishInSlices(slice) : copy);
        } catch (err) {
          // Keep serving the previous copy; the next sync tries again.
          failed.push(z.name);
          this.log.error({ zone: z.name, err: (err as Error).message }, 'zone load failed; still serving the previous copy');
        }
      }
      const now = await zoneVersions(ids.gte, ids.lte);
      const again = new Set<number>();
      for (const z of built) {
        const version = now.get(z.id);
        // Deleted meanwhile: the next sync removes it.
        if (version === undefined) continue;
        // After a few tries serve what was read: its version is behind, so the next sync reloads it.
        if (version === z.version || attempt === 3) out.push(z);
        else again.add(z.id);
      }
      batch = batch.filter((z) => again.has(z.id));
    }
    return out;
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

  /**
   * The records of the zones in `rows` (all with ids from `first` to `last`) read in one pass,
   * a page at a time: for each zone a builder holding them, or the error its header or records
   * gave, which fails that zone alone.
   */
  private async readRecords(rows: ZoneLoadRow[], wanted: Map<number, ZoneToLoad>, first: number, last: number, slice: TimeSlice): Promise<Map<number, ZoneBuilder | Error>> {
    const builders = new Map<number, ZoneBuilder | Error>();
    for (const z of rows) {
      try {
        builders.set(z.id, new ZoneBuilder(headerOf(z, wanted.get(z.id)!.expired)));
      } catch (err) {
        builders.set(z.id, err as Error);
      }
    }
    for await (const page of rangeRecordPages(first, last, slice)) {
      for (const [zoneId, , name, type, ttl, content] of page) {
        const b = builders.get(zoneId);
        if (!(b instanceof ZoneBuilder)) continue;
        try {
          b.add(name, type, ttl, content);
        } catch (err) {
          builders.set(zoneId, err as Error);
        }
      }
      this.readSinceGc += page.length;
      if (slice.due) await slice.pause();
    }
    return builders;
  }
}

/** What a snapshot of the zone holds besides its records. */
function headerOf(z: ZoneLoadRow, expired: boolean): SnapshotHeader {
  return {
    id: z.id,
    name: z.name,
    serial: Number(z.serial),
    version: z.version,
    soa: soaRecordOf(z),
    negativeTtl: Math.min(z.soaTtl, z.soaMinimum),
    transfer: transferPolicy(readList(z.allowTransfer), z.tsigKeyName),
    expired,
    unjournaled: z.unjournaled,
  };
}

/** Records read in full after which a sync ends with a full garbage collection (heap.ts). */
const GC_AFTER_RECORDS = 200_000;

/** Journal records beyond which a rebuild is cheaper than a patch (besides a quarter of the zone). */
const PATCH_RECORDS = 20_000;

/** Zones read per batch: two queries for their rows and versions, and the records of each. */
const BATCH = 500;

/**
 * The zones to load in batches of neighbouring ids, read by id range: at most BATCH zones,
 * and a range at most twice that wide, so a batch never reads many rows it does not load.
 */
function batches(toLoad: ZoneToLoad[], size: number): ZoneToLoad[][] {
  const sorted = [...toLoad].sort((a, b) => a.id - b.id);
  const out: ZoneToLoad[][] = [];
  for (const z of sorted) {
    const last = out.at(-1);
    if (last && last.length < size && z.id - last[0]!.id < 2 * size) last.push(z);
    else out.push([z]);
  }
  return out;
}

/** The zone's transfer policy; the default one shared (50,000 zones hold one copy). */
function transferPolicy(allow: string[], tsigKeyName: string | null): TransferPolicy {
  const d = DEFAULT_TRANSFER_POLICY;
  if (tsigKeyName === null && allow.length === d.allow.length && allow.every((a, i) => a === d.allow[i])) return d;
  return { allow, tsigKeyName };
}

/** Whether two keyrings hold the same keys (a changed keyring is a change to serve in step). */
function sameKeys(a: ReadonlyMap<string, TsigKey>, b: ReadonlyMap<string, TsigKey>): boolean {
  if (a.size !== b.size) return false;
  for (const [name, k] of a) {
    const other = b.get(name);
    if (!other || other.algorithm !== k.algorithm || !other.secret.equals(k.secret)) return false;
  }
  return true;
}
