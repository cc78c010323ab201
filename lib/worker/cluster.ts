// The supervisor of a worker's DNS processes (ZK_DNS_PROCESSES > 1): forks one
// leader and N-1 siblings with node:cluster, which shares each UDP socket
// among them (the kernel spreads the datagrams), and passes their messages on
// (cluster-link.ts). It serves nothing itself.
//
// If the leader stops, the supervisor stops the siblings and exits with the
// leader's code, so whoever started the worker sees it. A sibling that dies is
// started again, after a pause that grows while it keeps dying.
import cluster, { type Worker } from 'node:cluster';
import { isClusterMessage, type ClusterMessage } from './cluster-link';
import type { Logger } from './logger';

export type DnsRole = 'leader' | 'sibling';

/** The role of this process inside a cluster, or null outside one. */
export function dnsRole(): DnsRole | null {
  if (cluster.isPrimary) return null;
  const role = process.env.ZK_DNS_ROLE;
  return role === 'leader' || role === 'sibling' ? role : null;
}

const STOP_GRACE_MS = 8000;

export function superviseDnsProcesses(count: number, log: Logger): void {
  let stopping = false;
  let leader: Worker;
  // Siblings whose IPC handler is up (they said hello); only they take part in reload rounds.
  const ready = new Set<Worker>();
  // The leader's current reload round (it runs one at a time; a new one supersedes one it gave up on):
  // the siblings asked, and which of them have said 'prepared' and 'reloaded' so far.
  let round: { id: number; asked: Set<Worker>; prepared: Set<Worker>; reloaded: Set<Worker>; published: boolean; preparedSent: boolean } | null = null;

  const send = (w: Worker, m: ClusterMessage) => {
    if (w.isConnected()) w.send(m);
  };
  const all = (of: Set<Worker>, have: Set<Worker>) => [...of].every((w) => have.has(w));
  // Tells the leader each step of the round that every sibling still in it has taken.
  const settle = () => {
    if (!round) return;
    if (!round.preparedSent && all(round.asked, round.prepared)) {
      round.preparedSent = true;
      send(leader, { zk: 'prepared', id: round.id });
    }
    if (round.published && all(round.asked, round.reloaded)) {
      send(leader, { zk: 'reloaded', id: round.id });
      round = null;
    }
  };
  const fromLeader = (m: ClusterMessage) => {
    if (m.zk === 'reload') {
      round = { id: m.id, asked: new Set(ready), prepared: new Set(), reloaded: new Set(), published: false, preparedSent: false };
      for (const w of round.asked) send(w, m);
    } else if (m.zk === 'publish' && round?.id === m.id) {
      // Siblings still loading swap as soon as they have (the leader did not wait for them).
      round.published = true;
      for (const w of round.asked) send(w, m);
    }
    settle();
  };
  const fromSibling = (w: Worker, m: ClusterMessage) => {
    if (m.zk === 'hello') ready.add(w);
    else if (m.zk === 'notify') send(leader, m);
    else if ((m.zk === 'prepared' || m.zk === 'reloaded') && round?.id === m.id) round[m.zk].add(w);
    settle();
  };
  const siblingGone = (w: Worker) => {
    ready.delete(w);
    round?.asked.delete(w);
    settle();
  };

  const forkLeader = () => {
    leader = cluster.fork({ ZK_DNS_ROLE: 'leader' });
    leader.on('message', (m: unknown) => {
      if (isClusterMessage(m)) fromLeader(m);
    });
    leader.on('exit', (code, signal) => {
      if (stopping) return;
      log.error({ code, signal }, 'the DNS leader process stopped; stopping the worker');
      stopAll(code || 1);
    });
  };

  const forkSibling = (delayMs: number) => {
    const startedAt = Date.now();
    const w = cluster.fork({ ZK_DNS_ROLE: 'sibling' });
    w.on('message', (m: unknown) => {
      if (isClusterMessage(m)) fromSibling(w, m);
    });
    w.on('exit', (code, signal) => {
      siblingGone(w);
      if (stopping) return;
      // One that ran for a minute starts again at once; one that keeps dying waits longer each time.
      const next = Date.now() - startedAt > 60_000 ? 0 : Math.min(Math.max(1000, delayMs * 2), 30_000);
      log.error({ pid: w.process.pid, code, signal, restartInMs: next }, 'a DNS sibling process stopped; starting another');
      setTimeout(() => {
        if (!stopping) forkSibling(next);
      }, next).unref();
    });
  };

  const stopAll = (exitCode: number) => {
    if (stopping) return;
    stopping = true;
    const workers = Object.values(cluster.workers ?? {}).filter((w): w is Worker => !!w);
    for (const w of workers) if (!w.isDead()) w.process.kill('SIGTERM');
    const force = setTimeout(() => {
      for (const w of workers) if (!w.isDead()) w.process.kill('SIGKILL');
    }, STOP_GRACE_MS);
    force.unref();
    Promise.all(workers.map((w) => (w.isDead() ? null : new Promise((r) => w.once('exit', r))))).then(() => process.exit(exitCode));
  };

  forkLeader();
  for (let i = 1; i < count; i++) forkSibling(0);
  process.on('SIGINT', () => stopAll(0));
  process.on('SIGTERM', () => stopAll(0));
}
