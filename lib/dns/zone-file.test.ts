// Tests for the zone-file parser and serializer.
import { describe, expect, it } from 'vitest';
import type { RR } from './types.ts';
import { parseZoneFile, serializeZoneFile } from './zone-file.ts';

const ORIGIN = 'example.test.';
const parse = (text: string, defaultTtl?: number) => parseZoneFile(text, { origin: ORIGIN, defaultTtl });
const lines = (...l: string[]) => `${l.join('\n')}\n`;

const SOA_BLOCK = [
  '$TTL 1h',
  '@ IN SOA ns1 hostmaster (',
  '      2026112401 ; serial',
  '      1h         ; refresh',
  '      15m        ; retry',
  '      1w         ; expire',
  '      5m )       ; minimum',
];

describe('parseZoneFile: records', () => {
  it('reads a SOA spread over lines with parentheses and comments', () => {
    const { records, errors } = parse(lines(...SOA_BLOCK, '@ IN NS ns1'));
    expect(errors).toEqual([]);
    expect(records).toEqual([
      {
        name: 'example.test.',
        type: 'SOA',
        ttl: 3600,
        content: 'ns1.example.test. hostmaster.example.test. 2026112401 3600 900 604800 300',
      },
      { name: 'example.test.', type: 'NS', ttl: 3600, content: 'ns1.example.test.' },
    ]);
  });

  it('resolves owners: relative, absolute, @, blank (previous owner) and $ORIGIN switches', () => {
    const { records, errors } = parse(
      lines(
        '$TTL 300',
        'www            A     192.0.2.1',
        '               AAAA  2001:db8::1',
        'Mail.Example.Test.  A  192.0.2.2',
        '@              MX    10 mail',
        '$ORIGIN sub',
        'host           A     192.0.2.3',
        '@              TXT   "at sub"',
        'rel            CNAME host',
        '$ORIGIN example.test.',
        'back           A     192.0.2.4',
      ),
    );
    expect(errors).toEqual([]);
    expect(records.map((r) => `${r.name} ${r.type} ${r.content}`)).toEqual([
      'www.example.test. A 192.0.2.1',
      'www.example.test. AAAA 2001:db8::1',
      'mail.example.test. A 192.0.2.2',
      'example.test. MX 10 mail.example.test.',
      'host.sub.example.test. A 192.0.2.3',
      'sub.example.test. TXT "at sub"',
      'rel.sub.example.test. CNAME host.sub.example.test.',
      'back.example.test. A 192.0.2.4',
    ]);
  });

  it.each([
    ['www 300 IN A 192.0.2.1', 300],
    ['www IN 300 A 192.0.2.1', 300],
    ['www 1h30m A 192.0.2.1', 5400],
    ['www in a 192.0.2.1', 3600],
    ['www A 192.0.2.1', 3600],
  ])('TTL and class in any order, units, any case: %j', (line, ttl) => {
    const { records, errors } = parse(lines('$TTL 1h', line));
    expect(errors).toEqual([]);
    expect(records).toEqual([{ name: 'www.example.test.', type: 'A', ttl, content: '192.0.2.1' }]);
  });

  it('picks the default TTL as $TTL, then SOA minimum, then opts.defaultTtl', () => {
    const soaNoDollar = '@ 86400 IN SOA ns1 hostmaster 1 1h 15m 1w 10m';
    expect(parse(lines(soaNoDollar, 'www A 192.0.2.1')).records[1].ttl).toBe(600);
    expect(parse(lines('www A 192.0.2.1'), 120).records[0].ttl).toBe(120);
    expect(parse(lines('$TTL 5m', soaNoDollar, 'www A 192.0.2.1')).records[1].ttl).toBe(300);
    // A SOA with no TTL anywhere takes its own minimum.
    expect(parse(lines('@ IN SOA ns1 hostmaster 1 1h 15m 1w 10m')).records[0].ttl).toBe(600);
  });

  it('reports a record with no TTL from anywhere', () => {
    const { records, errors } = parse(lines('www A 192.0.2.1'));
    expect(records).toEqual([]);
    expect(errors).toEqual([{ line: 1, message: expect.stringContaining('no TTL') }]);
  });

  it('keeps quoted strings whole: spaces, semicolons, parentheses and escapes', () => {
    const { records, errors } = parse(lines('$TTL 60', 'txt TXT "a ; b (c)" "say \\"hi\\""  ; real comment'));
    expect(errors).toEqual([]);
    expect(records[0].content).toBe('"a ; b (c)" "say \\"hi\\""');
  });

  it('drops exact duplicates silently', () => {
    const { records, errors } = parse(lines('$TTL 60', 'www A 192.0.2.1', 'WWW a 192.0.2.1'));
    expect(errors).toEqual([]);
    expect(records).toHaveLength(1);
  });

  it('drops exact duplicates at a name holding many records, keeping the first of each in file order', () => {
    const hosts = Array.from({ length: 50 }, (_, i) => `big A 192.0.2.${i}`);
    const { records, errors } = parse(lines('$TTL 60', ...hosts, 'big A 192.0.2.7', 'big TXT "x"', ...hosts.slice(40), 'big TXT "x"'));
    expect(errors).toEqual([]);
    expect(records.map((r) => r.content)).toEqual([...hosts.map((h) => h.split(' ')[2]), '"x"']);
  });

  it('handles CRLF line endings', () => {
    const { records, errors } = parse('$TTL 60\r\nwww A 192.0.2.1\r\n');
    expect(errors).toEqual([]);
    expect(records).toHaveLength(1);
  });
});

describe('parseZoneFile: errors carry the line to fix', () => {
  it('names the bad address and its line, and goes on to read the rest', () => {
    const { records, errors } = parse(
      lines('$TTL 1h', '@ IN NS ns1', 'ok IN A 192.0.2.1', 'www IN A 999.1.1.1', 'after IN A 192.0.2.5'),
    );
    expect(errors).toEqual([{ line: 4, message: 'A record needs an IPv4 address like 192.0.2.1, got "999.1.1.1"' }]);
    expect(records.map((r) => r.name)).toEqual(['example.test.', 'ok.example.test.', 'after.example.test.']);
  });

  it.each([
    ['$INCLUDE other.zone', 2, 'not supported'],
    ['$GENERATE 1-10 host$ A 192.0.2.$', 2, 'not supported'],
    ['mail.other.test. A 192.0.2.1', 2, '"mail.other.test." is outside the zone example.test.'],
    ['ch CH A 192.0.2.1', 2, 'class CH is not supported'],
    ['x IN FOO bar', 2, 'unknown or unsupported record type "FOO"'],
    ['x IN', 2, 'has no type'],
    ['x 1y A 192.0.2.1', 2, 'TTL "1y"'],
    ['bad..name A 192.0.2.1', 2, 'has an empty label'],
    ['x MX 10 _bad', 2, 'MX mail server must be a host name'],
    ['x TXT "unterminated', 2, 'not closed'],
    ['x A 192.0.2.1 )', 2, 'unexpected ")"'],
    ['$TTL forever', 2, '$TTL: TTL "forever"'],
    ['$ORIGIN a..b', 2, '$ORIGIN'],
  ])('%j → line %i: %s', (bad, line, message) => {
    const { errors } = parse(lines('$TTL 1h', bad, 'fine A 192.0.2.1'));
    expect(errors).toEqual([{ line, message: expect.stringContaining(message) }]);
  });

  it('reports the line of the bad token inside a multi-line record', () => {
    const { errors } = parse(lines('$TTL 1h', 'www IN (', '  FOO bar )'));
    expect(errors).toEqual([{ line: 3, message: expect.stringContaining('"FOO"') }]);
    const ok = parse(lines('$TTL 1h', 'www IN (', '  TXT "x" )'));
    expect(ok.errors).toEqual([]);
    expect(ok.records).toEqual([{ name: 'www.example.test.', type: 'TXT', ttl: 3600, content: '"x"' }]);
  });

  it('reports rdata errors inside parentheses at the line where the record starts', () => {
    const { errors } = parse(lines('$TTL 1h', '@ IN SOA ns1 hostmaster (', '  notanumber 1h 15m 1w 5m )'));
    expect(errors).toEqual([{ line: 2, message: expect.stringContaining('SOA serial') }]);
  });

  it('reports an unclosed parenthesis at the line that opened it', () => {
    const { errors } = parse(lines('$TTL 1h', 'www A 192.0.2.1', '@ SOA ns1 hostmaster ( 1 2 3 4 5'));
    expect(errors).toEqual([{ line: 3, message: expect.stringContaining('never closed') }]);
  });

  it('lists every bad line, in order', () => {
    const { errors } = parse(
      lines('$TTL 1h', 'a A 1.1.1.999', 'b AAAA nope', 'c A 192.0.2.1', 'd MX ten mail', 'e SRV 1 2 3'),
    );
    expect(errors.map((e) => e.line)).toEqual([2, 3, 5, 6]);
  });

  it('rejects a second SOA and a SOA below the apex', () => {
    const { records, errors } = parse(
      lines(
        '$TTL 1h',
        '@ SOA ns1 hostmaster 1 1h 15m 1w 5m',
        '@ SOA ns2 hostmaster 2 1h 15m 1w 5m',
        'sub SOA ns1 hostmaster 1 1h 15m 1w 5m',
      ),
    );
    expect(errors).toEqual([
      { line: 3, message: expect.stringContaining('already one on line 2') },
      { line: 4, message: expect.stringContaining('SOA record must be at the zone apex example.test.') },
    ]);
    expect(records.filter((r) => r.type === 'SOA')).toHaveLength(1);
  });

  it('rejects a CNAME beside other data at its name (RFC 1034 §3.6.2), on the CNAME line', () => {
    const { records, errors } = parse(
      lines('$TTL 1h', 'www A 192.0.2.1', 'other A 192.0.2.2', 'www CNAME other', 'alias CNAME other'),
    );
    expect(errors).toEqual([{ line: 4, message: expect.stringMatching(/www\.example\.test\. has a CNAME.*A on line 2/) }]);
    expect(records.map((r) => `${r.name} ${r.type}`)).toEqual([
      'www.example.test. A',
      'other.example.test. A',
      'alias.example.test. CNAME',
    ]);
  });

  it('rejects two CNAMEs at one name', () => {
    const { errors } = parse(lines('$TTL 1h', 'www CNAME a', 'www CNAME b'));
    expect(errors.map((e) => e.line)).toEqual([2, 3]);
  });

  it('reports a blank owner with no previous owner', () => {
    const { errors } = parse(lines('$TTL 1h', '   A 192.0.2.1'));
    expect(errors).toEqual([{ line: 2, message: expect.stringContaining('previous owner') }]);
  });
});

const ALL_TYPES: RR[] = [
  {
    name: 'example.test.',
    type: 'SOA',
    ttl: 3600,
    content: 'ns1.example.test. hostmaster.example.test. 2026112401 3600 900 604800 300',
  },
  { name: 'example.test.', type: 'NS', ttl: 3600, content: 'ns1.example.test.' },
  { name: 'example.test.', type: 'NS', ttl: 3600, content: 'ns2.other.test.' },
  { name: 'example.test.', type: 'MX', ttl: 3600, content: '10 mail.example.test.' },
  { name: 'example.test.', type: 'TXT', ttl: 300, content: '"v=spf1 mx -all"' },
  { name: 'example.test.', type: 'CAA', ttl: 3600, content: '0 issue "letsencrypt.org"' },
  { name: 'www.example.test.', type: 'A', ttl: 60, content: '192.0.2.1' },
  { name: 'www.example.test.', type: 'AAAA', ttl: 60, content: '2001:db8::1' },
  { name: 'ftp.example.test.', type: 'CNAME', ttl: 3600, content: 'www.example.test.' },
  { name: '1.2.0.192.example.test.', type: 'PTR', ttl: 3600, content: 'www.example.test.' },
  { name: '_sip._tcp.example.test.', type: 'SRV', ttl: 3600, content: '10 5 5060 sip.example.test.' },
  { name: 'child.example.test.', type: 'NS', ttl: 3600, content: 'ns.child.example.test.' },
  { name: 'child.example.test.', type: 'DS', ttl: 3600, content: `12345 13 2 ${'AB'.repeat(32)}` },
  { name: '_443._tcp.www.example.test.', type: 'TLSA', ttl: 3600, content: `3 1 1 ${'CD'.repeat(32)}` },
  { name: 'host.example.test.', type: 'SSHFP', ttl: 3600, content: `4 2 ${'EF'.repeat(32)}` },
  { name: 'host.example.test.', type: 'HINFO', ttl: 3600, content: '"x86 64" "Linux"' },
  {
    name: 'sip.example.test.',
    type: 'NAPTR',
    ttl: 3600,
    content: '100 10 "u" "E2U+sip" "!^.*$!sip:info@example.test!" .',
  },
  {
    name: 'quotes.example.test.',
    type: 'TXT',
    ttl: 3600,
    content: '"has spaces ; and a semicolon" "say \\"hi\\" \\\\ (ok)" "caf\\195\\169\\009"',
  },
  { name: 'long.example.test.', type: 'TXT', ttl: 3600, content: `"${'k'.repeat(255)}" "${'k'.repeat(100)}"` },
  { name: '*.wild.example.test.', type: 'A', ttl: 3600, content: '192.0.2.9' },
  { name: 'mx0.example.test.', type: 'MX', ttl: 3600, content: '0 .' },
];

describe('serializeZoneFile', () => {
  it('round-trips every record type through parseZoneFile', () => {
    const text = serializeZoneFile(ORIGIN, ALL_TYPES);
    const { records, errors } = parseZoneFile(text, { origin: ORIGIN });
    expect(errors).toEqual([]);
    const key = (r: RR) => `${r.name} ${r.type} ${r.ttl} ${r.content}`;
    // Content from the fixture is compared after normalisation, since "caf\195\169" prints as "café".
    const { records: expected } = parseZoneFile(
      ALL_TYPES.map((r) => `${r.name} ${r.ttl} IN ${r.type} ${r.content}`).join('\n'),
      { origin: ORIGIN },
    );
    expect(records.map(key).sort()).toEqual(expected.map(key).sort());
    expect(records).toHaveLength(ALL_TYPES.length);
  });

  it('round-trips a TXT longer than 255 bytes split into strings', () => {
    const rr: RR = { name: 'dkim.example.test.', type: 'TXT', ttl: 300, content: `"${'p'.repeat(255)}" "${'p'.repeat(45)}"` };
    expect(parseZoneFile(serializeZoneFile(ORIGIN, [rr]), { origin: ORIGIN }).records).toEqual([rr]);
  });

  it('writes $ORIGIN and $TTL first, the SOA next, the apex before other names, owners relative', () => {
    const text = serializeZoneFile(ORIGIN, [...ALL_TYPES].reverse());
    const out = text.split('\n');
    expect(out[0]).toBe('$ORIGIN example.test.');
    expect(out[1]).toBe('$TTL 3600');
    expect(out[2]).toMatch(/^@ +3600 IN SOA +ns1\.example\.test\. hostmaster\.example\.test\. \($/);
    const owners = out
      .filter((l) => /^\S/.test(l) && !l.startsWith('$'))
      .map((l) => l.split(/\s+/)[0]);
    expect(owners.slice(0, 6)).toEqual(['@', '@', '@', '@', '@', '@']);
    expect(owners).toContain('www');
    expect(owners).toContain('*.wild');
    expect(text).not.toContain('www.example.test. 60');
    // Apex order: SOA, NS, then other types alphabetically.
    const apexTypes = out.filter((l) => l.startsWith('@')).map((l) => l.split(/\s+/)[3]);
    expect(apexTypes).toEqual(['SOA', 'NS', 'NS', 'CAA', 'MX', 'TXT']);
  });

  it('aligns the type and content columns', () => {
    const text = serializeZoneFile(ORIGIN, [
      { name: 'example.test.', type: 'NS', ttl: 3600, content: 'ns1.example.test.' },
      { name: 'a-long-name.example.test.', type: 'AAAA', ttl: 60, content: '2001:db8::1' },
    ]);
    const body = text.split('\n').slice(2, 4);
    expect(body).toEqual(['@           3600 IN NS   ns1.example.test.', 'a-long-name   60 IN AAAA 2001:db8::1']);
  });

  it('sorts names in canonical DNS order (by labels from the right)', () => {
    const names = ['b.example.test.', 'a.b.example.test.', 'example.test.', 'z.a.example.test.', 'a.example.test.'];
    const text = serializeZoneFile(
      ORIGIN,
      names.map((name) => ({ name, type: 'A', ttl: 60, content: '192.0.2.1' })),
    );
    const owners = text
      .split('\n')
      .slice(2)
      .filter(Boolean)
      .map((l) => l.split(/\s+/)[0]);
    expect(owners).toEqual(['@', 'a', 'z.a', 'b', 'a.b']);
  });
});
