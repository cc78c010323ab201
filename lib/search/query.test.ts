// How the search box reads what was typed: which searches each text asks for.
import { describe, expect, it } from 'vitest';
import { parseSearchQuery } from './query';

describe('parseSearchQuery', () => {
  it('reads an IPv4 address in any decimal spelling, with the name of its PTR record, and looks for no owner name', () => {
    const q = parseSearchQuery(' 192.0.2.010 ');
    expect(q.address).toEqual({ content: '192.0.2.10', type: 'A', reverse: '10.2.0.192.in-addr.arpa.' });
    expect(q.namePrefix).toBeNull();
    expect(q.host).toBeNull();
  });

  it('reads an IPv6 address as AAAA records store it (RFC 5952), brackets and capitals allowed', () => {
    const q = parseSearchQuery('[2001:DB8:0:0:0:0:0:1]');
    expect(q.address?.content).toBe('2001:db8::1');
    expect(q.address?.type).toBe('AAAA');
    expect(q.address?.reverse).toMatch(/^1\.0\.0\.0\..*\.8\.b\.d\.0\.1\.0\.0\.2\.ip6\.arpa\.$/);
  });

  it('reads a host name as an owner-name prefix and as a target, any case, dot or not', () => {
    const q = parseSearchQuery('Mail.Example.COM');
    expect(q).toMatchObject({ zoneText: 'mail.example.com', namePrefix: 'mail.example.com', host: 'mail.example.com.', address: null });
    expect(parseSearchQuery('mail.example.com.').namePrefix).toBe('mail.example.com.');
  });

  it('looks only for owner names and zones when the text cannot be a name', () => {
    const q = parseSearchQuery('has space');
    expect(q.host).toBeNull();
    expect(q.namePrefix).toBe('has space');
  });

  it('asks for nothing when nothing was typed', () => {
    expect(parseSearchQuery('   ')).toMatchObject({ text: '', namePrefix: null, host: null, address: null });
  });
});
