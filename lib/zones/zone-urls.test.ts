import { describe, expect, it } from 'vitest';
import { displayName } from '../dns/names';
import { zoneHref } from './zone-urls';

describe('zone names shown and linked', () => {
  it('shows a stored name without its trailing dot, and the root as "."', () => {
    expect(displayName('example.com.')).toBe('example.com');
    expect(displayName('example.com')).toBe('example.com');
    expect(displayName('.')).toBe('.');
  });

  it('addresses a zone page by the name as shown, whether given stored or shown', () => {
    expect(zoneHref('example.com.')).toBe('/zones/example.com');
    expect(zoneHref('example.com', 'history')).toBe('/zones/example.com/history');
    expect(zoneHref('0/25.2.0.192.in-addr.arpa.', 'import/upload')).toBe('/zones/0%2F25.2.0.192.in-addr.arpa/import/upload');
  });
});
