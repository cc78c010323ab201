// DNS UPDATE (RFC 2136) as a change, against a real database: the rcode a
// client is answered with, and what the zone holds afterwards (records,
// serial, changelog, NOTIFY jobs).
import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { isSqlite, sqliteFile } from '../config/database-url';
import { db, statementTrace } from '../db';
import { soaContent } from '../dns/rdata';
import { nextSerial } from '../dns/serial';
import type { UpdateClass, UpdateRcode, UpdateRecord } from '../dns/update-types';
import { applyChangeset } from './changes';
import { getZone } from './data';
import { applyDnsUpdate, UPDATE_COMMENT } from './dns-update';
import { createZone } from './zone-lifecycle';

const setup = { name: 'setup' };
const client = { name: 'key ddns.example.' };
let zones = 0;

/**
 * A fresh primary zone: two NS at hosts outside it (the second is notified
 * of every commit; the first is the SOA MNAME), an apex TXT, `www` with two A (TTL 300) and a TXT,
 * `alias` a CNAME to www, and `deep.sub` an A (so `sub` is an empty
 * non-terminal).
 */
async function freshZone(serialPolicy?: 'increment' | 'date'): Promise<string> {
  const z = `u${++zones}.update.test.`;
  await createZone({ name: z, nameservers: ['ns1.elsewhere.example.', 'ns2.elsewhere.example.'], serialPolicy }, setup);
  await applyChangeset(
    z,
    {
      add: [
        { name: '@', type: 'TXT', ttl: 300, content: '"apex"' },
        { name: 'www', type: 'A', ttl: 300, content: '192.0.2.1' },
        { name: 'www', type: 'A', ttl: 300, content: '192.0.2.2' },
        { name: 'www', type: 'TXT', ttl: 300, content: '"web"' },
        { name: 'alias', type: 'CNAME', ttl: 300, content: 'www' },
        { name: 'deep.sub', type: 'A', ttl: 300, content: '192.0.2.9' },
      ],
    },
    setup,
  );
  return z;
}

/** `name` relative to `z` (`@` the apex) made absolute. */
function abs(z: string, name: string): string {
  return name === '@' ? z : name.endsWith('.') ? name : `${name}.${z}`;
}

/** One prerequisite or update record; names relative to the zone, `{z}` in content stands for it. */
function rec(z: string, cls: UpdateClass, name: string, type: string, content = '', ttl = 0): UpdateRecord {
  return { name: abs(z, name), type, cls, ttl, content: content.replaceAll('{z}', z) };
}

type Maker = (z: string) => UpdateRecord[];
const add = (name: string, type: string, content: string, ttl = 300) => (z: string) => rec(z, 'IN', name, type, content, ttl);
const delSet = (name: string, type: string) => (z: string) => rec(z, 'ANY', name, type);
const delRr = (name: string, type: string, content: string) => (z: string) => rec(z, 'NONE', name, type, content);

function update(z: string, prerequisites: UpdateRecord[], updates: UpdateRecord[]) {
  return applyDnsUpdate({ id: 1, zone: z, zoneAsSent: z, edns: false, prerequisites, updates }, client);
}

/** The zone's records as `name ttl type content` lines (the SOA first), its serial and its number of changes. */
async function snapshot(z: string) {
  const zone = await getZone(z);
  if (!zone) throw new Error(`no zone ${z}`);
  const changes = await db().change.count({ where: { zoneId: zone.id } });
  return { serial: zone.serial, changes, records: zone.records.map((r) => `${r.name} ${r.ttl} ${r.type} ${r.content}`) };
}

/** A record line with a relative owner and `{z}` in content. */
function line(z: string, text: string): string {
  const [name, ...rest] = text.split(' ');
  return `${abs(z, name!)} ${rest.join(' ').replaceAll('{z}', z)}`;
}

describe('prerequisites (RFC 2136 §2.4, §3.2)', () => {
  const marker = add('marker', 'TXT', '"done"');
  const cases: [string, Maker, UpdateRcode][] = [
    ['RRset exists (value independent), true', (z) => [rec(z, 'ANY', 'www', 'A')], 'NOERROR'],
    ['RRset exists (value independent), false: no such type at the name', (z) => [rec(z, 'ANY', 'www', 'MX')], 'NXRRSET'],
    ['RRset exists (value independent), false: no such name', (z) => [rec(z, 'ANY', 'nope', 'A')], 'NXRRSET'],
    ['RRset exists: the apex SOA, held outside the records, is seen', (z) => [rec(z, 'ANY', '@', 'SOA')], 'NOERROR'],
    ['RRset exists: the apex NS set', (z) => [rec(z, 'ANY', '@', 'NS')], 'NOERROR'],
    ['RRset exists (value dependent), equal as sets in another order', (z) => [rec(z, 'IN', 'www', 'A', '192.0.2.2'), rec(z, 'IN', 'www', 'A', '192.0.2.1')], 'NOERROR'],
    ['RRset exists (value dependent), a record given twice', (z) => [rec(z, 'IN', 'www', 'A', '192.0.2.1'), rec(z, 'IN', 'www', 'A', '192.0.2.2'), rec(z, 'IN', 'www', 'A', '192.0.2.1')], 'NOERROR'],
    ['RRset exists (value dependent), false: a subset', (z) => [rec(z, 'IN', 'www', 'A', '192.0.2.1')], 'NXRRSET'],
    ['RRset exists (value dependent), false: a superset', (z) => [rec(z, 'IN', 'www', 'A', '192.0.2.1'), rec(z, 'IN', 'www', 'A', '192.0.2.2'), rec(z, 'IN', 'www', 'A', '192.0.2.3')], 'NXRRSET'],
    ['RRset exists (value dependent), false: no such RRset', (z) => [rec(z, 'IN', 'nope', 'A', '192.0.2.1')], 'NXRRSET'],
    ['RRset exists (value dependent): the apex NS set, names compared in canonical form', (z) => [rec(z, 'IN', '@', 'NS', 'NS1.ELSEWHERE.EXAMPLE.'), rec(z, 'IN', '@', 'NS', 'ns2.elsewhere.example.')], 'NOERROR'],
    ['RRset does not exist, true', (z) => [rec(z, 'NONE', 'www', 'MX')], 'NOERROR'],
    ['RRset does not exist, false', (z) => [rec(z, 'NONE', 'www', 'A')], 'YXRRSET'],
    ['RRset does not exist, false: the apex SOA', (z) => [rec(z, 'NONE', '@', 'SOA')], 'YXRRSET'],
    ['name is in use, true', (z) => [rec(z, 'ANY', 'www', 'ANY')], 'NOERROR'],
    ['name is in use, true: the apex', (z) => [rec(z, 'ANY', '@', 'ANY')], 'NOERROR'],
    ['name is in use, false', (z) => [rec(z, 'ANY', 'nope', 'ANY')], 'NXDOMAIN'],
    ['name is in use, false: an empty non-terminal owns no RR', (z) => [rec(z, 'ANY', 'sub', 'ANY')], 'NXDOMAIN'],
    ['name is not in use, true', (z) => [rec(z, 'NONE', 'nope', 'ANY')], 'NOERROR'],
    ['name is not in use, true: an empty non-terminal', (z) => [rec(z, 'NONE', 'sub', 'ANY')], 'NOERROR'],
    ['name is not in use, false', (z) => [rec(z, 'NONE', 'www', 'ANY')], 'YXDOMAIN'],
    ['a name outside the zone', (z) => [rec(z, 'ANY', 'www.elsewhere.example.', 'A')], 'NOTZONE'],
    ['a name in a zone beside it', (z) => [rec(z, 'ANY', `www.x${z}`, 'A')], 'NOTZONE'],
    ['a prerequisite with a TTL', (z) => [rec(z, 'ANY', 'www', 'A', '', 300)], 'FORMERR'],
    ['class ANY with data', (z) => [rec(z, 'ANY', 'www', 'A', '192.0.2.1')], 'FORMERR'],
    ['class NONE with data', (z) => [rec(z, 'NONE', 'www', 'A', '192.0.2.1')], 'FORMERR'],
    ['class IN of type ANY', (z) => [rec(z, 'IN', 'www', 'ANY', '192.0.2.1')], 'FORMERR'],
  ];

  it.each(cases.map(([title, prereqs, rcode]) => [title, rcode, prereqs] as const))('%s → %s', async (_, rcode, prereqs) => {
    const z = await freshZone();
    const before = await snapshot(z);
    const out = await update(z, prereqs(z), [marker(z)]);
    expect(out.rcode).toBe(rcode);
    const after = await snapshot(z);
    if (rcode === 'NOERROR') {
      expect(after.records).toContain(line(z, 'marker 300 TXT "done"'));
      expect(after.serial).toBe(before.serial + 1);
    } else {
      expect(out).toMatchObject({ reason: expect.any(String) });
      expect(after).toEqual(before);
    }
  });

  it('the SOA as a value-dependent prerequisite: its exact content, serial included', async () => {
    const z = await freshZone();
    const zone = (await getZone(z))!;
    const current = soaContent(zone.soa);
    expect((await update(z, [rec(z, 'IN', '@', 'SOA', current)], [])).rcode).toBe('NOERROR');
    const stale = soaContent({ ...zone.soa, serial: zone.soa.serial - 1 });
    expect((await update(z, [rec(z, 'IN', '@', 'SOA', stale)], [])).rcode).toBe('NXRRSET');
  });

  it('a prerequisite that fails after others passed writes nothing: serial, records and changelog stay', async () => {
    const z = await freshZone();
    const before = await snapshot(z);
    const jobs = await db().notifyJob.count({ where: { zone: { name: z } } });
    const out = await update(
      z,
      [rec(z, 'ANY', 'www', 'A'), rec(z, 'NONE', 'nope', 'ANY'), rec(z, 'IN', 'www', 'TXT', '"web"'), rec(z, 'ANY', 'missing', 'AAAA')],
      [add('new', 'A', '192.0.2.50')(z), delSet('www', 'A')(z)],
    );
    expect(out).toEqual({ rcode: 'NXRRSET', reason: expect.stringMatching(/AAAA.*missing/) });
    expect(await snapshot(z)).toEqual(before);
    expect(await db().notifyJob.count({ where: { zone: { name: z } } })).toBe(jobs);
  });

  it('the value-dependent prerequisites are compared after the others (§3.2.3): the first failing other one decides', async () => {
    const z = await freshZone();
    const out = await update(z, [rec(z, 'IN', 'www', 'A', '192.0.2.99'), rec(z, 'NONE', 'www', 'ANY')], []);
    expect(out.rcode).toBe('YXDOMAIN');
  });
});

describe('updates (RFC 2136 §3.4)', () => {
  interface Case {
    updates: Maker;
    /** Lines (relative owner, `{z}` for the zone) that must be there afterwards, and that must not. */
    has?: string[];
    lacks?: string[];
    /** False: the update changes nothing, so nothing is written (serial and changelog stay). */
    changes: boolean;
  }
  const cases: [string, Case][] = [
    ['adds a record at a new name', { updates: (z) => [add('new', 'A', '192.0.2.50')(z)], has: ['new 300 A 192.0.2.50'], changes: true }],
    [
      'adds a record to an RRset of the same TTL',
      { updates: (z) => [add('www', 'A', '192.0.2.3')(z)], has: ['www 300 A 192.0.2.1', 'www 300 A 192.0.2.2', 'www 300 A 192.0.2.3'], changes: true },
    ],
    [
      'a record added with another TTL gives the whole RRset that TTL (as BIND does)',
      {
        updates: (z) => [add('www', 'A', '192.0.2.3', 60)(z)],
        has: ['www 60 A 192.0.2.1', 'www 60 A 192.0.2.2', 'www 60 A 192.0.2.3', 'www 300 TXT "web"'],
        lacks: ['www 300 A 192.0.2.1'],
        changes: true,
      },
    ],
    ['a duplicate record is ignored', { updates: (z) => [add('www', 'A', '192.0.2.1')(z)], has: ['www 300 A 192.0.2.1'], changes: false }],
    [
      'a duplicate with another TTL changes the RRset TTL',
      { updates: (z) => [add('www', 'A', '192.0.2.1', 120)(z)], has: ['www 120 A 192.0.2.1', 'www 120 A 192.0.2.2'], changes: true },
    ],
    ['a CNAME beside other data is ignored', { updates: (z) => [add('www', 'CNAME', 'elsewhere.example.')(z)], lacks: ['www 300 CNAME elsewhere.example.'], changes: false }],
    ['a CNAME at the apex is ignored (the SOA is there)', { updates: (z) => [add('@', 'CNAME', 'elsewhere.example.')(z)], changes: false }],
    ['other data beside a CNAME is ignored', { updates: (z) => [add('alias', 'A', '192.0.2.5')(z)], has: ['alias 300 CNAME www.{z}'], lacks: ['alias 300 A 192.0.2.5'], changes: false }],
    [
      'a CNAME replaces the CNAME at its name',
      { updates: (z) => [add('alias', 'CNAME', 'elsewhere.example.', 600)(z)], has: ['alias 600 CNAME elsewhere.example.'], lacks: ['alias 300 CNAME www.{z}'], changes: true },
    ],
    [
      'deletes an RRset (class ANY), other types at the name stay',
      { updates: (z) => [delSet('www', 'A')(z)], has: ['www 300 TXT "web"'], lacks: ['www 300 A 192.0.2.1', 'www 300 A 192.0.2.2'], changes: true },
    ],
    ['deleting an RRset that is not there changes nothing', { updates: (z) => [delSet('www', 'MX')(z)], changes: false }],
    [
      'deletes every RRset at a name (ANY ANY)',
      { updates: (z) => [delSet('www', 'ANY')(z)], lacks: ['www 300 A 192.0.2.1', 'www 300 A 192.0.2.2', 'www 300 TXT "web"'], changes: true },
    ],
    [
      'deletes one record (class NONE), its TTL ignored',
      { updates: (z) => [delRr('www', 'A', '192.0.2.1')(z)], has: ['www 300 A 192.0.2.2'], lacks: ['www 300 A 192.0.2.1'], changes: true },
    ],
    ['deleting a record that is not there changes nothing', { updates: (z) => [delRr('www', 'A', '192.0.2.77')(z)], changes: false }],
    ['the apex NS RRset is never deleted as an RRset', { updates: (z) => [delSet('@', 'NS')(z)], has: ['@ 3600 NS ns1.elsewhere.example.', '@ 3600 NS ns2.elsewhere.example.'], changes: false }],
    ['the apex SOA is never deleted as an RRset', { updates: (z) => [delSet('@', 'SOA')(z)], changes: false }],
    [
      'ANY ANY at the apex keeps the SOA and the NS',
      { updates: (z) => [delSet('@', 'ANY')(z)], has: ['@ 3600 NS ns1.elsewhere.example.', '@ 3600 NS ns2.elsewhere.example.'], lacks: ['@ 300 TXT "apex"'], changes: true },
    ],
    ['the SOA is never deleted as a record', { updates: (z) => [rec(z, 'NONE', '@', 'SOA', `ns1.elsewhere.example. hostmaster.${z} 1 2 3 4 5`)], changes: false }],
    [
      'an apex NS record is deleted, but not the last one',
      {
        updates: (z) => [delRr('@', 'NS', 'ns1.elsewhere.example.')(z), delRr('@', 'NS', 'ns2.elsewhere.example.')(z)],
        has: ['@ 3600 NS ns2.elsewhere.example.'],
        lacks: ['@ 3600 NS ns1.elsewhere.example.'],
        changes: true,
      },
    ],
    ['a record deleted and added again in one message ends present', { updates: (z) => [delRr('www', 'A', '192.0.2.1')(z), add('www', 'A', '192.0.2.1')(z)], has: ['www 300 A 192.0.2.1'], changes: false }],
    ['an RRset deleted and a record of it added again ends with that record', { updates: (z) => [delSet('www', 'A')(z), add('www', 'A', '192.0.2.2')(z)], has: ['www 300 A 192.0.2.2'], lacks: ['www 300 A 192.0.2.1'], changes: true }],
    ['a record added and deleted in one message ends absent', { updates: (z) => [add('new', 'A', '192.0.2.50')(z), delRr('new', 'A', '192.0.2.50')(z)], lacks: ['new 300 A 192.0.2.50'], changes: false }],
    ['a CNAME added after its name was emptied is taken', { updates: (z) => [delSet('www', 'ANY')(z), add('www', 'CNAME', 'elsewhere.example.')(z)], has: ['www 300 CNAME elsewhere.example.'], changes: true }],
    ['types spelled TYPEnnn are read as their mnemonic', { updates: (z) => [add('new', 'TYPE1', '192.0.2.51')(z)], has: ['new 300 A 192.0.2.51'], changes: true }],
  ];

  it.each(cases)('%s', async (_, c) => {
    const z = await freshZone();
    const before = await snapshot(z);
    const out = await update(z, [], c.updates(z));
    expect(out.rcode).toBe('NOERROR');
    const after = await snapshot(z);
    for (const l of c.has ?? []) expect(after.records).toContain(line(z, l));
    for (const l of c.lacks ?? []) expect(after.records).not.toContain(line(z, l));
    if (c.changes) {
      expect(after.serial).toBe(before.serial + 1);
      expect(after.changes).toBe(before.changes + 1);
    } else {
      expect(after).toEqual(before);
      expect(out).toMatchObject({ result: { changed: false } });
    }
  });

  const refused: [string, Maker, UpdateRcode, RegExp][] = [
    ['a name outside the zone', (z) => [add('new', 'A', '192.0.2.50')(z), add('www.elsewhere.example.', 'A', '192.0.2.1')(z)], 'NOTZONE', /outside the zone/],
    ['a delete with a TTL', (z) => [add('new', 'A', '192.0.2.50')(z), rec(z, 'ANY', 'www', 'A', '', 300)], 'FORMERR', /TTL 0/],
    ['an RRset delete with data', (z) => [rec(z, 'ANY', 'www', 'A', '192.0.2.1')], 'FORMERR', /no data/],
    ['a one-record delete of type ANY', (z) => [rec(z, 'NONE', 'www', 'ANY')], 'FORMERR', /ANY/],
    ['an add of type ANY', (z) => [rec(z, 'IN', 'www', 'ANY', '', 300)], 'FORMERR', /ANY/],
    ['an add of type AXFR', (z) => [rec(z, 'IN', 'www', 'AXFR', '', 300)], 'FORMERR', /AXFR/],
    ['an RRset delete of type AXFR', (z) => [rec(z, 'ANY', 'www', 'AXFR')], 'FORMERR', /AXFR/],
    ['a type that is no type', (z) => [rec(z, 'IN', 'www', 'NOSUCH', 'x', 300)], 'FORMERR', /not a record type/],
    ['a class other than IN, ANY or NONE', (z) => [{ ...rec(z, 'IN', 'www', 'A', '192.0.2.1', 300), cls: 'CH' as UpdateClass }], 'FORMERR', /class "CH"/],
    ['a type we do not serve', (z) => [add('new', 'A', '192.0.2.50')(z), rec(z, 'IN', 'www', 'NSEC', 'www.{z} A', 300)], 'REFUSED', /NSEC/],
    ['rdata our validators refuse', (z) => [add('new', 'A', '192.0.2.50')(z), add('bad', 'MX', '10 not a name')(z)], 'REFUSED', /bad\..*MX/],
    ['a result the zone rules refuse: an MX pointing at a CNAME', (z) => [add('new', 'A', '192.0.2.50')(z), add('@', 'MX', '10 alias.{z}')(z)], 'REFUSED', /CNAME/],
  ];

  it.each(refused.map(([title, updates, rcode, reason]) => [title, rcode, updates, reason] as const))('%s → %s, and nothing of the message is written', async (_, rcode, updates, reason) => {
    const z = await freshZone();
    const before = await snapshot(z);
    const out = await update(z, [], updates(z));
    expect(out).toEqual({ rcode, reason: expect.stringMatching(reason) });
    expect(await snapshot(z)).toEqual(before);
  });

  it('prerequisites are checked before the prescan (RFC 2136 §3.2 before §3.4.1)', async () => {
    const z = await freshZone();
    const out = await update(z, [rec(z, 'ANY', 'missing', 'A')], [rec(z, 'ANY', 'www', 'A', '', 300)]);
    expect(out.rcode).toBe('NXRRSET');
  });
});

describe('the SOA in an update (RFC 2136 §3.4.2.2)', () => {
  async function soaUpdate(z: string, serialDelta: number) {
    const zone = (await getZone(z))!;
    const content = soaContent({ ...zone.soa, serial: zone.soa.serial + serialDelta, refresh: 1234, minimum: 60 });
    return update(z, [], [rec(z, 'IN', '@', 'SOA', content, 900)]);
  }

  it('with a greater serial replaces the SOA fields, and the serial written follows the zone policy', async () => {
    const z = await freshZone();
    const before = (await getZone(z))!;
    const changesBefore = (await snapshot(z)).changes;
    const out = await soaUpdate(z, 1000);
    expect(out.rcode).toBe('NOERROR');
    const after = (await getZone(z))!;
    expect(after.soa).toEqual({ ...before.soa, serial: before.serial + 1, refresh: 1234, minimum: 60 });
    expect(after.soaTtl).toBe(900);
    expect((await snapshot(z)).changes).toBe(changesBefore + 1);
    const change = await db().change.findFirstOrThrow({ where: { zoneId: before.id }, orderBy: { id: 'desc' } });
    expect(JSON.parse(change.added)).toEqual([expect.objectContaining({ type: 'SOA', ttl: 900, content: expect.stringContaining(' 1234 ') })]);
  });

  it.each([
    ['a lower serial', -1],
    ['the same serial', 0],
  ])('with %s is ignored: nothing written', async (_, delta) => {
    const z = await freshZone();
    const before = await snapshot(z);
    expect((await soaUpdate(z, delta)).rcode).toBe('NOERROR');
    expect(await snapshot(z)).toEqual(before);
  });

  it('with only a greater serial (the fields as they are) is still one change, its serial by the policy', async () => {
    const z = await freshZone();
    const before = (await getZone(z))!;
    const changes = (await snapshot(z)).changes;
    const out = await update(z, [], [rec(z, 'IN', '@', 'SOA', soaContent({ ...before.soa, serial: before.serial + 10 }), before.soaTtl)]);
    expect(out).toMatchObject({ rcode: 'NOERROR', result: { changed: true, newSerial: before.serial + 1 } });
    const after = await snapshot(z);
    expect(after).toEqual({ serial: before.serial + 1, changes: changes + 1, records: [expect.stringContaining(` ${before.serial + 1} `), ...before.records.slice(1).map((r) => `${r.name} ${r.ttl} ${r.type} ${r.content}`)] });
  });

  it('an SOA below the apex is ignored', async () => {
    const z = await freshZone();
    const before = await snapshot(z);
    const zone = (await getZone(z))!;
    const content = soaContent({ ...zone.soa, serial: zone.soa.serial + 5 });
    expect((await update(z, [], [rec(z, 'IN', 'www', 'SOA', content, 300)])).rcode).toBe('NOERROR');
    expect(await snapshot(z)).toEqual(before);
  });
});

describe('the zone (RFC 2136 §3.1)', () => {
  it('answers NOTAUTH for a zone not served here, and for a name inside a zone that is not its apex', async () => {
    const z = await freshZone();
    expect((await update('nosuch.update.test.', [], [])).rcode).toBe('NOTAUTH');
    expect((await update(`www.${z}`, [], [])).rcode).toBe('NOTAUTH');
  });

  it('answers REFUSED for a secondary zone, as BIND does without update forwarding', async () => {
    await createZone({ name: 'sec.update.test', kind: 'secondary', primaries: ['192.0.2.1'] }, setup);
    const out = await update('sec.update.test.', [], [add('www', 'A', '192.0.2.1')('sec.update.test.')]);
    expect(out).toEqual({ rcode: 'REFUSED', reason: expect.stringMatching(/secondary/) });
    expect(await db().record.count({ where: { zone: { name: 'sec.update.test.' } } })).toBe(0);
  });
});

describe('one UPDATE, one change', () => {
  it.each(['increment', 'date'] as const)('with serial policy %s: one Change by the actor, one serial bump, one NOTIFY round', async (policy) => {
    const z = await freshZone(policy);
    const zone = (await getZone(z))!;
    const before = await snapshot(z);
    const out = await update(z, [rec(z, 'ANY', 'www', 'A')], [add('new', 'A', '192.0.2.50')(z), delRr('www', 'A', '192.0.2.1')(z), add('new', 'TXT', '"x"')(z)]);
    expect(out.rcode).toBe('NOERROR');
    const expected = nextSerial(policy, before.serial);
    expect(out).toMatchObject({ result: { changed: true, oldSerial: before.serial, newSerial: expected } });
    const changes = await db().change.findMany({ where: { zoneId: zone.id }, orderBy: { id: 'asc' } });
    expect(changes).toHaveLength(before.changes + 1);
    const last = changes.at(-1)!;
    expect(last).toMatchObject({ actor: client.name, comment: UPDATE_COMMENT, oldSerial: BigInt(before.serial), newSerial: BigInt(expected) });
    const added = (JSON.parse(last.added) as { type: string; content: string }[]).filter((r) => r.type !== 'SOA').map((r) => r.content);
    expect(added.sort()).toEqual(['"x"', '192.0.2.50']);
    expect((JSON.parse(last.removed) as { type: string; content: string }[]).filter((r) => r.type !== 'SOA').map((r) => r.content)).toEqual(['192.0.2.1']);
    expect((await getZone(z))!.serial).toBe(expected);
    const jobs = await db().notifyJob.findMany({ where: { zoneId: zone.id, state: 'pending' } });
    // ns1 is the SOA MNAME, the primary itself (RFC 1996 §3.6): not notified.
    expect(jobs.map((j) => [j.target, Number(j.serial)])).toEqual([['ns2.elsewhere.example.:53', expected]]);
  });

  it('prerequisites are checked in the transaction that writes: of 20 racing "create if absent" UPDATEs one wins', async () => {
    const z = await freshZone();
    const before = await snapshot(z);
    const outs = await Promise.all(
      Array.from({ length: 20 }, (_, i) => update(z, [rec(z, 'NONE', 'lock', 'ANY')], [add('lock', 'TXT', `"owner ${i}"`)(z)])),
    );
    expect(outs.filter((o) => o.rcode === 'NOERROR')).toHaveLength(1);
    expect(outs.filter((o) => o.rcode === 'YXDOMAIN')).toHaveLength(19);
    const after = await snapshot(z);
    expect(after.records.filter((r) => r.startsWith(`lock.${z} `))).toHaveLength(1);
    expect(after.changes).toBe(before.changes + 1);
  });

  it('200 UPDATEs at once to one zone all apply, each its own Change, serials consecutive', async () => {
    const z = await freshZone();
    const before = await snapshot(z);
    const n = 200;
    const outs = await Promise.all(
      Array.from({ length: n }, (_, i) => update(z, [rec(z, 'NONE', `host${i}`, 'ANY')], [add(`host${i}`, 'A', `198.51.100.${i}`)(z)])),
    );
    expect(outs.map((o) => o.rcode)).toEqual(Array(n).fill('NOERROR'));
    const serials = outs.map((o) => (o.rcode === 'NOERROR' ? o.result.newSerial : 0)).sort((a, b) => a - b);
    expect(serials).toEqual(Array.from({ length: n }, (_, i) => before.serial + 1 + i));
    const after = await snapshot(z);
    expect(after.serial).toBe(before.serial + n);
    expect(after.changes).toBe(before.changes + n);
    for (let i = 0; i < n; i++) expect(after.records).toContain(line(z, `host${i} 300 A 198.51.100.${i}`));
    const zone = (await getZone(z))!;
    const changes = await db().change.findMany({ where: { zoneId: zone.id, actor: client.name }, orderBy: { id: 'asc' } });
    expect(changes).toHaveLength(n);
    changes.forEach((c, i) => {
      expect(Number(c.oldSerial)).toBe(before.serial + i);
      expect(Number(c.newSerial)).toBe(before.serial + i + 1);
    });
  });
});

describe.skipIf(!isSqlite())('a one-record UPDATE, as SQLite runs it', () => {
  // The cost of an UPDATE must follow the message, not the zone: no statement of its transaction
  // may walk a table or every record of the zone (asked of SQLite's query planner, as commit-plan.test.ts does).
  it('reads only the names it touches: no statement walks a table, nor the zone', async () => {
    const z = await freshZone();
    const statements: string[] = [];
    statementTrace.statements = statements;
    try {
      const out = await update(z, [rec(z, 'NONE', 'one', 'ANY'), rec(z, 'IN', 'www', 'A', '192.0.2.1'), rec(z, 'IN', 'www', 'A', '192.0.2.2')], [add('one', 'A', '192.0.2.7')(z), delSet('www', 'TXT')(z)]);
      expect(out.rcode).toBe('NOERROR');
    } finally {
      statementTrace.statements = null;
    }
    expect(statements.filter((sql) => /\bRecord\b/.test(sql)).length).toBeGreaterThan(2);
    const conn = new Database(sqliteFile(), { readonly: true });
    try {
      const walking = statements
        .filter((sql) => /^\s*(SELECT|UPDATE|DELETE|INSERT)\b/i.test(sql))
        .flatMap((sql) => {
          const plan = conn.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(...(sql.match(/\?/g) ?? []).map(() => null)) as { detail: string }[];
          return plan.map((p) => p.detail).filter((d) => /^SCAN (?!json_each\b)/.test(d) || /^SEARCH \S+ USING .*\(zoneId=\?\)$/.test(d)).map((d) => `${d} ← ${sql}`);
        });
      expect(walking).toEqual([]);
    } finally {
      conn.close();
    }
  });
});
