// The requests octoDNS and external-dns make, in their order and shapes as
// read from their code (octodns-powerdns 1.x, external-dns's pdns provider
// and the Go clients it has used). Neither is packaged by Debian, so their
// requests are replayed here through the router; lego and lexicon run for
// real in real-clients.test.ts.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { getZone } from '../zones/data';
import { callApi, keyWith } from '../testing/api-requests';

const key = keyWith('pipeline');
const call = (method: string, path: string, body?: unknown) => callApi(method, path, body, key);
const zones = 'servers/localhost/zones';

type Rrset = { name: string; type: string; ttl: number; records: { content: string }[] };
const setsOf = async (id: string) =>
  ((await call('GET', `${zones}/${id}`)).json.rrsets as Rrset[])
    .filter((s) => s.type !== 'SOA')
    .map((s) => `${s.name} ${s.ttl} ${s.type} ${s.records.map((r) => r.content).join(' | ')}`)
    .sort();
const changeCount = async (zone: string) => db().change.count({ where: { zoneId: (await getZone(zone))!.id } });

describe('octoDNS (octodns-powerdns)', () => {
  // octoDNS's zone id: quote_plus of the name with % written as =, so / becomes =2F.
  const encode = (name: string) => encodeURIComponent(name).replace(/%/g, '=');

  it('reads the version, finds no zone, creates it from its first plan, then applies DELETEs before REPLACEs and NOTIFYs', async () => {
    const server = await call('GET', 'servers/localhost');
    const version = String(server.json.version).split('.').slice(0, 3).map((p) => Number.parseInt(p.split('-')[0]!, 10));
    expect(version[0]! * 100 + version[1]!).toBeGreaterThanOrEqual(405);
    // Its probe for dynamic records reads config as name/value items.
    expect(Array.isArray((await call('GET', 'servers/localhost/config')).json)).toBe(true);

    const zone = '0/26.2.0.192.in-addr.arpa.';
    const id = encode(zone);
    expect(id).toBe('0=2F26.2.0.192.in-addr.arpa.');
    // populate: 404 means "no such zone yet" to octoDNS for PowerDNS 4.2 and later.
    expect((await call('GET', `${zones}/${id}`)).status).toBe(404);

    // _apply: every change is a REPLACE (root NS included); the PATCH is 404, so it POSTs the zone with them.
    const mods = [
      { name: zone, type: 'NS', ttl: 3600, changetype: 'REPLACE', records: [{ content: 'ns1.example.net.', disabled: false }, { content: 'ns2.example.net.', disabled: false }] },
      { name: `1.${zone}`, type: 'PTR', ttl: 300, changetype: 'REPLACE', records: [{ content: 'host1.example.net.', disabled: false }] },
      { name: `2.${zone}`, type: 'PTR', ttl: 300, changetype: 'REPLACE', records: [{ content: 'host2.example.net.', disabled: false }] },
    ];
    expect((await call('PATCH', `${zones}/${id}`, { rrsets: mods })).status).toBe(404);
    const created = await call('POST', zones, { name: zone, kind: 'master', masters: [], nameservers: [], rrsets: mods, soa_edit_api: 'default', serial: 0 });
    expect(created.status, JSON.stringify(created.json)).toBe(201);
    expect(created.json).toMatchObject({ id, name: zone, kind: 'Master' });
    expect(await setsOf(id)).toEqual([
      `0/26.2.0.192.in-addr.arpa. 3600 NS ns1.example.net. | ns2.example.net.`,
      `1.0/26.2.0.192.in-addr.arpa. 300 PTR host1.example.net.`,
      `2.0/26.2.0.192.in-addr.arpa. 300 PTR host2.example.net.`,
    ]);
    expect((await call('PUT', `${zones}/${id}/notify`)).status).toBe(200);

    // The next plan: 2 becomes a CNAME (a Delete and a Create of another type), 1 is deleted; sorted DELETE first.
    const before = await changeCount(zone);
    const next = [
      { name: `2.${zone}`, type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: '2.0-26.example.net.', disabled: false }] },
      { name: `2.${zone}`, type: 'PTR', ttl: 300, changetype: 'DELETE', records: [{ content: 'host2.example.net.', disabled: false }] },
      { name: `1.${zone}`, type: 'PTR', ttl: 300, changetype: 'DELETE', records: [{ content: 'host1.example.net.', disabled: false }] },
    ].sort((a, b) => a.changetype.localeCompare(b.changetype));
    expect((await call('PATCH', `${zones}/${id}`, { rrsets: next })).status).toBe(204);
    expect(await setsOf(id)).toEqual([`0/26.2.0.192.in-addr.arpa. 3600 NS ns1.example.net. | ns2.example.net.`, `2.0/26.2.0.192.in-addr.arpa. 300 CNAME 2.0-26.example.net.`]);
    expect(await changeCount(zone)).toBe(before + 1);
  });
});

describe('external-dns (pdns provider)', () => {
  const zone = 'k8s.example.';
  const owner = (resource: string) => `"heritage=external-dns,external-dns/owner=default,external-dns/resource=${resource}"`;

  it('lists zones, reads one, and PATCHes the whole zone object with its records and TXT ownership records, then deletes them', async () => {
    expect((await call('POST', zones, { name: zone, kind: 'Native', nameservers: [`ns1.${zone}`] })).status).toBe(201);
    const listed = (await call('GET', zones)).json as { id: string; name: string; url: string }[];
    const found = listed.find((z) => z.name === zone)!;
    expect(found).toMatchObject({ id: zone, url: `/api/v1/servers/localhost/zones/${zone}` });
    const full = (await call('GET', `${zones}/${found.id}`)).json;
    const before = await changeCount(zone);

    // The zone object around the rrsets; Go's omitempty leaves out `disabled: false` in some of the
    // clients it has used, others send `set-ptr` and `comments: null`.
    const create = {
      ...full,
      rrsets: [
        { name: `app.${zone}`, type: 'A', ttl: 300, changetype: 'REPLACE', records: [{ content: '192.0.2.10' }, { content: '192.0.2.11' }], comments: null },
        { name: `app.${zone}`, type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: owner('service/default/app'), disabled: false, 'set-ptr': false }], comments: [] },
        { name: `a-app.${zone}`, type: 'TXT', ttl: 300, changetype: 'REPLACE', records: [{ content: owner('service/default/app') }] },
        { name: `web.${zone}`, type: 'CNAME', ttl: 300, changetype: 'REPLACE', records: [{ content: 'lb.example.net.' }] },
      ],
    };
    const patched = await call('PATCH', `${zones}/${found.id}`, create);
    expect(patched.status, JSON.stringify(patched.json)).toBe(204);
    expect(await setsOf(zone)).toEqual([
      `a-app.k8s.example. 300 TXT ${owner('service/default/app')}`,
      'app.k8s.example. 300 A 192.0.2.10 | 192.0.2.11',
      `app.k8s.example. 300 TXT ${owner('service/default/app')}`,
      'k8s.example. 3600 NS ns1.k8s.example.',
      'web.k8s.example. 300 CNAME lb.example.net.',
    ]);
    expect(await changeCount(zone)).toBe(before + 1);

    // Deleting sends DELETE rrsets with the records they held.
    const remove = {
      name: zone,
      rrsets: [
        { name: `app.${zone}`, type: 'A', ttl: 300, changetype: 'DELETE', records: [{ content: '192.0.2.10' }, { content: '192.0.2.11' }] },
        { name: `app.${zone}`, type: 'TXT', ttl: 300, changetype: 'DELETE', records: [{ content: owner('service/default/app') }] },
        { name: `a-app.${zone}`, type: 'TXT', ttl: 300, changetype: 'DELETE', records: [{ content: owner('service/default/app') }] },
      ],
    };
    expect((await call('PATCH', `${zones}/${found.id}`, remove)).status).toBe(204);
    expect(await setsOf(zone)).toEqual(['k8s.example. 3600 NS ns1.k8s.example.', 'web.k8s.example. 300 CNAME lb.example.net.']);
    expect(await changeCount(zone)).toBe(before + 2);
  });
});
