// Prisma's pool on PostgreSQL (db-adapters.ts pgAdapter) keeps a connection open while
// idle: the worker's periodic queries come further apart than the driver's idle timeout
// (10 s), and each used to open a new connection, a new server process included.
import { describe, expect, it } from 'vitest';
import { databaseUrl } from './config/database-url';
import { db } from './db';
import { pgQuery } from './testing/postgres';

const serverProcess = async (): Promise<number> => (await db().$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`)[0].pid;

describe('the PostgreSQL pool', () => {
  it('answers a query after 11 idle seconds on the connection it had', async () => {
    const before = await serverProcess();
    await new Promise((r) => setTimeout(r, 11_000));
    expect(await serverProcess()).toBe(before);
  }, 30_000);

  it('replaces a kept connection the server closed while it idled, and the next query runs', async () => {
    const before = await serverProcess();
    // As a restarted server, an idle timeout or a firewall would end it.
    await pgQuery(databaseUrl(), 'SELECT pg_terminate_backend($1)', [before]);
    await expect.poll(async () => (await pgQuery<{ n: number }>(databaseUrl(), 'SELECT count(*)::int AS n FROM pg_stat_activity WHERE pid = $1', [before]))[0]!.n).toBe(0);
    const after = await serverProcess();
    expect(after).not.toBe(before);
    expect(await serverProcess()).toBe(after);
  });
});
