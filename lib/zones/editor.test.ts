// The change service as the zone editor uses it: a dry run that validates the
// zone as it would be without writing, duplicate adds refused, the SOA edited
// through the same journaled commit, one page of RRsets read fast from a big
// zone, and the changes that made a commit stale.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { getZone, getZoneRecordsPage, listChangesSince } from './data';
import { AppError } from '../errors';
import { editsToChangeset, type PendingEdit } from './edits';
import { applyChangeset } from './changes';
import { createZone } from './zone-lifecycle';

const alice = { name: 'alice' };
const bob = { name: 'bob' };

async function zoneError(p: Promise<unknown>): Promise<AppError> {
  const err = await p.then(
    () => null,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(AppError);
  return err as AppError;
}

async function counts(zone: string) {
  const z = await db().zone.findUniqueOrThrow({ where: { name: zone } });
  return {
    serial: Number(z.serial),
    records: await db().record.count({ where: { zoneId: z.id } }),
    changes: await db().change.count({ where: { zoneId: z.id } }),
  };
}

describe('dry run', () => {
  it('reports the diff and the next serial and writes nothing', async () => {
    const { serial } = await createZone({ name: 'dry.example', nameservers: ['ns1.dry.example.'] }, alice);
    const before = await counts('dry.example.');
    const r = await applyChangeset('dry.example', { add: [{ name: 'www', type: 'A', ttl: 60, content: '192.0.2.1' }], expectedSerial: serial }, alice, { dryRun: true });
    expect(r).toMatchObject({ changed: true, oldSerial: serial, newSerial: serial + 1, added: [{ name: 'www.dry.example.', type: 'A', ttl: 60, content: '192.0.2.1' }] });
    expect(await counts('dry.example.')).toEqual(before);
  });

  it('finds a CNAME beside other data, on the zone as it would be, and writes nothing', async () => {
    await createZone({ name: 'drycname.example', nameservers: ['ns1.drycname.example.'] }, alice);
    await applyChangeset('drycname.example', { add: [{ name: 'www', type: 'A', ttl: 60, content: '192.0.2.1' }] }, alice);
    const before = await counts('drycname.example.');
    const err = await zoneError(
      applyChangeset('drycname.example', { add: [{ name: 'www', type: 'CNAME', ttl: 60, content: 'other' }], expectedSerial: before.serial }, alice, { dryRun: true }),
    );
    expect(err.code).toBe('invalid');
    expect(err.recordErrors.map((e) => e.message).join()).toMatch(/CNAME and other data \(A\)/);
    expect(await counts('drycname.example.')).toEqual(before);
  });

  it('reports a stale serial as a conflict, and the change that made it stale', async () => {
    const { serial } = await createZone({ name: 'drystale.example', nameservers: ['ns1.drystale.example.'] }, alice);
    await applyChangeset('drystale.example', { add: [{ name: 'b', type: 'A', ttl: 60, content: '192.0.2.2' }], comment: 'bob was here' }, bob);
    const err = await zoneError(applyChangeset('drystale.example', { add: [{ name: 'a', type: 'A', content: '192.0.2.1' }], expectedSerial: serial }, alice, { dryRun: true }));
    expect(err.code).toBe('conflict');
    const since = await listChangesSince('drystale.example', serial);
    expect(since).toHaveLength(1);
    expect(since[0]).toMatchObject({ actor: 'bob', comment: 'bob was here', oldSerial: serial, newSerial: serial + 1 });
    expect(since[0]!.added.map((r) => r.content)).toContain('192.0.2.2');
  });
});

describe('editor commits', () => {
  it('refuses a record that is already there, and one added twice, only when asked to', async () => {
    await createZone({ name: 'dup.example', nameservers: ['ns1.dup.example.'] }, alice);
    await applyChangeset('dup.example', { add: [{ name: 'a', type: 'A', ttl: 60, content: '192.0.2.1' }] }, alice);
    const strict = { rejectDuplicates: true };
    const e1 = await zoneError(applyChangeset('dup.example', { add: [{ name: 'a', type: 'A', ttl: 60, content: '192.0.2.1' }] }, alice, strict));
    expect(e1.recordErrors[0]?.message).toMatch(/already in the zone/);
    const e2 = await zoneError(
      applyChangeset('dup.example', { add: [{ name: 'b', type: 'A', ttl: 60, content: '192.0.2.5' }, { name: 'b', type: 'A', ttl: 60, content: '192.0.2.5' }] }, alice, strict),
    );
    expect(e2.recordErrors[0]?.message).toMatch(/added twice/);
    // The CLI's "add" stays idempotent.
    expect((await applyChangeset('dup.example', { add: [{ name: 'a', type: 'A', ttl: 60, content: '192.0.2.1' }] }, alice)).changed).toBe(false);
  });

  it('commits five edits and an SOA edit as one change with one serial bump', async () => {
    const { serial } = await createZone({ name: 'batch.example', nameservers: ['ns1.batch.example.'] }, alice);
    await applyChangeset('batch.example', { add: [{ name: 'old', type: 'A', ttl: 60, content: '192.0.2.9' }, { name: 'ttl', type: 'A', ttl: 60, content: '192.0.2.8' }] }, alice);
    const before = await counts('batch.example.');
    const Z = 'batch.example.';
    const soaBefore = (await getZone(Z))!.soa;
    const edits: PendingEdit[] = [
      { kind: 'add', record: { name: `www.${Z}`, type: 'A', ttl: 300, content: '192.0.2.1' } },
      { kind: 'add', record: { name: Z, type: 'MX', ttl: 300, content: `10 mx.${Z}` } },
      { kind: 'add', record: { name: `mx.${Z}`, type: 'AAAA', ttl: 300, content: '2001:db8::1' } },
      { kind: 'delete', record: { name: `old.${Z}`, type: 'A', ttl: 60, content: '192.0.2.9' } },
      { kind: 'change', from: { name: `ttl.${Z}`, type: 'A', ttl: 60, content: '192.0.2.8' }, to: { name: `ttl.${Z}`, type: 'A', ttl: 3600, content: '192.0.2.8' } },
      {
        kind: 'soa',
        from: { ...soaBefore, ttl: 3600 },
        to: { mname: soaBefore.mname, rname: 'dns.batch.example.', refresh: 7200, retry: soaBefore.retry, expire: soaBefore.expire, minimum: 300, ttl: 3600 },
      },
    ];
    const r = await applyChangeset(Z, editsToChangeset(edits, before.serial, 'five edits'), alice, { rejectDuplicates: true });
    expect(r.newSerial).toBe(before.serial + 1);
    const after = await counts(Z);
    expect(after).toEqual({ serial: before.serial + 1, records: before.records + 2, changes: before.changes + 1 });
    const z = (await getZone(Z))!;
    expect(z.soa).toMatchObject({ rname: 'dns.batch.example.', refresh: 7200, minimum: 300, serial: before.serial + 1 });
    const change = await db().change.findFirstOrThrow({ where: { zone: { name: Z } }, orderBy: { id: 'desc' } });
    expect(change.comment).toBe('five edits');
    expect(JSON.parse(change.added)[0].content).toMatch(/dns\.batch\.example\. \d+ 7200 /);
    expect(serial).toBeLessThan(r.newSerial);
  });

  it('refuses SOA fields that are not valid, writing nothing', async () => {
    await createZone({ name: 'badsoa.example', nameservers: ['ns1.badsoa.example.'] }, alice);
    const before = await counts('badsoa.example.');
    const soa = { mname: 'ns1 bad', rname: 'hostmaster', refresh: -1, retry: 1, expire: 1, minimum: 1, ttl: 1 };
    const err = await zoneError(applyChangeset('badsoa.example', { soa }, alice));
    expect(err.code).toBe('invalid');
    expect(Object.keys(err.fieldErrors).sort()).toEqual(['mname', 'refresh']);
    expect(await counts('badsoa.example.')).toEqual(before);
  });
});

describe('getZoneRecordsPage', () => {
  it('pages RRsets with the apex first, filters them, and counts without loading the zone', async () => {
    await createZone({ name: 'paged.example', nameservers: ['ns1.paged.example.'] }, alice);
    const add = Array.from({ length: 30 }, (_, i) => ({ name: `h${String(i).padStart(2, '0')}`, type: 'A', ttl: 60, content: `192.0.2.${i + 1}` }));
    add.push({ name: 'h00', type: 'TXT', ttl: 60, content: '"first host"' }, { name: 'h00', type: 'A', ttl: 60, content: '198.51.100.1' });
    await applyChangeset('paged.example', { add }, alice);
    const p1 = (await getZoneRecordsPage('paged.example', { pageSize: 10 }))!;
    expect(p1.rrsetCount).toBe(32); // apex NS, 30 A sets, 1 TXT set
    expect(p1.pageCount).toBe(4);
    expect(p1.recordCount).toBe(33);
    expect(p1.soa?.type).toBe('SOA');
    expect(p1.rrsets.map((s) => `${s.name} ${s.type}`).slice(0, 4)).toEqual(['paged.example. NS', 'h00.paged.example. A', 'h00.paged.example. TXT', 'h01.paged.example. A']);
    expect(p1.rrsets[1]!.records.map((r) => r.content)).toEqual(['192.0.2.1', '198.51.100.1']);
    const p4 = (await getZoneRecordsPage('paged.example', { pageSize: 10, page: 99 }))!;
    expect(p4.page).toBe(4);
    expect(p4.soa).toBeNull();
    expect(p4.rrsets.map((s) => s.name)).toEqual(['h28.paged.example.', 'h29.paged.example.']);
    const f = (await getZoneRecordsPage('paged.example', { q: 'first' }))!;
    expect(f.rrsets.map((s) => `${s.name} ${s.type}`)).toEqual(['h00.paged.example. TXT']);
    expect(f.soa).toBeNull();
    expect((await getZoneRecordsPage('paged.example', { q: 'mx' }))!.rrsetCount).toBe(0);
    // LIKE wildcards in the filter are taken literally.
    expect((await getZoneRecordsPage('paged.example', { q: '%' }))!.rrsetCount).toBe(0);
    expect((await getZoneRecordsPage('paged.example', { q: 'txt' }))!.rrsetCount).toBe(1);
  });

  // Its speed is measured by bench/ui.sh; here, that paging holds at that size.
  it('pages a 50,000-record zone: first, last and filtered pages', async () => {
    const { name } = await createZone({ name: 'big.example', nameservers: ['ns1.big.example.'] }, alice);
    const zone = await db().zone.findUniqueOrThrow({ where: { name } });
    const rows = Array.from({ length: 50_000 }, (_, i) => ({ zoneId: zone.id, name: `host${i}.${name}`, type: 'A', ttl: 300, content: `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}` }));
    for (let i = 0; i < rows.length; i += 5000) await db().record.createMany({ data: rows.slice(i, i + 5000) });
    for (const opts of [{}, { page: 400 }, { q: 'host4999' }]) {
      const p = (await getZoneRecordsPage(name, opts))!;
      expect(p.recordCount).toBe(50_001);
      expect(p.rrsets.length).toBeGreaterThan(0);
    }
  });
});
