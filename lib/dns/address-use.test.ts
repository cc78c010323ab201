import { describe, expect, it } from 'vitest';
import { addressUse, addressWarning, isPublicZoneName } from './address-use';

describe('addressUse', () => {
  it.each([
    ['10.1.2.3', 'private', 'RFC 1918'],
    ['172.31.255.1', 'private', 'RFC 1918'],
    ['192.168.1.1', 'private', 'RFC 1918'],
    ['100.64.0.1', 'private', 'RFC 6598 shared address space'],
    ['127.0.0.1', 'private', 'loopback, RFC 1122'],
    ['169.254.10.1', 'private', 'link-local, RFC 3927'],
    ['fe80::1', 'private', 'link-local, RFC 4291'],
    ['fd12:3456::1', 'private', 'unique local, RFC 4193'],
    ['192.0.2.1', 'documentation', 'RFC 5737'],
    ['198.51.100.7', 'documentation', 'RFC 5737'],
    ['203.0.113.200', 'documentation', 'RFC 5737'],
    ['2001:db8::53', 'documentation', 'RFC 3849'],
  ])('%s is %s (%s)', (address, kind, rfc) => {
    expect(addressUse(address)).toMatchObject({ kind, rfc });
  });

  it.each(['8.8.8.8', '172.32.0.1', '100.128.0.1', '2a00:1450::1', 'not an address'])('%s is not set aside', (address) => {
    expect(addressUse(address)).toBeNull();
  });
});

describe('isPublicZoneName', () => {
  it.each(['example.com.', 'corp.example.', 'lab.home.arpa.', 'printer.local.', 'a.internal.', 'x.test.', 'host.lan.', '168.192.in-addr.arpa.', '10.in-addr.arpa.', '2.0.192.in-addr.arpa.', 'd.f.ip6.arpa.'])(
    '%s is not public',
    (zone) => expect(isPublicZoneName(zone)).toBe(false),
  );
  it.each(['example.de.', 'zonekeeper.io.', 'examples.com.', '8.8.8.in-addr.arpa.', '192.in-addr.arpa.', 'arpa.'])('%s is public', (zone) => expect(isPublicZoneName(zone)).toBe(true));
});

describe('addressWarning', () => {
  it('warns for a private or documentation address in a public zone only', () => {
    expect(addressWarning('shop.de.', 'db.shop.de.', '10.0.0.5')).toMatch(/db\.shop\.de\. gets a private address \(10\.0\.0\.0\/8, RFC 1918\).*public zone shop\.de\./);
    expect(addressWarning('shop.de.', 'www.shop.de.', '2001:db8::1')).toMatch(/a documentation address \(2001:db8::\/32, RFC 3849\)/);
    expect(addressWarning('shop.de.', 'www.shop.de.', '93.184.216.34')).toBeNull();
    expect(addressWarning('office.internal.', 'db.office.internal.', '10.0.0.5')).toBeNull();
  });
});
