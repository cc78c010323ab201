// One data model for the three databases: prisma/postgres/schema.prisma and
// prisma/mysql/schema.prisma are written from prisma/schema.prisma (provider,
// output folder and, for MySQL, native column types differ), and the generated
// clients must describe the same rows. A model edited in one place only, or a
// stale generated client, fails here (and in `tsc`). MySQL's migrations are
// translated by hand-run scripts (prisma/mysql/translate.mjs), so they are
// checked against the models too: a migration forgotten there fails here.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Sqlite from '../generated/prisma/client';
import type * as My from '../generated/prisma-mysql/client';
import type * as Pg from '../generated/prisma-pg/client';
import { listMigrations } from './migrate';
import { MYSQL_MIGRATIONS_DIR } from './migrate-mysql';

const ROOT = path.resolve(import.meta.dirname, '../..');

type Same<A, B> = (<T>() => T extends A ? 1 : 2) extends (<T>() => T extends B ? 1 : 2) ? true : false;

// Row types of every model, checked by the compiler: `true` only if identical.
const sameRows: Record<string, true> = {
  User: true satisfies Same<Sqlite.User, Pg.User>,
  ZoneGrant: true satisfies Same<Sqlite.ZoneGrant, Pg.ZoneGrant>,
  Setting: true satisfies Same<Sqlite.Setting, Pg.Setting>,
  Zone: true satisfies Same<Sqlite.Zone, Pg.Zone>,
  Record: true satisfies Same<Sqlite.Record, Pg.Record>,
  Change: true satisfies Same<Sqlite.Change, Pg.Change>,
  ChangePart: true satisfies Same<Sqlite.ChangePart, Pg.ChangePart>,
  NotifyJob: true satisfies Same<Sqlite.NotifyJob, Pg.NotifyJob>,
  ReplicaStatus: true satisfies Same<Sqlite.ReplicaStatus, Pg.ReplicaStatus>,
  ZoneEvent: true satisfies Same<Sqlite.ZoneEvent, Pg.ZoneEvent>,
  LagSample: true satisfies Same<Sqlite.LagSample, Pg.LagSample>,
  ServeTime: true satisfies Same<Sqlite.ServeTime, Pg.ServeTime>,
  Webhook: true satisfies Same<Sqlite.Webhook, Pg.Webhook>,
  WebhookDelivery: true satisfies Same<Sqlite.WebhookDelivery, Pg.WebhookDelivery>,
  ZoneHealth: true satisfies Same<Sqlite.ZoneHealth, Pg.ZoneHealth>,
  TsigKey: true satisfies Same<Sqlite.TsigKey, Pg.TsigKey>,
  Autoprimary: true satisfies Same<Sqlite.Autoprimary, Pg.Autoprimary>,
  Session: true satisfies Same<Sqlite.Session, Pg.Session>,
  ZoneChange: true satisfies Same<Sqlite.ZoneChange, Pg.ZoneChange>,
  ApiKey: true satisfies Same<Sqlite.ApiKey, Pg.ApiKey>,
  DnssecKey: true satisfies Same<Sqlite.DnssecKey, Pg.DnssecKey>,
  CatalogMove: true satisfies Same<Sqlite.CatalogMove, Pg.CatalogMove>,
  ChangeRequest: true satisfies Same<Sqlite.ChangeRequest, Pg.ChangeRequest>,
  ZoneDeletionRequest: true satisfies Same<Sqlite.ZoneDeletionRequest, Pg.ZoneDeletionRequest>,
  DeletedZone: true satisfies Same<Sqlite.DeletedZone, Pg.DeletedZone>,
  DeletedRecord: true satisfies Same<Sqlite.DeletedRecord, Pg.DeletedRecord>,
  DeletedChange: true satisfies Same<Sqlite.DeletedChange, Pg.DeletedChange>,
  DeletedChangePart: true satisfies Same<Sqlite.DeletedChangePart, Pg.DeletedChangePart>,
};

const sameMysqlRows: Record<string, true> = {
  User: true satisfies Same<Sqlite.User, My.User>,
  ZoneGrant: true satisfies Same<Sqlite.ZoneGrant, My.ZoneGrant>,
  Setting: true satisfies Same<Sqlite.Setting, My.Setting>,
  Zone: true satisfies Same<Sqlite.Zone, My.Zone>,
  Record: true satisfies Same<Sqlite.Record, My.Record>,
  Change: true satisfies Same<Sqlite.Change, My.Change>,
  ChangePart: true satisfies Same<Sqlite.ChangePart, My.ChangePart>,
  NotifyJob: true satisfies Same<Sqlite.NotifyJob, My.NotifyJob>,
  ReplicaStatus: true satisfies Same<Sqlite.ReplicaStatus, My.ReplicaStatus>,
  ZoneEvent: true satisfies Same<Sqlite.ZoneEvent, My.ZoneEvent>,
  LagSample: true satisfies Same<Sqlite.LagSample, My.LagSample>,
  ServeTime: true satisfies Same<Sqlite.ServeTime, My.ServeTime>,
  Webhook: true satisfies Same<Sqlite.Webhook, My.Webhook>,
  WebhookDelivery: true satisfies Same<Sqlite.WebhookDelivery, My.WebhookDelivery>,
  ZoneHealth: true satisfies Same<Sqlite.ZoneHealth, My.ZoneHealth>,
  TsigKey: true satisfies Same<Sqlite.TsigKey, My.TsigKey>,
  Autoprimary: true satisfies Same<Sqlite.Autoprimary, My.Autoprimary>,
  Session: true satisfies Same<Sqlite.Session, My.Session>,
  ZoneChange: true satisfies Same<Sqlite.ZoneChange, My.ZoneChange>,
  ApiKey: true satisfies Same<Sqlite.ApiKey, My.ApiKey>,
  DnssecKey: true satisfies Same<Sqlite.DnssecKey, My.DnssecKey>,
  CatalogMove: true satisfies Same<Sqlite.CatalogMove, My.CatalogMove>,
  ChangeRequest: true satisfies Same<Sqlite.ChangeRequest, My.ChangeRequest>,
  ZoneDeletionRequest: true satisfies Same<Sqlite.ZoneDeletionRequest, My.ZoneDeletionRequest>,
  DeletedZone: true satisfies Same<Sqlite.DeletedZone, My.DeletedZone>,
  DeletedRecord: true satisfies Same<Sqlite.DeletedRecord, My.DeletedRecord>,
  DeletedChange: true satisfies Same<Sqlite.DeletedChange, My.DeletedChange>,
  DeletedChangePart: true satisfies Same<Sqlite.DeletedChangePart, My.DeletedChangePart>,
};

/** The generated clients besides SQLite's, each written by its script from prisma/schema.prisma. */
const COPIES = [
  { database: 'PostgreSQL', script: 'prisma/postgres/make-schema.mjs', rows: sameRows, load: () => import('../generated/prisma-pg/client') },
  { database: 'MySQL', script: 'prisma/mysql/make-schema.mjs', rows: sameMysqlRows, load: () => import('../generated/prisma-mysql/client') },
];

for (const copy of COPIES) {
  describe(`the ${copy.database} schema`, () => {
    it('is prisma/schema.prisma as its script writes it', () => {
      const r = spawnSync(process.execPath, [copy.script, '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
      expect(r.stderr).toBe('');
      expect(r.status).toBe(0);
    });

    it('generates a client with the same models as the SQLite one', async () => {
      const sqlite = await import('../generated/prisma/client');
      const other = await copy.load();
      expect(Object.keys(other.Prisma.ModelName).sort()).toEqual(Object.keys(sqlite.Prisma.ModelName).sort());
      expect(Object.keys(copy.rows).sort()).toEqual(Object.keys(sqlite.Prisma.ModelName).sort());
      // Field lists of every model (scalar field enums are generated per model).
      for (const model of Object.keys(sqlite.Prisma.ModelName)) {
        const key = `${model}ScalarFieldEnum` as keyof typeof sqlite.Prisma;
        expect(other.Prisma[key as keyof typeof other.Prisma], model).toEqual(sqlite.Prisma[key]);
      }
    });
  });
}

/** Table → columns that the MySQL migrations create, read from their CREATE TABLE and ADD COLUMN statements. */
function mysqlMigratedColumns(): Map<string, Set<string>> {
  const tables = new Map<string, Set<string>>();
  for (const name of listMigrations(MYSQL_MIGRATIONS_DIR)) {
    const sql = fs.readFileSync(path.join(MYSQL_MIGRATIONS_DIR, name, 'migration.sql'), 'utf8');
    for (const [, table, body] of sql.matchAll(/CREATE TABLE `(\w+)` \(([\s\S]*?)\n\) ENGINE/g))
      tables.set(table!, new Set([...body!.matchAll(/^\s+`(\w+)` /gm)].map((m) => m[1]!)));
    for (const [, table, column] of sql.matchAll(/ALTER TABLE `(\w+)` ADD COLUMN\s+`(\w+)`/g)) tables.get(table!)?.add(column!);
    for (const [, table, column] of sql.matchAll(/ALTER TABLE `(\w+)` DROP COLUMN `(\w+)`/g)) tables.get(table!)?.delete(column!);
    for (const [, table] of sql.matchAll(/DROP TABLE `(\w+)`/g)) tables.delete(table!);
  }
  return tables;
}

/** Tables of the MySQL migrations that no model describes: lib/db.ts lockInTransaction's lock rows. */
const MYSQL_ONLY_TABLES = ['ZkLock'];

describe('the MySQL migrations', () => {
  it('create every table and column of the models', async () => {
    const sqlite = await import('../generated/prisma/client');
    const migrated = mysqlMigratedColumns();
    for (const table of MYSQL_ONLY_TABLES) expect(migrated.delete(table), table).toBe(true);
    expect([...migrated.keys()].sort()).toEqual(Object.keys(sqlite.Prisma.ModelName).sort());
    for (const model of Object.keys(sqlite.Prisma.ModelName)) {
      const fields = Object.values(sqlite.Prisma[`${model}ScalarFieldEnum` as keyof typeof sqlite.Prisma] as Record<string, string>);
      expect([...(migrated.get(model) ?? [])].sort(), model).toEqual([...fields].sort());
    }
  });
});

describe('prisma/mysql/make-schema.mjs', () => {
  it('refuses an indexed String with no VARCHAR length', async () => {
    // @ts-expect-error: a plain .mjs script without types
    const { mysqlSchema } = (await import('../../prisma/mysql/make-schema.mjs')) as { mysqlSchema(s: string): string };
    const source = fs.readFileSync(path.join(ROOT, 'prisma/schema.prisma'), 'utf8');
    expect(() => mysqlSchema(source.replace(/^(model Zone \{[\s\S]*?)^\}/m, '$1  label String\n  @@index([label])\n}'))).toThrow(/Zone\.label is indexed/);
  });
});
