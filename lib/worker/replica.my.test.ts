// A read-only worker on a real MariaDB binlog replica (issue 22), the PowerDNS
// article's "native" mode: a second mariadbd made a replica of this file's own
// primary with mariadb-dump --gtid and CHANGE MASTER TO, read_only=ON. The
// worker connects as a user who may only read its database (read_only does
// not stop root, and SELECT is all a read-only worker needs). The checks are lib/testing/replica-suite.ts;
// here, a write would stop the replica's SQL thread or show in the replica's
// own binlog. Then what an operator meets on a replica: a read-write process
// refused at start, and the errors of a write that got that far.
import type { Connection } from 'mariadb';
import { afterEach, describe, expect, it } from 'vitest';
import { mysqlConnection } from '../config/database-url';
import { db, disconnectDb, selectRows } from '../db';
import { databaseFailure } from '../db-errors';
import { migrateMysql } from '../setup/migrate-mysql';
import { freePort } from '../testing/bind';
import {
  findMariadb,
  grantDatabase,
  localWrites,
  mariadbQuery,
  replicationStatus,
  startMariadb,
  startReplica,
  syncReplica,
  type MariadbServer,
} from '../testing/mariadb';
import { readOnlyReplicaSuite } from '../testing/replica-suite';
import { workerProcess } from '../testing/worker-process';

// The mariadb project runs only where MariaDB is installed (vitest.config.ts, my-global-setup.ts).
const programs = findMariadb()!;
/** What a read-write process connects as; the read-only worker as `reader`. */
const login = { user: 'zk', password: 'zk-test-password' };
const reader = { user: 'zkread', password: 'zkread-test-password' };
let primary: MariadbServer | undefined;
let replica: MariadbServer | undefined;

async function connectAs(url: string): Promise<Connection> {
  const { default: driver } = await import('mariadb');
  return driver.createConnection({ ...mysqlConnection(url), connectTimeout: 5000 });
}

readOnlyReplicaSuite('a read-only worker on a MariaDB binlog replica', {
  async startPrimary() {
    primary = await startMariadb(programs);
    await mariadbQuery(primary, 'CREATE DATABASE zk CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    await migrateMysql(primary.url('zk'));
    return primary.url('zk');
  },
  async startReplica() {
    replica = await startReplica(programs, primary!);
    // Made on the primary, the users reach the replica by replication.
    await grantDatabase(primary!, 'zk', login);
    await grantDatabase(primary!, 'zk', reader, 'SELECT');
    await syncReplica(primary!, replica);
    expect(await mariadbQuery(replica, 'SELECT @@GLOBAL.read_only AS ro, @@GLOBAL.server_id AS id')).toEqual([{ ro: 1n, id: 2n }]);
    return replica.url('zk', reader);
  },
  async replicaSerial(zone) {
    return Number((await mariadbQuery<{ serial: bigint }>(replica!, 'SELECT `serial` FROM `zk`.`Zone` WHERE `name` = ?', [zone]))[0]!.serial);
  },
  async expectNoWrites() {
    // A write on the replica would be in its own binlog (it logs nothing it replicates), and one
    // colliding with the primary's rows would have stopped the SQL thread with an error.
    expect(await replicationStatus(replica!)).toEqual({ io: 'Yes', sql: 'Yes', ioError: '', sqlError: '' });
    expect(await localWrites(replica!)).toBe('');
    // The check can see a write: a user who may write is refused one, root's gets through and shows.
    const conn = await connectAs(replica!.url('zk', login));
    try {
      await expect(conn.query(`INSERT INTO \`Setting\` (\`key\`, \`value\`, \`updatedAt\`) VALUES ('x', '1', NOW(3))`)).rejects.toThrow(/--read-only/);
    } finally {
      await conn.end();
    }
    await mariadbQuery(replica!, 'CREATE DATABASE scratch');
    expect(await localWrites(replica!)).toMatch(/^0-2-\d+$/);
  },
  async unmigratedReplicaUrl() {
    await mariadbQuery(primary!, 'CREATE DATABASE unmigrated CHARACTER SET utf8mb4 COLLATE utf8mb4_bin');
    await grantDatabase(primary!, 'unmigrated', reader, 'SELECT');
    await syncReplica(primary!, replica!);
    return replica!.url('unmigrated', reader);
  },
  async stop() {
    await replica?.stop();
    await primary?.stop();
  },
});

describe('a process that writes, pointed at the MariaDB replica', () => {
  const url = process.env.DATABASE_URL;
  afterEach(async () => {
    await disconnectDb();
    process.env.DATABASE_URL = url;
    delete process.env.ZK_READ_ONLY;
  });

  it('refuses to start, saying to point at the primary or set ZK_READ_ONLY=1', async () => {
    const writer = workerProcess('writer', {
      dnsPort: await freePort('127.0.0.1'),
      controlPort: await freePort('127.0.0.1'),
      env: { DATABASE_URL: replica!.url('zk', login) },
    });
    try {
      await expect(writer.start()).rejects.toThrow(
        /The database is read-only \(mariadb:\/\/zk:\*\*\*@127\.0\.0\.1:\d+\/zk\): it is a replica .* Point DATABASE_URL at the primary, or set ZK_READ_ONLY=1/,
      );
      const cli = await writer.cli(['zone', 'create', 'refused.test']);
      expect(cli.status).toBe(1);
      expect(cli.stderr).toMatch(/The database is read-only .* set ZK_READ_ONLY=1/);
    } finally {
      await writer.remove();
    }
  });

  it('gets the read-only message for a write that gets that far (MySQL 1290)', async () => {
    await disconnectDb();
    process.env.DATABASE_URL = replica!.url('zk', login);
    const err: unknown = await db()
      .setting.create({ data: { key: 'refused', value: '1' } })
      .then(() => null, (e: unknown) => e);
    expect(databaseFailure(err)?.kind).toBe('read-only');
    expect(databaseFailure(err)?.message).toMatch(/^The database is read-only \(.+\): .*nothing was changed\. Point DATABASE_URL at the primary/);
  });

  it('opens read-only sessions under ZK_READ_ONLY, so even root cannot write through them (MySQL 1792)', async () => {
    await disconnectDb();
    process.env.DATABASE_URL = replica!.url('zk');
    process.env.ZK_READ_ONLY = '1';
    expect(await db().zone.count()).toBeGreaterThan(0);
    for (const write of [
      () => db().setting.create({ data: { key: 'root-write', value: '1' } }),
      () => db().$transaction((tx) => tx.setting.create({ data: { key: 'root-write', value: '1' } })),
      () => selectRows(`INSERT INTO "Setting" ("key", "value", "updatedAt") VALUES ('root-write', '1', NOW(3))`, []),
    ]) {
      const err: unknown = await write().then(() => null, (e: unknown) => e);
      expect(databaseFailure(err)?.kind).toBe('read-only');
    }
    expect(await mariadbQuery(replica!, "SELECT COUNT(*) AS n FROM `zk`.`Setting` WHERE `key` = 'root-write'")).toEqual([{ n: 0n }]);
  });
});
