// Bulk seeding for the scale benchmarks: zones written straight into a
// migrated Zonekeeper database (one multi-row statement per chunk on
// PostgreSQL, the driver's batch inserts on MySQL/MariaDB, prepared inserts
// in one transaction on SQLite), and the same
// zones as BIND zone files. Seeding is setup, not what is measured: it writes
// the rows the change service would have written (the zone, its records and
// its "zone created" Change), without going through it zone by zone.
import fs from 'node:fs';
import path from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import { isMysql, isPostgres, mysqlConnection } from '../../lib/config/database-url.ts';
import { MYSQL_SESSION_SQL } from '../../lib/db-adapters.ts';
import { JOURNAL_PIECE } from '../../lib/zones/journal.ts';
import { storedTarget } from '../../lib/zones/validate.ts';

export interface SeedRecord {
  name: string;
  type: string;
  ttl: number;
  content: string;
}

export interface SeedZone {
  /** Canonical: lowercase, trailing dot. */
  name: string;
  serial: number;
  records: SeedRecord[];
}

/** The SOA every seeded zone carries (the serial aside). */
export const SEED_SOA = { mname: 'ns1.example.net.', rname: 'hostmaster.example.net.', refresh: 10800, retry: 3600, expire: 1209600, minimum: 3600, ttl: 3600 };

export function soaContent(serial: number): string {
  const s = SEED_SOA;
  return `${s.mname} ${s.rname} ${serial} ${s.refresh} ${s.retry} ${s.expire} ${s.minimum}`;
}

/** Zone names for a hosting provider's many small zones: zone-000000.example. … */
export function manyZoneNames(count: number): string[] {
  const width = Math.max(5, String(count - 1).length);
  return Array.from({ length: count }, (_, i) => `zone-${String(i).padStart(width, '0')}.example.`);
}

/** 2001:db8::/32 address number `seq` (below 2^32) in canonical form (RFC 5952): past 65,535 a group more. */
function ipv6(seq: number): string {
  const high = seq >>> 16;
  return `2001:db8::${high ? `${high.toString(16)}:` : ''}${(seq & 0xffff).toString(16)}`;
}

/**
 * A small customer zone of `n` records, its SOA counted: 2 NS, MX, SPF TXT,
 * mail and www (A and AAAA), then hosts with an A each. Canonical content, as
 * the change service stores it.
 */
export function smallZoneRecords(zone: string, n: number, seq: number): SeedRecord[] {
  const a = (i: number) => `10.${(seq >> 8) & 255}.${seq & 255}.${i & 255}`;
  const base: SeedRecord[] = [
    { name: zone, type: 'NS', ttl: 3600, content: 'ns1.example.net.' },
    { name: zone, type: 'NS', ttl: 3600, content: 'ns2.example.net.' },
    { name: zone, type: 'MX', ttl: 3600, content: `10 mail.${zone}` },
    { name: zone, type: 'TXT', ttl: 3600, content: '"v=spf1 mx -all"' },
    { name: `mail.${zone}`, type: 'A', ttl: 3600, content: a(1) },
    { name: `www.${zone}`, type: 'A', ttl: 3600, content: a(2) },
    { name: `www.${zone}`, type: 'AAAA', ttl: 3600, content: ipv6(seq) },
  ];
  const out = base.slice(0, Math.max(0, n - 1));
  for (let i = 0; out.length < n - 1; i++) out.push({ name: `host${i}.${zone}`, type: 'A', ttl: 3600, content: a(i + 3) });
  return out;
}

/** The zone's "zone created" journal entry, as createZone writes it. */
function createdChange(z: SeedZone): { removed: string; added: string } {
  const soa = { name: z.name, type: 'SOA', ttl: SEED_SOA.ttl, content: soaContent(z.serial) };
  return { removed: '[]', added: JSON.stringify([soa, ...z.records]) };
}

/**
 * Writes `zones` (produced lazily, a chunk at a time, so that half a million
 * zones never sit in memory at once) into the database at `url`, which must
 * be migrated and hold none of these names yet.
 */
export async function seedDatabase(url: string, zones: Iterable<SeedZone>): Promise<{ zones: number; records: number }> {
  if (isPostgres(url)) return seedPostgres(url, zones);
  if (isMysql(url)) return seedMysql(url, zones);
  return seedSqlite(url.replace(/^file:/, ''), zones);
}

function* chunks<T>(items: Iterable<T>, size: number): Generator<T[]> {
  let chunk: T[] = [];
  for (const x of items) {
    chunk.push(x);
    if (chunk.length === size) (yield chunk, (chunk = []));
  }
  if (chunk.length) yield chunk;
}

function seedSqlite(file: string, zones: Iterable<SeedZone>): { zones: number; records: number } {
  const conn = new Database(file);
  conn.pragma('journal_mode = WAL');
  conn.pragma('synchronous = OFF');
  const now = new Date().toISOString().replace('Z', '+00:00');
  const s = SEED_SOA;
  const zone = conn.prepare(
    'insert into "Zone" (name, kind, serial, soaMname, soaRname, soaRefresh, soaRetry, soaExpire, soaMinimum, soaTtl, defaultTtl, createdAt, updatedAt) values (?, \'primary\', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)',
  );
  // With Record.target as the change service writes it (lib/zones/validate.ts storedTarget): the global search reads it.
  const record = conn.prepare('insert into "Record" (zoneId, name, type, ttl, content, target) values (?, ?, ?, ?, ?, ?)');
  const change = conn.prepare('insert into "Change" (zoneId, actor, comment, oldSerial, newSerial, removed, added, createdAt) values (?, \'bench\', \'zone created\', 0, ?, ?, ?, ?)');
  let nz = 0;
  let nr = 0;
  for (const chunk of chunks(zones, 5000)) {
    conn.transaction(() => {
      for (const z of chunk) {
        const id = Number(zone.run(z.name, z.serial, s.mname, s.rname, s.refresh, s.retry, s.expire, s.minimum, s.ttl, s.ttl, now, now).lastInsertRowid);
        for (const r of z.records) record.run(id, r.name, r.type, r.ttl, r.content, storedTarget(r) ?? null);
        const c = createdChange(z);
        change.run(id, z.serial, c.removed, c.added, now);
        nz++;
        nr += z.records.length;
      }
    })();
  }
  conn.close();
  return { zones: nz, records: nr };
}

async function seedPostgres(url: string, zones: Iterable<SeedZone>): Promise<{ zones: number; records: number }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  const s = SEED_SOA;
  let nz = 0;
  let nr = 0;
  try {
    for (const chunk of chunks(zones, 2000)) {
      await client.query('BEGIN');
      const ids = await client.query<{ id: number; name: string }>(
        `insert into "Zone" (name, kind, serial, "soaMname", "soaRname", "soaRefresh", "soaRetry", "soaExpire", "soaMinimum", "soaTtl", "defaultTtl", "updatedAt")
         select n, 'primary', sr, $3, $4, $5, $6, $7, $8, $9, $9, now() from unnest($1::text[], $2::bigint[]) as t(n, sr) returning id, name`,
        [chunk.map((z) => z.name), chunk.map((z) => z.serial), s.mname, s.rname, s.refresh, s.retry, s.expire, s.minimum, s.ttl],
      );
      const idOf = new Map(ids.rows.map((r) => [r.name, r.id]));
      // Records in statements of at most ~50,000 rows: one array parameter per column.
      for (const part of chunks(chunk.flatMap((z) => z.records.map((r) => [idOf.get(z.name)!, r] as const)), 50_000)) {
        await client.query(
          'insert into "Record" ("zoneId", name, type, ttl, content, target) select * from unnest($1::int[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[])',
          [
            part.map((p) => p[0]),
            part.map((p) => p[1].name),
            part.map((p) => p[1].type),
            part.map((p) => p[1].ttl),
            part.map((p) => p[1].content),
            part.map((p) => storedTarget(p[1]) ?? null),
          ],
        );
        nr += part.length;
      }
      const changes = chunk.map(createdChange);
      await client.query(
        `insert into "Change" ("zoneId", actor, comment, "oldSerial", "newSerial", removed, added)
         select id, 'bench', 'zone created', 0, sr, rm, ad from unnest($1::int[], $2::bigint[], $3::text[], $4::text[]) as t(id, sr, rm, ad)`,
        [chunk.map((z) => idOf.get(z.name)!), chunk.map((z) => z.serial), changes.map((c) => c.removed), changes.map((c) => c.added)],
      );
      await client.query('COMMIT');
      nz += chunk.length;
    }
    // A database in use has planner statistics; a freshly filled one would be read with guesses.
    await client.query('ANALYZE');
  } finally {
    await client.end();
  }
  return { zones: nz, records: nr };
}

/** A connection to a MySQL/MariaDB database with the product's own session settings (ANSI_QUOTES, UTC). */
async function mysqlConnect(url: string): Promise<import('mariadb').Connection> {
  const { default: driver } = await import('mariadb');
  const conn = await driver.createConnection({ ...mysqlConnection(url), connectTimeout: 10_000 });
  for (const sql of MYSQL_SESSION_SQL) await conn.query(sql);
  return conn;
}

async function seedMysql(url: string, zones: Iterable<SeedZone>): Promise<{ zones: number; records: number }> {
  const conn = await mysqlConnect(url);
  const s = SEED_SOA;
  let nz = 0;
  let nr = 0;
  try {
    for (const chunk of chunks(zones, 2000)) {
      await conn.beginTransaction();
      // batch(): one statement with many rows, split by the driver to fit the server's max_allowed_packet.
      await conn.batch(
        `insert into "Zone" (name, kind, serial, "soaMname", "soaRname", "soaRefresh", "soaRetry", "soaExpire", "soaMinimum", "soaTtl", "defaultTtl", "createdAt", "updatedAt")
         values (?, 'primary', ?, ?, ?, ?, ?, ?, ?, ?, ?, NOW(3), NOW(3))`,
        chunk.map((z) => [z.name, z.serial, s.mname, s.rname, s.refresh, s.retry, s.expire, s.minimum, s.ttl, s.ttl]),
      );
      const ids = (await conn.query('select id, name from "Zone" where name in (?)', [chunk.map((z) => z.name)])) as { id: number; name: string }[];
      const idOf = new Map(ids.map((r) => [r.name, r.id]));
      for (const part of chunks(chunk.flatMap((z) => z.records.map((r) => [idOf.get(z.name)!, r.name, r.type, r.ttl, r.content, storedTarget(r) ?? null])), 50_000)) {
        await conn.batch('insert into "Record" ("zoneId", name, type, ttl, content, target) values (?, ?, ?, ?, ?, ?)', part);
        nr += part.length;
      }
      // A big zone's "zone created" entry does not fit one row under max_allowed_packet: it goes in the
      // journal's own layout (lib/zones/journal.ts), the Change row and ChangePart rows of JOURNAL_PIECE records.
      const entries = chunk.map((z) => ({ z, added: [{ name: z.name, type: 'SOA', ttl: SEED_SOA.ttl, content: soaContent(z.serial) }, ...z.records] }));
      const changeSql = `insert into "Change" ("zoneId", actor, comment, "oldSerial", "newSerial", removed, added, "createdAt") values (?, 'bench', 'zone created', 0, ?, '[]', ?, NOW(3))`;
      const small = entries.filter((e) => e.added.length <= JOURNAL_PIECE);
      if (small.length) await conn.batch(changeSql, small.map((e) => [idOf.get(e.z.name), e.z.serial, JSON.stringify(e.added)]));
      for (const { z, added } of entries.filter((e) => e.added.length > JOURNAL_PIECE)) {
        const piece = (i: number) => JSON.stringify(added.slice(i * JOURNAL_PIECE, (i + 1) * JOURNAL_PIECE));
        const made = (await conn.query(changeSql, [idOf.get(z.name), z.serial, piece(0)])) as { insertId: bigint | number };
        for (let i = 1; i * JOURNAL_PIECE < added.length; i++) {
          await conn.query(`insert into "ChangePart" ("changeId", removed, added) values (?, '[]', ?)`, [made.insertId, piece(i)]);
        }
      }
      await conn.commit();
      nz += chunk.length;
    }
    await conn.query('analyze table "Zone", "Record", "Change", "ChangePart"');
  } finally {
    await conn.end();
  }
  return { zones: nz, records: nr };
}

/** The zone as a BIND zone file (absolute names throughout). */
export function zoneFileText(z: SeedZone): string {
  const lines = [`$TTL ${SEED_SOA.ttl}`, `${z.name} ${SEED_SOA.ttl} IN SOA ${soaContent(z.serial)}`];
  for (const r of z.records) lines.push(`${r.name} ${r.ttl} IN ${r.type} ${r.content}`);
  return lines.join('\n') + '\n';
}

/** Writes each zone's file into `dir` and returns the zone statements for named.conf. */
export function writeBindZones(dir: string, zones: Iterable<SeedZone>, extra: (zone: string) => string = () => ''): string {
  fs.mkdirSync(dir, { recursive: true });
  const statements: string[] = [];
  for (const z of zones) {
    const file = path.join(dir, `${z.name}db`);
    fs.writeFileSync(file, zoneFileText(z));
    statements.push(`zone "${z.name}" { type primary; file "${file}";${extra(z.name)} };`);
  }
  return statements.join('\n');
}

/** Where every seeded primary zone's two secondaries are (TEST-NET-1, never reached: the rows stand for what a prober saw). */
export const SEED_SECONDARIES = ['192.0.2.1:53', '192.0.2.2:53'] as const;

/**
 * What the prober would have recorded for the zones seedDatabase wrote: two
 * secondaries per primary zone, nearly all in sync, and one zone in 500 of
 * each exception, chosen by id: 1 lagging (its second secondary serves the
 * serial before; half of these zones' last change is two days old, so they
 * are "behind" and the others "propagating" under a ZK_BEHIND_AFTER longer
 * than the run), 2 unreachable (a timeout), 3 missing (refused), 4 with no
 * secondaries yet. A dashboard measured over zones without any ReplicaStatus
 * row reads far less than one in use does.
 */
export async function seedReplicaStatus(url: string): Promise<void> {
  const [a, b] = SEED_SECONDARIES;
  const insert = (checked: string) => `
    insert into "ReplicaStatus" ("zoneId", "target", "serial", "state", "error", "rttMs", "checkedAt", "lastOkAt")
    select z."id", t."target",
      case when t."target" = '${b}' and z."id" % 500 = 1 then (z."serial" + 4294967295) % 4294967296
           when t."target" = '${a}' and z."id" % 500 = 3 then null
           else z."serial" end,
      case when t."target" = '${b}' and z."id" % 500 = 2 then 'timeout'
           when t."target" = '${a}' and z."id" % 500 = 3 then 'refused'
           else 'ok' end,
      case when t."target" = '${b}' and z."id" % 500 = 2 then 'no answer'
           when t."target" = '${a}' and z."id" % 500 = 3 then 'REFUSED: the server does not serve this zone, or does not answer us'
           else null end,
      3, ${checked}, ${checked}
    from "Zone" z cross join (select '${a}' as "target" union all select '${b}') t
    where z."kind" = 'primary' and z."id" % 500 <> 4`;
  const oldChanges = (old: string) => `update "Change" set "createdAt" = ${old} where "zoneId" % 1000 = 1`;
  if (isMysql(url)) {
    return runAll(await mysqlConnect(url), [insert('NOW(3)'), oldChanges('NOW(3) - INTERVAL 2 DAY'), 'analyze table "ReplicaStatus", "Change"']);
  }
  if (isPostgres(url)) {
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    return runAll(client, [insert('now()'), oldChanges("now() - interval '2 days'"), 'ANALYZE']);
  }
  const conn = new Database(url.replace(/^file:/, ''));
  // DateTime columns hold ISO text on SQLite, as seedSqlite writes them.
  const text = (d: Date) => `'${d.toISOString().replace('Z', '+00:00')}'`;
  conn.exec(insert(text(new Date())));
  conn.exec(oldChanges(text(new Date(Date.now() - 2 * 86_400_000))));
  conn.close();
}

/** Runs `statements` in turn on a server connection, and ends it. */
async function runAll(conn: { query(sql: string): Promise<unknown>; end(): Promise<void> }, statements: readonly string[]): Promise<void> {
  try {
    for (const sql of statements) await conn.query(sql);
  } finally {
    await conn.end();
  }
}
