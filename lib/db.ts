// The one Prisma client of the process, built with the driver adapter that
// DATABASE_URL selects (SQLite file or PostgreSQL). Nothing else knows which
// database runs underneath; the few places where the two differ ask this
// module (textContains) instead of looking at the URL.
// Never import next/* or server-only here: the worker and CLI use it too.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { PrismaClient, type Prisma } from './generated/prisma/client';
import { PrismaClient as PgPrismaClient } from './generated/prisma-pg/client';
import { databaseProvider, databaseUrl, sqliteUrl, type DatabaseProvider } from './config/database-url';

/**
 * The client's type is the SQLite client's. The PostgreSQL client is generated
 * from the same models (prisma/postgres/schema.prisma is written from
 * prisma/schema.prisma, and lib/setup/schema-drift.test.ts fails when they
 * differ), so it takes every argument the SQLite client takes and returns the
 * same rows; it only accepts more (isolation levels, `mode: 'insensitive'`).
 * TypeScript cannot prove two separately generated generic declarations
 * equal, hence the one cast below; the drift test also checks the row types.
 */
export type Db = PrismaClient;

function createClient(): PrismaClient {
  const url = databaseUrl();
  if (databaseProvider(url) === 'postgresql') {
    // A pool per process; the web app, the worker and the CLI each hold one.
    const adapter = new PrismaPg({ connectionString: url, max: Number(process.env.ZK_DB_POOL ?? 10) });
    return new PgPrismaClient({ adapter }) as unknown as PrismaClient;
  }
  const adapter = new PrismaBetterSQLite3({ url: sqliteUrl(url) });
  return new PrismaClient({ adapter });
}

const holder = globalThis as unknown as { __zkPrisma?: PrismaClient };

/** The shared client; created on first use so that tests can set DATABASE_URL first. */
export function db(): PrismaClient {
  holder.__zkPrisma ??= createClient();
  return holder.__zkPrisma;
}

export async function disconnectDb(): Promise<void> {
  const client = holder.__zkPrisma;
  holder.__zkPrisma = undefined;
  await client?.$disconnect();
}

/** Which database the client talks to (for the few callers that must differ, e.g. change notification). */
export function dbProvider(): DatabaseProvider {
  return databaseProvider();
}

/**
 * A case-insensitive "contains" filter. SQLite's LIKE ignores ASCII case;
 * PostgreSQL's is exact, so ask for ILIKE there.
 */
export function textContains(text: string): Prisma.StringFilter {
  if (dbProvider() === 'postgresql') return { contains: text, mode: 'insensitive' } as Prisma.StringFilter;
  return { contains: text };
}
