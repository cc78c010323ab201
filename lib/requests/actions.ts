'use server';
// Server actions for change requests: the zone editor's "Request changes"
// and the review page's approve, reject and withdraw. Each checks the session
// itself; the mutations check the rights on the request's zone.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { requireUser, requireZoneUser } from '../auth/session';
import { formStateFromError } from '../action-errors';
import { databaseFailure } from '../db-errors';
import { AppError } from '../errors';
import { formText, type FormState } from '../forms';
import type { EditorResult } from '../zones/actions';
import { isPendingEdit, problemsFrom, type PendingEdit } from '../zones/edits';
import { zoneHref } from '../zones/zone-urls';
import { approveRequest, createRequest, rejectRequest, withdrawRequest } from './mutations';
import { REJECT_FIELDS, rejectRequestFormSchema, type RejectField } from './schema';

/** Where a request is reviewed. */
function requestHref(id: number): string {
  return `/requests/${id}`;
}

function readEdits(input: unknown): PendingEdit[] | null {
  return Array.isArray(input) && input.every(isPendingEdit) ? input : null;
}

/**
 * Stores the editor's pending edits as a change request (the comment is
 * required), after the same dry run as a commit; the editor then clears its
 * queue and links to the request.
 */
export async function requestChangesAction(zone: string, rawEdits: unknown, expectedSerial: unknown, comment: unknown): Promise<EditorResult & { requestId?: number }> {
  const { user } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  const edits = readEdits(rawEdits);
  const empty = { problems: [], added: [], removed: [] };
  if (!edits || typeof expectedSerial !== 'number' || !Number.isInteger(expectedSerial)) {
    return { ok: false, message: 'The pending edits could not be read; discard them and edit again.', ...empty };
  }
  try {
    const r = await createRequest(user, zone, edits, expectedSerial, typeof comment === 'string' ? comment : '');
    revalidatePath('/requests');
    return { ok: true, message: `Requested: change request ${r.id} waits for a reviewer.`, requestId: r.id, ...empty };
  } catch (err) {
    const down = databaseFailure(err);
    if (down) return { ok: false, notStored: true, message: down.message, ...empty };
    if (!(err instanceof AppError)) throw err;
    const base = { ok: false, message: err.message, added: [], removed: [] };
    if (err.fieldErrors.comment) return { ...base, problems: [], commentErrors: err.fieldErrors.comment };
    if (err.code === 'forbidden') return { ...base, problems: [], forbidden: true };
    if (err.code === 'conflict') return { ...base, problems: [], conflict: { changes: [] } };
    return { ...base, problems: problemsFrom(err, edits) };
  }
}

function requestId(formData: FormData): number {
  return Number(formText(formData, ['id'] as const).id);
}

/** Approves the request as one change; `serial` is the zone serial the reviewer's diff was made at. */
export async function approveRequestAction(_prev: FormState<'id'>, formData: FormData): Promise<FormState<'id'>> {
  const id = requestId(formData);
  const user = await requireUser('zone:read', { returnTo: requestHref(id) });
  const seen = Number(formText(formData, ['serial'] as const).serial);
  let zone: string;
  try {
    zone = (await approveRequest(user, id, Number.isSafeInteger(seen) && seen > 0 ? seen : undefined)).zone;
  } catch (err) {
    const state = formStateFromError(err, ['id'] as const, {});
    const lines = err instanceof AppError ? err.recordErrors.map((e) => (e.record ? `${e.record}: ${e.message}` : e.message)) : [];
    return lines.length ? { ...state, fieldErrors: { form: lines } } : state;
  }
  revalidatePath('/requests');
  revalidatePath(zoneHref(zone));
  redirect(requestHref(id));
}

export async function rejectRequestAction(_prev: FormState<RejectField>, formData: FormData): Promise<FormState<RejectField>> {
  const values = formText(formData, REJECT_FIELDS);
  await requireUser('zone:read', { returnTo: requestHref(Number(values.id)) });
  const parsed = rejectRequestFormSchema.safeParse(values);
  if (!parsed.success) {
    const reason = parsed.error.issues.filter((i) => i.path[0] === 'reason').map((i) => i.message);
    return { message: reason[0] ?? 'The form could not be read.', fieldErrors: reason.length ? { reason } : {}, values };
  }
  const user = await requireUser('zone:read');
  try {
    await rejectRequest(user, parsed.data.id, parsed.data.reason);
  } catch (err) {
    return formStateFromError(err, REJECT_FIELDS, values);
  }
  revalidatePath('/requests');
  redirect(requestHref(parsed.data.id));
}

export async function withdrawRequestAction(_prev: FormState<'id'>, formData: FormData): Promise<FormState<'id'>> {
  const id = requestId(formData);
  const user = await requireUser('zone:read', { returnTo: requestHref(id) });
  try {
    await withdrawRequest(user, id);
  } catch (err) {
    return formStateFromError(err, ['id'] as const, {});
  }
  revalidatePath('/requests');
  redirect(requestHref(id));
}
