import { describe, expect, it } from 'vitest';
import { looksLikePrefix, ReversePrefixError, reverseNameOf, reverseZoneForPrefix } from './reverse';

describe('reverseZoneForPrefix', () => {
  it.each([
    ['192.0.2.0/24', '2.0.192.in-addr.arpa.'],
    ['10.0.0.0/8', '10.in-addr.arpa.'],
    ['172.16.0.0/16', '16.172.in-addr.arpa.'],
    ['2001:db8::/48', '0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
  ])('%s → %s', (prefix, zone) => {
    expect(reverseZoneForPrefix(prefix)).toBe(zone);
  });

  it('names the nibbles of a /52', () => {
    expect(reverseZoneForPrefix('2001:db8:0:1000::/52')).toBe('1.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.');
  });

  it.each([
    ['192.0.2.0/25', /\/8, \/16 or \/24/],
    ['192.0.2.0/32', /\/8, \/16 or \/24/],
    ['2001:db8::/50', /multiple of 4/],
    ['192.0.2.1/24', /host bits.*192\.0\.2\.0\/24/],
    ['2001:db8:abcd::/32', /host bits.*2001:db8::\/32/],
    ['not/24', /not an address prefix/],
  ])('refuses %s with a reason', (prefix, message) => {
    expect(() => reverseZoneForPrefix(prefix)).toThrow(message);
  });

  it('tells prefixes from names', () => {
    expect(looksLikePrefix('192.0.2.0/24')).toBe(true);
    expect(looksLikePrefix('2001:db8::/48')).toBe(true);
    expect(looksLikePrefix('example.com')).toBe(false);
  });
});

describe('reverseNameOf', () => {
  it.each([
    ['192.0.2.1', '1.2.0.192.in-addr.arpa.'],
    ['2001:db8::1', '1.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.0.8.b.d.0.1.0.0.2.ip6.arpa.'],
  ])('%s → %s', (address, name) => {
    expect(reverseNameOf(address)).toBe(name);
  });

  it('refuses what is not an address', () => {
    expect(() => reverseNameOf('www.example.com')).toThrow(ReversePrefixError);
  });
});
