// The one Prisma client of the process, built with the driver adapter that
// DATABASE_URL selects. Nothing else knows which database runs underneath.
// Never import next/* or server-only here: the worker and CLI use it too.
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaClient } from './generated/prisma/client';
import { databaseUrl, isSqlite, sqliteUrl } from './config/database-url';

export type Db = PrismaClient;

function createClient(): PrismaClient {
  const url = databaseUrl();
  if (!isSqlite(url)) {
    throw new Error(`DATABASE_URL must be a SQLite file: URL (got ${url.split(':')[0]}:…)`);
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
