// What the worker's main thread and its answer threads (answer-threads.ts,
// answer-thread.ts) say to each other over a worker_threads message port.
//
// Snapshots cross as images: the snapshot's fields and its buffers, which lie
// in shared memory (snapshot-layout.ts, shareSnapshotMemory), so a thread gets
// views of the very bytes the main thread serves, not a copy. A patch never
// writes what an older snapshot reads, so a thread may keep answering from an
// older image while the main thread patches the next one.
import type { RrlSettings } from '../config/env';
import type { TsigKey } from '../dns/tsig';
import type { Peer } from './udp-direct';
import { DEFAULT_TRANSFER_POLICY, ZoneSnapshot, type Arena, type SnapshotIdentity, type SnapshotLayout } from './zone-snapshot';

/** A snapshot as it is posted: structured clone keeps SharedArrayBuffer views shared. */
export interface SnapshotImage {
  identity: SnapshotIdentity;
  layout: Omit<SnapshotLayout, 'arena'>;
}

/** One of the main thread's UDP sockets: its file descriptor and address. */
export interface AnswerSocket {
  fd: number;
  address: string;
  port: number;
}

/** What a thread is started with. */
export interface AnswerThreadData {
  /** Number of this thread (1 and up; the main thread answers too). */
  thread: number;
  /** How many threads answer in all (each allows its share of the RRL rate). */
  answerers: number;
  /** The worker's response rate limiting settings (the main thread's, overrides included). */
  rrl: RrlSettings;
  logLevel: string;
}

export type ToThread =
  /** Serve these snapshots and stop serving the removed zones; `keys` replaces the TSIG keys when present. */
  | { t: 'zones'; id: number; set: SnapshotImage[]; removed: string[]; keys?: TsigKey[] }
  /** Every zone is in: start answering on the main thread's UDP sockets, in listener order. */
  | { t: 'listen'; sockets: AnswerSocket[] };

export type FromThread =
  /** The change `id` is served. */
  | { t: 'applied'; id: number }
  /** Answering on every socket. */
  | { t: 'listening' }
  /** Binding a socket failed: the thread stops. */
  | { t: 'failed'; error: string }
  /** A NOTIFY or UPDATE this thread received on listener `listener`, for the main thread to act on and answer. */
  | { t: 'forwarded'; listener: number; bytes: Uint8Array; peer: Peer };

export function imageOf(z: ZoneSnapshot): SnapshotImage {
  const { arena: _, ...layout } = z.layout;
  const identity: SnapshotIdentity = {
    id: z.id,
    name: z.name,
    serial: z.serial,
    version: z.version,
    negativeTtl: z.negativeTtl,
    // Most zones have the default policy: a thread keeps its own one object for all of them.
    transfer: z.transfer === DEFAULT_TRANSFER_POLICY ? undefined : z.transfer,
    expired: z.expired,
    unjournaled: z.unjournaled,
  };
  return { identity, layout };
}

/** Structured clone hands Uint8Arrays over; the snapshot reads Buffers. */
export const asBuffer = (u: Uint8Array): Buffer => Buffer.from(u.buffer, u.byteOffset, u.byteLength);

/**
 * The snapshot an image describes, over the same memory. An answer thread never patches it (no
 * arena); the main thread patches those a load thread built, given their arenas (load-threads.ts).
 */
export function snapshotOf(img: SnapshotImage, arena: Arena | null = null): ZoneSnapshot {
  const { layout } = img;
  return new ZoneSnapshot(img.identity, { ...layout, data: asBuffer(layout.data), slots: layout.slots.map(asBuffer), arena });
}

export function keysOf(keys: readonly TsigKey[]): Map<string, TsigKey> {
  return new Map(keys.map((k) => [k.name, { ...k, secret: asBuffer(k.secret) }]));
}

/** Whether every buffer of an image lies in shared memory (else posting it copies it). */
export function isShared(img: SnapshotImage): boolean {
  const { data, slots, gone } = img.layout;
  return [data, ...slots, ...(gone ? [gone] : [])].every((b) => b.buffer instanceof SharedArrayBuffer);
}
