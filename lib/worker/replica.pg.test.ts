// A read-only worker on a real PostgreSQL streaming replica (issue 8): a
// second cluster made with pg_basebackup -R from this file's own primary,
// running in recovery as a hot standby. The checks are lib/testing/replica-suite.ts;
// here, a write would show in the standby's log, which logs each one it refuses.
import fs from 'node:fs';
import path from 'node:path';
import { expect, inject } from 'vitest';
import { migratePostgres } from '../setup/migrate-pg';
import { eventually } from '../testing/dns-client';
import { pgQuery, startCluster, startStandby, type PgCluster } from '../testing/postgres';
import { readOnlyReplicaSuite } from '../testing/replica-suite';

let primary: PgCluster | undefined;
let standby: PgCluster | undefined;
const standbyLog = () => fs.readFileSync(path.join(standby!.dir, 'server.log'), 'utf8');
const WRITE_REFUSED = /read-only transaction|during recovery/;

readOnlyReplicaSuite('a read-only worker on a hot standby', {
  async startPrimary() {
    primary = await startCluster(inject('pg').bin);
    await pgQuery(primary.url(), 'CREATE DATABASE zk');
    await migratePostgres(primary.url('zk'));
    return primary.url('zk');
  },
  async startReplica() {
    standby = await startStandby(inject('pg').bin, primary!);
    expect(await pgQuery(standby.url('zk'), 'SELECT pg_is_in_recovery() AS standby')).toEqual([{ standby: true }]);
    return standby.url('zk');
  },
  async replicaSerial(zone) {
    return Number((await pgQuery<{ serial: string }>(standby!.url('zk'), `SELECT serial FROM "Zone" WHERE name = $1`, [zone]))[0]!.serial);
  },
  async expectNoWrites() {
    expect(standbyLog()).not.toMatch(WRITE_REFUSED);
    // The check can see a write: one attempted now is refused and logged.
    await expect(pgQuery(standby!.url('zk'), `INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('x', '1', now())`)).rejects.toThrow(WRITE_REFUSED);
    await eventually(async () => standbyLog(), (log) => WRITE_REFUSED.test(log), 2000);
  },
  async unmigratedReplicaUrl() {
    await pgQuery(primary!.url(), 'CREATE DATABASE unmigrated');
    await eventually(() => pgQuery(standby!.url(), `SELECT 1 AS ok FROM pg_database WHERE datname = 'unmigrated'`), (rows) => rows.length === 1, 5000, 100);
    return standby!.url('unmigrated');
  },
  async stop() {
    await standby?.stop();
    await primary?.stop();
  },
});
