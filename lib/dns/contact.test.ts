import { describe, expect, it } from 'vitest';
import { contactToRname, rnameToContact } from './contact';

describe('a zone contact and its SOA RNAME', () => {
  it('stores a mailbox as its RNAME, and an RNAME as written (relative to the zone or absolute)', () => {
    expect(contactToRname(' Hostmaster@Example.com ', 'zone.test.')).toBe('hostmaster.example.com.');
    expect(contactToRname('dns@example.com.', 'zone.test.')).toBe('dns.example.com.');
    expect(contactToRname('hostmaster', 'zone.test.')).toBe('hostmaster.zone.test.');
    expect(contactToRname('hostmaster.example.net.', 'zone.test.')).toBe('hostmaster.example.net.');
  });

  it('refuses what is not one mailbox, saying how to write it', () => {
    // The SOA editor and the change service used to keep "a@b" of "a@b@example.com" and store a.b.
    expect(() => contactToRname('a@b@example.com', 'zone.test.')).toThrow('"a@b@example.com" is not a mailbox; write it like hostmaster@example.com');
    expect(() => contactToRname('@example.com', 'zone.test.')).toThrow('is not a mailbox');
    expect(() => contactToRname('hostmaster@', 'zone.test.')).toThrow('is not a mailbox');
    expect(() => contactToRname('john.doe@example.com', 'zone.test.')).toThrow('use a mailbox without dots in "john.doe@example.com", like hostmaster@example.com');
  });

  it('shows an RNAME as the mailbox it stands for', () => {
    expect(rnameToContact('hostmaster.example.com.')).toBe('hostmaster@example.com');
    expect(rnameToContact('john\\.doe.example.com.')).toBe('john.doe@example.com');
    expect(rnameToContact('localhost.')).toBe('localhost');
    expect(rnameToContact(contactToRname('noc@example.org', 'zone.test.'))).toBe('noc@example.org');
  });
});
