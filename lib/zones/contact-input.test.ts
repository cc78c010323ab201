// A zone's contact is read by one rule (lib/dns/contact.ts) on every way in:
// the new zone, the zone defaults and the SOA edit. Before, each split on '@'
// itself: "a@b@example.com" was stored as a.b., and the SOA edit took a
// mailbox only after the browser had turned it into an RNAME.
import { describe, expect, it } from 'vitest';
import { expectAppError } from '../testing/app-error';
import { saveZoneDefaults } from '../settings/mutations';
import { getSetting } from '../settings/data';
import { applyChangeset } from './changes';
import { getZone } from './data';
import { createZone } from './zone-lifecycle';

const NOT_ONE_MAILBOX = '"a@b@example.com" is not a mailbox; write it like hostmaster@example.com';
const actor = { name: 'tester' };

describe('a zone contact on every way in', () => {
  it('a new zone refuses two @ and stores a mailbox as its RNAME', async () => {
    const err = await expectAppError(createZone({ name: 'two-at.example', contact: 'a@b@example.com' }, actor), 'invalid');
    expect(err.fieldErrors.contact).toEqual([NOT_ONE_MAILBOX]);
    expect(await getZone('two-at.example')).toBeNull();
    await createZone({ name: 'mailbox.example', contact: 'NOC@Example.org' }, actor);
    expect((await getZone('mailbox.example'))?.soa.rname).toBe('noc.example.org.');
  });

  it('the zone defaults refuse the same contact with the same message, and keep what was saved', async () => {
    const before = await getSetting('zoneDefaults');
    const err = await expectAppError(saveZoneDefaults({ ...before, contact: 'a@b@example.com' }), 'invalid');
    expect(err.fieldErrors.contact).toEqual([NOT_ONE_MAILBOX]);
    expect(await getSetting('zoneDefaults')).toEqual(before);
  });

  it('an SOA edit takes a mailbox as the contact, and refuses two @', async () => {
    await createZone({ name: 'soa-contact.example', nameservers: ['ns1.soa-contact.example.'] }, actor);
    const zone = (await getZone('soa-contact.example'))!;
    const soa = { mname: zone.soa.mname, rname: 'dns@example.net', refresh: 3600, retry: 600, expire: 86400, minimum: 300, ttl: 3600 };
    await applyChangeset('soa-contact.example', { soa }, actor);
    expect((await getZone('soa-contact.example'))?.soa.rname).toBe('dns.example.net.');
    const err = await expectAppError(applyChangeset('soa-contact.example', { soa: { ...soa, rname: 'a@b@example.com' } }, actor), 'invalid');
    expect(err.fieldErrors.rname).toEqual([NOT_ONE_MAILBOX]);
    expect((await getZone('soa-contact.example'))?.soa.rname).toBe('dns.example.net.');
  });
});
