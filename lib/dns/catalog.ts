// Catalog zones (RFC 9432, schema version 2): a zone whose records list
// member zones, transferred like any other. This module owns the shape of a
// catalog's records, for the producer (lib/zones/catalog.ts writes them) and
// the consumer (lib/dns/catalog-parse.ts reads them):
//
//   CAT.                         SOA  invalid. invalid. …
//   CAT.                         NS   invalid.
//   version.CAT.                 TXT  "2"
//   LABEL.zones.CAT.             PTR  member.example.
//   group.LABEL.zones.CAT.       TXT  "GROUP"            (optional, §4.4.2)
//   coo.LABEL.zones.CAT.         PTR  other-catalog.     (optional, §4.4.1)
//
// No pure-DNS code here touches storage.
import { randomBytes } from 'node:crypto';
import type { RR } from './types';

/** The only schema version we produce and consume (RFC 9432 §4.2). */
export const CATALOG_VERSION = '2';

/** The NS target RFC 9432 §4 recommends: nothing should resolve a catalog's name servers. */
export const CATALOG_NS = 'invalid.';

/**
 * TTL of the catalog's records: RFC 9432 §4 leaves it open (catalogs are
 * transferred, not resolved); BIND and Knot write 0 or the default TTL. A
 * zero TTL makes no cache keep them.
 */
export const CATALOG_TTL = 0;

/** `version.CAT.` */
export function versionOwner(catalog: string): string {
  return `version.${catalog}`;
}

/** `zones.CAT.`: the parent of every member node. */
export function zonesOwner(catalog: string): string {
  return `zones.${catalog}`;
}

/** `LABEL.zones.CAT.`, the member node. */
export function memberOwner(catalog: string, label: string): string {
  return `${label}.${zonesOwner(catalog)}`;
}

/**
 * A new unique label for a member (RFC 9432 §4.1: unique within the
 * catalog, and new whenever a zone is added again so a consumer resets it).
 * Random, lower-case base32-ish, a letter first so it is never mistaken for a
 * number: 16 characters carry 80 bits.
 */
export function newMemberLabel(): string {
  const alphabet = 'abcdefghijklmnopqrstuvwxyz234567';
  const bytes = randomBytes(16);
  let label = alphabet[bytes[0]! % 26]!;
  for (let i = 1; i < 16; i++) label += alphabet[bytes[i]! % 32]!;
  return label;
}

/** The properties we write under a member node (RFC 9432 §4.4): its group, and a change of ownership. */
export const MEMBER_PROPERTIES = ['group', 'coo'] as const;

/** One member as a catalog lists it. */
export interface CatalogMember {
  /** The member zone, canonical (lower case, final dot). */
  zone: string;
  /** The unique label of its member node. */
  label: string;
  /** The group property, when any (RFC 9432 §4.4.2). */
  group?: string | null;
  /**
   * Change of ownership (RFC 9432 §4.4.1, §5.6): the catalog this member may
   * move to. Our producer writes it on the old entry of a moved zone.
   */
  coo?: string | null;
}

/** The records that list `m` in `catalog` (the member node's PTR and its properties). */
export function memberRecords(catalog: string, m: CatalogMember): RR[] {
  const owner = memberOwner(catalog, m.label);
  const rrs: RR[] = [{ name: owner, type: 'PTR', ttl: CATALOG_TTL, content: m.zone }];
  if (m.group) rrs.push({ name: `group.${owner}`, type: 'TXT', ttl: CATALOG_TTL, content: quoteTxt(m.group) });
  if (m.coo) rrs.push({ name: `coo.${owner}`, type: 'PTR', ttl: CATALOG_TTL, content: m.coo });
  return rrs;
}

/** The records every catalog holds besides its SOA: the NS and the version. */
export function catalogBaseRecords(catalog: string): RR[] {
  return [
    { name: catalog, type: 'NS', ttl: CATALOG_TTL, content: CATALOG_NS },
    { name: versionOwner(catalog), type: 'TXT', ttl: CATALOG_TTL, content: quoteTxt(CATALOG_VERSION) },
  ];
}

/**
 * A group name as the producer takes it (`--group`): printable ASCII, no
 * quote or backslash, 1–255 characters, since it travels as one TXT string
 * and BIND and Knot match it as a configuration name. Returns the reason it
 * is refused, or null.
 */
export function groupNameProblem(group: string): string | null {
  if (group.length === 0 || group.length > 255) return 'a group name has 1 to 255 characters';
  if (!/^[\x21-\x7e]+$/.test(group) || /["\\]/.test(group)) return 'a group name is printable ASCII with no space, quote or backslash';
  return null;
}

function quoteTxt(text: string): string {
  return `"${text}"`;
}
