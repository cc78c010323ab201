// How the DNS processes of one worker talk (cluster.ts runs them): messages
// over each child's IPC channel to the supervisor, which passes them on.
//
// The leader is the worker as it runs alone (TCP, transfers, NOTIFY, probes,
// the control channel). Siblings answer UDP queries only, from their own copy
// of the zones. A NOTIFY that the kernel hands to a sibling goes to the
// leader, whose secondary engine acts on it and answers it through the same
// shared socket.
//
// Every reload of the leader is a round that all processes go through in two
// steps, so that they start serving a new serial together and none answers
// with the new serial while another still answers with the old one for as
// long as a zone takes to load:
//
//   leader ── reload ──► siblings      each loads what changed, serves nothing new yet
//   leader ◄─ prepared ─ siblings      (the supervisor answers once all have)
//   leader ── publish ─► siblings      the leader swaps as it sends, each sibling on receipt
//   leader ◄─ reloaded ─ siblings      only then does the leader send NOTIFYs
//
// The leader starts a round only when it has something to swap. A sibling
// that does not answer in time is not waited for: the leader serves the
// change without it after SIBLING_RELOAD_TIMEOUT_MS, and the sibling swaps as
// soon as it has loaded.
import type { Logger } from './logger';
import type { Peer } from './udp-direct';
import type { ReloadRound } from './zone-loader';

export type ClusterMessage =
  /** A child's IPC handler is ready (siblings: reload rounds will be answered). */
  | { zk: 'hello' }
  /** The steps of reload round `id` (see above), between the leader and each sibling. */
  | { zk: 'reload' | 'prepared' | 'publish' | 'reloaded'; id: number }
  /** A NOTIFY a sibling received on listener number `listener`, for the leader to handle and answer. */
  | { zk: 'notify'; listener: number; bytes: string; address: string; port: number };

export function isClusterMessage(m: unknown): m is ClusterMessage {
  return typeof m === 'object' && m !== null && typeof (m as { zk?: unknown }).zk === 'string';
}

/** How long the leader waits for the siblings at each step of a round. */
const SIBLING_RELOAD_TIMEOUT_MS = 5000;

function send(m: ClusterMessage): void {
  // The channel is gone only when the supervisor is: the child exits on 'disconnect' then.
  if (process.connected) process.send!(m);
}

/**
 * The highest round that has reached a step. Rounds are numbered upwards and
 * the leader runs one at a time, so "round N done" means every round up to N is.
 */
class Progress {
  private reached = 0;
  private readonly waiters = new Set<() => void>();

  reach(id: number): void {
    if (id <= this.reached) return;
    this.reached = id;
    for (const wake of [...this.waiters]) wake();
  }

  /** True once round `id` has reached this step, false if `timeoutMs` passed first. */
  until(id: number, timeoutMs: number): Promise<boolean> {
    if (this.reached >= id) return Promise.resolve(true);
    return new Promise((resolve) => {
      const done = (ok: boolean) => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve(ok);
      };
      const wake = () => {
        if (this.reached >= id) done(true);
      };
      const timer = setTimeout(() => done(false), timeoutMs);
      this.waiters.add(wake);
    });
  }
}

export interface LeaderLink {
  /** The leader's reloads, done together with every sibling (pass it to ZoneLoader.sync). */
  reloadRound: ReloadRound;
  /** NOTIFYs siblings received, to be handled as if this process had. */
  onForwardedNotify(fn: (listener: number, msg: Buffer, peer: Peer) => void): void;
}

export function leaderLink(log: Logger): LeaderLink {
  let next = 1;
  const prepared = new Progress();
  const reloaded = new Progress();
  let forwarded: ((listener: number, msg: Buffer, peer: Peer) => void) | null = null;
  process.on('message', (m: unknown) => {
    if (!isClusterMessage(m)) return;
    if (m.zk === 'prepared') prepared.reach(m.id);
    else if (m.zk === 'reloaded') reloaded.reach(m.id);
    else if (m.zk === 'notify' && forwarded) forwarded(m.listener, Buffer.from(m.bytes, 'base64'), { address: m.address, port: m.port });
  });
  send({ zk: 'hello' });
  return {
    reloadRound() {
      const id = next++;
      // The siblings load while this process does.
      send({ zk: 'reload', id });
      return {
        async swapWhenReady(swap, zones) {
          if (!(await prepared.until(id, SIBLING_RELOAD_TIMEOUT_MS))) {
            log.warn({ zones, waitedMs: SIBLING_RELOAD_TIMEOUT_MS }, 'DNS sibling processes have not loaded the change yet; serving it without waiting for them');
          }
          send({ zk: 'publish', id });
          swap();
          // NOTIFYs go out after this: a secondary that asks for the SOA must get the new one.
          await reloaded.until(id, SIBLING_RELOAD_TIMEOUT_MS);
        },
      };
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

/** A sibling's side: takes part in the leader's reload rounds through `reload`, forwards NOTIFYs. */
export function siblingLink(reload: (round: ReloadRound) => Promise<unknown>, onError: (err: Error) => void): SiblingLink {
  const published = new Progress();
  process.on('message', (m: unknown) => {
    if (!isClusterMessage(m)) return;
    if (m.zk === 'publish') published.reach(m.id);
    else if (m.zk === 'reload') {
      const { id } = m;
      let prepared = false;
      const round: ReloadRound = () => ({
        async swapWhenReady(swap) {
          prepared = true;
          send({ zk: 'prepared', id });
          // The leader publishes within its own timeout; twice that covers a leader that is gone.
          await published.until(id, SIBLING_RELOAD_TIMEOUT_MS * 2);
          swap();
        },
      });
      reload(round)
        .catch(onError)
        .finally(() => {
          // A sync that found nothing to load (this copy was current) never started the round.
          if (!prepared) send({ zk: 'prepared', id });
          send({ zk: 'reloaded', id });
        });
    }
  });
  send({ zk: 'hello' });
  return {
    forwardNotify(listener, msg, peer) {
      send({ zk: 'notify', listener, bytes: msg.toString('base64'), address: peer.address, port: peer.port });
    },
  };
}
