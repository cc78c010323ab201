// The worker with an answer thread beside its main thread (answer-threads.ts),
// in this process. Blocking this thread (the worker's main thread) while dig
// asks leaves the shared UDP socket to the answer thread alone, which shows
// what it does on its own: it answers from the main thread's snapshots, it
// serves a commit by the time the commit's sync returns, and it hands NOTIFYs
// to the main thread. The snapshots it reads are the main thread's own memory.
import { spawn } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { requireProgram } from '../testing/system-program';
import { imageOf, isShared } from './answer-link';
import { startWorker, type RunningWorker } from './worker';

const dig = requireProgram('dig', 'bind9-dnsutils');
const actor = { name: 'test' };
const Z = 'threads.test.';
const SECONDARY = 'from-primary.test.';
let worker: RunningWorker;
let port: number;

/** Runs dig while this thread is blocked for `blockMs`, and returns what it printed. */
function digWhileBlocked(args: string[], blockMs: number): Promise<string> {
  const child = spawn(dig!, ['@127.0.0.1', '-p', String(port), ...args]);
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, blockMs);
  return new Promise((resolve) => child.on('close', () => resolve(out)));
}

beforeAll(async () => {
  if (!dig) return;
  await createZone({ name: Z, nameservers: [`ns1.${Z}`] }, actor);
  await applyChangeset(Z, { add: [{ name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
  // A secondary zone whose primary is this host: a NOTIFY from here is accepted.
  await createZone({ name: SECONDARY, kind: 'secondary', primaries: ['127.0.0.1:1'] }, actor);
  worker = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000, threads: 2, probe: { intervalMs: 0 } });
  port = worker.dns[0]!.port;
}, 60_000);

afterAll(async () => {
  await worker?.stop();
});

describe.skipIf(!dig)('a worker with an answer thread', () => {
  it('says two threads answer', () => {
    expect(worker.threads).toBe(2);
  });

  it('answers from the answer thread while the main thread is busy', async () => {
    const out = await digWhileBlocked(['+short', '+time=1', '+tries=1', `www.${Z}`, 'A'], 1500);
    expect(out.trim()).toBe('192.0.2.1');
  });

  it('has the answer thread serve a commit once the sync after it returns', async () => {
    await applyChangeset(Z, { add: [{ name: 'fresh', type: 'A', content: '192.0.2.77' }] }, actor);
    await worker.loader.sync();
    const out = await digWhileBlocked(['+short', '+time=1', '+tries=1', `fresh.${Z}`, 'A'], 1500);
    expect(out.trim()).toBe('192.0.2.77');
  });

  it('passes a NOTIFY the answer thread received to the main thread, which acts on it and answers', async () => {
    // The answer thread refuses a NOTIFY itself; the main thread's secondary engine accepts this one.
    const out = await digWhileBlocked(['+opcode=notify', '+norecurse', '+time=4', '+tries=1', SECONDARY, 'SOA'], 1000);
    expect(out).toContain('opcode: NOTIFY, status: NOERROR');
  });

  it('lays the zones out in shared memory, patched copies included, so the thread holds no copy', () => {
    const z = worker.store.get(Z)!;
    // This zone has been patched (the commit above), not built again.
    expect(z.layout.gone).not.toBeNull();
    expect(isShared(imageOf(z))).toBe(true);
  });
});

describe.skipIf(!dig)('an answer thread and response rate limiting', () => {
  let limited: RunningWorker;

  afterAll(async () => {
    await limited?.stop();
  });

  it('applies the worker\'s own settings, not only the environment\'s', async () => {
    // One answer a second over two threads, nothing sent truncated.
    limited = await startWorker({ listen: [{ address: '127.0.0.1', port: 0 }], controlPort: 0, pollIntervalMs: 60_000, threads: 2, probe: { intervalMs: 0 }, rrl: { responsesPerSecond: 1, slip: 0 } });
    const at = port;
    port = limited.dns[0]!.port;
    try {
      const out = await digWhileBlocked(['+short', '+time=1', '+tries=1', ...[1, 2, 3, 4].flatMap(() => [`www.${Z}`, 'A'])], 5000);
      // Each dropped question waits out its second, in which the thread's bucket refills by half an
      // answer: at most two of the four get through (all four at the environment's 200 a second).
      expect(out.split('\n').filter((l) => l === '192.0.2.1').length).toBeLessThanOrEqual(2);
    } finally {
      port = at;
    }
  }, 30_000);
});
