// Tests for the relative-time wording shared by the pages and the CLI.
import { describe, expect, it } from 'vitest';
import { formatAgo, formatDuration, formatOffset, formatRelative } from './relative-time.ts';

const NOW = new Date('2026-11-24T12:00:00Z');
const at = (seconds: number) => new Date(NOW.getTime() + seconds * 1000);

describe('formatRelative', () => {
  it.each([
    [0, 'just now'],
    [-44, 'just now'],
    [44, 'just now'],
    [-45, '1 minute ago'],
    [-170, '3 minutes ago'],
    [300, 'in 5 minutes'],
    [-3599, '60 minutes ago'],
    [-3600, '1 hour ago'],
    [-5 * 3600, '5 hours ago'],
    [2 * 3600, 'in 2 hours'],
    [-86400, 'yesterday'],
    [86400, 'tomorrow'],
    [-3 * 86400, '3 days ago'],
    [-29 * 86400, '29 days ago'],
    [-30 * 86400, '2026-10-25'],
    [40 * 86400, '2027-01-03'],
  ])('%i s from now → %s', (seconds, expected) => {
    expect(formatRelative(at(seconds), NOW)).toBe(expected);
  });
});

describe('formatAgo', () => {
  it.each([
    [0, '0 s ago'],
    [-45, '45 s ago'],
    [-119, '119 s ago'],
    [-120, '2 min ago'],
    [-7199, '120 min ago'],
    [-7200, '2 h ago'],
    [-172_799, '48 h ago'],
    [-172_800, '2 days ago'],
    [-40 * 86400, '40 days ago'],
    [30, '0 s ago'], // a moment ahead of the clock is not "in 30 s"
  ])('%i s from now → %s', (seconds, expected) => {
    expect(formatAgo(at(seconds), NOW)).toBe(expected);
  });

  it('says never when there is no moment', () => {
    expect(formatAgo(null, NOW)).toBe('never');
  });
});

describe('formatOffset', () => {
  const now = new Date('2026-12-05T12:00:00Z');
  const at = (ms: number) => new Date(now.getTime() + ms);
  it.each([
    // A check written 400 ms after the CLI took its clock reading has happened, not "in 0 s".
    [400, '0 s ago'],
    [-400, '0 s ago'],
    [0, '0 s ago'],
    [-3000, '3 s ago'],
    [1600, 'in 2 s'],
    [60 * 60_000, 'in 60 min'],
    [-5 * 3_600_000, '5 h ago'],
    [24 * 3_600_000, 'in 24 h'],
    [-3 * 86_400_000, '3 d ago'],
  ])('%i ms from now reads "%s"', (ms, text) => {
    expect(formatOffset(at(ms), now)).toBe(text);
  });
});

describe('formatDuration', () => {
  it.each([
    [3600, '1 hour'],
    [43_200, '12 hours'],
    [5400, '90 minutes'],
    [86_400, '1 day'],
    [45, '45 seconds'],
    [61, '61 seconds'],
  ])('%i s → %s', (seconds, expected) => {
    expect(formatDuration(seconds)).toBe(expected);
  });
});
