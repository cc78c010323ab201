// New zones from the admin's template, reverse zones from prefixes, editors'
// grants, and the paged zone list: against a real SQLite database.
import { describe, expect, it } from 'vitest';
import { db } from '../db';
import { createUser } from '../auth/users';
import { visibleZoneWhere, zoneRights } from '../auth/zone-access';
import { setSetting } from '../settings/mutations';
import { getZone, listZonesPage } from './data';
import { AppError } from '../errors';
import { createZone } from './zone-lifecycle';

describe('new zones', () => {
  it('take NS hosts, contact, TTL, SOA timers and transfer lists from the zone template', async () => {
    await setSetting('zoneDefaults', {
      nameservers: ['ns1.dns-provider.test.', 'ns2.dns-provider.test.'],
      contact: 'noc@dns-provider.test',
      defaultTtl: 900,
      refresh: 7200,
      retry: 600,
      expire: 604800,
      minimum: 300,
      allowTransfer: ['192.0.2.0/24'],
      alsoNotify: ['192.0.2.53:5300'],
    });
    try {
      await createZone({ name: 'templated.example' }, { name: 'tester' });
      const z = await getZone('templated.example');
      expect(z?.records.map((r) => `${r.type} ${r.ttl} ${r.content}`)).toEqual([
        `SOA 900 ns1.dns-provider.test. noc.dns-provider.test. ${z!.serial} 7200 600 604800 300`,
        'NS 900 ns1.dns-provider.test.',
        'NS 900 ns2.dns-provider.test.',
      ]);
      expect(z?.allowTransfer).toEqual(['192.0.2.0/24']);
      expect(z?.alsoNotify).toEqual(['192.0.2.53:5300']);

      // What the form gives explicitly wins over the template.
      await createZone({ name: 'explicit.example', nameservers: ['ns.explicit.example.'], defaultTtl: 60 }, { name: 'tester' });
      const e = await getZone('explicit.example');
      expect(e?.records.filter((r) => r.type === 'NS').map((r) => `${r.ttl} ${r.content}`)).toEqual(['60 ns.explicit.example.']);
    } finally {
      await db().setting.deleteMany();
    }
  });

  it('refuses a template that is not valid, keeping the old one', async () => {
    const err = await setSetting('zoneDefaults', { defaultTtl: -5 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fieldErrors.defaultTtl).toBeDefined();
    expect(await db().setting.count()).toBe(0);
  });

  it('are made from an address prefix as the matching reverse zone', async () => {
    const v4 = await createZone({ name: '198.51.100.0/24', nameservers: ['ns1.example.net.'] }, { name: 'tester' });
    expect(v4.name).toBe('100.51.198.in-addr.arpa.');
    const v6 = await createZone({ name: '2001:db8:42::/48', nameservers: ['ns1.example.net.'] }, { name: 'tester' });
    expect(v6.name).toBe('2.4.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
    const bad = await createZone({ name: '198.51.100.0/26' }, { name: 'tester' }).catch((e: unknown) => e);
    expect((bad as AppError).fieldErrors.name?.[0]).toMatch(/\/8, \/16 or \/24/);
  });
});

describe('zone access', () => {
  it('limits an editor to the zones granted, and grants an editor the zones they create', async () => {
    const editor = await createUser('ed-access', 'password-1', 'editor');
    const viewer = await createUser('view-access', 'password-1', 'viewer');
    await createZone({ name: 'not-granted.example' }, { name: 'admin' });
    await createZone({ name: 'own.example' }, { userId: editor.id, name: editor.name });

    expect(await zoneRights(editor, 'own.example')).toMatchObject({ read: true, write: true });
    expect(await zoneRights(editor, 'not-granted.example')).toMatchObject({ read: false, write: false });
    expect(await zoneRights(viewer, 'not-granted.example')).toMatchObject({ read: true, write: false });
    expect(await zoneRights(editor, 'no-such-zone.example')).toEqual({ read: false, request: false, write: false });

    const listed = await listZonesPage({ visible: visibleZoneWhere(editor) });
    expect(listed.zones.map((z) => z.name)).toEqual(['own.example.']);
    expect(visibleZoneWhere(viewer)).toEqual({});
  });
});

describe('listZonesPage', () => {
  it('filters, sorts and pages in the database and counts the whole match', async () => {
    for (let i = 0; i < 7; i++) {
      await createZone({ name: `page${i}.list.test`, serialPolicy: i === 4 ? 'unixtime' : 'increment' }, { name: 'tester' });
    }
    await createZone({ name: 'sec.list.test', kind: 'secondary', primaries: ['192.0.2.1'] }, { name: 'tester' });

    const first = await listZonesPage({ query: '.LIST.test.', pageSize: 3 });
    expect(first.total).toBe(8);
    expect(first.pages).toBe(3);
    expect(first.zones.map((z) => z.name)).toEqual(['page0.list.test.', 'page1.list.test.', 'page2.list.test.']);
    expect(first.zones[0]!.recordCount).toBe(2); // SOA + NS

    const last = await listZonesPage({ query: 'list.test', pageSize: 3, page: 99 });
    expect(last.page).toBe(3);
    expect(last.zones.map((z) => z.name)).toEqual(['page6.list.test.', 'sec.list.test.']);

    const secondaries = await listZonesPage({ query: 'list.test', kind: 'secondary' });
    expect(secondaries.zones.map((z) => z.name)).toEqual(['sec.list.test.']);

    const bySerialDesc = await listZonesPage({ query: 'list.test', kind: 'primary', sort: 'serial', desc: true, pageSize: 100 });
    expect(bySerialDesc.zones[0]!.name).toBe('page4.list.test.');
    const byName = await listZonesPage({ query: 'list.test', kind: 'primary', pageSize: 100 });
    expect(byName.zones[0]!.name).toBe('page0.list.test.');
  });
});
