// What a changeset's commit reads of its zone, inside the commit's
// transaction, instead of the whole zone: a one-record commit to a zone of a
// million records must cost what one to a zone of ten does. The change only
// alters the records at the names it touches, so the zone rules
// (lib/zones/validate.ts checkChangeRules) need only those names, the apex,
// the in-zone targets of their NS and MX records (is one a CNAME?) and, for a
// touched name that becomes a CNAME, the NS and MX records that point at it;
// NOTIFY needs the apex NS set and the addresses of in-zone NS hosts. No
// rule looks at ancestors: records below a delegation are accepted, as glue
// must be, by the whole-zone check too.
import { isInZone } from '../dns/names';
import type { RR } from '../dns/types';
import type { Prisma } from '../generated/prisma/client';
import { readRecordsAt } from './data';
import { pointerTarget, type Neighbourhood } from './validate';

type Client = Pick<Prisma.TransactionClient, 'record'>;

/** The records of one zone grouped by owner name. */
export type RecordsByName = Map<string, RR[]>;

/**
 * The neighbourhood of `names` (every record at each touched name as it will
 * be, the apex among them) for checkChangeRules: the CNAMEs among the
 * untouched targets of their NS and MX records, and the NS and MX records
 * elsewhere that point at a touched name that will hold a CNAME.
 */
export async function readNeighbourhood(tx: Client, zone: { id: number; name: string }, names: RecordsByName): Promise<Neighbourhood> {
  const targets = new Set<string>();
  const becomeCnames: string[] = [];
  for (const [name, list] of names) {
    for (const r of list) {
      const t = pointerTarget(r);
      if (t && !names.has(t) && isInZone(t, zone.name)) targets.add(t);
    }
    if (list.some((r) => r.type === 'CNAME')) becomeCnames.push(name);
  }
  const cnames = new Set((await readRecordsAt(tx, zone.id, targets, { types: ['CNAME'] })).map((r) => r.name));
  const pointers = becomeCnames.length
    ? (await readRecordsAt(tx, zone.id, becomeCnames, { by: 'target', types: ['NS', 'MX'] })).filter((r) => !names.has(r.name))
    : [];
  return { names, cnames, pointers };
}

/**
 * What notifyTargets needs of the zone as it will be: the apex records and
 * the addresses of the in-zone hosts its NS records name, touched or not.
 */
export async function readNotifyRecords(tx: Client, zone: { id: number; name: string }, names: RecordsByName): Promise<RR[]> {
  const apex = names.get(zone.name) ?? [];
  const hosts = new Set(apex.filter((r) => r.type === 'NS' && isInZone(r.content, zone.name)).map((r) => r.content));
  const out = [...apex];
  const untouched: string[] = [];
  for (const host of hosts) {
    const known = names.get(host);
    if (!known) untouched.push(host);
    else if (host !== zone.name) out.push(...known);
  }
  if (untouched.length) out.push(...(await readRecordsAt(tx, zone.id, untouched, { types: ['A', 'AAAA'] })));
  return out;
}

/** readNotifyRecords for a change that touches no record of its own (a signing or key step): the apex as stored. */
export async function readApexNotifyRecords(tx: Client, zone: { id: number; name: string }): Promise<RR[]> {
  return readNotifyRecords(tx, zone, new Map([[zone.name, await readRecordsAt(tx, zone.id, [zone.name])]]));
}
