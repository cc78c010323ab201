// `npm run worker` with two answer threads (ZK_DNS_THREADS=2), the real
// lib/worker/main.ts in a child process: one process answers, serves a commit
// when the CLI returns, and stops on SIGTERM with every thread.
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { RCODE } from '../dns/wire';
import { freePort } from '../testing/bind';
import { ask, eventually } from '../testing/dns-client';
import { workerProcess, type WorkerProcess } from '../testing/worker-process';

/** The threads of a process, from /proc. */
const threadsOf = (pid: number) => fs.readdirSync(`/proc/${pid}/task`).length;
/** The children of a process, from /proc. */
function childrenOf(pid: number): number[] {
  return fs.readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').split(' ').filter(Boolean).map(Number);
}

let w: WorkerProcess;
const Z = 'threads-main.test.';

beforeAll(async () => {
  w = workerProcess('threads-main', {
    dnsPort: await freePort('127.0.0.1'),
    controlPort: await freePort('127.0.0.1'),
    env: { ZK_DNS_THREADS: '2', ZK_PROBE_INTERVAL: '0' },
  });
  expect((await w.cli(['zone', 'create', Z, '--ns', `ns1.${Z}`])).status).toBe(0);
  await w.start();
}, 90_000);

afterAll(async () => {
  await w?.remove();
});

describe('a worker with two answer threads', () => {
  it('is one process, and says how many threads answer', () => {
    expect(w.output()).toContain('2 threads answering UDP');
    expect(childrenOf(w.pid()!)).toEqual([]);
  });

  it('answers, and serves a commit as soon as the CLI returns', async () => {
    expect((await ask(w.dnsPort, Z, 'SOA')).rcode).toBe(RCODE.NOERROR);
    expect((await w.cli(['record', 'add', Z, 'fresh', 'A', '300', '192.0.2.77'])).status).toBe(0);
    // Whichever thread the kernel hands them to, every answer has it.
    for (let i = 0; i < 20; i++) expect((await ask(w.dnsPort, `fresh.${Z}`, 'A')).answers.map((a) => a.data)).toEqual(['192.0.2.77']);
  });

  it('stops on SIGTERM, threads and all, and no thread reports an error', async () => {
    const pid = w.pid()!;
    expect(threadsOf(pid)).toBeGreaterThan(1);
    await w.stop();
    await eventually(async () => fs.existsSync(`/proc/${pid}`), (alive) => !alive, 5000);
    expect(w.output()).not.toMatch(/answer thread (ended|failed)/);
  });
});
