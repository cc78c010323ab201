// A catalog read as a consumer (RFC 9432): the members it lists, or the one
// reason it is refused whole.
import { describe, expect, it } from 'vitest';
import { catalogBaseRecords, memberRecords, type CatalogMember } from './catalog.ts';
import { parseCatalog } from './catalog-parse.ts';
import type { RR } from './types.ts';

const CAT = 'cat.example.';
const soa: RR = { name: CAT, type: 'SOA', ttl: 0, content: 'invalid. invalid. 1 3600 600 86400 0' };
const base = [soa, ...catalogBaseRecords(CAT)];
const rr = (name: string, type: string, content: string): RR => ({ name, type, ttl: 0, content });
const listed = (...ms: CatalogMember[]) => [...base, ...ms.flatMap((m) => memberRecords(CAT, m))];
const a = { zone: 'a.test.', label: 'la' };
const b = { zone: 'b.test.', label: 'lb' };

describe('parseCatalog: what a sound catalog lists', () => {
  it.each<[string, RR[], CatalogMember[]]>([
    ['no members', base, []],
    ['members sorted by zone, no group or coo', listed(b, a), [{ ...a, group: null, coo: null }, { ...b, group: null, coo: null }]],
    ['a group property', listed({ ...a, group: 'signed' }), [{ ...a, group: 'signed', coo: null }]],
    ['a coo property', listed({ ...a, coo: 'new-cat.example.' }), [{ ...a, group: null, coo: 'new-cat.example.' }]],
    [
      'unknown properties and records elsewhere ignored',
      [...listed(a), rr(`serial.la.zones.${CAT}`, 'TXT', '"7"'), rr(`x.y.la.zones.${CAT}`, 'A', '192.0.2.1'), rr(`ext.${CAT}`, 'TXT', '"hi"'), rr(`zones.${CAT}`, 'TXT', '"x"')],
      [{ ...a, group: null, coo: null }],
    ],
    ['a property of a label that lists nothing', [...listed(a), rr(`group.orphan.zones.${CAT}`, 'TXT', '"g"')], [{ ...a, group: null, coo: null }]],
    ['two coo PTRs: the coo is ignored, the member kept (§4.4.1)', [...listed(a), rr(`coo.la.zones.${CAT}`, 'PTR', 'x.example.'), rr(`coo.la.zones.${CAT}`, 'PTR', 'y.example.')], [{ ...a, group: null, coo: null }]],
    ['an RFC 2317 reverse zone', listed({ zone: '0/26.2.0.192.in-addr.arpa.', label: 'r' }), [{ zone: '0/26.2.0.192.in-addr.arpa.', label: 'r', group: null, coo: null }]],
  ])('%s', (_what, records, members) => {
    expect(parseCatalog(CAT, records)).toEqual({ ok: true, members });
  });
});

describe('parseCatalog: a catalog refused whole, with the reason', () => {
  const noVersion = listed(a).filter((r) => !r.name.startsWith('version.'));
  it.each<[string, RR[], RegExp]>([
    ['no version record', noVersion, /no version record \(version\.cat\.example\. TXT\)/],
    ['version 1', [...noVersion, rr(`version.${CAT}`, 'TXT', '"1"')], /version "1" at version\.cat\.example\.; only schema version 2/],
    ['two version records', [...listed(a), rr(`version.${CAT}`, 'TXT', '"1"')], /2 version records at version\.cat\.example\./],
    ['two PTRs under one label', [...listed(a), rr(`la.zones.${CAT}`, 'PTR', 'other.test.')], /la\.zones\.cat\.example\. has 2 PTR records \(a\.test\., other\.test\.\)/],
    ['the root as a member', listed({ zone: '.', label: 'root' }), /root\.zones\.cat\.example\. lists \., the root/],
    ['the catalog itself as a member', listed({ zone: CAT, label: 'me' }), /lists cat\.example\., which is the catalog itself or a name inside it/],
    ['a name inside the catalog', listed({ zone: `x.zones.${CAT}`, label: 'in' }), /which is the catalog itself or a name inside it/],
    ['a wildcard name', listed({ zone: '*.test.', label: 'w' }), /a wildcard name/],
    ['a name with a label too long', listed({ zone: `${'x'.repeat(64)}.test.`, label: 'long' }), /not a zone name: .*longer than 63/],
    ['one zone under two labels', listed(a, { zone: 'a.test.', label: 'again' }), /a\.test\. is listed twice, under (la|again)\.zones\.cat\.example\. and (la|again)\.zones/],
    ['two group properties', [...listed({ ...a, group: 'g1' }), rr(`group.la.zones.${CAT}`, 'TXT', '"g2"')], /la\.zones\.cat\.example\. has 2 group properties/],
  ])('%s', (_what, records, reason) => {
    const r = parseCatalog(CAT, records);
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(reason);
  });
});
