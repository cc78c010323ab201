// Prisma CLI configuration. The JS engine with a driver adapter lets
// `prisma generate` and `prisma migrate deploy` run without downloading
// engine binaries (see ../shared/notes/prisma-offline.md).
import path from 'node:path';
import { defineConfig } from 'prisma/config';
import { PrismaBetterSQLite3 } from '@prisma/adapter-better-sqlite3';
import { sqliteUrl } from './lib/config/database-url';

export default defineConfig({
  experimental: { adapter: true },
  engine: 'js',
  schema: path.join('prisma', 'schema.prisma'),
  migrations: { path: path.join('prisma', 'migrations') },
  async adapter() {
    return new PrismaBetterSQLite3({ url: sqliteUrl() });
  },
});
