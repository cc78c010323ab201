// Which address a request is counted under: the socket's, unless a trusted proxy vouches.
import { describe, expect, it } from 'vitest';
import { clientAddress, CLIENT_ADDRESS_HEADER, resolveClientAddress } from './client-address';

describe('resolveClientAddress', () => {
  // Before: the login throttle took the first X-Forwarded-For entry from anyone,
  // so a client picked a new address for every guess.
  it('ignores X-Forwarded-For from a peer that is not a trusted proxy', () => {
    expect(resolveClientAddress('203.0.113.9', '198.51.100.1', [])).toEqual({ address: '203.0.113.9', viaProxy: false });
    expect(resolveClientAddress('203.0.113.9', '198.51.100.1', ['127.0.0.1/32'])).toEqual({ address: '203.0.113.9', viaProxy: false });
  });

  it('reads the chain from the right past trusted proxies; entries a client wrote on the left do not count', () => {
    const trusted = ['127.0.0.1/32', '10.0.0.0/8'];
    expect(resolveClientAddress('127.0.0.1', '198.51.100.1', trusted)).toEqual({ address: '198.51.100.1', viaProxy: true });
    // The client sent "X-Forwarded-For: 1.2.3.4"; the proxy appended the real peer.
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4, 198.51.100.1', trusted).address).toBe('198.51.100.1');
    // Two proxies deep.
    expect(resolveClientAddress('127.0.0.1', '1.2.3.4, 198.51.100.1, 10.1.2.3', trusted).address).toBe('198.51.100.1');
    // A proxy that forwarded nothing: the proxy itself is the client.
    expect(resolveClientAddress('127.0.0.1', undefined, trusted).address).toBe('127.0.0.1');
    // Garbage in the chain ends it: the last good hop is the client.
    expect(resolveClientAddress('127.0.0.1', 'not-an-ip, 198.51.100.1', trusted).address).toBe('198.51.100.1');
    expect(resolveClientAddress('127.0.0.1', '198.51.100.1, junk', trusted).address).toBe('127.0.0.1');
  });

  it('writes addresses canonically (IPv4-mapped IPv6 as IPv4)', () => {
    expect(resolveClientAddress('::ffff:127.0.0.2', undefined, []).address).toBe('127.0.0.2');
    expect(resolveClientAddress('2001:DB8::1', undefined, []).address).toBe('2001:db8::1');
    expect(resolveClientAddress(undefined, undefined, []).address).toBe('unknown');
  });
});

describe('clientAddress', () => {
  it('reads the web server’s header, bounded, and says "unknown" without it', () => {
    expect(clientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: '198.51.100.1' }))).toBe('198.51.100.1');
    expect(clientAddress(new Headers({ 'x-forwarded-for': '198.51.100.1' }))).toBe('unknown');
    expect(clientAddress(new Headers({ [CLIENT_ADDRESS_HEADER]: 'x'.repeat(500) }))).toHaveLength(64);
  });
});
