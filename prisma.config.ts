// Prisma CLI configuration. The JS engine with a driver adapter lets
// `prisma generate` and `prisma migrate deploy` run without downloading
// engine binaries: our machines reach the npm registry and nothing else.
// (`prisma migrate dev` fails with an adapter; a new migration is written with
// `prisma migrate diff --from-schema-datamodel … --script`.) The adapter follows
// DATABASE_URL like lib/db.ts; for PostgreSQL pass `--schema
// prisma/postgres/schema.prisma` (e.g. to `prisma db execute`). Migrations are
// applied by lib/setup, not by `prisma migrate deploy`, on both databases.
// MySQL/MariaDB has no adapter here: @prisma/adapter-mariadb cannot serve
// Prisma's migration commands (no shadow database), and `prisma generate
// --schema prisma/mysql/schema.prisma` needs none (prisma/mysql/translate.mjs
// writes its migrations).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { PrismaPg } from '@prisma/adapter-pg';
import { databaseProvider, databaseUrl, sqliteUrl } from './lib/config/database-url';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    if (databaseProvider() === 'postgresql') return new PrismaPg({ connectionString: databaseUrl() });
    return new PrismaBetterSQLite3({ url: sqliteUrl() });
  },
});
