// Reading zones in full: a batch of zones with neighbouring ids read from the
// database and built into snapshots (zone-snapshot.ts). The loader
// (zone-loader.ts) reads its batches this way, and so do the load threads
// (load-threads.ts) that share a start's batches with it. Nothing here depends
// on what a process serves, except the patch the loader may hand in for a
// zone it serves already.
import { storedSoaRecordOf } from '../zones/data';
import { readList } from '../zones/json-lists';
import { rangeRecordPages, zoneLoadRows, zoneVersions, type ZoneLoadRow } from '../zones/load-reads';
import type { TimeSlice } from '../time-slice';
import type { Logger } from './logger';
import { DEFAULT_TRANSFER_POLICY, ZoneBuilder, type SnapshotHeader, type TransferPolicy, type ZoneSnapshot } from './zone-snapshot';

/** A zone whose stored version differs from the one served: to be read in full. */
export interface ZoneToLoad {
  id: number;
  name: string;
  /** A secondary past its expiry: its copy answers SERVFAIL. */
  expired: boolean;
  /** The copy served now, to patch with the journal. */
  served?: ZoneSnapshot;
}

export interface BatchOptions {
  log: Logger;
  /** `served` brought up to the stored zone `z`, or null to read it in full (the loader's journal patch). */
  patch?: (served: ZoneSnapshot, z: ZoneLoadRow, header: SnapshotHeader, slice: TimeSlice) => Promise<ZoneSnapshot | null>;
  /** Told how many records each page read held. */
  onRecords?: (count: number) => void;
}

/** Zones read per batch: two queries for their rows and versions, and the records of each. */
export const BATCH = 500;

/**
 * The zones to load in batches of neighbouring ids, read by id range: at most `size` zones,
 * and a range at most twice that wide, so a batch never reads many rows it does not load.
 */
export function batches(toLoad: ZoneToLoad[], size: number): ZoneToLoad[][] {
  const sorted = [...toLoad].sort((a, b) => a.id - b.id);
  const out: ZoneToLoad[][] = [];
  for (const z of sorted) {
    const last = out.at(-1);
    if (last && last.length < size && z.id - last[0]!.id < 2 * size) last.push(z);
    else out.push([z]);
  }
  return out;
}

/**
 * Reads some zones and builds their snapshots, a slice at a time: the
 * process answers queries from the copies it serves meanwhile, and a zone of
 * hundreds of thousands of records would otherwise hold it for seconds. The
 * zones' rows come in one query, and their versions again in one after the
 * records (50,000 small zones took three queries each before). A zone that
 * fails is named in `failed` and logged; the others are returned.
 */
export async function loadBatch(zones: ZoneToLoad[], slice: TimeSlice, failed: string[], opts: BatchOptions): Promise<ZoneSnapshot[]> {
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
    const read = together ? await readRecords(rows.filter((z) => wanted.has(z.id)), wanted, ids.gte, ids.lte, slice, opts) : null;
    const built: ZoneSnapshot[] = [];
    for (const z of rows) {
      const want = wanted.get(z.id);
      if (!want) continue;
      try {
        const patched = want.served && opts.patch ? await opts.patch(want.served, z, headerOf(z, want.expired), slice) : null;
        const copy = patched ?? read?.get(z.id) ?? (await readRecords([z], wanted, z.id, z.id, slice, opts)).get(z.id)!;
        if (copy instanceof Error) throw copy;
        built.push(copy instanceof ZoneBuilder ? await copy.finishInSlices(slice) : copy);
      } catch (err) {
        // Keep serving the previous copy; the next sync tries again.
        failed.push(z.name);
        opts.log.error({ zone: z.name, err: (err as Error).message }, 'zone load failed; still serving the previous copy');
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
 * The records of the zones in `rows` (all with ids from `first` to `last`) read in one pass,
 * a page at a time: for each zone a builder holding them, or the error its header or records
 * gave, which fails that zone alone.
 */
async function readRecords(
  rows: ZoneLoadRow[],
  wanted: Map<number, ZoneToLoad>,
  first: number,
  last: number,
  slice: TimeSlice,
  opts: BatchOptions,
): Promise<Map<number, ZoneBuilder | Error>> {
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
    opts.onRecords?.(page.length);
    if (slice.due) await slice.pause();
  }
  return builders;
}

/** What a snapshot of the zone holds besides its records. */
function headerOf(z: ZoneLoadRow, expired: boolean): SnapshotHeader {
  return {
    id: z.id,
    name: z.name,
    serial: Number(z.serial),
    version: z.version,
    soa: storedSoaRecordOf(z),
    negativeTtl: Math.min(z.soaTtl, z.soaMinimum),
    transfer: transferPolicy(readList(z.allowTransfer), z.tsigKeyName),
    expired,
    unjournaled: z.unjournaled,
  };
}

/** The zone's transfer policy; the default one shared (50,000 zones hold one copy). */
function transferPolicy(allow: string[], tsigKeyName: string | null): TransferPolicy {
  const d = DEFAULT_TRANSFER_POLICY;
  if (tsigKeyName === null && allow.length === d.allow.length && allow.every((a, i) => a === d.allow[i])) return d;
  return { allow, tsigKeyName };
}
