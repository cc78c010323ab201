// One data model for both databases: prisma/postgres/schema.prisma is written
// from prisma/schema.prisma (only the provider and output folder differ), and
// the two generated clients must describe the same rows. A model edited in one
// place only, or a stale generated client, fails here (and in `tsc`).
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type * as Sqlite from '../generated/prisma/client';
import type * as Pg from '../generated/prisma-pg/client';

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

describe('the PostgreSQL schema', () => {
  it('is prisma/schema.prisma with only the provider and output swapped', () => {
    const r = spawnSync(process.execPath, ['prisma/postgres/make-schema.mjs', '--check'], { cwd: ROOT, encoding: 'utf8', timeout: 10_000 });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
  });

  it('generates a client with the same models as the SQLite one', async () => {
    const sqlite = await import('../generated/prisma/client');
    const pg = await import('../generated/prisma-pg/client');
    expect(Object.keys(pg.Prisma.ModelName).sort()).toEqual(Object.keys(sqlite.Prisma.ModelName).sort());
    expect(Object.keys(sameRows).sort()).toEqual(Object.keys(sqlite.Prisma.ModelName).sort());
    // Field lists of every model (scalar field enums are generated per model).
    for (const model of Object.keys(sqlite.Prisma.ModelName)) {
      const key = `${model}ScalarFieldEnum` as keyof typeof sqlite.Prisma;
      expect(pg.Prisma[key as keyof typeof pg.Prisma], model).toEqual(sqlite.Prisma[key]);
    }
  });
});
