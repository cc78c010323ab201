// Saving the zone template: entries are checked and stored canonical, a bad
// one is named in its field, and new zones take what was saved.
import { describe, expect, it } from 'vitest';
import { getZone } from '../zones/data';
import { AppError } from '../errors';
import { createZone } from '../zones/zone-lifecycle';
import { getSetting } from './data';
import { saveSecondaryZonesSettings, saveZoneDefaults } from './mutations';

const base = {
  nameservers: [] as string[],
  contact: '',
  defaultTtl: 3600,
  serialPolicy: 'increment',
  refresh: 10800,
  retry: 3600,
  expire: 1209600,
  minimum: 3600,
  allowTransfer: [] as string[],
  alsoNotify: [] as string[],
};

describe('saveZoneDefaults', () => {
  it('stores canonical lists, and the next zone gets them', async () => {
    await saveZoneDefaults({
      ...base,
      nameservers: ['NS1.Example.NET.', 'ns2'],
      contact: 'dns@example.net',
      defaultTtl: 900,
      allowTransfer: ['192.0.2.0/24', '2001:DB8::1'],
      alsoNotify: ['192.0.2.9', '[2001:db8::2]:5300'],
    });
    const d = await getSetting('zoneDefaults');
    expect(d).toMatchObject({
      nameservers: ['ns1.example.net.', 'ns2'],
      defaultTtl: 900,
      allowTransfer: ['192.0.2.0/24', '2001:db8::1/128'],
      alsoNotify: ['192.0.2.9:53', '[2001:db8::2]:5300'],
    });
    await createZone({ name: 'templated.example' }, { name: 'test' });
    const z = await getZone('templated.example');
    expect(z?.defaultTtl).toBe(900);
    expect(z?.records.filter((r) => r.type === 'NS').map((r) => `${r.content} ${r.ttl}`)).toEqual(['ns1.example.net. 900', 'ns2.templated.example. 900']);
    expect(z?.soa.rname).toBe('dns.example.net.');
    expect(z?.allowTransfer).toEqual(['192.0.2.0/24', '2001:db8::1/128']);
  });

  it('names each bad entry in its field and saves nothing', async () => {
    const before = await getSetting('zoneDefaults');
    const err = await saveZoneDefaults({
      ...base,
      nameservers: ['bad..name.'],
      contact: 'a.b@example.net',
      allowTransfer: ['192.0.2.0/33'],
      alsoNotify: ['not-an-ip', '192.0.2.1:0'],
    }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    const fe = (err as AppError).fieldErrors;
    expect(fe.nameservers?.[0]).toMatch(/bad\.\.name/);
    expect(fe.contact?.[0]).toMatch(/without dots/);
    expect(fe.allowTransfer?.[0]).toMatch(/192\.0\.2\.0\/33/);
    expect(fe.alsoNotify).toEqual([
      '"not-an-ip" is not an IP address; use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53',
      '"192.0.2.1:0": the port must be a whole number from 1 to 65535',
    ]);
    expect(await getSetting('zoneDefaults')).toEqual(before);
  });
});

describe('saveSecondaryZonesSettings', () => {
  it('stores the ranges editors may take primaries from canonical, and names a bad one without saving', async () => {
    expect(await getSetting('secondaryZones')).toEqual({ editorPrimaryRanges: [] });
    await saveSecondaryZonesSettings({ editorPrimaryRanges: ['192.0.2.0/24', '2001:DB8::/32', '198.51.100.7', '192.0.2.0/24'] });
    expect(await getSetting('secondaryZones')).toEqual({ editorPrimaryRanges: ['192.0.2.0/24', '2001:db8::/32', '198.51.100.7/32'] });
    const err = await saveSecondaryZonesSettings({ editorPrimaryRanges: ['10.0.0.0/8', 'example.com'] }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(AppError);
    expect((err as AppError).fieldErrors.editorPrimaryRanges).toEqual(['"example.com" is not an address range like 192.0.2.0/24 or 2001:db8::/32']);
    expect((await getSetting('secondaryZones')).editorPrimaryRanges).toHaveLength(3);
  });
});
