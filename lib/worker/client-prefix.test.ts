// Who counts as one client: the prefix numbers RRL keys its buckets by, and the
// CIDR text the TCP per-client cap counts connections by.
import { describe, expect, it } from 'vitest';
import { prefixNumber, prefixText } from './client-prefix';
import { tcpClient } from './tcp';

describe('prefixNumber', () => {
  it('masks IPv4 addresses exactly', () => {
    expect(prefixNumber('192.0.2.77', 24, 56)).toBe(0xc0000200);
    expect(prefixNumber('192.0.2.77', 32, 56)).toBe(0xc000024d);
    expect(prefixNumber('192.0.2.77', 8, 56)).toBe(0xc0000000);
    expect(prefixNumber('255.255.255.255', 32, 56)).toBe(0xffffffff);
    expect(prefixNumber('::ffff:192.0.2.1', 24, 56)).toBe(prefixNumber('192.0.2.200', 24, 56));
  });

  it('groups IPv6 addresses by prefix, apart from IPv4', () => {
    const a = prefixNumber('2001:db8:0:100::1', 24, 56);
    expect(a).toBeGreaterThanOrEqual(2 ** 32);
    expect(prefixNumber('2001:db8:0:1ff:ffff::2', 24, 56)).toBe(a);
    expect(prefixNumber('2001:db8:0:200::1', 24, 56)).not.toBe(a);
    expect(prefixNumber('2001:db8:0:100::1', 24, 64)).not.toBe(prefixNumber('2001:db8:0:101::1', 24, 64));
    expect(prefixNumber('2001:db8:ffff::1', 24, 32)).toBe(prefixNumber('2001:db8::1', 24, 32));
  });

  it.each(['', 'localhost', '1.2.3', '1.2.3.4.5', '256.1.1.1', '1..2.3', '::g'])('returns -1 for %j', (bad) => {
    expect(prefixNumber(bad, 24, 56)).toBe(-1);
  });
});

describe('prefixText and the TCP client', () => {
  it('writes the prefix in CIDR notation', () => {
    expect(prefixText('192.0.2.77', 24, 56)).toBe('192.0.2.0/24');
    expect(prefixText('2001:db8:0:1ab::9', 24, 56)).toBe('2001:db8:0:100::/56');
  });

  it('counts an IPv4 address, or an IPv6 /64, as one TCP client', () => {
    expect(tcpClient('192.0.2.77')).toBe('192.0.2.77/32');
    expect(tcpClient('::ffff:192.0.2.77')).toBe('192.0.2.77/32');
    expect(tcpClient('2001:db8:0:1:aaaa::1')).toBe(tcpClient('2001:db8:0:1:bbbb::2'));
    expect(tcpClient('2001:db8:0:1::1')).not.toBe(tcpClient('2001:db8:0:2::1'));
  });
});
