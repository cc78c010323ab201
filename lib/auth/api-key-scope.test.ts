import { describe, expect, it } from 'vitest';
import { canonicalNamePattern, keyReachesZone, keyWriteRefusal, nameMatchesPattern, type ApiKeyPrincipal } from './api-key-scope';

const key = (scope: Partial<ApiKeyPrincipal['scope']>): ApiKeyPrincipal => ({ id: 1, name: 'acme', scope: { zones: null, names: [], types: [], readOnly: false, ...scope } });

describe('API key scope', () => {
  it('a * label matches one or more labels, nothing else matches loosely', () => {
    expect(nameMatchesPattern('_acme-challenge.example.com.', '_acme-challenge.*.')).toBe(true);
    expect(nameMatchesPattern('_acme-challenge.www.example.com.', '_acme-challenge.*.')).toBe(true);
    expect(nameMatchesPattern('_acme-challenge.', '_acme-challenge.*.')).toBe(false);
    expect(nameMatchesPattern('www.example.com.', '_acme-challenge.*.')).toBe(false);
    expect(nameMatchesPattern('a.b.dyn.example.com.', '*.dyn.example.com.')).toBe(true);
    expect(nameMatchesPattern('dyn.example.com.', '*.dyn.example.com.')).toBe(false);
    expect(nameMatchesPattern('host.example.com.', 'host.example.com.')).toBe(true);
  });

  it('an ACME key changes TXT at _acme-challenge names of its zone, and says why not for anything else', () => {
    const acme = key({ zones: ['acme.test.'], names: ['_acme-challenge.*.'], types: ['TXT'] });
    expect(keyWriteRefusal(acme, 'acme.test.', '_acme-challenge.acme.test.', 'txt')).toBeNull();
    expect(keyWriteRefusal(acme, 'acme.test.', '_acme-challenge.www.acme.test.', 'TXT')).toBeNull();
    expect(keyWriteRefusal(acme, 'acme.test.', 'www.acme.test.', 'TXT')).toBe('API key acme may change only _acme-challenge.*., not www.acme.test.');
    expect(keyWriteRefusal(acme, 'acme.test.', '_acme-challenge.acme.test.', 'A')).toBe('API key acme may change only TXT records, not A');
    expect(keyWriteRefusal(acme, 'other.test.', '_acme-challenge.other.test.', 'TXT')).toBe('API key acme may not change the zone other.test.');
    expect(keyReachesZone(acme, 'other.test.')).toBe(false);
  });

  it('a read-only key reaches its zones and changes nothing; names outside the zone are refused', () => {
    const ro = key({ zones: ['a.test.'], readOnly: true });
    expect(keyReachesZone(ro, 'a.test.')).toBe(true);
    expect(keyWriteRefusal(ro, 'a.test.', 'www.a.test.', 'A')).toBe('API key acme is read-only');
    expect(keyWriteRefusal(key({}), 'a.test.', 'www.b.test.', 'A')).toBe('www.b.test. is not in the zone a.test.');
  });

  it('reads name patterns as typed', () => {
    expect(canonicalNamePattern('_ACME-challenge.*')).toBe('_acme-challenge.*.');
    expect(canonicalNamePattern('*.dyn.example.com.')).toBe('*.dyn.example.com.');
    expect(() => canonicalNamePattern('a..b')).toThrow('is not a name pattern');
  });
});
