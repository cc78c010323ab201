// Keeps the ZoneStore in step with the database: one cheap query lists every
// zone's version; only zones whose version moved are read in full and swapped.
// Runs at start, on every nudge from the control channel, and on a timer as a
// fallback. Syncs never overlap; a request during a sync runs one more after it.
import { db } from '../db';
import { parseAlgorithm, secretFromBase64, type TsigKey } from '../dns/tsig';
import { soaRecordOf } from '../zones/data';
import { readList } from '../zones/json-lists';
import type { Logger } from './logger';
import { buildSnapshot } from './zone-snapshot';
import type { ZoneStore } from './zone-store';

export interface SyncResult {
  loaded: string[];
  removed: string[];
}

export class ZoneLoader {
  private current: Promise<SyncResult> | null = null;
  private queued: Promise<SyncResult> | null = null;

  constructor(
    private readonly store: ZoneStore,
    private readonly log: Logger,
  ) {}

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
    await this.loadKeys();
    const rows = await db().zone.findMany({ select: { id: true, name: true, version: true, kind: true, serial: true, expiresAt: true } });
    const now = Date.now();
    const loaded: string[] = [];
    const removed: string[] = [];
    const wanted = new Set<string>();
    for (const row of rows) {
      // A secondary that has never been transferred has nothing to serve yet.
      if (row.kind === 'secondary' && row.serial === 0n) continue;
      wanted.add(row.name);
      const have = this.store.get(row.name);
      // A secondary past its expiry is swapped for a copy that answers SERVFAIL, and back once refreshed.
      const expired = row.kind === 'secondary' && row.expiresAt !== null && row.expiresAt.getTime() <= now;
      if (have && have.version === row.version && have.id === row.id && have.expired === expired) continue;
      try {
        if (await this.load(row.id, expired)) loaded.push(row.name);
      } catch (err) {
        // Keep serving the previous copy; the next sync tries again.
        this.log.error({ zone: row.name, err: (err as Error).message }, 'zone load failed; still serving the previous copy');
      }
    }
    for (const name of this.store.names()) {
      if (!wanted.has(name)) {
        this.store.delete(name);
        removed.push(name);
      }
    }
    if (loaded.length || removed.length) this.log.info({ loaded, removed, zones: this.store.size }, 'zones reloaded');
    return { loaded, removed };
  }

  /** The keyring is tiny; read it whole on every sync so a new or changed key applies at once. */
  private async loadKeys(): Promise<void> {
    const rows = await db().tsigKey.findMany();
    const keys = new Map<string, TsigKey>();
    for (const k of rows) {
      const algorithm = parseAlgorithm(k.algorithm);
      if (algorithm) keys.set(k.name, { name: k.name, algorithm, secret: secretFromBase64(k.secret) });
    }
    this.store.tsigKeys = keys;
  }

  private async load(id: number, expired: boolean): Promise<boolean> {
    const z = await db().zone.findUnique({
      where: { id },
      include: {
        records: { where: { disabled: false }, select: { name: true, type: true, ttl: true, content: true } },
        tsigKey: { select: { name: true } },
      },
    });
    if (!z) return false;
    this.store.set(
      buildSnapshot(
        {
          id: z.id,
          name: z.name,
          serial: Number(z.serial),
          version: z.version,
          soa: soaRecordOf(z),
          negativeTtl: Math.min(z.soaTtl, z.soaMinimum),
          transfer: { allow: readList(z.allowTransfer), tsigKeyName: z.tsigKey?.name ?? null },
          expired,
        },
        z.records,
      ),
    );
    return true;
  }
}
