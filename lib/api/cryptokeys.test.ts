// GET …/zones/{id}/cryptokeys as PowerDNS 4.7 answers it: a signed zone's
// keys with their DNSKEY and DS, never a private key; [] for a zone that is
// not signed; a key of another zone gets 404, as for the zone itself (the
// route refuses a request without a key before this, api-keys.test.ts).
import { describe, expect, it } from 'vitest';
import { callApi, keyWith } from '../testing/api-requests';
import { createZone } from '../zones/zone-lifecycle';
import { enableSigning } from '../zones/zone-signing';

const admin = keyWith('deploy');

describe('GET …/cryptokeys', () => {
  it('lists a signed zone’s keys, public halves and DS only, and marks the zone dnssec', async () => {
    await createZone({ name: 'keys.example', nameservers: ['ns1.keys.example.'] }, { name: 'test' });
    const before = await callApi('GET', 'servers/localhost/zones/keys.example./cryptokeys', undefined, admin);
    expect(before).toMatchObject({ status: 200, json: [] });
    expect((await callApi('GET', 'servers/localhost/zones/keys.example.', undefined, admin)).json).toMatchObject({ dnssec: false, nsec3param: '' });

    await enableSigning('keys.example', {}, { name: 'test' });
    const r = await callApi('GET', 'servers/localhost/zones/keys.example./cryptokeys', undefined, admin);
    expect(r.status).toBe(200);
    const keys = r.json as Record<string, unknown>[];
    expect(keys.map((k) => k.keytype).sort()).toEqual(['ksk', 'zsk']);
    const ksk = keys.find((k) => k.keytype === 'ksk')!;
    expect(ksk).toMatchObject({ type: 'Cryptokey', active: true, published: true, algorithm: 'ECDSAP256SHA256', bits: 256 });
    expect(String(ksk.dnskey)).toMatch(/^257 3 13 [A-Za-z0-9+/=]+$/);
    expect((ksk.ds as string[])[0]).toMatch(/^\d+ 13 2 [0-9A-F]{64}$/);
    expect(keys.find((k) => k.keytype === 'zsk')).not.toHaveProperty('ds');
    expect(JSON.stringify(keys)).not.toMatch(/private/i);
    const zone = (await callApi('GET', 'servers/localhost/zones/keys.example.', undefined, admin)).json;
    expect(zone).toMatchObject({ dnssec: true, nsec3param: '1 0 0 -' });
    // The signer's records are not the owner's to manage through the API, as on a PowerDNS zone it signs.
    expect((zone.rrsets as { type: string }[]).map((s) => s.type).filter((t) => ['RRSIG', 'NSEC3', 'DNSKEY', 'CDS'].includes(t))).toEqual([]);
  });

  it('answers 404 to a key of another zone and 405 to a write', async () => {
    await createZone({ name: 'other-keys.example', nameservers: ['ns1.other-keys.example.'] }, { name: 'test' });
    const elsewhere = keyWith('other', { zones: ['other-keys.example.'] });
    expect((await callApi('GET', 'servers/localhost/zones/keys.example./cryptokeys', undefined, elsewhere)).status).toBe(404);
    expect((await callApi('POST', 'servers/localhost/zones/keys.example./cryptokeys', {}, admin)).status).toBe(405);
  });
});
