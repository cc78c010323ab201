// Zone export, small and very large: the same records come back, in bounded memory.
import Database from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createSession } from '../auth/session-store';
import { createUser } from '../auth/users';
import { isSqlite, sqliteFile } from '../config/database-url';
import { db } from '../db';
import { parseZoneFile } from '../dns/zone-file';
import { runZonekeeper } from '../testing/run-program';
import { startWebServer, type WebServerProcess } from '../testing/web-server';
import { applyChangeset } from './changes';
import { createZone } from './zone-lifecycle';
import { exportZoneFile } from './zone-export';

const actor = { name: 'test' };

async function text(zone: string): Promise<string> {
  const exported = await exportZoneFile(zone);
  let out = '';
  for await (const chunk of exported!.chunks) out += chunk;
  return out;
}

describe('exportZoneFile', () => {
  it('writes $ORIGIN, $TTL, the SOA, the apex, then each name with its records together, columns aligned', async () => {
    await createZone({ name: 'small.export.test', nameservers: ['ns1.small.export.test.', 'ns2.small.export.test.'] }, actor);
    await applyChangeset(
      'small.export.test',
      {
        add: [
          { name: 'www', type: 'AAAA', ttl: 300, content: '2001:db8::1' },
          { name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' },
          { name: '@', type: 'MX', ttl: 3600, content: '10 mail.small.export.test.' },
          { name: 'a-very-long-owner-name', type: 'TXT', ttl: 60, content: '"hello"' },
          { name: 'mail', type: 'A', ttl: 300, content: '192.0.2.2' },
        ],
      },
      actor,
    );
    const out = await text('small.export.test');
    const lines = out.split('\n');
    expect(lines[0]).toBe('$ORIGIN small.export.test.');
    // Four records at 3600 (SOA, 2 NS, MX) against three at 300.
    expect(lines[1]).toBe('$TTL 3600');
    expect(lines[2]).toMatch(/^@ +3600 IN SOA +ns1\.small\.export\.test\. hostmaster\.small\.export\.test\. \($/);
    const records = lines.filter((l) => /^\S/.test(l) && !l.startsWith('$'));
    expect(records.map((l) => l.split(/\s+/).slice(0, 4).join(' '))).toEqual([
      '@ 3600 IN SOA',
      '@ 3600 IN NS',
      '@ 3600 IN NS',
      '@ 3600 IN MX',
      'a-very-long-owner-name 60 IN TXT',
      'mail 300 IN A',
      'www 300 IN A',
      'www 300 IN AAAA',
    ]);
    // The content column starts at the same place on every line.
    const starts = new Set(records.slice(1).map((l) => l.length - l.split(/\s+/).slice(4).join(' ').length));
    expect(starts.size).toBe(1);
    const back = parseZoneFile(out, { origin: 'small.export.test.' });
    expect(back.errors).toEqual([]);
    expect(back.records).toHaveLength(8);
  });

  it('answers null for a zone that does not exist', async () => {
    expect(await exportZoneFile('nothing-here.test')).toBeNull();
  });
});

// Before: export loaded the whole zone and spread every row into Math.max, so a
// 200,000-record zone crashed with "RangeError: Maximum call stack size exceeded".
describe('a very large zone', () => {
  const ZONE = 'big.export.test.';
  // A million on SQLite (the scale the issue names); PostgreSQL runs the same queries on fewer.
  const COUNT = isSqlite() ? 1_000_000 : 100_000;
  const owner = (i: number) => `h${String(i).padStart(7, '0')}`;
  const address = (i: number) => `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
  /** The zone file as imported, normalised to one space between fields. */
  const imported = (i: number) => `${owner(i)} 300 IN A ${address(i)}`;
  let web: WebServerProcess | undefined;
  let cookie = '';

  beforeAll(async () => {
    await createZone({ name: ZONE, nameservers: ['ns1.big.export.test.'] }, actor);
    const zone = await db().zone.findUniqueOrThrow({ where: { name: ZONE } });
    // Loaded in bulk, as a very large import would be: the change service is not what is tested here.
    if (isSqlite()) {
      const conn = new Database(sqliteFile());
      conn.pragma('busy_timeout = 10000');
      const insert = conn.prepare('INSERT INTO "Record" ("zoneId", "name", "type", "ttl", "content") VALUES (?, ?, ?, ?, ?)');
      conn.transaction(() => {
        for (let i = 0; i < COUNT; i++) insert.run(zone.id, `${owner(i)}.${ZONE}`, 'A', 300, address(i));
      })();
      conn.close();
    } else {
      for (let start = 0; start < COUNT; start += 10_000) {
        const rows = [];
        for (let i = start; i < Math.min(COUNT, start + 10_000); i++) rows.push({ zoneId: zone.id, name: `${owner(i)}.${ZONE}`, type: 'A', ttl: 300, content: address(i) });
        await db().record.createMany({ data: rows });
      }
    }
    const user = await createUser('export-admin', 'export-admin-password', 'admin');
    cookie = `zk_session=${(await createSession(user.id, { address: '127.0.0.1', userAgent: 'export test' })).token}`;
    // A small heap: a server that held the zone in memory would die of it.
    web = await startWebServer({ DATABASE_URL: process.env.DATABASE_URL!, ZK_DATA_DIR: process.env.ZK_DATA_DIR! }, ['--max-old-space-size=256']);
  }, 600_000);

  afterAll(async () => {
    await web?.stop();
  });

  /** Every record line of an export, compared with the imported line at the same place. */
  function expectSameRecords(out: string): void {
    const lines = out.split('\n');
    expect(lines[0]).toBe(`$ORIGIN ${ZONE}`);
    expect(lines[1]).toBe('$TTL 300');
    const body = lines.filter((l) => /^h\d{7} /.test(l));
    expect(body).toHaveLength(COUNT);
    for (let i = 0; i < COUNT; i++) {
      const normalised = body[i]!.split(/\s+/).join(' ');
      if (normalised !== imported(i)) expect(`line ${i}: ${normalised}`).toBe(`line ${i}: ${imported(i)}`);
    }
  }

  it('exports through the CLI with a 128 MB heap, line for line', { timeout: 300_000 }, async () => {
    const r = await runZonekeeper(['zone', 'export', ZONE], {
      env: { ...process.env, NODE_OPTIONS: '--max-old-space-size=128' },
      timeoutMs: 240_000,
    });
    expect(r.stderr).toBe('');
    expect(r.status).toBe(0);
    expectSameRecords(r.stdout);
  });

  it('exports through the web route, streamed, line for line', { timeout: 300_000 }, async () => {
    const res = await fetch(`${web!.base}/zones/${ZONE.slice(0, -1)}/export`, { headers: { cookie } });
    expect(res.status, web!.output().slice(-2000)).toBe(200);
    expect(res.headers.get('content-disposition')).toContain('big.export.test.zone');
    expectSameRecords(await res.text());
  });
});
