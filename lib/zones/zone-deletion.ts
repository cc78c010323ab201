// Deleting a zone from the web app, with a second admin when Settings →
// Deleted zones asks for one: the first admin's deletion is then a request
// ("deletion requested by X at T", shown on the zone's pages; the zone keeps
// serving), which a different admin confirms, or anyone who may delete
// zones cancels. Without the setting the deletion happens at once. Either
// way deleteZone (zone-lifecycle.ts) keeps a snapshot to restore from.
// The HTTP API is refused while the setting is on (lib/api/zones.ts); the
// CLI's local operator, who holds the database anyway, deletes alone.
import { deletedZoneDays } from '../config/env';
import { db, writeTransaction } from '../db';
import { AppError } from '../errors';
import { getSetting } from '../settings/data';
import type { Actor } from './actor';
import { checkZoneDelete } from './creation-rules';
import { readList } from './json-lists';
import { readApexNotifyRecords } from './neighbourhood';
import { notifyTargets } from './notify-targets';
import { deleteZone, toZoneName } from './zone-lifecycle';

export interface DeletionRequest {
  userId: number;
  actor: string;
  createdAt: Date;
}

/** The pending deletion request of a zone, if any. */
export async function getDeletionRequest(zoneId: number): Promise<DeletionRequest | null> {
  return db().zoneDeletionRequest.findUnique({ where: { zoneId }, select: { userId: true, actor: true, createdAt: true } });
}

/** A person's deletion: done at once, or a request for a second admin when the setting says so. */
export async function deleteOrRequest(nameInput: string, actor: Actor & { userId: number }): Promise<'deleted' | 'requested'> {
  const name = toZoneName(nameInput);
  if (!(await getSetting('zoneDeletion')).requireSecondAdmin) {
    await deleteZone(name, actor);
    return 'deleted';
  }
  await writeTransaction(async (tx) => {
    await checkZoneDelete(tx, actor);
    const zone = await tx.zone.findUnique({ where: { name }, select: { id: true, deletionRequest: { select: { actor: true } } } });
    if (!zone) throw new AppError('not-found', `There is no zone ${name}.`);
    if (zone.deletionRequest) throw new AppError('conflict', `${zone.deletionRequest.actor} already asked to delete ${name}; another admin confirms or cancels it.`);
    await tx.zoneDeletionRequest.create({ data: { zoneId: zone.id, userId: actor.userId, actor: actor.name } });
  });
  return 'requested';
}

/** A second admin confirms a pending request: the zone is deleted (snapshot kept). */
export async function confirmDeletion(nameInput: string, actor: Actor & { userId: number }): Promise<void> {
  const name = toZoneName(nameInput);
  const zone = await db().zone.findUnique({ where: { name }, select: { deletionRequest: { select: { userId: true, actor: true } } } });
  if (!zone) throw new AppError('not-found', `There is no zone ${name}.`);
  const request = zone.deletionRequest;
  if (!request) throw new AppError('conflict', `Nobody asked to delete ${name} (any more): there is nothing to confirm.`);
  if (request.userId === actor.userId) throw new AppError('forbidden', `You asked to delete ${name} yourself: a different admin must confirm it.`);
  // deleteZone checks the confirming admin's right in its own transaction; the request row goes with the zone.
  await deleteZone(name, { ...actor, name: `${actor.name} (requested by ${request.actor})` }, { confirmed: true });
}

/** Withdraws a pending request (its author or any other admin). */
export async function cancelDeletion(nameInput: string, actor: Actor): Promise<void> {
  const name = toZoneName(nameInput);
  await writeTransaction(async (tx) => {
    await checkZoneDelete(tx, actor);
    const zone = await tx.zone.findUnique({ where: { name }, select: { id: true } });
    if (!zone) throw new AppError('not-found', `There is no zone ${name}.`);
    await tx.zoneDeletionRequest.deleteMany({ where: { zoneId: zone.id } });
  });
}

/** What deleting a zone leaves behind, for the warning on its settings page. */
export interface DeletionImpact {
  /** Secondaries that keep serving it until it is removed there: its NOTIFY targets and the ones probed. */
  secondaries: string[];
  /** The producer catalog it leaves, whose consumers then drop it. */
  catalog: string | null;
  /** Is it a catalog itself (its consumers lose every member it lists)? */
  catalogRole: string | null;
  keepDays: number;
  request: DeletionRequest | null;
}

export async function getDeletionImpact(zoneId: number): Promise<DeletionImpact | null> {
  const zone = await db().zone.findUnique({
    where: { id: zoneId },
    select: { id: true, name: true, soaMname: true, alsoNotify: true, catalogRole: true, catalog: { select: { name: true, catalogRole: true } } },
  });
  if (!zone) return null;
  const [apex, probed, request] = await Promise.all([
    readApexNotifyRecords(db(), zone),
    db().replicaStatus.findMany({ where: { zoneId }, select: { target: true } }),
    getDeletionRequest(zoneId),
  ]);
  const targets = new Set([...notifyTargets(zone.name, zone.soaMname, apex, readList(zone.alsoNotify)), ...probed.map((p) => p.target)]);
  return {
    secondaries: [...targets].sort(),
    catalog: zone.catalog?.catalogRole === 'producer' ? zone.catalog.name : null,
    catalogRole: zone.catalogRole,
    keepDays: deletedZoneDays(),
    request,
  };
}
