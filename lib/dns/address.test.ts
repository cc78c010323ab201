// Addresses as people type them: what is taken, how it is written back, and
// what the refusal says.
import { describe, expect, it } from 'vitest';
import { addressAllowed, canonicalIp, formatHostPort, parseAddressPort, parsePort, parseRange, splitHostPort, storedAddressPorts } from './address';

describe('parseAddressPort', () => {
  it.each([
    ['192.0.2.1', { address: '192.0.2.1', port: 53 }],
    [' 192.0.2.1:5300 ', { address: '192.0.2.1', port: 5300 }],
    ['[2001:DB8::1]:53', { address: '2001:db8::1', port: 53 }],
    ['[2001:db8::1]', { address: '2001:db8::1', port: 53 }],
    ['2001:db8::1', { address: '2001:db8::1', port: 53 }],
    ['2001:db8:0:0:0:0:0:1', { address: '2001:db8::1', port: 53 }],
    ['[::ffff:192.0.2.1]:53', { address: '192.0.2.1', port: 53 }],
    ['127.0.0.1:65535', { address: '127.0.0.1', port: 65535 }],
  ])('takes %j', (text, expected) => {
    expect(parseAddressPort(text, 53)).toEqual(expected);
  });

  it.each([
    ['192.0.2.1:0', '"192.0.2.1:0": the port must be a whole number from 1 to 65535'],
    ['[2001:db8::1]:0', '"[2001:db8::1]:0": the port must be a whole number from 1 to 65535'],
    ['192.0.2.1:65536', '"192.0.2.1:65536": the port must be a whole number from 1 to 65535'],
    ['192.0.2.1:dns', '"192.0.2.1:dns": the port must be a whole number from 1 to 65535'],
    ['ns1.example.com', '"ns1.example.com" is not an IP address; use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53'],
    ['3221225985', '"3221225985" is not an IP address; use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53'],
    ['192.0.2.300', '"192.0.2.300" is not an IP address; use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53'],
    ['2001:db8::1:53:x', '"2001:db8::1:53:x" is not ADDRESS:PORT; use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53'],
    ['[2001:db8::1', '"[2001:db8::1" is not ADDRESS:PORT; use ADDRESS[:PORT], IPv6 as [2001:db8::1]:53'],
  ])('refuses %j, saying why', (text, message) => {
    expect(() => parseAddressPort(text, 53)).toThrow(message);
  });

  it('asks for the port when there is no default', () => {
    expect(parseAddressPort('127.0.0.1:5300')).toEqual({ address: '127.0.0.1', port: 5300 });
    expect(() => parseAddressPort('127.0.0.1')).toThrow('"127.0.0.1" needs a port: ADDRESS:PORT, IPv6 as [2001:db8::1]:53');
    expect(() => parseAddressPort('::1')).toThrow('"::1" needs a port');
  });
});

describe('splitHostPort', () => {
  it('keeps a host name, for NOTIFY targets looked up when sent', () => {
    expect(splitHostPort('ns.other.example.:53')).toEqual({ address: 'ns.other.example.', port: 53 });
    expect(splitHostPort('ns.other.example.', 5300)).toEqual({ address: 'ns.other.example.', port: 5300 });
    expect(() => splitHostPort('ns.other.example.:0')).toThrow('the port must be a whole number from 1 to 65535');
  });
});

describe('parsePort', () => {
  it('takes 1 to 65535 only', () => {
    expect(parsePort(' 1 ')).toBe(1);
    expect(parsePort('65535')).toBe(65535);
    for (const bad of ['0', '65536', '-1', '53.5', '', 'http', '1e3']) {
      expect(() => parsePort(bad)).toThrow(`"${bad}" is not a port: use a whole number from 1 to 65535`);
    }
  });
});

describe('formatHostPort', () => {
  it('brackets IPv6 and round-trips through parseAddressPort', () => {
    for (const text of ['192.0.2.1:53', '[2001:db8::1]:5300']) expect(formatHostPort(parseAddressPort(text))).toBe(text);
  });
});

describe('storedAddressPorts', () => {
  it('leaves out entries the rules refuse, such as port 0 stored before it was refused', () => {
    expect(storedAddressPorts(['192.0.2.1', '192.0.2.2:0', 'garbage', '[2001:db8::2]:5300'], 53).map(formatHostPort)).toEqual([
      '192.0.2.1:53',
      '[2001:db8::2]:5300',
    ]);
  });
});

describe('ranges', () => {
  it('parses ranges and single addresses canonical, and matches addresses against them', () => {
    expect(parseRange(' 2001:DB8::/32 ')).toBe('2001:db8::/32');
    expect(parseRange('198.51.100.7')).toBe('198.51.100.7/32');
    expect(() => parseRange('192.0.2.0/33')).toThrow('"192.0.2.0/33" is not an address range like 192.0.2.0/24 or 2001:db8::/32');
    expect(addressAllowed('::ffff:192.0.2.9', ['192.0.2.0/24'])).toBe(true);
    expect(addressAllowed('192.0.3.1', ['192.0.2.0/24', 'broken'])).toBe(false);
    expect(canonicalIp('::FFFF:192.0.2.9')).toBe('192.0.2.9');
    expect(canonicalIp('nonsense')).toBeNull();
  });
});
