// Zone ids as PowerDNS writes them in URLs, and RRsets as clients read them.
import { describe, expect, it } from 'vitest';
import { masterText, rrsetsOf, zoneIdOf, zoneNameFromId } from './shapes';

describe('zone ids', () => {
  it('writes unusual characters as =XX and reads them back, as octoDNS sends them', () => {
    const classless = '0/26.2.0.192.in-addr.arpa.';
    expect([zoneIdOf('example.com.'), zoneIdOf(classless)]).toEqual(['example.com.', '0=2F26.2.0.192.in-addr.arpa.']);
    // Either case of hex, with or without the final dot.
    expect(['0=2F26.2.0.192.in-addr.arpa.', '0=2f26.2.0.192.in-addr.arpa'].map(zoneNameFromId)).toEqual([classless, classless.slice(0, -1)]);
  });
});

describe('masterText', () => {
  it('leaves out port 53, as PowerDNS lists masters', () => {
    // Stored form → shown form.
    const cases = { '192.0.2.1:53': '192.0.2.1', '192.0.2.1:5300': '192.0.2.1:5300', '[2001:db8::1]:53': '2001:db8::1', '[2001:db8::1]:5300': '[2001:db8::1]:5300' };
    for (const [stored, shown] of Object.entries(cases)) expect(masterText(stored)).toBe(shown);
  });
});

describe('rrsetsOf', () => {
  it('groups records by name and type, keeping their order', () => {
    const sets = rrsetsOf([
      { name: 'a.z.', type: 'A', ttl: 60, content: '192.0.2.1' },
      { name: 'a.z.', type: 'TXT', ttl: 30, content: '"x"' },
      { name: 'a.z.', type: 'A', ttl: 60, content: '192.0.2.2' },
    ]);
    expect(sets).toEqual([
      { name: 'a.z.', type: 'A', ttl: 60, records: [{ content: '192.0.2.1', disabled: false }, { content: '192.0.2.2', disabled: false }], comments: [] },
      { name: 'a.z.', type: 'TXT', ttl: 30, records: [{ content: '"x"', disabled: false }], comments: [] },
    ]);
  });
});
