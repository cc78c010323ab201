// DNSSEC record data: what BIND's tools and dig print reads into the canonical form of
// lib/dns/dnssec/types.ts, bad input is refused with a message that says what was expected,
// and the field codecs (base64, base32hex, signature times, type bitmaps) round trip.
import { describe, expect, it } from 'vitest';
import {
  base32HexField,
  formatSigTime,
  readTypeBitmap,
  sigTimeField,
  toBase32Hex,
  typeBitmap,
  typeField,
  typeText,
} from './rdata-dnssec';
import { contentToWire } from './rdata';
import { contentToRdata, rdataToContent } from './rdata-wire';
import { encodeRdata } from './wire';
import { isGenericType, isRecordType, isStoredType, mayAccompanyCname, normalizeContent, RdataError } from './rdata';

const O = 'example.test.';
const KEY = 'ev8fGYFm3k+d5coeTHd23jU7J5rB7hUCzPuuE7LtPZROgTohmehcR7ZQil51g4dYT3eQa4O6axEQP2gAYKF1oQ==';
const SIG = 'DMRNHrL6dDwVsik6N2V/SZjlFI/Bp8VFvs6CPZ7P7mt8F6ygZ1Cx0JnHoJjbhKUJeN9yYgmHL2jTuPdtvM98kA==';
const DIGEST = '117BE5E8F2B1E5D61BEB5184421C5A869A89BDEE1C0EB3BC07D9260818D492C8';

describe('the signer types in presentation form', () => {
  it.each([
    // dnssec-signzone writes keys and signatures split in 36-character lines.
    ['DNSKEY', `257 3 13 ${KEY.slice(0, 36)} ${KEY.slice(36, 72)} ${KEY.slice(72)}`, `257 3 13 ${KEY}`],
    ['CDNSKEY', '0 3 0 AA==', '0 3 0 AA=='],
    ['CDS', `41501 13 2 ${DIGEST.slice(0, 32)} ${DIGEST.slice(32).toLowerCase()}`, `41501 13 2 ${DIGEST}`],
    ['CDS', '0 0 0 00', '0 0 0 00'],
    ['DS', `41501 13 2 ${DIGEST.toLowerCase()}`, `41501 13 2 ${DIGEST}`],
    // RFC 4034 §3.2: times as YYYYMMDDHHmmSS or as seconds; relative signer completed with the origin.
    ['RRSIG', `a 13 3 300 1798761600 1796083200 27721 @ ${SIG}`, `A 13 3 300 20270101000000 20261201000000 27721 example.test. ${SIG}`],
    ['RRSIG', `SOA 13 2 300 20270101000000 20261201000000 27721 Example.Test. ${SIG.slice(0, 40)} ${SIG.slice(40)}`, `SOA 13 2 300 20270101000000 20261201000000 27721 example.test. ${SIG}`],
    ['RRSIG', `TYPE65534 13 2 0 20270101000000 20261201000000 27721 example.test. ${SIG}`, `TYPE65534 13 2 0 20270101000000 20261201000000 27721 example.test. ${SIG}`],
    // Types in any order and case, TYPEnnn for ones without a mnemonic (RFC 3597 §5), TYPE1 is A.
    ['NSEC', 'www nsec rrsig TYPE1 TYPE65534 caa https', 'www.example.test. A RRSIG NSEC HTTPS CAA TYPE65534'],
    ['NSEC', 'next.example.test.', 'next.example.test.'],
    // RFC 6840 §5.1: the next name keeps its case (it is signed so).
    ['NSEC', 'Next.Example.TEST. A', 'Next.Example.TEST. A'],
    ['NSEC', 'WWW A', 'WWW.example.test. A'],
    ['NSEC3', '1 0 0 - 23h26qfqlf9nr239hoid32mf55i5lhr8 NS DS RRSIG', '1 0 0 - 23H26QFQLF9NR239HOID32MF55I5LHR8 NS DS RRSIG'],
    ['NSEC3', '1 1 2 ab12cd 3CUG7JUHQ2R08IJPNG38RQT64Q8SSS19', '1 1 2 AB12CD 3CUG7JUHQ2R08IJPNG38RQT64Q8SSS19'],
    ['NSEC3PARAM', '1 0 0 -', '1 0 0 -'],
    ['NSEC3PARAM', '1 0 5 aabb', '1 0 5 AABB'],
  ])('%s %s', (type, input, canonical) => {
    expect(normalizeContent(type, input, O)).toBe(canonical);
  });

  it.each([
    ['DNSKEY', '257 3 13', 'DNSKEY record needs "flags protocol algorithm public-key"'],
    ['DNSKEY', `257 2 13 ${KEY}`, 'DNSKEY protocol must be 3 (RFC 4034 §2.1.2), got "2"'],
    ['DNSKEY', `257 3 13 ${KEY.slice(0, 41)}`, 'DNSKEY public key must be base64'],
    ['DNSKEY', `257 3 13 ${KEY.slice(4)}`, 'DNSKEY public key needs 64 bytes for algorithm 13, got 61'],
    ['DNSKEY', `257 3 13 "${KEY}"`, 'DNSKEY public key is not quoted text'],
    ['DNSKEY', '70000 3 13 AA==', 'DNSKEY flags must be a whole number from 0 to 65535'],
    ['CDS', '41501 13 2 ABCD', 'CDS digest type 2 needs 64 hex digits, got 4'],
    ['RRSIG', `A 13 2 300 20270101000000 20261201000000 27721 ${SIG}`, 'RRSIG record needs "type-covered algorithm labels'],
    ['RRSIG', `BOGUS 13 2 300 20270101000000 20261201000000 27721 example.test. ${SIG}`, 'RRSIG type covered: "BOGUS" is not a record type'],
    ['RRSIG', `A 13 2 300 20271301000000 20261201000000 27721 example.test. ${SIG}`, 'RRSIG expiration must be a UTC time written YYYYMMDDHHmmSS'],
    ['RRSIG', `A 13 2 300 20270101000000 4294967296 27721 example.test. ${SIG}`, 'RRSIG inception must be a UTC time'],
    ['RRSIG', `A 13 2 300 20270101000000 20261201000000 27721 example.test. ${SIG.slice(8)}`, 'RRSIG signature needs 64 bytes for algorithm 13'],
    ['NSEC', 'next.example.test. A BOGUS', 'NSEC type list: "BOGUS" is not a record type (write types without a mnemonic as TYPE'],
    ['NSEC', 'next.example.test. TYPE70000', 'not a record type'],
    ['NSEC3', '1 0 0 - 23H26QFQLF9NR239HOID32MF55I5LHR8X A', 'NSEC3 next hash must be base32hex'],
    ['NSEC3', '1 0 0 - ZZZZ A', 'NSEC3 next hash must be base32hex'],
    ['NSEC3', '1 0 0 ABC 23H26QFQLF9NR239HOID32MF55I5LHR8', 'NSEC3 salt (or "-" for none) must be hexadecimal digits in pairs'],
    ['NSEC3', '1 0 0 -', 'NSEC3 record needs "hash-algorithm flags iterations salt next-hash types…"'],
    ['NSEC3', '1 0 70000 - 23H26QFQLF9NR239HOID32MF55I5LHR8', 'NSEC3 iterations must be a whole number from 0 to 65535'],
    ['NSEC3PARAM', '1 0 0', 'NSEC3PARAM record needs "hash-algorithm flags iterations salt"'],
  ])('refuses %s %s', (type, input, message) => {
    expect(() => normalizeContent(type, input, O)).toThrow(RdataError);
    expect(() => normalizeContent(type, input, O)).toThrow(message);
  });

  it('keeps the case of an NSEC next name through wire form', () => {
    const content = 'WWW.Example.test. A RRSIG NSEC';
    const rdata = contentToRdata('NSEC', content);
    expect(rdata.subarray(1, 4).toString()).toBe('WWW');
    expect(encodeRdata('NSEC', contentToWire('NSEC', content)).equals(rdata)).toBe(true);
    expect(rdataToContent('NSEC', rdata, 0, rdata.length)).toBe(content);
  });

  it('refuses on the direct wire path what normalizeContent refuses', () => {
    for (const [type, content] of [
      ['DNSKEY', `257 3 13 ${KEY.slice(4)}`],
      ['DNSKEY', `257 2 13 ${KEY}`],
      ['CDS', '41501 13 2 ABCD'],
      ['RRSIG', `A 13 2 300 20270101000000 20261201000000 27721 example.test. ${SIG.slice(8)}`],
      ['NSEC', 'next.example.test. A BOGUS'],
      ['NSEC3', '1 0 0 - ZZZZ A'],
    ] as const) {
      expect(() => contentToRdata(type, content), `${type} ${content}`).toThrow();
    }
  });

  it('keeps the signer types storable but out of what a person may pick', () => {
    for (const t of ['DNSKEY', 'CDNSKEY', 'CDS', 'RRSIG', 'NSEC', 'NSEC3', 'NSEC3PARAM']) {
      expect(isStoredType(t)).toBe(true);
      expect(isRecordType(t)).toBe(false);
    }
    expect(isRecordType('DS')).toBe(true);
  });

  it('lets only RRSIG and NSEC/NSEC3 share a name with a CNAME', () => {
    expect(['RRSIG', 'NSEC', 'NSEC3', 'A', 'DS', 'DNSKEY', 'TXT'].filter(mayAccompanyCname)).toEqual(['RRSIG', 'NSEC', 'NSEC3']);
  });
});

describe('types without a mnemonic (RFC 3597)', () => {
  it('stores TYPEnnn as "\\# length hex" and writes its bytes as they are', () => {
    const content = normalizeContent('TYPE65534', '\\# 5 0d5e 640001', O);
    expect(content).toBe('\\# 5 0D5E640001');
    const rdata = contentToRdata('TYPE65534', content);
    expect(rdata.toString('hex')).toBe('0d5e640001');
    expect(encodeRdata('TYPE65534', contentToWire('TYPE65534', content)).equals(rdata)).toBe(true);
    expect(rdataToContent('TYPE65534', rdata, 0, rdata.length)).toBe(content);
    expect(normalizeContent('TYPE65280', '\\# 0', O)).toBe('\\# 0');
  });

  it('refuses a type we name, a meta type, and data that is not "\\# length hex"', () => {
    expect(['TYPE65534', 'TYPE65', 'TYPE1', 'TYPE46', 'TYPE251', 'TYPE0', 'TYPE70000'].filter(isGenericType)).toEqual(['TYPE65534', 'TYPE65']);
    expect(isStoredType('TYPE65534')).toBe(true);
    expect(() => normalizeContent('TYPE65534', '0D5E640001', O)).toThrow('needs its data as "\\# length hex" (RFC 3597 §5)');
    expect(() => normalizeContent('TYPE65534', '\\# 4 0D5E640001', O)).toThrow('generic rdata says 4 bytes but holds 5');
    expect(() => normalizeContent('TYPE1', '\\# 4 C0000201', O)).toThrow('unsupported record type TYPE1');
  });
});

describe('DNSSEC field codecs', () => {
  it('reads and writes base32hex as RFC 4648 §10 spells it', () => {
    // RFC 4648 §10 test vectors, without padding.
    for (const [text, b32] of [['f', 'CO'], ['fo', 'CPNG'], ['foo', 'CPNMU'], ['foob', 'CPNMUOG'], ['fooba', 'CPNMUOJ1'], ['foobar', 'CPNMUOJ1E8']]) {
      expect(toBase32Hex(Buffer.from(text))).toBe(b32);
      expect(base32HexField(b32.toLowerCase(), 'hash').toString()).toBe(text);
    }
    expect(() => base32HexField('CP', 'hash')).toThrow('stray bits');
  });

  it('reads signature times either way and writes them as dates', () => {
    expect(sigTimeField('20261206000000', 't')).toBe(Date.UTC(2026, 11, 6) / 1000);
    expect(sigTimeField('0', 't')).toBe(0);
    expect(sigTimeField('4294967295', 't')).toBe(4294967295);
    expect(formatSigTime(4294967295)).toBe('21060207062815');
    expect(sigTimeField('21060207062815', 't')).toBe(4294967295);
    expect(() => sigTimeField('21060207062816', 't')).toThrow(RdataError);
    expect(() => sigTimeField('20260230000000', 't')).toThrow('YYYYMMDDHHmmSS');
    expect(() => sigTimeField('19691231235959', 't')).toThrow(RdataError);
  });

  it('builds type bitmaps window by window and reads them back (RFC 4034 §4.1.2)', () => {
    // RFC 4034 §4.3's example: A MX RRSIG NSEC TYPE1234.
    const codes = [1, 15, 46, 47, 1234];
    const bitmap = typeBitmap(codes);
    expect(bitmap.toString('hex')).toBe('0006400100000003' + '041b' + '00'.repeat(26) + '20');
    expect(readTypeBitmap(bitmap, 'NSEC')).toEqual(codes);
    expect(typeBitmap([])).toHaveLength(0);
    expect(() => readTypeBitmap(Buffer.from([0, 0]), 'NSEC')).toThrow('malformed');
    expect(() => readTypeBitmap(Buffer.from([1, 1, 0x80, 0, 1, 0x80]), 'NSEC')).toThrow('malformed');
  });

  it('names types by mnemonic when there is one, TYPEnnn otherwise', () => {
    expect([1, 43, 59, 65, 257, 65534].map(typeText)).toEqual(['A', 'DS', 'CDS', 'HTTPS', 'CAA', 'TYPE65534']);
    expect(typeField('type43', 'x')).toBe(43);
    expect(() => typeField('UNKNOWN_5', 'x')).toThrow(RdataError);
  });
});
