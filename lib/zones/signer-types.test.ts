// The DNSSEC rules of a primary zone, as an operator would meet them: RRSIG and NSEC may sit
// beside a CNAME, DS only at a delegation; the signer's types (DNSKEY, RRSIG, NSEC…) are
// written by the signer alone, so the editor, the CLI, an import, the API and an UPDATE are
// each refused with a message naming the signer, or (an import) leave them out and say so.
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import type { RR } from '../dns/types';
import { callApi, keyWith, rrsetChange } from '../testing/api-requests';
import { expectAppError } from '../testing/app-error';
import { applyChangeset, commitImport, commitRecords, importZone } from './changes';
import { getZone, getZoneRecordsPage } from './data';
import { applyDnsUpdate } from './dns-update';
import { previewImport } from './import-preview';
import { checkZoneRules, normalizeType } from './validate';
import { createZone } from './zone-lifecycle';

const actor = { name: 'tester' };
const FIXTURES = path.resolve(import.meta.dirname, '../testing/signed-fixtures');
const SIG = 'DMRNHrL6dDwVsik6N2V/SZjlFI/Bp8VFvs6CPZ7P7mt8F6ygZ1Cx0JnHoJjbhKUJeN9yYgmHL2jTuPdtvM98kA==';
const KEY = 'ev8fGYFm3k+d5coeTHd23jU7J5rB7hUCzPuuE7LtPZROgTohmehcR7ZQil51g4dYT3eQa4O6axEQP2gAYKF1oQ==';
const SIGNER_MESSAGE = /DNSKEY records are managed by the signer; sign the zone with `zonekeeper zone sign`/;

const rr = (name: string, type: string, content: string, ttl = 300): RR => ({ name, type, ttl, content });

describe('zone rules', () => {
  const Z = 'rules.test.';
  const apex = [rr(Z, 'NS', `ns1.${Z}`), rr(`ns1.${Z}`, 'A', '192.0.2.1')];

  it('lets a CNAME keep its signature and NSEC beside it (RFC 4035 §2.5), nothing else', () => {
    const www = `www.${Z}`;
    const signed = [
      rr(www, 'CNAME', `ns1.${Z}`),
      rr(www, 'RRSIG', `CNAME 13 3 300 20270101000000 20261201000000 27721 ${Z} ${SIG}`),
      rr(www, 'NSEC', `${Z} CNAME RRSIG NSEC`),
    ];
    expect(checkZoneRules(Z, [...apex, ...signed])).toEqual([]);
    const errors = checkZoneRules(Z, [...apex, ...signed, rr(www, 'TXT', '"x"')]);
    expect(errors.map((e) => e.message)).toEqual([`${www} has a CNAME and other data (TXT); a CNAME must be the only record at its name`]);
  });

  it('lets the signatures at a name carry the TTLs of the sets they cover (RFC 4034 §3)', () => {
    const www = `www.${Z}`;
    const sig = (type: string, ttl: number) => rr(www, 'RRSIG', `${type} 13 3 ${ttl} 20270101000000 20261201000000 27721 ${Z} ${SIG}`, ttl);
    const records = [...apex, rr(www, 'A', '192.0.2.1', 300), rr(www, 'TXT', '"x"', 3600), sig('A', 300), sig('TXT', 3600)];
    expect(checkZoneRules(Z, records)).toEqual([]);
    expect(checkZoneRules(Z, [...records, rr(www, 'A', '192.0.2.2', 600)]).map((e) => e.record)).toEqual([`${www} A`]);
  });

  it('wants DS beside the NS of a delegation, never at the apex', () => {
    const ds = '12345 13 2 ' + 'AB'.repeat(32);
    expect(checkZoneRules(Z, [...apex, rr(`sub.${Z}`, 'NS', 'ns.elsewhere.example.'), rr(`sub.${Z}`, 'DS', ds)])).toEqual([]);
    expect(checkZoneRules(Z, [...apex, rr(`sub.${Z}`, 'DS', ds)]).map((e) => e.message)).toEqual([
      `sub.${Z} has DS records but no NS records; DS belongs only at a delegation, beside its NS records (RFC 4035 §2.4)`,
    ]);
    expect(checkZoneRules(Z, [...apex, rr(Z, 'DS', ds)]).map((e) => e.message)).toEqual([
      `${Z} is the zone apex; its DS records belong in the parent zone, not here (RFC 4035 §2.4)`,
    ]);
  });

  it('refuses the signer types to a person by name, unless the signer asks', () => {
    for (const t of ['DNSKEY', 'cdnskey', 'CDS', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM']) {
      const n = normalizeType(t);
      expect(n.ok).toBe(false);
      expect(!n.ok && n.message).toBe(`${t.toUpperCase()} records are managed by the signer; sign the zone with \`zonekeeper zone sign\``);
      expect(normalizeType(t, true)).toEqual({ ok: true, value: t.toUpperCase() });
    }
    expect(normalizeType('DS')).toEqual({ ok: true, value: 'DS' });
  });
});

describe('the signer types in a primary zone', () => {
  let zones = 0;
  async function zone(): Promise<string> {
    const z = `z${++zones}.signer.test.`;
    await createZone({ name: z, nameservers: [`ns1.${z}`] }, actor);
    await applyChangeset(z, { add: [{ name: 'ns1', type: 'A', content: '192.0.2.1' }, { name: 'www', type: 'A', ttl: 300, content: '192.0.2.2' }] }, actor);
    return z;
  }
  /** What the signer writes: a DNSKEY and the signature of www's A. */
  const signerRecords = (z: string) => [
    { name: '@', type: 'DNSKEY', ttl: 3600, content: `257 3 13 ${KEY}` },
    { name: 'www', type: 'RRSIG', ttl: 300, content: `A 13 3 300 20270101000000 20261201000000 27721 ${z} ${SIG}` },
  ];

  it('refuses a person adding or deleting them, naming the signer, and writes nothing', async () => {
    const z = await zone();
    const before = await getZone(z);
    const err = await expectAppError(applyChangeset(z, { add: [{ name: '@', type: 'DNSKEY', content: `257 3 13 ${KEY}` }] }, actor), 'invalid');
    expect(err.recordErrors?.[0]?.message).toMatch(SIGNER_MESSAGE);
    await applyChangeset(z, { add: signerRecords(z) }, actor, { asSigner: true });
    const del = await expectAppError(applyChangeset(z, { remove: [{ name: 'www', type: 'RRSIG' }] }, actor), 'invalid');
    expect(del.recordErrors?.[0]?.message).toBe('RRSIG records are managed by the signer; sign the zone with `zonekeeper zone sign`');
    expect((await getZone(z))?.serial).toBe(before!.serial + 1);
  });

  it('lets the signer write them (ApplyOptions.asSigner), in one change like any other', async () => {
    const z = await zone();
    const r = await applyChangeset(z, { add: signerRecords(z) }, actor, { asSigner: true });
    expect(r.added.map((x) => x.type).sort()).toEqual(['DNSKEY', 'RRSIG']);
    const removed = await applyChangeset(z, { remove: [{ name: 'www', type: 'RRSIG' }] }, actor, { asSigner: true });
    expect(removed.removed.map((x) => x.type)).toEqual(['RRSIG']);
  });

  it('refuses a plan that writes them unless the plan says it is the signer\'s (CommitPlan.signerWrites)', async () => {
    const z = await zone();
    const added = [rr(z, 'DNSKEY', `257 3 13 ${KEY}`, 3600)];
    const plan = (signerWrites: boolean) => async () => ({ errors: [], removedRows: [], added, notifyRecords: [], signerWrites });
    const err = await expectAppError(commitRecords(z, actor, 'sneaky', undefined, plan(false)), 'invalid');
    expect(err.recordErrors?.[0]?.message).toMatch(new RegExp(`cannot add ${z.replace(/\./g, '\\.')} DNSKEY: ${SIGNER_MESSAGE.source}`));
    expect((await commitRecords(z, actor, 'signer', undefined, plan(true))).added).toHaveLength(1);
  });

  it('imports a signed zone file without its DNSSEC records, and says so', async () => {
    const text = readFileSync(path.join(FIXTURES, 'nsec3.zone'), 'utf8');
    const r = await importZone('signed.test.', text, actor);
    expect(r.warnings).toEqual([
      'The file holds 87 DNSSEC records (CDNSKEY, CDS, DNSKEY, NSEC3, NSEC3PARAM, RRSIG); they are left out: the signer makes these for the zone (sign it with `zonekeeper zone sign`).',
    ]);
    const stored = (await getZone('signed.test.'))!.records;
    expect(stored.map((x) => x.type)).not.toContain('RRSIG');
    expect(stored.filter((x) => x.type !== 'SOA')).toHaveLength(r.added.length);
    expect(stored.some((x) => x.type === 'DS' && x.name === 'sub.signed.test.')).toBe(true);
  });

  it('keeps the zone\'s own DNSSEC records through an import and its preview', async () => {
    const z = await zone();
    await applyChangeset(z, { add: signerRecords(z) }, actor, { asSigner: true });
    const file = [`$ORIGIN ${z}`, '@ 3600 IN SOA ns1 hostmaster 1 3600 600 86400 300', '@ NS ns1', 'ns1 A 192.0.2.1', 'www 300 A 192.0.2.3', `@ 3600 DNSKEY 256 3 13 ${KEY}`, ''].join('\n');
    const preview = await previewImport(z, file);
    expect(preview?.warnings).toEqual([expect.stringMatching(/^The file holds 1 DNSSEC record \(DNSKEY\); it is left out/)]);
    // www's A changes; the zone's DNSKEY and RRSIG are no part of the diff, the file's DNSKEY neither.
    const items = [...preview!.diff.adds, ...preview!.diff.changes, ...preview!.diff.deletes];
    expect(items.filter((i) => i.kind !== 'change' || i.from.name === `www.${z}`).map((i) => i.kind === 'change' && `${i.from.type} ${i.to.content}`)).toEqual(['A 192.0.2.3']);
    const r = await commitImport(z, file, { expectedSerial: preview!.serial, comment: 'import', excluded: [] }, actor);
    expect(r.warnings).toHaveLength(1);
    const again = await importZone(z, file, actor);
    expect(again.removed.map((x) => x.type)).not.toContain('RRSIG');
    const dnssec = (await getZone(z))!.records.filter((x) => x.type === 'DNSKEY' || x.type === 'RRSIG');
    expect(dnssec.map((x) => `${x.name} ${x.type} ${x.content.split(' ')[0]}`).sort()).toEqual([`www.${z} RRSIG A`, `${z} DNSKEY 257`]);
  });

  it('answers an UPDATE that would write them REFUSED, and a name delete leaves them to the signer', async () => {
    const z = await zone();
    await applyChangeset(z, { add: signerRecords(z) }, actor, { asSigner: true });
    const upd = (updates: { name: string; type: string; cls: 'IN' | 'ANY' | 'NONE'; ttl: number; content: string }[]) =>
      applyDnsUpdate({ id: 1, zone: z, zoneAsSent: z, edns: false, prerequisites: [], updates }, { name: 'key ddns.' });
    const add = await upd([{ name: `www.${z}`, type: 'NSEC', cls: 'IN', ttl: 300, content: `${z} A RRSIG NSEC` }]);
    expect(add).toEqual({ rcode: 'REFUSED', reason: 'update 1: NSEC records are managed by the signer; sign the zone with `zonekeeper zone sign`' });
    expect((await upd([{ name: z, type: 'DNSKEY', cls: 'ANY', ttl: 0, content: '' }])).rcode).toBe('REFUSED');
    expect((await upd([{ name: `www.${z}`, type: 'RRSIG', cls: 'NONE', ttl: 0, content: signerRecords(z)[1]!.content }])).rcode).toBe('REFUSED');
    // RFC 2136 §3.4.2.3 delete-name: www's A goes, its RRSIG waits for the signer.
    const del = await upd([{ name: `www.${z}`, type: 'ANY', cls: 'ANY', ttl: 0, content: '' }]);
    expect(del.rcode).toBe('NOERROR');
    expect((await getZone(z))!.records.filter((x) => x.name === `www.${z}`).map((x) => x.type)).toEqual(['RRSIG']);
    // A CNAME may join the signature left there (RFC 4035 §2.5), and an edit beside differing RRSIG TTLs goes through.
    expect((await upd([{ name: `www.${z}`, type: 'CNAME', cls: 'IN', ttl: 300, content: `ns1.${z}` }])).rcode).toBe('NOERROR');
    expect((await getZone(z))!.records.filter((x) => x.name === `www.${z}`).map((x) => x.type).sort()).toEqual(['CNAME', 'RRSIG']);
  });

  it('lets a person edit a name whose signatures carry different TTLs', async () => {
    const z = await zone();
    await applyChangeset(z, { add: [{ name: 'www', type: 'TXT', ttl: 3600, content: '"t"' }] }, actor);
    const sig = (type: string, ttl: number) => ({ name: 'www', type: 'RRSIG', ttl, content: `${type} 13 3 ${ttl} 20270101000000 20261201000000 27721 ${z} ${SIG}` });
    await applyChangeset(z, { add: [sig('A', 300), sig('TXT', 3600)] }, actor, { asSigner: true });
    const r = await applyChangeset(z, { add: [{ name: 'www', type: 'A', ttl: 300, content: '192.0.2.9' }] }, actor);
    expect(r.added.map((x) => `${x.type} ${x.content}`)).toEqual(['A 192.0.2.9']);
  });

  it('lists them in the editor only on request, counted, so they do not bury the zone\'s own', async () => {
    const z = await zone();
    await applyChangeset(z, { add: signerRecords(z) }, actor, { asSigner: true });
    const own = (await getZoneRecordsPage(z))!;
    expect(own.rrsets.map((s) => `${s.name} ${s.type}`)).toEqual([`${z} NS`, `ns1.${z} A`, `www.${z} A`]);
    expect(own.rrsetCount).toBe(3);
    expect(own.dnssecRecords).toBe(2);
    const all = (await getZoneRecordsPage(z, { dnssec: true }))!;
    expect(all.rrsets.map((s) => `${s.name} ${s.type}`)).toEqual([`${z} DNSKEY`, `${z} NS`, `ns1.${z} A`, `www.${z} A`, `www.${z} RRSIG`]);
    expect((await getZoneRecordsPage(z, { q: 'rrsig' }))!.rrsetCount).toBe(0);
    expect((await getZoneRecordsPage(z, { q: 'rrsig', dnssec: true }))!.rrsetCount).toBe(1);
  });

  it('answers the API 422 for them, naming the signer, and writes nothing', async () => {
    const z = await zone();
    const before = (await getZone(z))!.serial;
    const r = await callApi('PATCH', `servers/localhost/zones/${z}`, { rrsets: [rrsetChange(z, 'DNSKEY', [`257 3 13 ${KEY}`], 'REPLACE', 3600)] }, keyWith('deploy'));
    expect(r).toMatchObject({ status: 422, json: { error: `RRset ${z} IN DNSKEY: DNSKEY records are managed by the signer; sign the zone with \`zonekeeper zone sign\`` } });
    expect((await getZone(z))!.serial).toBe(before);
  });
});
