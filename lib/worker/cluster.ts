// The supervisor of a worker's DNS processes (ZK_DNS_PROCESSES > 1): forks one
// leader and N-1 siblings with node:cluster, which shares each UDP socket
// among them (the kernel spreads the datagrams), and passes their messages on
// (cluster-link.ts). It serves nothing itself.
//
// If the leader stops, the supervisor stops the siblings and exits with the
// leader's code, so whoever started the worker sees it. A sibling that dies is
// started again, after a pause that grows while it keeps dying.
import cluster, { type Worker } from 'node:cluster';
import { isClusterMessage, SIBLING_RELOAD_TIMEOUT_MS, type ClusterMessage } from './cluster-link';
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
  // Siblings whose IPC handler is up (they said hello); only they are asked to reload.
  const ready = new Set<Worker>();
  const pending = new Map<number, { waiting: Set<Worker>; timer: NodeJS.Timeout }>();

  const send = (w: Worker, m: ClusterMessage) => {
    if (w.isConnected()) w.send(m);
  };
  const finishReload = (id: number) => {
    const p = pending.get(id);
    if (!p) return;
    clearTimeout(p.timer);
    pending.delete(id);
    send(leader, { zk: 'reloaded', id, missing: p.waiting.size });
  };
  const reload = (id: number) => {
    const waiting = new Set(ready);
    if (waiting.size === 0) {
      send(leader, { zk: 'reloaded', id });
      return;
    }
    const timer = setTimeout(() => {
      log.warn({ siblings: [...(pending.get(id)?.waiting ?? [])].map((w) => w.process.pid) }, 'DNS sibling processes did not reload in time');
      finishReload(id);
    }, SIBLING_RELOAD_TIMEOUT_MS);
    pending.set(id, { waiting, timer });
    for (const w of waiting) send(w, { zk: 'reload', id });
  };
  const siblingGone = (w: Worker) => {
    ready.delete(w);
    for (const [id, p] of pending) if (p.waiting.delete(w) && p.waiting.size === 0) finishReload(id);
  };

  const forkLeader = () => {
    leader = cluster.fork({ ZK_DNS_ROLE: 'leader' });
    leader.on('message', (m: unknown) => {
      if (isClusterMessage(m) && m.zk === 'reload') reload(m.id);
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
      if (!isClusterMessage(m)) return;
      if (m.zk === 'hello') ready.add(w);
      else if (m.zk === 'reloaded') {
        const p = pending.get(m.id);
        if (p?.waiting.delete(w) && p.waiting.size === 0) finishReload(m.id);
      } else if (m.zk === 'notify') send(leader, m);
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
