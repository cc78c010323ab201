// Who may create which zone where. insertZone applies these inside the
// transaction that inserts the zone, for every caller (web app, CLI, zone
// import, the worker's autoprimary path), so that no caller can skip one and
// no zone created at the same moment can slip between the check and the
// insert.
//
// - The worker answers a name from the closest enclosing zone, so a zone
//   created below another takes over its names. A user may create a zone
//   only where the closest enclosing zone, if any, is one they may edit, and
//   only above zones they may all edit. Admins may edit every zone, so they
//   create delegations freely; so does the local operator (the CLI).
// - An autoprimary never creates a zone at or below one of ours: a primary we
//   trust with its own zones must not take over names we serve. Nor does a
//   catalog we consume, below any zone but its own members
//   (catalogMemberRefusals, for thousands of members at once).
// - A secondary zone makes the worker connect to its primaries and record how
//   each answered. Without `zone:configure`, a user names only primaries
//   inside the admin's allow-list (Settings → Zone defaults), so that the
//   zone's status is no port scanner.
import { lockInTransaction, TX_LOCK } from '../db';
import type { Prisma } from '../generated/prisma/client';
import { can, isRole, type Permission, type Role } from '../auth/permission';
import { zoneRightsById, zonesNotWritable } from '../auth/zone-access';
import { ancestorNames, isInZone } from '../dns/names';
import { getSetting } from '../settings/data';
import { addressAllowed, parseAddressPort } from '../dns/address';
import { AppError } from '../errors';
import type { Actor } from './actor';

type Tx = Prisma.TransactionClient;

/** Who creates a zone, as the rules see it. */
export type Creator = { kind: 'operator' } | { kind: 'autoprimary' } | { kind: 'user'; id: number; role: Role };

/** The zone about to be inserted: canonical name, kind, primaries as stored (ADDRESS:PORT). */
export interface NewZone {
  name: string;
  kind: string;
  primaries: readonly string[];
}

/**
 * Applies every rule to `zone` inside `tx`, before the insert. Throws
 * AppError('forbidden') naming what is in the way, with the message on the
 * form field to change. Returns the creator, whose role decides the grant.
 */
export async function checkZoneCreation(tx: Tx, actor: Actor, zone: NewZone): Promise<Creator> {
  // Every creation takes the lock, the unchecked ones too: a check must see what they insert.
  await lockInTransaction(tx, TX_LOCK.zoneNames);
  const creator = await creatorOf(tx, actor, 'zone:write', 'Your account may not create zones; ask an admin to create it.');
  await checkPlacement(tx, zone.name, creator);
  if (zone.kind === 'secondary') await checkPrimaries(tx, creator, zone.primaries);
  return creator;
}

/**
 * The actor as the rules see it, the user's role read in the transaction (a
 * role taken away a moment ago counts). A user who is gone, disabled or
 * lacks `need` is refused with `refusal`.
 */
async function creatorOf(tx: Pick<Tx, 'user'>, actor: Actor, need: Permission, refusal: string): Promise<Creator> {
  if (actor.autoprimary) return { kind: 'autoprimary' };
  if (actor.userId === undefined) return { kind: 'operator' };
  const u = await tx.user.findUnique({ where: { id: actor.userId }, select: { role: true, disabled: true } });
  if (!u || u.disabled || !isRole(u.role) || !can(u.role, need)) throw new AppError('forbidden', refusal);
  return { kind: 'user', id: actor.userId, role: u.role };
}

async function checkPlacement(tx: Tx, name: string, creator: Creator): Promise<void> {
  if (creator.kind === 'operator') return;
  // At most 127 names, each found by the unique index.
  const above = await tx.zone.findMany({ where: { name: { in: ancestorNames(name) } }, select: { id: true, name: true } });
  const closest = above.sort((a, b) => b.name.length - a.name.length)[0];
  if (creator.kind === 'autoprimary') {
    if (closest) refuse(`${name} lies inside our zone ${closest.name}; an autoprimary never creates a zone below an existing one`);
    return;
  }
  if (closest && !(await zoneRightsById(creator, closest.id, tx)).write) {
    refuse(`${name} lies inside ${closest.name}, which you may not edit: ask an admin to create it or to grant you ${closest.name}`);
  }
  // A query on the name column (no zone is loaded), whatever the number of zones.
  const below = await zonesNotWritable(creator, { name: { endsWith: `.${name}` } }, { take: 1, exact: (n) => isInZone(n, name), client: tx });
  const first = below.names[0];
  if (first === undefined) return;
  refuse(
    below.more
      ? `${name} would enclose ${first} and other zones you may not edit: ask an admin to create it`
      : `${name} would enclose ${first}, which you may not edit: ask an admin to create it or to grant you ${first}`,
  );
}

/** Ancestor names per query: under every database's bind-variable limit. */
const NAMES_PER_QUERY = 500;

/**
 * The autoprimary's rule for the new members `names` (canonical) of consumer
 * catalog `catalogId`, in bulk: a name below a zone of ours that is not a
 * member of that catalog is refused (a catalog's primary must not take over
 * names we serve; below its own members, as BIND and Knot allow, it may).
 * Returns the refused names with the reason. Call it in the transaction that
 * inserts them, after taking TX_LOCK.zoneNames.
 */
export async function catalogMemberRefusals(tx: Tx, catalogId: number, names: readonly string[]): Promise<Map<string, string>> {
  const ancestors = [...new Set(names.flatMap((n) => ancestorNames(n)))];
  const found = new Map<string, number | null>();
  for (let i = 0; i < ancestors.length; i += NAMES_PER_QUERY) {
    const rows = await tx.zone.findMany({ where: { name: { in: ancestors.slice(i, i + NAMES_PER_QUERY) } }, select: { name: true, catalogId: true } });
    for (const r of rows) found.set(r.name, r.catalogId);
  }
  const out = new Map<string, string>();
  for (const name of names) {
    // The closest zone that exists: a member listed with this one is the catalog's too, whatever encloses it.
    const closest = ancestorNames(name).find((a) => found.has(a));
    if (closest === undefined || found.get(closest) === catalogId) continue;
    out.set(name, `${name} lies inside our zone ${closest}; a catalog never creates a zone below one that is not its own member.`);
  }
  return out;
}

function refuse(message: string): never {
  // Most messages end with a zone name, whose trailing dot ends the sentence too.
  const sentence = message.endsWith('.') ? message : `${message}.`;
  throw new AppError('forbidden', sentence, { name: [sentence] });
}

async function checkPrimaries(tx: Tx, creator: Creator, primaries: readonly string[]): Promise<void> {
  // The autoprimary's own address, registered by an admin; the CLI is the operator.
  if (creator.kind !== 'user' || can(creator.role, 'zone:configure')) return;
  const ranges = (await getSetting('secondaryZones', tx)).editorPrimaryRanges;
  if (ranges.length === 0) {
    const message =
      'Only an admin can create a secondary zone here, since it makes this server connect to the primaries named. Ask an admin to create it, or to allow your primaries’ address ranges in Settings → Zone defaults.';
    throw new AppError('forbidden', message, { kind: [message] });
  }
  const outside = primaries.filter((p) => !addressAllowed(parseAddressPort(p, 53).address, ranges));
  if (outside.length === 0) return;
  const message = `${outside.join(', ')} ${outside.length > 1 ? 'are' : 'is'} outside the ranges an admin allows for primaries (${ranges.join(', ')}): name a primary inside them, or ask an admin to create the zone or to allow the range.`;
  throw new AppError('forbidden', message, { primaries: [message] });
}

/**
 * Changing a zone's options (setZoneOptions: primaries, transfer ranges,
 * also-notify, serial policy, TSIG key, update policy) needs `zone:configure`; the local
 * operator (no user) has it. The CLI changes them, and the zone's settings
 * page its update policy.
 */
/** Deleting and restoring zones: admins and the local operator (lib/zones/zone-deletion.ts, deleted-zones.ts). */
export async function checkZoneDelete(client: Pick<Tx, 'user'>, actor: Actor): Promise<void> {
  await creatorOf(client, actor, 'zone:delete', 'Only an admin may delete or restore a zone; ask an admin.');
}

export async function checkZoneConfigure(client: Pick<Tx, 'user'>, actor: Actor): Promise<void> {
  await creatorOf(client, actor, 'zone:configure', 'Only an admin may change a zone’s primaries, transfer ranges, also-notify targets, serial policy, TSIG key or update policy; ask an admin.');
}
