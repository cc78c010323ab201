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
// The threads start before the first load and take each batch of zones while
// the main thread reads the next; they listen once it is done. After that,
// every change is handed to the threads before the main thread swaps it in,
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
import { asBuffer, imageOf, isShared, type AnswerSocket, type AnswerThreadData, type FromThread, type ToThread } from './answer-link';
import type { RrlSettings } from '../config/env';
import type { Logger } from './logger';
import { udpFd, type Peer } from './udp-direct';
import type { StoreChange } from './zone-loader';
import type { ZoneStore } from './zone-store';

/** How long a change waits for the threads before it is served without them. */
const APPLY_TIMEOUT_MS = 5000;
/** How long the threads may take to start answering once the main thread's load is done. */
const START_TIMEOUT_MS = 120_000;

export interface AnswerThreadOptions {
  /** How many threads to start beside the main one. */
  count: number;
  store: ZoneStore;
  /** The main thread's response rate limiting settings, which each thread applies to its share. */
  rrl: RrlSettings;
  log: Logger;
  /** A NOTIFY or UPDATE a thread received on listener `listener`, to be handled as if the main thread had. */
  onForwarded(listener: number, msg: Buffer, peer: Peer): void;
  /** A thread ended while the worker was not stopping: the shared sockets are closed. */
  onLost(err: Error): void;
}

export interface AnswerThreads {
  count: number;
  /** The loader's publisher: hands `change` to every thread, resolved once all serve it (at once before they listen). */
  publish(change: StoreChange): Promise<void>;
  /**
   * Starts the threads answering on the main thread's UDP sockets, once they
   * have taken every change published so far. False, with the threads
   * stopped, when this Node does not show a socket's file descriptor
   * (udp-direct.ts): the main thread answers alone then.
   */
  listen(sockets: readonly dgram.Socket[]): Promise<boolean>;
  stop(): Promise<void>;
}

class Thread {
  private readonly waiting = new Map<number, () => void>();
  private listening: (() => void) | null = null;
  private failed: ((err: Error) => void) | null = null;
  /** Why the thread ended, once it has. */
  private ended: Error | null = null;

  constructor(
    readonly worker: Worker,
    onForwarded: AnswerThreadOptions['onForwarded'],
  ) {
    worker.on('message', (m: FromThread) => {
      if (m.t === 'applied') {
        this.waiting.get(m.id)?.();
        this.waiting.delete(m.id);
      } else if (m.t === 'listening') this.listening?.();
      else if (m.t === 'failed') this.failed?.(new Error(m.error));
      else if (m.t === 'forwarded') onForwarded(m.listener, asBuffer(m.bytes), m.peer);
    });
    worker.once('exit', (code) => {
      this.ended = new Error(`an answer thread exited with code ${code} while starting`);
      this.failed?.(this.ended);
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

  listen(sockets: AnswerSocket[], timeoutMs: number): Promise<void> {
    return new Promise((resolve, reject) => {
      if (this.ended) return reject(this.ended);
      const timer = setTimeout(() => reject(new Error(`an answer thread did not start within ${timeoutMs / 1000} s`)), timeoutMs);
      this.listening = () => {
        clearTimeout(timer);
        resolve();
      };
      this.failed = (err) => {
        clearTimeout(timer);
        reject(err);
      };
      this.post({ t: 'listen', sockets });
    });
  }
}

/**
 * Starts `count` threads, which take the zones published to them (the
 * loader's first sync streams them in) and answer once `listen` is called.
 */
export async function startAnswerThreads(opts: AnswerThreadOptions): Promise<AnswerThreads> {
  const { log, store } = opts;
  const answerers = opts.count + 1;
  // Bundled, a thread costs about 24 MB; through tsx, which compiles every module again in the
  // thread beside a loader thread of its own, about 59 MB (measured 2026-12-06, empty store).
  const entry = (await bundledEntry('lib/worker/answer-thread.ts')) ?? new URL('./answer-thread-boot.mjs', import.meta.url);
  let stopping = false;
  // Until every thread answers, an end is a failed start (Thread.listen), not a lost thread.
  let started = false;
  const threads: Thread[] = [];
  for (let i = 1; i <= opts.count; i++) {
    const data: AnswerThreadData = { thread: i, answerers, rrl: opts.rrl, logLevel: log.level };
    const worker = new Worker(entry, { workerData: data });
    worker.on('error', (err) => log.error({ thread: i, err: err.stack ?? err.message }, 'answer thread failed'));
    worker.on('exit', (code) => {
      if (started && !stopping) opts.onLost(new Error(`answer thread ${i} ended (exit code ${code}); the UDP sockets it shared are closed`));
    });
    threads.push(new Thread(worker, opts.onForwarded));
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
    // Not answering yet, a thread serves nothing to keep in step; it takes every change before its listen message.
    if (!started) {
      for (const t of threads) t.post(m);
      return;
    }
    const served = await Promise.all(threads.map((t) => t.apply(m, APPLY_TIMEOUT_MS)));
    if (served.includes(false)) {
      log.warn({ zones: [...change.loaded.map((z) => z.name), ...change.removed], waitedMs: APPLY_TIMEOUT_MS }, 'answer threads have not taken the change yet; serving it without waiting for them');
    }
  };

  const stop = async (): Promise<void> => {
    stopping = true;
    await Promise.all(threads.map((t) => t.worker.terminate()));
  };

  const listen = async (udp: readonly dgram.Socket[]): Promise<boolean> => {
    const sockets: AnswerSocket[] = [];
    for (const s of udp) {
      const fd = udpFd(s);
      if (fd === null) {
        log.warn('this Node does not show a UDP socket\'s file descriptor; answering from the main thread only');
        await stop();
        return false;
      }
      const { address, port } = s.address();
      sockets.push({ fd, address, port });
    }
    try {
      await Promise.all(threads.map((t) => t.listen(sockets, START_TIMEOUT_MS)));
    } catch (err) {
      await stop();
      throw err;
    }
    started = true;
    return true;
  };

  return { count: opts.count, publish, listen, stop };
}
