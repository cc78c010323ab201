// Tests for domain-name canonicalisation and the name helpers.
import { describe, expect, it } from 'vitest';
import {
  absoluteName,
  ancestorNames,
  canonicalName,
  DnsNameError,
  isHostname,
  isInZone,
  labelCount,
  nameLabels,
  parentName,
  relativeName,
} from './names.ts';

const ZONE = 'example.test.';

describe('canonicalName', () => {
  it.each([
    ['www', ZONE, 'www.example.test.'],
    ['WWW.Example.TEST.', undefined, 'www.example.test.'],
    ['@', ZONE, 'example.test.'],
    ['@', 'Example.Test.', 'example.test.'],
    ['.', undefined, '.'],
    ['a.b', ZONE, 'a.b.example.test.'],
    ['host', '.', 'host.'],
    ['_sip._tcp', ZONE, '_sip._tcp.example.test.'],
    ['*', ZONE, '*.example.test.'],
    ['*.dev', ZONE, '*.dev.example.test.'],
    ['xn--bcher-kva.test.', undefined, 'xn--bcher-kva.test.'],
    // RFC 2317 classless reverse delegation, as BIND and PowerDNS write it.
    ['1', '0/26.2.0.192.in-addr.arpa.', '1.0/26.2.0.192.in-addr.arpa.'],
  ])('%s (origin %s) → %s', (input, origin, expected) => {
    expect(canonicalName(input, origin)).toBe(expected);
  });

  it.each([
    ['www..example.test.', undefined, '"www..example.test." has an empty label'],
    ['www', undefined, 'relative name but no origin'],
    ['@', undefined, 'needs an origin'],
    ['', ZONE, 'empty'],
    ['my host', ZONE, '"my host.example.test." contains a space'],
    ['a\\.b', ZONE, 'backslash'],
    ['w*w', ZONE, 'contains "*"'],
    ['a.*', ZONE, 'wildcard must be the leftmost label'],
    ['bücher', ZONE, 'punycode'],
    ['host!', ZONE, 'contains "!"'],
    [`${'a'.repeat(64)}.test.`, undefined, 'longer than 63'],
    ['www', 'example.test', 'must be absolute'],
  ])('rejects %j', (input, origin, message) => {
    expect(() => canonicalName(input, origin)).toThrow(DnsNameError);
    expect(() => canonicalName(input, origin)).toThrow(message);
  });

  it('accepts a 63-octet label but not 64', () => {
    expect(canonicalName(`${'a'.repeat(63)}.test.`)).toBe(`${'a'.repeat(63)}.test.`);
    expect(() => canonicalName(`${'a'.repeat(64)}.test.`)).toThrow(DnsNameError);
  });

  it('limits a whole name to 255 octets in wire form', () => {
    // Four 61-octet labels: 4 × 62 + 1 = 249 octets, fits; a fifth label of 5 → 255 fits; of 6 → 256 does not.
    const base = Array.from({ length: 4 }, () => 'a'.repeat(61)).join('.');
    expect(canonicalName(`${'b'.repeat(5)}.${base}.`)).toHaveLength(254);
    expect(() => canonicalName(`${'b'.repeat(6)}.${base}.`)).toThrow('too long');
  });
});

describe('absoluteName', () => {
  it.each([
    ['Example.Test', 'example.test.'],
    ['example.test.', 'example.test.'],
    ['WWW.Example.TEST.', 'www.example.test.'],
    ['localhost', 'localhost.'],
    ['.', '.'],
    ['', '.'],
  ])('%j → %s', (input, expected) => {
    expect(absoluteName(input)).toBe(expected);
  });

  it.each([
    ['www..example.test', 'empty label'],
    ['my zone.test', 'contains a space'],
    [' example.test', 'contains a space'], // no trimming: callers decide
    ['@', 'contains "@"'],
    [`${'a'.repeat(64)}.test`, 'longer than 63'],
  ])('rejects %j as canonicalName does', (input, message) => {
    expect(() => absoluteName(input)).toThrow(DnsNameError);
    expect(() => absoluteName(input)).toThrow(message);
  });
});

describe('isHostname', () => {
  it.each([
    ['mail.example.test.', true],
    ['mail.example.test', true],
    ['a-b.example.test.', true],
    ['1host.example.', true],
    ['-bad.example.test.', false],
    ['bad-.example.test.', false],
    ['_srv.example.test.', false],
    ['*.example.test.', false],
    ['.', false],
    ['a..b.', false],
  ])('%s → %s', (name, expected) => {
    expect(isHostname(name)).toBe(expected);
  });
});

describe('zone membership and relative names', () => {
  it.each([
    ['example.test.', ZONE, true],
    ['www.example.test.', ZONE, true],
    ['a.b.example.test.', ZONE, true],
    ['badexample.test.', ZONE, false],
    ['test.', ZONE, false],
    ['anything.', '.', true],
  ])('isInZone(%s, %s) → %s', (name, zone, expected) => {
    expect(isInZone(name, zone)).toBe(expected);
  });

  it.each([
    ['example.test.', ZONE, '@'],
    ['www.example.test.', ZONE, 'www'],
    ['a.b.example.test.', ZONE, 'a.b'],
    ['mail.other.test.', ZONE, 'mail.other.test.'],
    ['badexample.test.', ZONE, 'badexample.test.'],
    ['host.', '.', 'host'],
  ])('relativeName(%s, %s) → %s', (name, zone, expected) => {
    expect(relativeName(name, zone)).toBe(expected);
  });
});

describe('label helpers', () => {
  it.each([
    ['.', [], 0, null, []],
    ['test.', ['test'], 1, '.', ['.']],
    ['www.example.test.', ['www', 'example', 'test'], 3, 'example.test.', ['example.test.', 'test.', '.']],
  ])('%s', (name, labels, count, parent, ancestors) => {
    expect(nameLabels(name)).toEqual(labels);
    expect(labelCount(name)).toBe(count);
    expect(parentName(name)).toBe(parent);
    expect(ancestorNames(name)).toEqual(ancestors);
  });
});
