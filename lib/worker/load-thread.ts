// A load thread of the DNS worker (load-threads.ts starts it): reads the
// batches of zones it is handed on a database connection of its own and builds
// their snapshots in shared memory, for the main thread to serve. It keeps
// nothing: each batch's snapshots are handed over and forgotten, and the
// thread ends when told to.
import { parentPort, workerData } from 'node:worker_threads';
import { disconnectDb } from '../db';
import { TimeSlice } from '../time-slice';
import { imageOf } from './answer-link';
import { log as rootLog } from './logger';
import type { LoadedBatch, LoadThreadData, ToLoadThread } from './load-threads';
import { shareSnapshotMemory } from './snapshot-layout';
import { loadBatch } from './zone-batch';

const data = workerData as LoadThreadData;
const port = parentPort!;
const log = rootLog.child({ thread: 'load' }, { level: data.logLevel });
shareSnapshotMemory();
// No queries are answered here: a batch runs to its end.
const slice = new TimeSlice(Number.POSITIVE_INFINITY);

port.on('message', (m: ToLoadThread) => {
  if (m.t === 'end') {
    void disconnectDb().finally(() => port.close());
    return;
  }
  const failed: string[] = [];
  loadBatch(m.zones, slice, failed, { log }).then(
    (built) => {
      port.postMessage({ t: 'loaded', id: m.id, images: built.map(imageOf), arenas: built.map((z) => z.layout.arena), failed } satisfies LoadedBatch);
    },
    // The batch as a whole failed (its database reads): handed back for the loader to read itself.
    (err: Error) => port.postMessage({ t: 'loaded', id: m.id, error: err.message } satisfies LoadedBatch),
  );
});
