// Writes of change requests (issue 21): create, approve, reject, withdraw.
// Every one checks the rights of who acts on the request's zone here, since
// the web app, the CLI and tests all come through these functions. An
// approval applies the edits through the change service as ONE change (one
// serial bump, one NOTIFY round) with the approver as actor and the request
// linked; approval rules count as met then (lib/zones/approval-rules.ts).
import { db } from '../db';
import type { SessionUser } from '../auth/permission';
import { zoneRightsById } from '../auth/zone-access';
import { AppError } from '../errors';
import { applyChangeset, type CommitResult } from '../zones/changes';
import { editsToChangeset, type PendingEdit } from '../zones/edits';
import { toZoneName } from '../zones/zone-lifecycle';
import { approverActor, readerRights, requestNow, requestRowFor, storedEdits, type Reader } from './data';
import { requestCommentSchema, MAX_REQUEST_TEXT } from './schema';

/** At most as many edits as the editor sends in one commit. */
const MAX_EDITS = 10_000;

function firstIssue(result: { success: false; error: { issues: { message: string }[] } }): string {
  return result.error.issues[0]?.message ?? 'invalid';
}

/**
 * Stores a request for `edits`, made against `expectedSerial`. The edits are
 * dry-run through the change service first (as the requester, approval rules
 * aside), so a request that would not validate is refused with the same
 * per-record problems as the editor, and a stale serial as a conflict.
 */
export async function createRequest(
  user: Pick<SessionUser, 'id' | 'name' | 'role'>,
  zoneInput: string,
  edits: readonly PendingEdit[],
  expectedSerial: number,
  commentInput: string,
): Promise<{ id: number; zone: string }> {
  const comment = requestCommentSchema.safeParse(commentInput);
  if (!comment.success) throw new AppError('invalid', firstIssue(comment), { comment: [firstIssue(comment)] });
  if (edits.length === 0) throw new AppError('invalid', 'There are no edits to request.');
  if (edits.length > MAX_EDITS) throw new AppError('invalid', `At most ${MAX_EDITS} edits go in one request.`);
  const zoneName = toZoneName(zoneInput);
  const zone = await db().zone.findUnique({ where: { name: zoneName }, select: { id: true } });
  // The same answer for a zone that does not exist and one the user may not read.
  const rights = zone ? await zoneRightsById(user, zone.id) : null;
  if (!zone || !rights?.read) throw new AppError('not-found', `There is no zone ${zoneName}.`);
  if (!rights.request) throw new AppError('forbidden', `You can view ${zoneName} but not request changes to it.`);
  const check = await applyChangeset(zoneName, editsToChangeset(edits, expectedSerial, comment.data), { userId: user.id, name: user.name }, { dryRun: true, rejectDuplicates: true });
  if (!check.changed) throw new AppError('invalid', 'The edits leave the zone as it is: there is nothing to request.');
  const row = await db().changeRequest.create({
    data: {
      zoneId: zone.id,
      requesterId: user.id,
      requesterName: user.name,
      comment: comment.data,
      edits: JSON.stringify(edits),
      baseSerial: BigInt(expectedSerial),
    },
    select: { id: true },
  });
  return { id: row.id, zone: zoneName };
}

/** The request, open, on a zone `who` may edit; refused otherwise, saying why. */
async function openForReview(who: Reader, id: number, verb: string) {
  const row = await requestRowFor(who, id);
  if (!(await readerRights(who, row.zoneId)).write) throw new AppError('forbidden', `You may not ${verb} requests on ${row.zone.name}: that takes the right to edit it.`);
  if (row.state !== 'open') throw new AppError('conflict', `Change request ${id} is ${row.state} already.`);
  if (who && row.requesterId === who.id) {
    throw new AppError('forbidden', verb === 'approve' ? 'Nobody approves their own change request: another person who may edit the zone has to.' : 'This is your own request: withdraw it instead.');
  }
  return row;
}

/**
 * Applies an open request as one change by `who` (null: the local operator).
 * Refused while an edit conflicts with the zone as it is now: the reviewer
 * may only reject it then (the requester withdraws and asks again), so that
 * nobody approves a part of a change its requester meant as a whole.
 * `seenSerial`, when given, is the serial the reviewer's diff was made at: a
 * zone that changed since is a conflict, so nobody approves a diff unseen.
 */
export async function approveRequest(who: Reader, id: number, seenSerial?: number): Promise<CommitResult & { requestId: number }> {
  const row = await openForReview(who, id, 'approve');
  const edits = storedEdits(row.edits);
  const now = await requestNow(row, edits, who);
  if (now.conflicts.length || now.problems.length) {
    const lines = [...now.conflicts.map((c) => ({ index: c.edit, record: c.description, message: c.message })), ...now.problems.map((p) => ({ record: p.record, message: p.message }))];
    throw new AppError('conflict', `Change request ${id} no longer applies to ${row.zone.name} as it is now (${lines.length} problem${lines.length === 1 ? '' : 's'}); reject it, and the requester can ask again.`, {}, lines);
  }
  const serial = seenSerial ?? now.serial;
  // The change service marks the request approved in the commit's transaction (lib/zones/changes.ts decideRequest).
  const result = await applyChangeset(row.zone.name, editsToChangeset(edits, serial, row.comment), approverActor(who, row), { rejectDuplicates: true });
  if (!result.changed) throw new AppError('conflict', `Change request ${id} leaves ${row.zone.name} as it is now: there is nothing to approve; reject it.`);
  return { ...result, requestId: id };
}

/** Turns an open request down with a reason the requester sees. */
export async function rejectRequest(who: Reader, id: number, reasonInput: string): Promise<void> {
  const reason = reasonInput.trim().slice(0, MAX_REQUEST_TEXT);
  if (!reason) throw new AppError('invalid', 'Give a reason: the requester sees it.', { reason: ['Give a reason: the requester sees it.'] });
  await openForReview(who, id, 'reject');
  const done = await db().changeRequest.updateMany({
    where: { id, state: 'open' },
    data: { state: 'rejected', reason, reviewerId: who?.id ?? null, reviewerName: who?.name ?? 'cli', decidedAt: new Date() },
  });
  if (done.count !== 1) throw new AppError('conflict', `Change request ${id} was decided by someone else a moment ago.`);
}

/** The requester takes back their own open request. */
export async function withdrawRequest(who: Pick<SessionUser, 'id' | 'name' | 'role'>, id: number): Promise<void> {
  const row = await requestRowFor(who, id);
  if (row.requesterId !== who.id) throw new AppError('forbidden', 'Only its requester withdraws a change request.');
  const done = await db().changeRequest.updateMany({ where: { id, state: 'open', requesterId: who.id }, data: { state: 'withdrawn', decidedAt: new Date() } });
  if (done.count !== 1) throw new AppError('conflict', `Change request ${id} is ${row.state} already.`);
}
