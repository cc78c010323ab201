// Load threads: threads that share a start's reading with the loader
// (zone-loader.ts), one per answer thread, that is one per core beyond the
// first. A start reads every zone in full; one thread spent most of a
// 50,000-zone start turning database rows into snapshots while the second core
// waited (measured 2026-12-07). Each load thread reads batches of zones on a
// database connection of its own and builds their snapshots in shared memory
// (snapshot-layout.ts), which it hands over without a copy; the loader serves
// them as if it had built them. The threads end once the start is loaded:
// later syncs read only what changed.
//
// A thread that fails hands its batches back (the loader reads them itself),
// so a failure costs time, never a zone.
import { Worker } from 'node:worker_threads';
import { bundledEntry } from '../bundle-entry.mjs';
import { snapshotOf, type SnapshotImage } from './answer-link';
import type { Logger } from './logger';
import type { ZoneToLoad } from './zone-batch';
import type { Arena, ZoneSnapshot } from './zone-snapshot';

/** A zone of a batch as posted to a load thread (a start serves nothing yet: nothing to patch). */
export type ZoneToRead = Pick<ZoneToLoad, 'id' | 'name' | 'expired'>;

export type ToLoadThread = { t: 'load'; id: number; zones: ZoneToRead[] } | { t: 'end' };

/**
 * A batch built: each snapshot's image and the arena its patches append to, and the zones
 * that failed (logged by the thread); or why the batch as a whole could not be read.
 */
export type LoadedBatch = { t: 'loaded'; id: number } & ({ images: SnapshotImage[]; arenas: (Arena | null)[]; failed: string[] } | { error: string });

export interface LoadThreadData {
  logLevel: string;
}

type Built = Exclude<LoadedBatch, { error: string }>;

/** How long an ending thread may take to close its database connection. */
const END_WITHIN_MS = 2000;

export class LoadThread {
  private next = 1;
  private readonly waiting = new Map<number, { resolve(b: Built): void; reject(err: Error): void }>();
  private ended: Error | null = null;

  private constructor(private readonly worker: Worker) {
    worker.on('message', (m: LoadedBatch) => {
      const w = this.waiting.get(m.id);
      this.waiting.delete(m.id);
      if ('error' in m) w?.reject(new Error(m.error));
      else w?.resolve(m);
    });
    const fail = (err: Error) => {
      this.ended ??= err;
      for (const w of this.waiting.values()) w.reject(this.ended);
      this.waiting.clear();
    };
    worker.on('error', fail);
    worker.on('exit', (code) => fail(new Error(`load thread exited with code ${code}`)));
  }

  /**
   * `count` threads (none when the worker's bundle cannot be built: the loader
   * then reads alone, as with one core).
   */
  static async start(count: number, log: Logger): Promise<LoadThread[]> {
    if (count < 1) return [];
    const entry = await bundledEntry('lib/worker/load-thread.ts');
    if (!entry) return [];
    const data: LoadThreadData = { logLevel: log.level };
    return Array.from({ length: count }, () => new LoadThread(new Worker(entry, { workerData: data })));
  }

  /** `zones` read and built in the thread; rejects when the thread has ended. */
  async load(zones: readonly ZoneToLoad[]): Promise<{ built: ZoneSnapshot[]; failed: string[] }> {
    const batch = await new Promise<Built>((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const id = this.next++;
      this.waiting.set(id, { resolve, reject });
      const message: ToLoadThread = { t: 'load', id, zones: zones.map(({ id, name, expired }) => ({ id, name, expired })) };
      this.worker.postMessage(message);
    });
    return { built: batch.images.map((img, i) => snapshotOf(img, batch.arenas[i] ?? null)), failed: batch.failed };
  }

  /** Asks the thread to close its connection and end; ends it outright if it has not within END_WITHIN_MS. */
  async end(): Promise<void> {
    if (this.ended) return;
    const exited = new Promise<void>((resolve) => this.worker.once('exit', () => resolve()));
    this.worker.postMessage({ t: 'end' } satisfies ToLoadThread);
    const timer = setTimeout(() => void this.worker.terminate(), END_WITHIN_MS).unref();
    await exited;
    clearTimeout(timer);
  }
}
