// The PowerDNS-compatible API against a real SQLite database, as lego,
// lexicon, external-dns and octoDNS would call it: the shapes they read,
// one change per PATCH, nothing written on a refused request, and keys held
// to their zones, names and types.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { getZone } from '../zones/data';
import { callApi, keyWith, rrsetChange as rrset } from '../testing/api-requests';
import { apiIndexResponse } from './router';

const admin = keyWith('deploy');

const call = (method: string, path: string, body?: unknown, key = admin, init: RequestInit = {}) => callApi(method, path, body, key, init);

async function createZone(name: string, extra: Record<string, unknown> = {}) {
  const r = await call('POST', 'servers/localhost/zones', { name, kind: 'Native', nameservers: [`ns1.${name}`], ...extra });
  expect(r.status).toBe(201);
  return r.json;
}

async function changesOf(zone: string) {
  const z = await getZone(zone);
  return db().change.findMany({ where: { zoneId: z!.id }, orderBy: { id: 'asc' } });
}


describe('server endpoints', () => {
  it('answers GET /api, servers and localhost as PowerDNS 4.7 does', async () => {
    expect(await apiIndexResponse().json()).toEqual([{ url: '/api/v1', version: 1 }]);
    const servers = await call('GET', 'servers');
    expect(servers.type).toBe('application/json');
    expect(servers.json).toHaveLength(1);
    const server = await call('GET', 'servers/localhost');
    expect(server.json).toMatchObject({ id: 'localhost', daemon_type: 'authoritative', url: '/api/v1/servers/localhost' });
    // octoDNS-powerdns reads the version as major.minor and needs 4.5 or later.
    const [major, minor] = String(server.json.version).split('.').map(Number);
    expect(major! * 100 + minor!).toBeGreaterThanOrEqual(405);
    expect((await call('GET', 'servers/localhost/config')).json).toEqual([]);
    expect((await call('GET', 'servers/other')).status).toBe(404);
  });
});

describe('zones', () => {
  it('creates a zone (201 with its rrsets), refuses it twice (409), and reads it with or without the final dot', async () => {
    const created = await createZone('shape.example.', { rrsets: [{ name: 'www.shape.example.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }] }] });
    expect(created).toMatchObject({ id: 'shape.example.', name: 'shape.example.', kind: 'Master', masters: [], url: '/api/v1/servers/localhost/zones/shape.example.' });
    expect((await call('POST', 'servers/localhost/zones', { name: 'shape.example.', kind: 'Native', nameservers: [] })).status).toBe(409);

    for (const id of ['shape.example.', 'shape.example', 'shape=2Eexample.']) {
      const got = await call('GET', `servers/localhost/zones/${id}`);
      expect(got.status).toBe(200);
      expect(got.json.serial).toBe(created.serial);
      expect(got.json.rrsets).toContainEqual({ name: 'www.shape.example.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }], comments: [] });
      expect(got.json.rrsets.find((s: { type: string }) => s.type === 'SOA').records).toHaveLength(1);
      expect(got.json.rrsets.find((s: { type: string }) => s.type === 'NS').records).toEqual([{ content: 'ns1.shape.example.', disabled: false }]);
    }
    const missing = await call('GET', 'servers/localhost/zones/a=2Fb.shape.example.');
    expect(missing).toMatchObject({ status: 404, json: { error: "Could not find domain 'a/b.shape.example.'" } });

    const list = await call('GET', 'servers/localhost/zones');
    const listed = list.json.find((z: { name: string }) => z.name === 'shape.example.');
    expect(listed).toMatchObject({ id: 'shape.example.', kind: 'Master', serial: created.serial });
    expect(listed.rrsets).toBeUndefined();
    const filtered = await call('GET', 'servers/localhost/zones?zone=shape.example.');
    expect(filtered.json.map((z: { name: string }) => z.name)).toEqual(['shape.example.']);
    expect((await call('GET', 'servers/localhost/zones?zone=shape.example')).json).toEqual({ error: "DNS Name 'shape.example' is not canonical" });
  });

  it('creates nothing when an rrset of a new zone is refused, even one only the zone rules catch', async () => {
    const bad = await call('POST', 'servers/localhost/zones', { name: 'nope.example.', kind: 'Native', nameservers: ['ns1.nope.example.'], rrsets: [rrset('www.nope.example.', 'A', ['999.1.1.1'])] });
    expect(bad.status).toBe(422);
    const relativeNs = await call('POST', 'servers/localhost/zones', { name: 'nope.example.', kind: 'Native', nameservers: ['ns1.nope.example'] });
    expect(relativeNs).toMatchObject({ status: 422, json: { error: "Nameserver is not canonical: 'ns1.nope.example'" } });
    // A CNAME at the apex clashes with its SOA and NS: only the change service sees that.
    const clash = await call('POST', 'servers/localhost/zones', { name: 'nope.example.', kind: 'Native', nameservers: ['ns1.nope.example.'], rrsets: [rrset('nope.example.', 'CNAME', ['other.example.'])] });
    expect(clash.status).toBe(422);
    expect(await getZone('nope.example.')).toBeNull();
  });

  it('lists a zone in the catalog its POST names (PowerDNS 4.7 `catalog`), and a refused zone in none', async () => {
    const created = await call('POST', 'servers/localhost/zones', { name: 'listed.example.', kind: 'Native', nameservers: ['ns1.listed.example.'], catalog: 'api-catalog.example.' });
    expect(created.status).toBe(201);
    const ptrs = async () => ((await getZone('api-catalog.example.'))?.records ?? []).filter((r) => r.type === 'PTR').map((r) => r.content);
    expect(await ptrs()).toEqual(['listed.example.']);
    const bad = await call('POST', 'servers/localhost/zones', { name: 'unlisted.example.', kind: 'Native', nameservers: ['ns1.unlisted.example.'], catalog: 'api-catalog.example.', rrsets: [rrset('www.unlisted.example.', 'A', ['999.1.1.1'])] });
    expect(bad.status).toBe(422);
    expect(await ptrs()).toEqual(['listed.example.']);
    expect((await call('POST', 'servers/localhost/zones', { name: 'x.example.', kind: 'Native', catalog: 7 })).json).toEqual({ error: "Key 'catalog' is not a String" });
  });

  it('deletes a zone with 204', async () => {
    await createZone('gone.example.');
    expect((await call('DELETE', 'servers/localhost/zones/gone.example')).status).toBe(204);
    expect((await call('GET', 'servers/localhost/zones/gone.example')).json).toEqual({ error: "Could not find domain 'gone.example.'" });
  });
});

describe('PATCH', () => {
  it('makes one change per request, by the key, with one serial bump: REPLACE, then DELETE', async () => {
    const zone = await createZone('patch.example.');
    const before = (await changesOf('patch.example.')).length;
    // external-dns sends the whole zone object around its rrsets: the rest is ignored.
    const replace = await call('PATCH', 'servers/localhost/zones/patch.example.', {
      ...zone,
      rrsets: [rrset('www.patch.example.', 'A', ['192.0.2.1', '192.0.2.2']), rrset('_acme-challenge.patch.example.', 'TXT', ['"token-1"'], 'replace', 120)],
    });
    expect(replace.status).toBe(204);
    let changes = await changesOf('patch.example.');
    expect(changes).toHaveLength(before + 1);
    expect(changes.at(-1)!.actor).toBe('api key deploy');
    let got = await call('GET', 'servers/localhost/zones/patch.example.');
    expect(got.json.serial).toBe(zone.serial + 1);
    expect(got.json.rrsets).toContainEqual(expect.objectContaining({ name: '_acme-challenge.patch.example.', type: 'TXT', ttl: 120, records: [{ content: '"token-1"', disabled: false }] }));

    const del = await call('PATCH', 'servers/localhost/zones/patch.example', {
      rrsets: [{ name: 'www.patch.example.', type: 'A', changetype: 'DELETE' }, rrset('_acme-challenge.patch.example.', 'TXT', [])],
    });
    expect(del.status).toBe(204);
    changes = await changesOf('patch.example.');
    expect(changes).toHaveLength(before + 2);
    expect(changes.at(-1)!.actor).toBe('api key deploy');
    got = await call('GET', 'servers/localhost/zones/patch.example.');
    expect(got.json.serial).toBe(zone.serial + 2);
    expect(got.json.rrsets.map((s: { type: string }) => s.type).sort()).toEqual(['NS', 'SOA']);

    // Deleting a set that is not there succeeds and changes nothing.
    const again = await call('PATCH', 'servers/localhost/zones/patch.example.', { rrsets: [{ name: 'www.patch.example.', type: 'A', changetype: 'DELETE' }] });
    expect(again.status).toBe(204);
    expect(await changesOf('patch.example.')).toHaveLength(before + 2);
  });

  it('refuses a name in content without its final dot, in PowerDNS words', async () => {
    await createZone('abs.example.');
    const r = await call('PATCH', 'servers/localhost/zones/abs.example.', { rrsets: [rrset('w.abs.example.', 'CNAME', ['target.example.net'])] });
    expect(r).toMatchObject({ status: 422, json: { error: "Record w.abs.example./CNAME 'target.example.net': Not in expected format (parsed as 'target.example.net.')" } });
    expect((await call('PATCH', 'servers/localhost/zones/abs.example.', { rrsets: [rrset('mail.abs.example.', 'MX', ['10 MX.abs.example.'])] })).status).toBe(204);
  });

  it('applies rrsets for the same set in order: the later one decides', async () => {
    await createZone('order.example.');
    const path = 'servers/localhost/zones/order.example.';
    const del = { name: 'w.order.example.', type: 'A', changetype: 'DELETE' };
    expect((await call('PATCH', path, { rrsets: [del, rrset('w.order.example.', 'A', ['192.0.2.7'])] })).status).toBe(204);
    let sets = (await call('GET', path)).json.rrsets;
    expect(sets).toContainEqual(expect.objectContaining({ name: 'w.order.example.', type: 'A', records: [{ content: '192.0.2.7', disabled: false }] }));
    expect((await call('PATCH', path, { rrsets: [rrset('w.order.example.', 'A', ['192.0.2.8']), del] })).status).toBe(204);
    sets = (await call('GET', path)).json.rrsets;
    expect(sets.some((x: { name: string }) => x.name === 'w.order.example.')).toBe(false);
    const twice = await call('PATCH', path, { rrsets: [del, del] });
    expect(twice).toMatchObject({ status: 422, json: { error: 'Duplicate RRset w.order.example. IN A with changetype: DELETE' } });
  });

  it('sets the SOA fields from a REPLACE of the apex SOA, its serial bumped by the zone policy, not taken', async () => {
    const zone = await createZone('soa-api.example.');
    const path = 'servers/localhost/zones/soa-api.example.';
    const soa = { name: 'soa-api.example.', type: 'SOA', changetype: 'REPLACE', ttl: 900, records: [{ content: 'ns1.soa-api.example. hostmaster.soa-api.example. 999999 7200 900 1209600 300', disabled: false }] };
    expect((await call('PATCH', path, { rrsets: [soa] })).status).toBe(204);
    const got = (await call('GET', path)).json;
    expect(got.serial).toBe(zone.serial + 1);
    expect(got.rrsets.find((s: { type: string }) => s.type === 'SOA')).toMatchObject({
      ttl: 900,
      records: [{ content: `ns1.soa-api.example. hostmaster.soa-api.example. ${zone.serial + 1} 7200 900 1209600 300`, disabled: false }],
    });
    expect((await call('PATCH', path, { rrsets: [{ ...soa, changetype: 'DELETE' }] })).status).toBe(422);
    expect((await call('PATCH', path, { rrsets: [{ name: 'w.soa-api.example.', type: 'A', changetype: 'REPLACE', ttl: 60 }] })).json).toEqual({ error: 'No change for RRset w.soa-api.example. IN A' });
    expect((await call('GET', path)).json.serial).toBe(zone.serial + 1);
  });

  it('refuses the whole request when one rrset is bad, and the zone is unchanged', async () => {
    const zone = await createZone('atomic-api.example.');
    const before = await call('GET', 'servers/localhost/zones/atomic-api.example.');
    const changes = (await changesOf('atomic-api.example.')).length;
    const bodies = [
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), rrset('bad.atomic-api.example.', 'A', ['999.1.1.1'])] },
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), rrset('out.example.org.', 'A', ['192.0.2.1'])] },
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), { name: 'x.atomic-api.example.', type: 'A', records: [] }] },
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), rrset('relative', 'A', ['192.0.2.1'])] },
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), rrset('a..atomic-api.example.', 'A', ['192.0.2.1'])] },
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), rrset('sp.atomic-api.example.', 'A', [' 192.0.2.1'])] },
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), rrset('atomic-api.example.', 'CAA', ['0 issue letsencrypt.org'])] },
      // Only the change service sees this one: a CNAME beside the A added in the same request.
      { rrsets: [rrset('ok.atomic-api.example.', 'A', ['192.0.2.1']), rrset('ok.atomic-api.example.', 'CNAME', ['x.example.net.'])] },
    ];
    for (const body of bodies) {
      const r = await call('PATCH', 'servers/localhost/zones/atomic-api.example.', body);
      expect([400, 422]).toContain(r.status);
      expect(typeof r.json.error).toBe('string');
    }
    const after = await call('GET', 'servers/localhost/zones/atomic-api.example.');
    expect(after.json.serial).toBe(zone.serial);
    expect(after.json.rrsets).toEqual(before.json.rrsets);
    expect(await changesOf('atomic-api.example.')).toHaveLength(changes);
  });

  it('refuses unquoted TXT content with 422, in PowerDNS words', async () => {
    await createZone('txt.example.');
    const r = await call('PATCH', 'servers/localhost/zones/txt.example.', { rrsets: [rrset('_x.txt.example.', 'TXT', ['hello'])] });
    expect(r.status).toBe(422);
    expect(r.json.error).toBe(`Record _x.txt.example./TXT 'hello': Not in expected format (parsed as '"hello"')`);
  });

  it('refuses malformed bodies (400), wrong types (422), a huge body (413) and more than 10,000 rrsets (422), storing nothing', async () => {
    const zone = await createZone('limits.example.');
    const changes = (await changesOf('limits.example.')).length;
    const path = 'servers/localhost/zones/limits.example.';
    expect((await call('PATCH', path, '{"rrsets": [')).status).toBe(400);
    expect((await call('PATCH', path, '[]')).status).toBe(400);
    // A key missing or of the wrong type is a 422 in PowerDNS, with these words.
    expect((await call('PATCH', path, { rrsets: 'www' })).json).toEqual({ error: 'No rrsets given in update request' });
    expect((await call('PATCH', path, { rrsets: [{ name: 5, type: 'A', changetype: 'DELETE' }] })).json).toEqual({ error: "Key 'name' not present or not a String" });
    const ttl = await call('PATCH', path, { rrsets: [{ ...rrset('w.limits.example.', 'A', ['192.0.2.1']), ttl: '300' }] });
    expect(ttl).toMatchObject({ status: 422, json: { error: "Key 'ttl' not an Integer or not present" } });
    expect((await call('PATCH', path, { rrsets: [{ name: 'w.limits.example.', type: 'A', records: [] }] })).status).toBe(422);
    const huge = await call('PATCH', path, JSON.stringify({ rrsets: [rrset('w.limits.example.', 'TXT', [`"${'x'.repeat(200)}"`])], pad: 'x'.repeat(11 * 1024 * 1024) }));
    expect(huge.status).toBe(413);
    const tooMany = await call('PATCH', path, { rrsets: Array.from({ length: 10_001 }, (_, i) => rrset(`h${i}.limits.example.`, 'A', ['192.0.2.1'])) });
    expect(tooMany.status).toBe(422);
    expect(tooMany.json.error).toMatch(/at most 10000 RRsets/);
    expect((await call('PATCH', path, { rrsets: [{ name: 'w.limits.example.', type: 'A', changetype: 'UPSERT' }] })).json).toEqual({ error: 'Changetype not understood' });
    expect((await call('GET', 'servers/localhost/zones/limits.example.')).json.serial).toBe(zone.serial);
    expect(await changesOf('limits.example.')).toHaveLength(changes);
  });
  // A PATCH of 10,000 rrsets took 40 s: the change service searched every record for each one added.
  it('applies 10,000 rrsets, the documented limit, as one change', async () => {
    const zone = await createZone('many.example.');
    const changes = (await changesOf('many.example.')).length;
    const rrsets = Array.from({ length: 10_000 }, (_, i) => rrset(`h${i}.many.example.`, 'TXT', [`"v${i}"`]));
    expect((await call('PATCH', 'servers/localhost/zones/many.example.', { rrsets })).status).toBe(204);
    const got = await call('GET', 'servers/localhost/zones/many.example.?rrsets=false');
    expect(got.json.serial).toBe(zone.serial + 1);
    expect(got.json.rrsets).toBeUndefined();
    expect(await changesOf('many.example.')).toHaveLength(changes + 1);
    expect((await getZone('many.example.'))!.records.filter((r) => r.type === 'TXT')).toHaveLength(10_000);
  }, 15_000);
});

describe('keys', () => {
  it('keeps a key for zone A out of zone B: not listed, not found, not changed, not created', async () => {
    await createZone('a-zone.example.');
    const b = await createZone('b-zone.example.');
    const keyA = keyWith('a-only', { zones: ['a-zone.example.'] });
    const list = await call('GET', 'servers/localhost/zones', undefined, keyA);
    expect(list.json.map((z: { name: string }) => z.name)).toEqual(['a-zone.example.']);
    // Statistics count the key's zones only.
    const stats = (await call('GET', 'servers/localhost/statistics', undefined, keyA)).json as { name: string; value: string }[];
    expect(stats.map((i) => `${i.name}=${i.value}`)).toEqual(['zones=1', 'primary-zones=1', 'secondary-zones=0']);
    expect((await call('GET', 'servers/localhost/zones?zone=b-zone.example.', undefined, keyA)).json).toEqual([]);
    expect((await call('GET', 'servers/localhost/zones/b-zone.example.', undefined, keyA)).status).toBe(404);
    expect((await call('PATCH', 'servers/localhost/zones/b-zone.example.', { rrsets: [rrset('w.b-zone.example.', 'A', ['192.0.2.1'])] }, keyA)).status).toBe(404);
    expect((await call('DELETE', 'servers/localhost/zones/b-zone.example.', undefined, keyA)).status).toBe(404);
    expect((await call('POST', 'servers/localhost/zones', { name: 'c-zone.example.', kind: 'Native', nameservers: [] }, keyA)).status).toBe(403);
    expect((await call('GET', 'servers/localhost/zones/b-zone.example.')).json.serial).toBe(b.serial);
    expect(await getZone('c-zone.example.')).toBeNull();
    expect((await call('PATCH', 'servers/localhost/zones/a-zone.example.', { rrsets: [rrset('w.a-zone.example.', 'A', ['192.0.2.1'])] }, keyA)).status).toBe(204);
  });

  it('lets an ACME key change its TXT records and nothing else', async () => {
    const zone = await createZone('acme.example.');
    const acme = keyWith('acme', { zones: ['acme.example.'], names: ['_acme-challenge.*.'], types: ['TXT'] });
    const path = 'servers/localhost/zones/acme.example.';
    expect((await call('PATCH', path, { rrsets: [rrset('_acme-challenge.acme.example.', 'TXT', ['"token"'])] }, acme)).status).toBe(204);
    const a = await call('PATCH', path, { rrsets: [rrset('_acme-challenge.acme.example.', 'TXT', ['"t2"']), rrset('www.acme.example.', 'A', ['192.0.2.1'])] }, acme);
    expect(a.status).toBe(403);
    expect(a.json.error).toMatch(/may change only _acme-challenge\.\*\./);
    const aAtAcme = await call('PATCH', path, { rrsets: [rrset('_acme-challenge.acme.example.', 'A', ['192.0.2.1'])] }, acme);
    expect(aAtAcme.status).toBe(403);
    expect(aAtAcme.json.error).toMatch(/only TXT records/);
    expect((await call('DELETE', path, undefined, acme)).status).toBe(403);
    expect((await call('POST', 'servers/localhost/zones', { name: 'acme2.example.', kind: 'Native' }, acme)).status).toBe(403);
    const got = await call('GET', path, undefined, acme);
    expect(got.json.serial).toBe(zone.serial + 1);
    expect(got.json.rrsets).toContainEqual(expect.objectContaining({ name: '_acme-challenge.acme.example.', records: [{ content: '"token"', disabled: false }] }));
    expect(got.json.rrsets.some((s: { name: string }) => s.name === 'www.acme.example.')).toBe(false);
  });

  it('lets a read-only key read, and nothing more', async () => {
    const zone = await createZone('ro.example.');
    const ro = keyWith('reader', { readOnly: true });
    const path = 'servers/localhost/zones/ro.example.';
    expect((await call('GET', path, undefined, ro)).status).toBe(200);
    const patch = await call('PATCH', path, { rrsets: [rrset('w.ro.example.', 'A', ['192.0.2.1'])] }, ro);
    expect(patch).toMatchObject({ status: 403, json: { error: 'API key reader is read-only' } });
    expect((await call('POST', 'servers/localhost/zones', { name: 'ro2.example.', kind: 'Native' }, ro)).status).toBe(403);
    expect((await call('DELETE', path, undefined, ro)).status).toBe(403);
    expect((await call('PUT', `${path}/notify`, undefined, ro)).status).toBe(403);
    expect((await call('GET', path)).json.serial).toBe(zone.serial);
  });
});

describe('notify and retrieve', () => {
  it('answers NOTIFY of a primary with 200 even with no worker running, and refuses retrieval of a primary', async () => {
    await createZone('notify.example.');
    const n = await call('PUT', 'servers/localhost/zones/notify.example./notify');
    expect(n.status).toBe(200);
    expect(typeof n.json.result).toBe('string');
    const r = await call('PUT', 'servers/localhost/zones/notify.example./axfr-retrieve');
    expect(r.status).toBe(422);
    expect((await call('GET', 'servers/localhost/zones/notify.example./notify')).status).toBe(405);
  });

  it('creates a secondary zone from kind Slave with its masters, and retrieves it only through a running worker', async () => {
    const created = await call('POST', 'servers/localhost/zones', { name: 'sec.example.', kind: 'Slave', masters: ['192.0.2.53'], nameservers: [] });
    expect(created.status).toBe(201);
    expect(created.json).toMatchObject({ kind: 'Slave', masters: ['192.0.2.53'] });
    // No worker listens in tests: the client is told, rather than promised a transfer.
    const r = await call('PUT', 'servers/localhost/zones/sec.example./axfr-retrieve');
    expect(r.status).toBe(503);
    expect(r.json.error).toMatch(/worker is not reachable/);
    const patch = await call('PATCH', 'servers/localhost/zones/sec.example.', { rrsets: [rrset('w.sec.example.', 'A', ['192.0.2.1'])] });
    expect(patch.status).toBe(422);
    expect(patch.json.error).toMatch(/secondary zone/);
  });
});

describe('DELETE of a zone', () => {
  it('keeps a snapshot to restore from, and is refused with 409 while a second admin must confirm deletions', async () => {
    const { setSetting } = await import('../settings/mutations');
    const { listDeletedZones } = await import('../zones/deleted-zones');
    await createZone('api-del.example.');
    await setSetting('zoneDeletion', { requireSecondAdmin: true });
    try {
      const refused = await call('DELETE', 'servers/localhost/zones/api-del.example.');
      expect(refused.status).toBe(409);
      expect(refused.json).toEqual({ error: expect.stringMatching(/needs a second admin/) });
      expect(await getZone('api-del.example.')).not.toBeNull();
    } finally {
      await setSetting('zoneDeletion', { requireSecondAdmin: false });
    }
    expect((await call('DELETE', 'servers/localhost/zones/api-del.example.')).status).toBe(204);
    expect((await listDeletedZones()).find((d) => d.name === 'api-del.example.')?.deletedBy).toBe('api key deploy');
  });
});
