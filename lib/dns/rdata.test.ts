// Tests for rdata normalisation and the dns-packet wire conversions.
import dnsPacket, { type Answer } from 'dns-packet';
import { describe, expect, it } from 'vitest';
import {
  contentToWire,
  normalizeContent,
  parseSoaContent,
  RdataError,
  STORED_TYPES,
  soaContent,
  wireToContent,
} from './rdata.ts';
import { RDATA_SAMPLES } from '../testing/rdata-samples.ts';

const O = 'example.test.';
const HEX32 = 'ab'.repeat(32);

describe('normalizeContent', () => {
  it.each([
    ['A', '192.0.2.1', '192.0.2.1'],
    ['A', '0.0.0.0', '0.0.0.0'],
    ['AAAA', '2001:DB8:0:0:0:0:0:1', '2001:db8::1'],
    ['AAAA', '2001:0db8::0001', '2001:db8::1'],
    ['AAAA', '2001:db8:0:0:1:0:0:1', '2001:db8::1:0:0:1'],
    ['AAAA', '::FFFF:192.0.2.1', '::ffff:192.0.2.1'],
    ['CNAME', 'www', 'www.example.test.'],
    ['CNAME', 'Target.Other.Test.', 'target.other.test.'],
    ['CNAME', '@', 'example.test.'],
    ['NS', 'ns1', 'ns1.example.test.'],
    ['PTR', 'host.example.test.', 'host.example.test.'],
    ['MX', '10 mail', '10 mail.example.test.'],
    ['MX', '  10    MAIL.example.test.  ', '10 mail.example.test.'],
    ['MX', '0 .', '0 .'],
    ['SRV', '10 5 5060 sip', '10 5 5060 sip.example.test.'],
    ['SRV', '0 0 0 .', '0 0 0 .'],
    ['TXT', 'v=spf1', '"v=spf1"'],
    ['TXT', '"v=spf1 include:_spf.example.test -all"', '"v=spf1 include:_spf.example.test -all"'],
    ['TXT', '"a"   "b c"', '"a" "b c"'],
    ['TXT', '""', '""'],
    ['TXT', '"say \\"hi\\" \\\\ ok"', '"say \\"hi\\" \\\\ ok"'],
    ['TXT', '"\\104\\105"', '"hi"'],
    ['TXT', '"tab\\009here"', '"tab\\009here"'],
    ['TXT', '"caf\\195\\169"', '"café"'],
    ['TXT', '"bad\\255byte"', '"bad\\255byte"'],
    ['TXT', '"\\;x"', '";x"'],
    ['CAA', '0 issue "letsencrypt.org"', '0 issue "letsencrypt.org"'],
    ['CAA', '128 ISSUE letsencrypt.org', '128 issue "letsencrypt.org"'],
    ['CAA', '0 iodef "mailto:security@example.test"', '0 iodef "mailto:security@example.test"'],
    ['DS', `12345 13 2 ${HEX32}`, `12345 13 2 ${HEX32.toUpperCase()}`],
    ['DS', `12345 13 2 ${HEX32.slice(0, 32)} ${HEX32.slice(32)}`, `12345 13 2 ${HEX32.toUpperCase()}`],
    ['DS', '1 5 9 abcd', '1 5 9 ABCD'],
    ['TLSA', `3 1 1 ${HEX32}`, `3 1 1 ${HEX32.toUpperCase()}`],
    ['TLSA', '3 0 0 0102', '3 0 0 0102'],
    ['SSHFP', `4 2 ${HEX32}`, `4 2 ${HEX32.toUpperCase()}`],
    ['SSHFP', `1 1 ${'0f'.repeat(20)}`, `1 1 ${'0F'.repeat(20)}`],
    [
      'NAPTR',
      '100 10 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .',
      '100 10 "U" "E2U+sip" "!^.*$!sip:info@example.test!" .',
    ],
    ['NAPTR', '100 10 s SIP+D2U "" _sip._udp', '100 10 "s" "SIP+D2U" "" _sip._udp.example.test.'],
    ['HINFO', '"x86 64" Linux', '"x86 64" "Linux"'],
    ['SOA', 'ns1 hostmaster 1 1h 15m 1w 5m', 'ns1.example.test. hostmaster.example.test. 1 3600 900 604800 300'],
    [
      'SOA',
      'ns1.example.test. hostmaster@example.test. 4294967295 3600 900 604800 300',
      'ns1.example.test. hostmaster.example.test. 4294967295 3600 900 604800 300',
    ],
    ['SOA', '@ @ 1 1h 15m 1w 5m', 'example.test. example.test. 1 3600 900 604800 300'],
  ])('%s %j → %j', (type, input, expected) => {
    expect(normalizeContent(type, input, O)).toBe(expected);
  });

  it('accepts lowercase type names', () => {
    expect(normalizeContent('mx', '10 mail', O)).toBe('10 mail.example.test.');
  });

  it('is idempotent: normalising canonical content changes nothing', () => {
    for (const [type, input] of RDATA_SAMPLES) {
      const once = normalizeContent(type, input, O);
      expect(normalizeContent(type, once, 'elsewhere.test.')).toBe(once);
    }
  });

  it.each([
    ['A', '999.1.1.1', 'A record needs an IPv4 address like 192.0.2.1, got "999.1.1.1"'],
    ['A', '01.2.3.4', 'got "01.2.3.4"'],
    ['A', '192.0.2', 'got "192.0.2"'],
    ['A', '192.0.2.1 192.0.2.2', 'got "192.0.2.1 192.0.2.2"'],
    ['A', '2001:db8::1', 'IPv4'],
    ['AAAA', '192.0.2.1', 'AAAA record needs an IPv6 address'],
    ['AAAA', '2001:db8::1::2', 'got "2001:db8::1::2"'],
    ['AAAA', 'fe80::1%eth0', 'IPv6'],
    ['CNAME', 'a..b', 'CNAME target: "a..b.example.test." has an empty label'],
    ['CNAME', 'a b', 'one target name'],
    ['NS', '_ns.example.test.', 'NS target must be a host name'],
    ['NS', '.', 'host name'],
    ['MX', 'mail', 'MX record needs "preference mail-server"'],
    ['MX', '65536 mail', 'MX preference must be a whole number from 0 to 65535, got "65536"'],
    ['MX', '-1 mail', 'MX preference'],
    ['MX', '10 -mail', 'MX mail server must be a host name'],
    ['MX', '10 .', 'null MX'],
    ['SRV', '10 5 sip.example.test.', 'SRV record needs'],
    ['SRV', '10 5 70000 sip', 'SRV port must be a whole number from 0 to 65535, got "70000"'],
    ['SRV', '10 5 5060 _sip', 'SRV target must be a host name'],
    ['TXT', '', 'TXT record needs text'],
    ['TXT', 'hello world', 'must be in double quotes'],
    ['TXT', '"a" b', 'must be in double quotes'],
    ['TXT', '"unterminated', 'unterminated quoted string'],
    ['TXT', '"\\256"', 'not a byte value'],
    ['TXT', 'x\\', 'lone backslash'],
    ['CAA', '0 issue', 'CAA record needs'],
    ['CAA', '256 issue "x"', 'CAA flags must be a whole number from 0 to 255'],
    ['CAA', '0 is-sue "x"', 'CAA tag must be 1 to 15 letters or digits'],
    ['CAA', '0 abcdefghijklmnop "x"', 'CAA tag'],
    ['CAA', '0 issue "\\255"', 'CAA value must be valid UTF-8'],
    ['DS', '12345 13 2', 'DS record needs'],
    ['DS', '70000 13 2 abcd', 'DS key tag must be a whole number from 0 to 65535'],
    ['DS', '1 256 9 abcd', 'DS algorithm must be a whole number from 0 to 255'],
    ['DS', '1 13 9 abc', 'DS digest must be hexadecimal digits in pairs, got "abc"'],
    ['DS', '1 13 9 zz', 'hexadecimal'],
    ['DS', '1 13 2 abcd', 'DS digest type 2 needs 64 hex digits, got 4'],
    ['TLSA', '3 1 1 abcd', 'TLSA matching type 1 needs 64 hex digits'],
    ['TLSA', '3 1 256 abcd', 'TLSA matching type must be a whole number from 0 to 255'],
    ['TLSA', '3 1 0 xyz', 'TLSA data must be hexadecimal'],
    ['SSHFP', '4 3 abcd', 'SSHFP fingerprint type must be 1 (SHA-1) or 2 (SHA-256)'],
    ['SSHFP', '4 2 abcd', 'SSHFP fingerprint type 2 needs 64 hex digits'],
    ['SSHFP', '256 2 abcd', 'SSHFP algorithm'],
    ['NAPTR', '100 10 "u" "E2U+sip" "!x!"', 'NAPTR record needs'],
    ['NAPTR', `100 10 "u" "${'s'.repeat(256)}" "" .`, 'NAPTR services is longer than 255 bytes'],
    ['HINFO', '"only one"', 'HINFO record needs two quoted strings'],
    ['SOA', 'ns1 hostmaster 1 1h 15m 1w', 'SOA record needs'],
    ['SOA', 'ns1 hostmaster 4294967296 1h 15m 1w 5m', 'SOA serial must be a whole number from 0 to 4294967295'],
    ['SOA', 'ns1 hostmaster 1 soon 15m 1w 5m', 'SOA refresh: "soon" is not a number'],
    ['FOO', 'bar', 'unsupported record type FOO'],
  ])('%s %j is rejected: %s', (type, input, message) => {
    expect(() => normalizeContent(type, input, O)).toThrow(RdataError);
    expect(() => normalizeContent(type, input, O)).toThrow(message);
  });

  it('splits TXT strings longer than 255 bytes into 255-byte chunks', () => {
    const long = 'x'.repeat(600);
    const out = normalizeContent('TXT', `"${long}"`, O);
    expect(out).toBe(`"${'x'.repeat(255)}" "${'x'.repeat(255)}" "${'x'.repeat(90)}"`);
  });

  it('keeps a 255-byte TXT string whole', () => {
    const s = 'y'.repeat(255);
    expect(normalizeContent('TXT', `"${s}"`, O)).toBe(`"${s}"`);
  });

  it('counts escaped bytes, not characters, when splitting TXT', () => {
    // 254 ASCII bytes then "é" (2 bytes): the character moves whole into the second string.
    const out = normalizeContent('TXT', `"${'a'.repeat(254)}é"`, O);
    expect(out).toBe(`"${'a'.repeat(254)}" "é"`);
  });

  it('rejects TXT whose rdata would not fit in 65535 bytes', () => {
    expect(() => normalizeContent('TXT', `"${'z'.repeat(65500)}"`, O)).toThrow('too long');
  });
});

describe('SOA helpers', () => {
  const fields = {
    mname: 'ns1.example.test.',
    rname: 'hostmaster.example.test.',
    serial: 2026112401,
    refresh: 3600,
    retry: 900,
    expire: 604800,
    minimum: 300,
  };

  it('soaContent and parseSoaContent are inverses', () => {
    const content = soaContent(fields);
    expect(content).toBe('ns1.example.test. hostmaster.example.test. 2026112401 3600 900 604800 300');
    expect(parseSoaContent(content)).toEqual(fields);
  });

  it('soaContent canonicalises names and rejects bad fields', () => {
    expect(soaContent({ ...fields, mname: 'NS1.Example.Test.' })).toMatch(/^ns1\.example\.test\. /);
    expect(() => soaContent({ ...fields, serial: -1 })).toThrow(RdataError);
  });
});


describe('wire round trip through dns-packet', () => {
  it('covers every supported type', () => {
    expect(new Set(RDATA_SAMPLES.map(([t]) => t))).toEqual(new Set(STORED_TYPES));
  });

  it.each(RDATA_SAMPLES)('%s %s', (type, input) => {
    const content = normalizeContent(type, input, O);
    const answer = { type, name: 'x.example.test', ttl: 300, class: 'IN', data: contentToWire(type, content) };
    const packet = dnsPacket.encode({ type: 'response', answers: [answer as Answer] });
    const decoded = dnsPacket.decode(packet).answers?.[0] as { data: unknown } | undefined;
    expect(wireToContent(type, decoded?.data)).toBe(content);
  });

  it('hands dns-packet names without the trailing dot, and the root as "."', () => {
    expect(contentToWire('CNAME', 'target.example.test.')).toBe('target.example.test');
    expect(contentToWire('MX', '0 .')).toEqual({ preference: 0, exchange: '.' });
  });

  it('gives TXT as an array of Buffers, one per string', () => {
    const wire = contentToWire('TXT', '"a" "bc"') as Buffer[];
    expect(wire.map((b) => Buffer.isBuffer(b) && b.toString())).toEqual(['a', 'bc']);
  });

  it('reads names from the wire as absolute and lowercase', () => {
    expect(wireToContent('NS', 'NS1.Example.Test')).toBe('ns1.example.test.');
    expect(wireToContent('SRV', { priority: 1, weight: 2, port: 3, target: '.' })).toBe('1 2 3 .');
  });

  it('rejects wire data of the wrong shape', () => {
    expect(() => wireToContent('MX', { preference: 70000, exchange: 'mail' })).toThrow(RdataError);
    expect(() => wireToContent('MX', 'mail')).toThrow(RdataError);
    expect(() => wireToContent('A', '999.1.1.1')).toThrow(RdataError);
    expect(() => wireToContent('DS', { keyTag: 1, algorithm: 1, digestType: 1 })).toThrow(RdataError);
  });
});
