// How the DNS processes of one worker talk (cluster.ts runs them): messages
// over each child's IPC channel to the supervisor, which passes them on.
//
// The leader is the worker as it runs alone (TCP, transfers, NOTIFY, probes,
// the control channel). Siblings answer UDP queries only, from their own copy
// of the zones. So that an answer never lags a commit, the leader has every
// sibling reload (and waits for it) whenever it reloads itself; a NOTIFY that
// the kernel hands to a sibling goes to the leader, whose secondary engine
// acts on it and answers it through the same shared socket.
import type { Peer } from './udp-direct';

export type ClusterMessage =
  /** A child's IPC handler is ready (siblings: reload requests will be answered). */
  | { zk: 'hello' }
  /** Leader → supervisor → each sibling: reload now. Sibling → supervisor → leader: done (`id` echoed). */
  | { zk: 'reload'; id: number }
  | { zk: 'reloaded'; id: number; missing?: number }
  /** A NOTIFY a sibling received on listener number `listener`, for the leader to handle and answer. */
  | { zk: 'notify'; listener: number; bytes: string; address: string; port: number };

export function isClusterMessage(m: unknown): m is ClusterMessage {
  return typeof m === 'object' && m !== null && typeof (m as { zk?: unknown }).zk === 'string';
}

/** The supervisor answers a leader's reload within this, with or without every sibling. */
export const SIBLING_RELOAD_TIMEOUT_MS = 5000;

function send(m: ClusterMessage): void {
  // The channel is gone only when the supervisor is: the child exits on 'disconnect' then.
  if (process.connected) process.send!(m);
}

export interface LeaderLink {
  /** Resolves when every sibling has reloaded (or the supervisor gave up waiting on one). */
  reloadSiblings(): Promise<void>;
  /** NOTIFYs siblings received, to be handled as if this process had. */
  onForwardedNotify(fn: (listener: number, msg: Buffer, peer: Peer) => void): void;
}

export function leaderLink(): LeaderLink {
  let next = 1;
  const waiting = new Map<number, () => void>();
  let forwarded: ((listener: number, msg: Buffer, peer: Peer) => void) | null = null;
  process.on('message', (m: unknown) => {
    if (!isClusterMessage(m)) return;
    if (m.zk === 'reloaded') {
      waiting.get(m.id)?.();
      waiting.delete(m.id);
    } else if (m.zk === 'notify' && forwarded) {
      forwarded(m.listener, Buffer.from(m.bytes, 'base64'), { address: m.address, port: m.port });
    }
  });
  send({ zk: 'hello' });
  return {
    reloadSiblings() {
      const id = next++;
      return new Promise<void>((resolve) => {
        // The supervisor always answers; this bound only covers its disappearance.
        const timer = setTimeout(() => {
          waiting.delete(id);
          resolve();
        }, SIBLING_RELOAD_TIMEOUT_MS * 2);
        waiting.set(id, () => {
          clearTimeout(timer);
          resolve();
        });
        send({ zk: 'reload', id });
      });
    },
    onForwardedNotify(fn) {
      forwarded = fn;
    },
  };
}

export interface SiblingLink {
  /** Passes a NOTIFY received on listener number `listener` to the leader. */
  forwardNotify(listener: number, msg: Buffer, peer: Peer): void;
}

/** A sibling's side: answers reload requests with `reload()`, forwards NOTIFYs. */
export function siblingLink(reload: () => Promise<unknown>, onError: (err: Error) => void): SiblingLink {
  process.on('message', (m: unknown) => {
    if (!isClusterMessage(m) || m.zk !== 'reload') return;
    reload()
      .catch(onError)
      .finally(() => send({ zk: 'reloaded', id: m.id }));
  });
  send({ zk: 'hello' });
  return {
    forwardNotify(listener, msg, peer) {
      send({ zk: 'notify', listener, bytes: msg.toString('base64'), address: peer.address, port: peer.port });
    },
  };
}
