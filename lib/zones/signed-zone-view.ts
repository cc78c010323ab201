// The stored zone as the DNSSEC planner (lib/dns/dnssec/resign.ts) reads it,
// inside the commit's transaction, before the change is written: the records
// at a few names, the chain record before a name or hash, the names below a
// name. Each method is one query (or a few) along Record(zoneId, name, type);
// what each costs is said beside it.
//
// The SOA lives in the Zone row, not in Record, so recordsAt never returns it:
// the planner takes the new SOA from the change and replaces the SOA's
// signatures at every commit anyway.
import type { SignedZoneView } from '../dns/dnssec/resign';
import { compareCanonical, isBelow } from '../dns/dnssec/canonical';
import type { RR } from '../dns/types';
import type { Prisma } from '../generated/prisma/client';
import { readRecordsAt } from './data';

type Client = Pick<Prisma.TransactionClient, 'record'>;

const plain = (r: RR): RR => ({ name: r.name, type: r.type, ttl: r.ttl, content: r.content });
const select = { name: true, type: true, ttl: true, content: true } as const;

/**
 * A SignedZoneView over zone `zone` read through `tx` (the commit's transaction client,
 * lib/zones/changes.ts Tx). Make it before writing the change and use it for one plan:
 * nsecBefore keeps what it read for the life of the view.
 */
export function signedZoneView(tx: Client, zone: { id: number; name: string }): SignedZoneView {
  const zoneId = zone.id;
  let nsecOwners: string[] | null = null;

  return {
    zone: zone.name,

    // One query per 500 names along Record(zoneId, name, type) (readRecordsAt): rows read
    // are the records at those names, nothing else.
    async recordsAt(names) {
      return (await readRecordsAt(tx, zoneId, names)).map(plain);
    },

    // NSEC3 owners are "<32 base32hex characters>.<zone>": the same length and suffix, so
    // their order as strings is hash order in any collation that puts digits before
    // lower-case letters (C, and the ICU and glibc locales). One backward seek along
    // Record(zoneId, name, type) from the hash's owner name, stepping over the index
    // entries of other types in between (as many as the zone has names whose owner sorts
    // between two neighbouring hashes: a handful on average; an index on
    // Record(zoneId, type, name) would make it exactly one). A second seek when the ring
    // wraps.
    async nsec3Before(hash) {
      const lower = await tx.record.findFirst({
        where: { zoneId, type: 'NSEC3', name: { lt: `${hash}.${zone.name}` } },
        orderBy: { name: 'desc' },
        select,
      });
      if (lower) return lower;
      return tx.record.findFirst({ where: { zoneId, type: 'NSEC3' }, orderBy: { name: 'desc' }, select });
    },

    // Canonical order is label order from the right, which no index on the owner name
    // follows. The first call reads the owner names of every NSEC record of the zone, an
    // index-only scan of Record(zoneId, name, type) (about 60 bytes per name; no table
    // rows), and keeps them sorted for the view's life; each call then costs one lookup
    // of the record found. NSEC is the zone owner's choice (NSEC3 is the default); a
    // column holding the name's labels reversed, indexed, would make this one seek.
    async nsecBefore(name) {
      if (nsecOwners === null) {
        const rows = await tx.record.findMany({ where: { zoneId, type: 'NSEC' }, select: { name: true } });
        nsecOwners = rows.map((r) => r.name).sort(compareCanonical);
      }
      if (nsecOwners.length === 0) return null;
      let lo = 0;
      let hi = nsecOwners.length; // first owner not before `name`
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (compareCanonical(nsecOwners[mid]!, name) < 0) lo = mid + 1;
        else hi = mid;
      }
      const owner = nsecOwners[lo === 0 ? nsecOwners.length - 1 : lo - 1]!;
      return tx.record.findFirst({ where: { zoneId, name: owner, type: 'NSEC' }, select });
    },

    // Names below a name share a suffix, which an index on the name cannot seek: an
    // index-only scan of the zone's entries in Record(zoneId, name, type), comparing each
    // name's end, stopping at `limit` matches. The planner asks only when a name loses all
    // its records in an NSEC3 zone (is it now an empty non-terminal?), and when a
    // delegation appears or goes (the names it hides or uncovers).
    async namesBelow(name, limit) {
      // LIKE reads "_" (in service labels) as any character: check each match exactly,
      // and without a row limit then, so that false matches cannot crowd out true ones.
      const exact = !/[_%]/.test(name);
      // GROUP BY in SQL, so that the row limit counts names, not records.
      const rows = await tx.record.groupBy({
        by: ['name'],
        where: { zoneId, name: { endsWith: `.${name}` } },
        orderBy: { name: 'asc' },
        ...(exact && Number.isSafeInteger(limit) && limit < Number.MAX_SAFE_INTEGER ? { take: limit } : {}),
      });
      return rows.map((r) => r.name).filter((n) => isBelow(n, name)).slice(0, limit);
    },
  };
}
