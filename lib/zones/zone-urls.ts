// The web app's address of each of a zone's pages. Stored names are
// canonical (lib/dns/names.ts canonicalName, with the trailing dot); the
// addresses use the name as shown (displayName), and app/(app)/zones/[name]/ takes
// either.
import { displayName } from '../dns/names';

/** The pages under a zone's own (app/(app)/zones/[name]/), and the import form's upload route. */
export type ZonePage = 'history' | 'replication' | 'settings' | 'import' | 'import/upload' | 'export';

/** The path of a zone's page (its records when `page` is absent), from its stored or displayed name. */
export function zoneHref(name: string, page?: ZonePage): string {
  const base = `/zones/${encodeURIComponent(displayName(name))}`;
  return page ? `${base}/${page}` : base;
}

/** One change of a zone's history, its diff shown in full (the history page's ?change=). */
export function changeHref(zone: string, changeId: number): string {
  return `${zoneHref(zone, 'history')}?change=${changeId}#change-${changeId}`;
}
