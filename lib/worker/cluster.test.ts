// The worker as several DNS processes (ZK_DNS_PROCESSES, cluster.ts): the real
// `lib/worker/main.ts` in a child process. Freezing the leader with SIGSTOP
// leaves the shared UDP socket to the sibling, which shows what the sibling
// does on its own: it answers, it has reloaded before a commit returned, and it
// hands NOTIFYs to the leader. Freezing the sibling shows that the leader does
// not serve a change before the sibling has loaded it (until it gives up
// waiting). Then: a sibling that dies is replaced, a leader that dies takes
// the worker down, and SIGTERM stops every process.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { encodeMessage, newQuery, OPCODE, RCODE } from '../dns/wire';
import { freePort } from '../testing/bind';
import { ask, eventually, sendRaw } from '../testing/dns-client';
import { workerProcess, type WorkerProcess } from '../testing/worker-process';

/** The worker's DNS processes (its children) and their roles, from /proc. */
function dnsProcesses(supervisor: number): { pid: number; role: string }[] {
  const out: { pid: number; role: string }[] = [];
  for (const entry of fs.readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      const stat = fs.readFileSync(`/proc/${entry}/stat`, 'utf8');
      const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
      if (ppid !== supervisor) continue;
      const env = fs.readFileSync(`/proc/${entry}/environ`, 'utf8').split('\0');
      const role = env.find((e) => e.startsWith('ZK_DNS_ROLE='))?.slice('ZK_DNS_ROLE='.length);
      if (role) out.push({ pid: Number(entry), role });
    } catch {
      // The process ended while we looked.
    }
  }
  return out;
}

const running = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
};

let w: WorkerProcess;
let supervisor: number;
let leader: number;
let sibling: number;
const Z = 'cluster.test.';
const SECONDARY = 'from-primary.test.';

beforeAll(async () => {
  w = workerProcess('cluster', {
    dnsPort: await freePort('127.0.0.1'),
    controlPort: await freePort('127.0.0.1'),
    env: { ZK_DNS_PROCESSES: '2', ZK_PROBE_INTERVAL: '0' },
  });
  expect((await w.cli(['zone', 'create', Z, '--ns', `ns1.${Z}`])).status).toBe(0);
  // A secondary zone whose primary is us (127.0.0.1): a NOTIFY from here is accepted.
  expect((await w.cli(['zone', 'create', SECONDARY, '--secondary', '--primary', `127.0.0.1:${await freePort('127.0.0.1')}`])).status).toBe(0);
  await w.start();
  supervisor = w.pid()!;
  const procs = await eventually(async () => dnsProcesses(supervisor), (p) => p.length === 2, 20_000, 100);
  leader = procs.find((p) => p.role === 'leader')!.pid;
  sibling = procs.find((p) => p.role === 'sibling')!.pid;
  // The sibling is bound once it answers on its own.
  process.kill(leader, 'SIGSTOP');
  try {
    await eventually(() => ask(w.dnsPort, Z, 'SOA', { timeoutMs: 300 }).catch(() => null), (m) => m?.rcode === RCODE.NOERROR, 20_000, 100);
  } finally {
    process.kill(leader, 'SIGCONT');
  }
}, 90_000);

afterAll(async () => {
  await w?.remove();
});

describe('a worker of two DNS processes', () => {
  it('prints how many processes answer', () => {
    expect(w.output()).toContain('2 processes answering UDP');
  });

  it('has the sibling answer a commit as soon as the commit returns', async () => {
    expect((await w.cli(['record', 'add', Z, 'fresh', 'A', '300', '192.0.2.77'])).status).toBe(0);
    process.kill(leader, 'SIGSTOP');
    try {
      const m = await ask(w.dnsPort, `fresh.${Z}`, 'A');
      expect(m.rcode).toBe(RCODE.NOERROR);
      expect(m.answers.map((a) => a.data)).toEqual(['192.0.2.77']);
    } finally {
      process.kill(leader, 'SIGCONT');
    }
  });

  // Regression: the leader served a change as soon as it had loaded it and only then told the
  // sibling, so for as long as the sibling took to load, answers flipped between the new serial
  // and the old one (a secondary's test saw the new record, then the old SOA).
  it('serves a change from no process before every process has loaded it, unless one hangs', async () => {
    const held = `held.${Z}`;
    process.kill(sibling, 'SIGSTOP');
    let firstSeenAt = 0;
    try {
      // Only the leader can answer now; it must keep the old copy while it waits for the sibling.
      const commit = w.cli(['record', 'add', Z, 'held', 'A', '300', '192.0.2.88']);
      const seen = await eventually(() => ask(w.dnsPort, held, 'A', { timeoutMs: 500 }).catch(() => null), (m) => !!m?.answers.length, 30_000, 50);
      firstSeenAt = Date.now();
      expect(seen?.answers.map((a) => a.data)).toEqual(['192.0.2.88']);
      expect((await commit).status).toBe(0);
    } finally {
      process.kill(sibling, 'SIGCONT');
    }
    // The leader served it only after saying it had stopped waiting for the sibling.
    const gaveUpLines = async () =>
      w
        .output()
        .split('\n')
        .filter((l) => l.includes('have not loaded the change yet') && l.includes(Z))
        .map((l) => JSON.parse(l) as { time: number; zones: string[] });
    const gaveUp = await eventually(gaveUpLines, (lines) => lines.length > 0, 5000);
    expect(gaveUp.length).toBeGreaterThan(0);
    expect(gaveUp[0]!.zones).toEqual([Z]);
    expect(firstSeenAt).toBeGreaterThanOrEqual(gaveUp[0]!.time);
    // Thawed, the sibling serves it too.
    process.kill(leader, 'SIGSTOP');
    try {
      const m = await eventually(() => ask(w.dnsPort, held, 'A', { timeoutMs: 500 }).catch(() => null), (r) => !!r?.answers.length, 10_000, 50);
      expect(m?.answers.map((a) => a.data)).toEqual(['192.0.2.88']);
    } finally {
      process.kill(leader, 'SIGCONT');
    }
  });

  it('passes a NOTIFY the sibling received to the leader, which acts on it and answers', async () => {
    const notify = encodeMessage(newQuery(SECONDARY, 'SOA', { opcode: OPCODE.NOTIFY })).buf;
    process.kill(leader, 'SIGSTOP');
    // Only the sibling can read the datagram now; its answer has to wait for the leader.
    setTimeout(() => process.kill(leader, 'SIGCONT'), 500);
    const started = Date.now();
    const reply = await sendRaw(w.dnsPort, notify, 'udp', 5000);
    expect(Date.now() - started).toBeGreaterThanOrEqual(400);
    expect(reply).not.toBeNull();
    expect(reply![3]! & 0x0f).toBe(RCODE.NOERROR);
    expect((reply![2]! >> 3) & 0x0f).toBe(OPCODE.NOTIFY);
    await eventually(async () => w.output(), (out) => out.includes('NOTIFY accepted; checking the primary'), 5000);
  });

  it('starts a new sibling when one dies, and answers all along', async () => {
    process.kill(sibling, 'SIGKILL');
    expect((await ask(w.dnsPort, Z, 'SOA')).rcode).toBe(RCODE.NOERROR);
    const procs = await eventually(async () => dnsProcesses(supervisor), (p) => p.some((x) => x.role === 'sibling' && x.pid !== sibling), 20_000, 100);
    sibling = procs.find((p) => p.role === 'sibling')!.pid;
    expect(w.output()).toContain('a DNS sibling process stopped; starting another');
  });

  it('stops every process on SIGTERM', async () => {
    await w.stop();
    expect(running(supervisor)).toBe(false);
    await eventually(async () => [leader, sibling].filter(running), (alive) => alive.length === 0, 5000);
  });

  it('stops the worker when the leader dies', async () => {
    await w.start();
    supervisor = w.pid()!;
    const procs = await eventually(async () => dnsProcesses(supervisor), (p) => p.length === 2, 20_000, 100);
    process.kill(procs.find((p) => p.role === 'leader')!.pid, 'SIGKILL');
    await eventually(async () => running(supervisor), (alive) => !alive, 10_000);
    expect(w.output()).toContain('the DNS leader process stopped; stopping the worker');
    await eventually(async () => procs.filter((p) => running(p.pid)), (alive) => alive.length === 0, 5000);
  });
});
