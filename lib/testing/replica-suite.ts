// The proof of "native" replication (issues 8 and 22), once for every
// database with a replica of its own kind: a read-only worker (ZK_READ_ONLY=1)
// on a real replica serves every zone, serves a change committed on the
// primary within 2 s, answers AXFR and IXFR from the replicated journal, never
// writes, and refuses to start on a database whose schema is not current.
// Each database file (lib/worker/replica.pg.test.ts, replica.my.test.ts)
// supplies how to start its primary and replica and how to see a write on the
// replica; the zones, the worker and the checks are the same.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { disconnectDb } from '../db';
import { RCODE } from '../dns/wire';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { freePort } from './bind';
import { ask, eventually } from './dns-client';
import { workerProcess, type WorkerProcess } from './worker-process';
import { transfer } from './xfr-client';

export interface ReplicaBackend {
  /** Starts the primary with a migrated database; its URL, where this process (the web app, the CLI) then writes. */
  startPrimary(): Promise<string>;
  /** Starts a replica of the primary as it is now, replicating; the URL a read-only worker uses there. */
  startReplica(): Promise<string>;
  /** The serial of `zone` (a stored name, with the final dot) as the replica holds it. */
  replicaSerial(zone: string): Promise<number>;
  /** Fails unless the replica saw no write, then shows that the same check sees one. */
  expectNoWrites(): Promise<void>;
  /** A database that exists on the replica (created on the primary, replicated) without any migration: its URL there. */
  unmigratedReplicaUrl(): Promise<string>;
  stop(): Promise<void>;
}

const actor = { name: 'test' };

/** The suite; its return gives later tests of the same file the running worker. */
export function readOnlyReplicaSuite(title: string, backend: ReplicaBackend): { worker(): WorkerProcess } {
  let replica: WorkerProcess | undefined;

  beforeAll(async () => {
    const primaryUrl = await backend.startPrimary();
    // This process is the web app / CLI writing to the primary.
    await disconnectDb();
    process.env.DATABASE_URL = primaryUrl;
    await createZone({ name: 'replica.test', nameservers: ['ns1.replica.test.'] }, actor);
    await applyChangeset('replica.test', { add: [{ name: 'ns1', type: 'A', content: '192.0.2.53' }, { name: 'www', type: 'A', content: '192.0.2.1' }] }, actor);
    await createZone({ name: 'second.test' }, actor);
    const replicaUrl = await backend.startReplica();
    replica = workerProcess('replica', {
      dnsPort: await freePort('127.0.0.1'),
      controlPort: await freePort('127.0.0.1'),
      env: { DATABASE_URL: replicaUrl, ZK_READ_ONLY: '1', ZK_WORKER_ID: 'replica', ZK_PROBE_INTERVAL: '1' },
    });
    await replica.start();
  }, 120_000);

  afterAll(async () => {
    await replica?.remove();
    await disconnectDb();
    await backend.stop();
  });

  describe(title, () => {
    it('starts read-only and serves every zone from the replica', async () => {
      expect(replica!.output()).toMatch(/worker replica, read-only/);
      for (const zone of ['replica.test.', 'second.test.']) {
        const r = await ask(replica!.dnsPort, zone, 'SOA');
        expect(r.rcode).toBe(RCODE.NOERROR);
        expect(r.aa).toBe(true);
      }
      expect((await ask(replica!.dnsPort, 'www.replica.test.', 'A')).answers.map((a) => a.data)).toEqual(['192.0.2.1']);
    });

    it('serves a change committed on the primary within 2 s', async () => {
      const started = Date.now();
      await applyChangeset('replica.test', { add: [{ name: 'new', type: 'A', content: '192.0.2.77' }] }, actor);
      const r = await eventually(() => ask(replica!.dnsPort, 'new.replica.test.', 'A', { timeoutMs: 300 }), (m) => m.answers.length > 0, 2000, 20);
      expect(r.answers.map((a) => a.data)).toEqual(['192.0.2.77']);
      expect(Date.now() - started).toBeLessThan(2000);
      // A zone created on the primary appears too.
      await createZone({ name: 'later.test' }, actor);
      await eventually(() => ask(replica!.dnsPort, 'later.test.', 'SOA', { timeoutMs: 300 }), (m) => m.rcode === RCODE.NOERROR, 2000, 20);
    });

    it('answers AXFR and IXFR from the replicated journal', async () => {
      const before = await backend.replicaSerial('replica.test.');
      const c = await applyChangeset('replica.test', { add: [{ name: 'ixfr', type: 'A', content: '192.0.2.99' }] }, actor);
      await eventually(() => ask(replica!.dnsPort, 'ixfr.replica.test.', 'A', { timeoutMs: 300 }), (m) => m.answers.length > 0, 2000, 20);
      const ixfr = await transfer(replica!.dnsPort, 'replica.test.', 'IXFR', { serial: before });
      const soas = ixfr.records.filter((r) => r.type === 'SOA').map((r) => (r.data as { serial: number }).serial);
      expect(soas).toEqual([c.newSerial, before, c.newSerial, c.newSerial]);
      const axfr = await transfer(replica!.dnsPort, 'replica.test.', 'AXFR');
      expect(axfr.records.some((r) => r.name === 'ixfr.replica.test.' && r.type === 'A')).toBe(true);
    });

    it('never wrote: the replica saw no write, and the worker logged no error', async () => {
      // Long enough for a prober round (ZK_PROBE_INTERVAL=1, if it ran) and several polls.
      await new Promise((r) => setTimeout(r, 1500));
      expect(replica!.output()).not.toMatch(/"level":(50|60)/);
      await backend.expectNoWrites();
    });

    it('refuses to start on a database whose schema is not current, saying why', async () => {
      const stale = workerProcess('stale', {
        dnsPort: await freePort('127.0.0.1'),
        controlPort: await freePort('127.0.0.1'),
        env: { DATABASE_URL: await backend.unmigratedReplicaUrl(), ZK_READ_ONLY: '1' },
      });
      try {
        await expect(stale.start()).rejects.toThrow(/lacks \d+ migration\(s\) \(\d+_init[^)]*\) and ZK_READ_ONLY is set/);
      } finally {
        await stale.remove();
      }
    });
  });

  return { worker: () => replica! };
}
