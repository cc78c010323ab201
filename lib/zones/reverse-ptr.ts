// Reverse records that keep themselves (issue 21): for each A or AAAA record
// the editor adds or changes, the PTR its address needs in a reverse zone
// here, offered beside the edit and committed after the forward change as
// the reverse zone's own changeset, linked to it (Change.linkedChangeId).
//
// The reverse zone is the longest primary zone here that holds the PTR name
// (a /24 zone before its /16). RFC 2317 classless delegation is followed one
// step: when that zone holds a CNAME at the PTR name (2317 §4: the /24 points
// each address into a zone of a part of it) and the CNAME's target lies in a
// primary zone here too, the PTR goes there. Zones the user may not write,
// secondary zones and catalogs are left alone (no offer).
import type { Prisma } from '../generated/prisma/client';
import { zoneRights, zoneRightsById } from '../auth/zone-access';
import type { SessionUser } from '../auth/permission';
import { db } from '../db';
import { ancestorNames } from '../dns/names';
import { reverseNameOf } from '../dns/reverse';
import { AppError } from '../errors';
import { applyChangeset, type CommitResult } from './changes';
import { readRecordsAt } from './data';
import type { PendingEdit } from './edits';
import { normalizeOwner } from './validate';

type Client = Pick<Prisma.TransactionClient, 'zone' | 'record'>;

/** One PTR the editor offers to set beside an A/AAAA edit. */
export interface PtrOffer {
  /** The pending edit it goes with (index into the edits). */
  edit: number;
  /** The forward name the PTR points at. */
  owner: string;
  address: string;
  ttl: number;
  reverseZone: string;
  ptrName: string;
  /** PTR targets stored there now that the commit replaces. */
  replaces: string[];
  /** The PTR already points at `owner` and nothing else: nothing to do. */
  inPlace: boolean;
}

/** The longest primary zone here holding `name` (a producer catalog is no place for PTRs). */
async function closestPrimaryZone(client: Client, name: string): Promise<{ id: number; name: string } | null> {
  const candidates = [name, ...ancestorNames(name)];
  const zones = await client.zone.findMany({
    where: { name: { in: candidates }, kind: 'primary', catalogRole: null },
    select: { id: true, name: true },
  });
  return zones.sort((a, b) => b.name.length - a.name.length)[0] ?? null;
}

/**
 * Where the PTR of `address` lives here: its reverse zone and owner name,
 * following an RFC 2317 CNAME one step; null when no primary zone holds it.
 */
export async function findReverseZone(address: string, client: Client = db()): Promise<{ zone: { id: number; name: string }; ptrName: string } | null> {
  const ptrName = reverseNameOf(address);
  if (!ptrName) return null;
  const zone = await closestPrimaryZone(client, ptrName);
  if (!zone) return null;
  const [cname] = await readRecordsAt(client, zone.id, [ptrName], { types: ['CNAME'] });
  if (!cname) return { zone, ptrName };
  const target = await closestPrimaryZone(client, cname.content);
  return target ? { zone: target, ptrName: cname.content } : null;
}

/** The A/AAAA records the edits add (a change's new side), with the edit each comes from. */
function forwardAddresses(zone: string, edits: readonly PendingEdit[]): { edit: number; owner: string; address: string; ttl: number }[] {
  const out: { edit: number; owner: string; address: string; ttl: number }[] = [];
  edits.forEach((e, edit) => {
    const r = e.kind === 'add' ? e.record : e.kind === 'change' ? e.to : null;
    if (!r || (r.type !== 'A' && r.type !== 'AAAA')) return;
    // A change that keeps the address (a TTL edit) needs no new PTR.
    if (e.kind === 'change' && e.from.content === e.to.content && e.from.name === e.to.name) return;
    const owner = normalizeOwner(r.name, zone);
    if (owner.ok) out.push({ edit, owner: owner.value, address: r.content.trim(), ttl: r.ttl });
  });
  return out;
}

/**
 * The PTRs to offer for `edits` in `zone`: one per address whose reverse zone
 * is here and writable by `user`; an address seen twice is offered once (its
 * first edit), since a PTR name holds one target here.
 */
export async function ptrOffers(user: Pick<SessionUser, 'id' | 'role'>, zone: string, edits: readonly PendingEdit[]): Promise<PtrOffer[]> {
  const offers: PtrOffer[] = [];
  const seen = new Set<string>();
  const writable = new Map<number, boolean>();
  for (const f of forwardAddresses(zone, edits)) {
    const found = await findReverseZone(f.address);
    if (!found || seen.has(found.ptrName)) continue;
    if (!writable.has(found.zone.id)) writable.set(found.zone.id, (await zoneRightsById(user, found.zone.id)).write);
    if (!writable.get(found.zone.id)) continue;
    seen.add(found.ptrName);
    const stored = await readRecordsAt(db(), found.zone.id, [found.ptrName], { types: ['PTR'] });
    const replaces = stored.map((r) => r.content).filter((c) => c !== f.owner);
    offers.push({ ...f, reverseZone: found.zone.name, ptrName: found.ptrName, replaces, inPlace: replaces.length === 0 && stored.length > 0 });
  }
  return offers;
}

/** How setting the PTRs of one reverse zone went. */
export interface PtrOutcome {
  reverseZone: string;
  ok: boolean;
  message: string;
  result?: CommitResult;
}

/**
 * Commits `offers` (from ptrOffers, worked out again on the server) as one
 * changeset per reverse zone, each linked to the forward change
 * `forwardChangeId`. A reverse zone that refuses leaves the forward change
 * standing; its outcome says what to do by hand.
 */
export async function setPtrs(user: SessionUser, forwardZone: string, forwardChangeId: number | undefined, offers: readonly PtrOffer[]): Promise<PtrOutcome[]> {
  const actor = { userId: user.id, name: user.name };
  const byZone = new Map<string, PtrOffer[]>();
  for (const o of offers) if (!o.inPlace) (byZone.get(o.reverseZone) ?? byZone.set(o.reverseZone, []).get(o.reverseZone)!).push(o);
  const out: PtrOutcome[] = [];
  for (const [reverseZone, list] of byZone) {
    if (!(await zoneRights(user, reverseZone)).write) {
      out.push({ reverseZone, ok: false, message: `You may not edit ${reverseZone}, so its PTR was not set; the change to ${forwardZone} stands.` });
      continue;
    }
    const comment = `PTR for ${list.map((o) => `${o.owner} (${o.address})`).join(', ')}, set with a change to ${forwardZone}`;
    try {
      const result = await applyChangeset(
        reverseZone,
        {
          remove: list.flatMap((o) => o.replaces.map((content) => ({ name: o.ptrName, type: 'PTR', content }))),
          add: list.map((o) => ({ name: o.ptrName, type: 'PTR', ttl: o.ttl, content: o.owner })),
          comment,
          ...(forwardChangeId === undefined ? {} : { linkedChangeId: forwardChangeId }),
        },
        actor,
        { ignoreMissingRemovals: true },
      );
      out.push({ reverseZone, ok: true, result, message: `PTR set in ${reverseZone} (serial ${result.oldSerial} → ${result.newSerial}).` });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const what = list.map((o) => `${o.ptrName} PTR ${o.owner}`).join(', ');
      out.push({ reverseZone, ok: false, message: `The PTR in ${reverseZone} was not set (${err.message}); the change to ${forwardZone} stands. Add ${what} in ${reverseZone} by hand.` });
    }
  }
  return out;
}
