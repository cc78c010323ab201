// Tests for TTL parsing and formatting.
import { describe, expect, it } from 'vitest';
import { formatTtl, MAX_TTL, parseTtl } from './ttl.ts';

describe('parseTtl', () => {
  it.each([
    ['300', 300],
    ['0', 0],
    ['5m', 300],
    ['1h', 3600],
    ['1H', 3600],
    ['1h30m', 5400],
    ['1d', 86400],
    ['1w', 604800],
    ['1W2D', 777600],
    ['90s', 90],
    [' 60 ', 60],
    ['2147483647', MAX_TTL],
  ])('%j → %i', (text, expected) => {
    expect(parseTtl(text)).toBe(expected);
  });

  it.each([
    ['', 'not a number of seconds'],
    ['abc', 'not a number of seconds'],
    ['-5', 'not a number of seconds'],
    ['1.5h', 'not a number of seconds'],
    ['1y', 'not a number of seconds'],
    ['h', 'not a number of seconds'],
    ['1h 30m', 'not a number of seconds'],
    ['2147483648', 'too large'],
    ['3551w', 'too large'],
    ['99999999999999999999999', 'too large'],
  ])('rejects %j', (text, message) => {
    expect(() => parseTtl(text)).toThrow(message);
  });
});

describe('formatTtl', () => {
  it.each([
    [0, '0'],
    [90, '90'],
    [60, '1m'],
    [300, '5m'],
    [3600, '1h'],
    [5400, '90m'],
    [86400, '1d'],
    [604800, '1w'],
    [1209600, '2w'],
    [3601, '1h1s'],
    [93784, '93784'],
  ])('%i → %s', (seconds, expected) => {
    expect(formatTtl(seconds)).toBe(expected);
  });

  it('always gives text parseTtl reads back to the same number', () => {
    for (const s of [0, 1, 59, 61, 119, 3599, 3660, 7200, 86399, 90061, 1234567, MAX_TTL]) {
      expect(parseTtl(formatTtl(s))).toBe(s);
    }
  });

  it('rejects values that are not TTLs', () => {
    expect(() => formatTtl(-1)).toThrow(RangeError);
    expect(() => formatTtl(MAX_TTL + 1)).toThrow(RangeError);
    expect(() => formatTtl(1.5)).toThrow(RangeError);
  });
});
