// The global search against a real database: each kind of search, and that
// nobody finds records of zones they may not read.
import { beforeAll, describe, expect, it } from 'vitest';
import type { SessionUser } from '../auth/permission';
import { createUser, grantZone } from '../auth/users';
import { applyChangeset } from '../zones/changes';
import { createZone } from '../zones/zone-lifecycle';
import { searchAll, type SearchRecord } from './data';

const actor = { name: 'tester' };
type Who = Pick<SessionUser, 'id' | 'role'>;
const admin: Who = { id: 0, role: 'admin' };
let editor: Who;
let viewer: Who;
let outsider: Who;

const shown = (rs: SearchRecord[]) => rs.map((r) => `${r.zone} ${r.name} ${r.type} ${r.content}`).sort();

async function zone(name: string, add: { name: string; type: string; content: string }[]): Promise<void> {
  const { serial } = await createZone({ name, nameservers: ['ns1.hoster.test.'] }, actor);
  if (add.length) await applyChangeset(name, { add: add.map((r) => ({ ...r, ttl: 300 })), expectedSerial: serial }, actor);
}

beforeAll(async () => {
  await zone('shop.test', [
    { name: 'www', type: 'A', content: '192.0.2.10' },
    { name: 'www', type: 'AAAA', content: '2001:db8::10' },
    { name: 'www-old', type: 'CNAME', content: 'www.shop.test.' },
    { name: '@', type: 'MX', content: '10 mx.mailhost.test.' },
    { name: '_sip._tcp', type: 'SRV', content: '10 5 5060 sip.mailhost.test.' },
  ]);
  await zone('secret.test', [
    { name: 'www', type: 'A', content: '192.0.2.10' },
    { name: 'alias', type: 'CNAME', content: 'www.shop.test.' },
  ]);
  await zone('2.0.192.in-addr.arpa', [{ name: '10', type: 'PTR', content: 'www.shop.test.' }]);
  await zone('8.b.d.0.1.0.0.2.ip6.arpa', [{ name: '0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0', type: 'PTR', content: 'www.shop.test.' }]);
  editor = await createUser('search-editor', 'a-long-password-1', 'editor');
  viewer = await createUser('search-viewer', 'a-long-password-1', 'viewer');
  outsider = await createUser('search-outsider', 'a-long-password-1', 'editor');
  await grantZone('search-editor', 'shop.test');
});

describe('searchAll', () => {
  it('finds zones by any part of their name', async () => {
    const r = await searchAll(admin, 'in-addr');
    expect(r.zones.items.map((z) => z.name)).toEqual(['2.0.192.in-addr.arpa.']);
    expect((await searchAll(admin, 'SHOP.test.')).zones.items.map((z) => z.name)).toEqual(['shop.test.']);
  });

  it('finds records by owner name, exactly with a trailing dot, by its start without', async () => {
    expect(shown((await searchAll(admin, 'www.shop.test.')).byName.items)).toEqual([
      'shop.test. www.shop.test. A 192.0.2.10',
      'shop.test. www.shop.test. AAAA 2001:db8::10',
    ]);
    const started = shown((await searchAll(admin, 'www')).byName.items);
    expect(started).toContain('shop.test. www-old.shop.test. CNAME www.shop.test.');
    expect(started).toContain('secret.test. www.secret.test. A 192.0.2.10');
    // Owner names are matched from their start only: the text inside a name is not a match.
    expect((await searchAll(admin, 'shop.test')).byName.items.every((x) => x.name.startsWith('shop.test.'))).toBe(true);
  });

  it('finds by an IPv4 address its A records in every zone and the PTR at its reverse name', async () => {
    const r = await searchAll(admin, '192.0.2.010');
    expect(shown(r.byContent.items)).toEqual([
      '2.0.192.in-addr.arpa. 10.2.0.192.in-addr.arpa. PTR www.shop.test.',
      'secret.test. www.secret.test. A 192.0.2.10',
      'shop.test. www.shop.test. A 192.0.2.10',
    ]);
    expect(r.byContent.total).toBe(3);
    expect(r.byName.items).toEqual([]);
  });

  it('finds by an IPv6 address, however it is written, its AAAA record and its PTR', async () => {
    const r = await searchAll(admin, '2001:0DB8:0000::0010');
    expect(shown(r.byContent.items)).toEqual([
      '8.b.d.0.1.0.0.2.ip6.arpa. 0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR www.shop.test.',
      'shop.test. www.shop.test. AAAA 2001:db8::10',
    ]);
  });

  it('finds by a host name the CNAME, PTR, MX and SRV records pointing at it', async () => {
    expect(shown((await searchAll(admin, 'WWW.shop.test')).byContent.items)).toEqual([
      '2.0.192.in-addr.arpa. 10.2.0.192.in-addr.arpa. PTR www.shop.test.',
      '8.b.d.0.1.0.0.2.ip6.arpa. 0.1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa. PTR www.shop.test.',
      'secret.test. alias.secret.test. CNAME www.shop.test.',
      'shop.test. www-old.shop.test. CNAME www.shop.test.',
    ]);
    expect(shown((await searchAll(admin, 'mx.mailhost.test')).byContent.items)).toEqual(['shop.test. shop.test. MX 10 mx.mailhost.test.']);
    expect(shown((await searchAll(admin, 'sip.mailhost.test')).byContent.items)).toEqual(['shop.test. _sip._tcp.shop.test. SRV 10 5 5060 sip.mailhost.test.']);
    expect((await searchAll(admin, 'ns1.hoster.test')).byContent.total).toBe(4);
  });

  it('shows an editor only the zones granted to them, and their records', async () => {
    const byIp = await searchAll(editor, '192.0.2.10');
    expect(shown(byIp.byContent.items)).toEqual(['shop.test. www.shop.test. A 192.0.2.10']);
    expect(byIp.byContent.total).toBe(1);
    expect(shown((await searchAll(editor, 'www.shop.test')).byContent.items)).toEqual(['shop.test. www-old.shop.test. CNAME www.shop.test.']);
    expect((await searchAll(editor, 'www')).byName.items.map((x) => x.zone)).not.toContain('secret.test.');
    expect((await searchAll(editor, 'test')).zones.items.map((z) => z.name)).toEqual(['shop.test.']);
  });

  it('lets a viewer find what every zone holds', async () => {
    expect((await searchAll(viewer, '192.0.2.10')).byContent.total).toBe(3);
    expect((await searchAll(viewer, 'secret')).zones.items.map((z) => z.name)).toEqual(['secret.test.']);
  });

  it('finds nothing for an editor granted no zone', async () => {
    const r = await searchAll(outsider, 'www');
    expect([r.zones.total, r.byName.total, r.byContent.total]).toEqual([0, 0, 0]);
  });

  it('caps each group and says how many match', async () => {
    const r = await searchAll(admin, 'www', { limit: 2 });
    expect(r.byName.items).toHaveLength(2);
    expect(r.byName.total).toBe(4);
  });
});
