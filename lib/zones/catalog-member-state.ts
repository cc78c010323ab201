// How a catalog's member stands, in words, for the zone page's catalog panel
// and `zonekeeper zone status` alike. No database here: components import it.
import type { CatalogMemberStatus } from './catalog-data';

export function memberStateText(m: Pick<CatalogMemberStatus, 'kind' | 'serial' | 'lastError'>): string {
  if (m.kind === 'secondary' && m.serial === 0) return m.lastError ? `not transferred: ${m.lastError}` : 'waiting for its first transfer';
  return `serial ${m.serial}${m.lastError ? `, last refresh failed: ${m.lastError}` : ''}`;
}
