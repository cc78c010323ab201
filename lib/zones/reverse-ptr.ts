// Reverse records that keep themselves (issue 21): for each A or AAAA record
// the editor adds or changes, the PTR its address needs in a reverse zone
// here, offered beside the edit and committed after the forward change as
// the reverse zone's own changeset, linked to it (Change.linkedChangeId). An
// address a delete or change takes away has its PTR removed the same way,
// when that PTR still names the record's owner.
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

/** One PTR the editor offers to set (or, for an address the edits take away, to remove) beside an A/AAAA edit. */
export interface PtrOffer {
  /** The pending edit it goes with (index into the edits). */
  edit: number;
  /** set: point the PTR at `owner`; remove: drop the PTR that points at `owner` from an address it no longer has. */
  action: 'set' | 'remove';
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

interface AddressEdit {
  edit: number;
  action: 'set' | 'remove';
  owner: string;
  address: string;
  ttl: number;
}

/**
 * The addresses the edits give names (an add, a change's new side) and take
 * from them (a delete, a change's old side), with the edit each comes from.
 * A change that keeps name and address (a TTL edit) touches no PTR.
 */
function addressEdits(zone: string, edits: readonly PendingEdit[]): AddressEdit[] {
  const out: AddressEdit[] = [];
  const push = (edit: number, action: AddressEdit['action'], r: { name: string; type: string; ttl: number; content: string }) => {
    if (r.type !== 'A' && r.type !== 'AAAA') return;
    const owner = normalizeOwner(r.name, zone);
    if (owner.ok) out.push({ edit, action, owner: owner.value, address: r.content.trim(), ttl: r.ttl });
  };
  edits.forEach((e, edit) => {
    if (e.kind === 'add') push(edit, 'set', e.record);
    else if (e.kind === 'delete') push(edit, 'remove', e.record);
    else if (e.kind === 'change' && (e.from.content !== e.to.content || e.from.name !== e.to.name)) {
      push(edit, 'set', e.to);
      push(edit, 'remove', e.from);
    }
  });
  // Sets first: a PTR name that one edit sets and another frees is set, not removed.
  return [...out.filter((a) => a.action === 'set'), ...out.filter((a) => a.action === 'remove')];
}

/**
 * The PTRs to offer for `edits` in `zone`, in reverse zones here that `user`
 * may write: one to set per new address, one to remove per address taken away
 * whose PTR points at the name that had it. A PTR name is offered once (its
 * first edit), since it holds one target here.
 */
export async function ptrOffers(user: Pick<SessionUser, 'id' | 'role'>, zone: string, edits: readonly PendingEdit[]): Promise<PtrOffer[]> {
  const offers: PtrOffer[] = [];
  const seen = new Set<string>();
  const writable = new Map<number, boolean>();
  for (const a of addressEdits(zone, edits)) {
    const found = await findReverseZone(a.address);
    if (!found || seen.has(found.ptrName)) continue;
    if (!writable.has(found.zone.id)) writable.set(found.zone.id, (await zoneRightsById(user, found.zone.id)).write);
    if (!writable.get(found.zone.id)) continue;
    const stored = (await readRecordsAt(db(), found.zone.id, [found.ptrName], { types: ['PTR'] })).map((r) => r.content);
    const at = { ...a, reverseZone: found.zone.name, ptrName: found.ptrName };
    if (a.action === 'remove') {
      // Only a PTR that names this owner is ours to remove.
      if (stored.includes(a.owner)) offers.push({ ...at, replaces: [], inPlace: false });
    } else {
      const replaces = stored.filter((c) => c !== a.owner);
      offers.push({ ...at, replaces, inPlace: replaces.length === 0 && stored.length > 0 });
    }
    seen.add(found.ptrName);
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
    const sets = list.filter((o) => o.action === 'set');
    const removals = list.filter((o) => o.action === 'remove');
    const named = (os: PtrOffer[]) => os.map((o) => `${o.owner} (${o.address})`).join(', ');
    const comment = [sets.length ? `PTR for ${named(sets)}` : '', removals.length ? `PTR removed for ${named(removals)}` : ''].filter(Boolean).join('; ') + `, with a change to ${forwardZone}`;
    try {
      const result = await applyChangeset(
        reverseZone,
        {
          remove: [
            ...sets.flatMap((o) => o.replaces.map((content) => ({ name: o.ptrName, type: 'PTR', content }))),
            ...removals.map((o) => ({ name: o.ptrName, type: 'PTR', content: o.owner })),
          ],
          add: sets.map((o) => ({ name: o.ptrName, type: 'PTR', ttl: o.ttl, content: o.owner })),
          comment,
          ...(forwardChangeId === undefined ? {} : { linkedChangeId: forwardChangeId }),
        },
        actor,
        { ignoreMissingRemovals: true },
      );
      out.push({ reverseZone, ok: true, result, message: `PTR ${sets.length ? 'set' : 'removed'} in ${reverseZone} (serial ${result.oldSerial} → ${result.newSerial}).` });
    } catch (err) {
      if (!(err instanceof AppError)) throw err;
      const what = list.map((o) => `${o.action === 'set' ? 'add' : 'remove'} ${o.ptrName} PTR ${o.owner}`).join(', ');
      out.push({ reverseZone, ok: false, message: `The PTR in ${reverseZone} was not changed (${err.message}); the change to ${forwardZone} stands. In ${reverseZone}, by hand: ${what}.` });
    }
  }
  return out;
}
