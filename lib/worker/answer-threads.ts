// The worker's answer threads (ZK_DNS_THREADS above 1): threads of this one
// process that answer UDP queries beside the main thread, the way BIND's
// worker threads share one copy of the zones.
//
// The main thread does everything else (loading, TCP, transfers, NOTIFY,
// probes, the control channel). Its snapshots lie in shared memory
// (snapshot-layout.ts), so a thread is handed views of them (answer-link.ts)
// and the zones are held once whatever the number of threads. Each thread
// reads the main thread's own UDP sockets (the same file descriptors): the
// kernel hands each datagram to whichever thread asks first.
//
// Every change is handed to the threads before the main thread swaps it in,
// and a sync returns (so a commit returns, and NOTIFYs go out) only once every
// thread serves it. A thread's messages are handled in a few microseconds, so
// the threads and the main thread start serving a new serial within one
// message of each other.
//
// The file descriptors are shared, not duplicated (Node has no dup): a thread
// that ends closes them for every thread. A thread therefore never ends on an
// error of its own (answer-thread.ts logs it and goes on), and one that ends
// all the same is reported to `onLost`; main.ts stops the worker then, with
// an error, for its supervisor to start it again.
import type dgram from 'node:dgram';
import { Worker } from 'node:worker_threads';
import { bundledEntry } from '../bundle-entry.mjs';
import { asBuffer, imageOf, isShared, type AnswerThreadData, type FromThread, type ToThread } from './answer-link';
import type { RrlSettings } from '../config/env';
import type { Logger } from './logger';
import { udpFd, type Peer } from './udp-direct';
import type { StoreChange } from './zone-loader';
import type { ZoneStore } from './zone-store';

/** How long a change waits for the threads before it is served without them. */
const APPLY_TIMEOUT_MS = 5000;
/** Zones per message while the threads take the whole store at their start. */
const START_BATCH = 5000;
const START_TIMEOUT_MS = 120_000;

export interface AnswerThreadOptions {
  /** How many threads to start beside the main one. */
  count: number;
  store: ZoneStore;
  sockets: readonly dgram.Socket[];
  /** The main thread's response rate limiting settings, which each thread applies to its share. */
  rrl: RrlSettings;
  log: Logger;
  /** A NOTIFY a thread received on listener `listener`, to be handled as if the main thread had. */
  onNotify(listener: number, msg: Buffer, peer: Peer): void;
  /** A thread ended while the worker was not stopping: the shared sockets are closed. */
  onLost(err: Error): void;
}

export interface AnswerThreads {
  count: number;
  /** The loader's publisher: hands `change` to every thread, resolved once all serve it. */
  publish(change: StoreChange): Promise<void>;
  stop(): Promise<void>;
}

class Thread {
  private readonly waiting = new Map<number, () => void>();
  private listening: (() => void) | null = null;
  private failed: ((err: Error) => void) | null = null;

  constructor(
    readonly worker: Worker,
    onNotify: AnswerThreadOptions['onNotify'],
  ) {
    worker.on('message', (m: FromThread) => {
      if (m.t === 'applied') {
        this.waiting.get(m.id)?.();
        this.waiting.delete(m.id);
      } else if (m.t === 'listening') this.listening?.();
      else if (m.t === 'failed') this.failed?.(new Error(m.error));
      else if (m.t === 'notify') onNotify(m.listener, asBuffer(m.bytes), m.peer);
    });
  }

  post(m: ToThread): void {
    this.worker.postMessage(m);
  }

  /** Posts change `id`; true once the thread serves it, false after `timeoutMs`. */
  apply(m: Extract<ToThread, { t: 'zones' }>, timeoutMs: number): Promise<boolean> {
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        this.waiting.delete(m.id);
        resolve(false);
      }, timeoutMs);
      this.waiting.set(m.id, () => {
        clearTimeout(timer);
        resolve(true);
      });
      this.post(m);
    });
  }

  listen(timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`an answer thread did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      this.listening = () => {
        clearTimeout(timer);
        resolve();
      };
      this.failed = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      this.worker.once('exit', (code) => this.failed?.(new Error(`an answer thread exited with code ${code} while starting`)));
      this.post({ t: 'listen' });
    });
  }
}

/**
 * Starts `count` threads on the main thread's sockets, hands them every zone
 * in the store, and resolves once all answer. Null when this Node does not
 * show a socket's file descriptor (udp-direct.ts): the main thread answers
 * alone then.
 */
export async function startAnswerThreads(opts: AnswerThreadOptions): Promise<AnswerThreads | null> {
  const { log, store } = opts;
  const sockets: AnswerThreadData['sockets'] = [];
  for (const s of opts.sockets) {
    const fd = udpFd(s);
    if (fd === null) {
      log.warn('this Node does not show a UDP socket\'s file descriptor; answering from the main thread only');
      return null;
    }
    const { address, port } = s.address();
    sockets.push({ fd, address, port });
  }
  const answerers = opts.count + 1;
  // Bundled, a thread costs about 24 MB; through tsx, which compiles every module again in the
  // thread beside a loader thread of its own, about 59 MB (measured 2026-12-06, empty store).
  const entry = (await bundledEntry('lib/worker/answer-thread.ts')) ?? new URL('./answer-thread-boot.mjs', import.meta.url);
  let stopping = false;
  // Until every thread answers, an end is a failed start (Thread.listen), not a lost thread.
  let started = false;
  const threads: Thread[] = [];
  for (let i = 1; i <= opts.count; i++) {
    const data: AnswerThreadData = { thread: i, sockets, answerers, rrl: opts.rrl, logLevel: log.level };
    const worker = new Worker(entry, { workerData: data });
    worker.on('error', (err) => log.error({ thread: i, err: err.stack ?? err.message }, 'answer thread failed'));
    worker.on('exit', (code) => {
      if (started && !stopping) opts.onLost(new Error(`answer thread ${i} ended (exit code ${code}); the UDP sockets it shared are closed`));
    });
    threads.push(new Thread(worker, opts.onNotify));
  }

  let next = 1;
  const publish = async (change: StoreChange): Promise<void> => {
    const m: ToThread = {
      t: 'zones',
      id: next++,
      set: change.loaded.map(imageOf),
      removed: [...change.removed],
      keys: change.keys === store.tsigKeys ? undefined : [...change.keys.values()],
    };
    const copied = m.set.filter((img) => !isShared(img)).length;
    if (copied) log.warn({ zones: copied }, 'snapshots not in shared memory: each answer thread gets a copy');
    const served = await Promise.all(threads.map((t) => t.apply(m, APPLY_TIMEOUT_MS)));
    if (served.includes(false)) {
      log.warn({ zones: [...change.loaded.map((z) => z.name), ...change.removed], waitedMs: APPLY_TIMEOUT_MS }, 'answer threads have not taken the change yet; serving it without waiting for them');
    }
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  };

  try {
    const names = store.names();
    for (let at = 0; at < names.length || at === 0; at += START_BATCH) {
      const set = names.slice(at, at + START_BATCH).map((n) => imageOf(store.get(n)!));
      const m: ToThread = { t: 'zones', id: next++, set, removed: [], keys: at === 0 ? [...store.tsigKeys.values()] : undefined };
      for (const t of threads) t.post(m);
    }
    await Promise.all(threads.map((t) => t.listen(START_TIMEOUT_MS)));
    started = true;
  } catch (err) {
    await stop();
    throw err;
  }
  return { count: opts.count, publish, stop };
}
