// Keeps the ZoneStore in step with the database: one cheap query lists every
// zone's version; only zones whose version moved are read in full and swapped.
// Runs at start, on every nudge from the control channel, and on a timer as a
// fallback. Syncs never overlap; a request during a sync runs one more after it.
//
// A sync loads every changed zone before it swaps any in, and swaps them all in
// one synchronous step. In a cluster of DNS processes (cluster-link.ts) that
// step waits until the other processes have loaded the same changes, so that
// they all start serving a new serial within one message of each other rather
// than one zone-load apart.
import { db } from '../db';
import { parseAlgorithm, secretFromBase64, type TsigKey } from '../dns/tsig';
import { TimeSlice } from '../time-slice';
import { readZoneRecords, soaRecordOf } from '../zones/data';
import { readList } from '../zones/json-lists';
import type { Logger } from './logger';
import { ZoneBuilder, type ZoneSnapshot } from './zone-snapshot';
import type { ZoneStore } from './zone-store';

export interface SyncResult {
  loaded: string[];
  removed: string[];
}

/**
 * One reload done together with the other processes serving the same zones:
 * called when a sync has found changes, as it starts loading them (a sync
 * that finds none calls nothing); once loaded, `swapWhenReady` gets the swap
 * and the names of the zones it changes, and calls the swap when the new
 * copies may be served. The swap also happens if it returns or throws without
 * calling it: the changes are committed, so serving them late is the worst
 * outcome.
 */
export type ReloadRound = () => { swapWhenReady(swap: () => void, zones: string[]): Promise<void> };

/** A zone whose stored version differs from the one served: to be read in full. */
interface ZoneToLoad {
  id: number;
  name: string;
  /** A secondary past its expiry: its copy answers SERVFAIL. */
  expired: boolean;
}

export class ZoneLoader {
  private current: Promise<SyncResult> | null = null;
  private queued: Promise<SyncResult> | null = null;
  /** The round of the queued sync: the latest caller's that gave one. */
  private queuedRound: ReloadRound | undefined;

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
  ) {}

  /** Brings the store up to date; concurrent callers share the next sync. */
  sync(round?: ReloadRound): Promise<SyncResult> {
    if (!this.current) {
      this.current = this.run(round).finally(() => {
        this.current = null;
      });
      return this.current;
    }
    if (round) this.queuedRound = round;
    this.queued ??= this.current.then(
      () => this.startQueued(),
      () => this.startQueued(),
    );
    return this.queued;
  }

  private startQueued(): Promise<SyncResult> {
    const round = this.queuedRound;
    this.queued = null;
    this.queuedRound = undefined;
    return this.sync(round);
  }

  private async run(round?: ReloadRound): Promise<SyncResult> {
    const { keys, toLoad, removed } = await this.changes();
    if (toLoad.length === 0 && removed.length === 0 && sameKeys(keys, this.store.tsigKeys)) return { loaded: [], removed: [] };
    // The other processes serving these zones load while this one does.
    const together = round?.();
    const loaded: ZoneSnapshot[] = [];
    for (const { id, name, expired } of toLoad) {
      try {
        const snapshot = await this.load(id, expired);
        if (snapshot) loaded.push(snapshot);
      } catch (err) {
        // Keep serving the previous copy; the next sync tries again.
        this.log.error({ zone: name, err: (err as Error).message }, 'zone load failed; still serving the previous copy');
      }
    }
    const result = { loaded: loaded.map((z) => z.name), removed };
    let swapped = false;
    const swap = () => {
      if (swapped) return;
      swapped = true;
      this.store.tsigKeys = keys;
      for (const z of loaded) this.store.set(z);
      for (const name of removed) this.store.delete(name);
    };
    try {
      await together?.swapWhenReady(swap, [...result.loaded, ...removed]);
    } finally {
      swap();
    }
    if (loaded.length || removed.length) this.log.info({ ...result, zones: this.store.size }, 'zones reloaded');
    return result;
  }

  /** What differs between the database and the store: one cheap query for every zone's version. */
  private async changes(): Promise<{ keys: ReadonlyMap<string, TsigKey>; toLoad: ZoneToLoad[]; removed: string[] }> {
    const keys = await this.loadKeys();
    const rows = await db().zone.findMany({ select: { id: true, name: true, version: true, kind: true, serial: true, expiresAt: true } });
    const now = Date.now();
    const toLoad: ZoneToLoad[] = [];
    const wanted = new Set<string>();
    for (const row of rows) {
      // A secondary that has never been transferred has nothing to serve yet.
      if (row.kind === 'secondary' && row.serial === 0n) continue;
      wanted.add(row.name);
      const have = this.store.get(row.name);
      // A secondary past its expiry is swapped for a copy that answers SERVFAIL, and back once refreshed.
      const expired = row.kind === 'secondary' && row.expiresAt !== null && row.expiresAt.getTime() <= now;
      if (have && have.version === row.version && have.id === row.id && have.expired === expired) continue;
      toLoad.push({ id: row.id, name: row.name, expired });
    }
    return { keys, toLoad, removed: this.store.names().filter((name) => !wanted.has(name)) };
  }

  /** The keyring is tiny; read it whole on every sync so a new or changed key applies at once. */
  private async loadKeys(): Promise<ReadonlyMap<string, TsigKey>> {
    const rows = await db().tsigKey.findMany();
    const keys = new Map<string, TsigKey>();
    for (const k of rows) {
      const algorithm = parseAlgorithm(k.algorithm);
      if (algorithm) keys.set(k.name, { name: k.name, algorithm, secret: secretFromBase64(k.secret) });
    }
    return keys;
  }

  /**
   * Reads one zone and builds its snapshot, a slice at a time: the process
   * answers queries from the copies it serves meanwhile, and a zone of
   * hundreds of thousands of records would otherwise hold it for seconds.
   */
  private async load(id: number, expired: boolean): Promise<ZoneSnapshot | null> {
    const slice = new TimeSlice();
    let z;
    let records;
    // The records come in pages, outside any transaction: a commit between two pages would
    // mix two versions. Every commit bumps the version, so an unchanged one means none came.
    for (let attempt = 1; ; attempt++) {
      z = await db().zone.findUnique({ where: { id }, include: { tsigKey: { select: { name: true } } } });
      if (!z) return null;
      records = await readZoneRecords(db(), z.id, { enabledOnly: true, slice });
      const now = await db().zone.findUnique({ where: { id }, select: { version: true } });
      // After a few tries serve what was read: its version is behind, so the next sync reloads it.
      if (now?.version === z.version || attempt === 3) break;
    }
    const b = new ZoneBuilder({
      id: z.id,
      name: z.name,
      serial: Number(z.serial),
      version: z.version,
      soa: soaRecordOf(z),
      negativeTtl: Math.min(z.soaTtl, z.soaMinimum),
      transfer: { allow: readList(z.allowTransfer), tsigKeyName: z.tsigKey?.name ?? null },
      expired,
    });
    for (const r of records) {
      b.add(r.name, r.type, r.ttl, r.content);
      if (slice.due) await slice.pause();
    }
    return b.finishInSlices(slice);
  }
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
