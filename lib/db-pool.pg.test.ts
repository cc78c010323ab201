// Prisma's pool on PostgreSQL (db-adapters.ts pgAdapter) keeps a connection open while
// idle: the worker's periodic queries come further apart than the driver's idle timeout
// (10 s), and each used to open a new connection, a new server process included.
import { describe, expect, it } from 'vitest';
import { db } from './db';

const serverProcess = async (): Promise<number> => (await db().$queryRaw<[{ pid: number }]>`SELECT pg_backend_pid() AS pid`)[0].pid;

describe('the PostgreSQL pool', () => {
  it('answers a query after 11 idle seconds on the connection it had', async () => {
    const before = await serverProcess();
    await new Promise((r) => setTimeout(r, 11_000));
    expect(await serverProcess()).toBe(before);
  }, 30_000);
});
