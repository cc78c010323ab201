'use server';
// Server actions for the zone pages: check the session and permission, turn
// the form into the change service's input, and map its AppError back to
// the form.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { requireUser, requireZoneUser } from '../auth/session';
import type { RR } from '../dns/types';
import { getSetting } from '../settings/data';
import { ControlUnavailableError, controlRequest } from '../control/client';
import type { NotifyReport, NotifyResult, RetrieveReply } from '../control/protocol';
import { getChange, getZone, listChangesSince } from './data';
import { editsToChangeset, isPendingEdit, problemsFrom, revertEdits, type EditorProblem, type PendingEdit } from './edits';
import { databaseFailure } from '../db-errors';
import { AppError } from '../errors';
import { formStateFromError } from '../action-errors';
import { formText, splitList, type FormState } from '../forms';
import { applyChangeset, type CommitResult } from './changes';
import { commitChosenPtrs, editorHints, type EditorHints } from './editor-hints';
import { createZoneFormSchema } from './schema';
import { APPROVAL_FIELDS, approvalFormSchema, type ApprovalField } from '../settings/schema';
import { createZone, setZoneOptions } from './zone-lifecycle';
import { zoneHref } from './zone-urls';

/** The new-zone form's fields, as typed (strings). */
export interface CreateZoneFormValues {
  kind: string;
  name: string;
  primaries: string;
  nameservers: string;
  contact: string;
  defaultTtl: string;
  serialPolicy: string;
  catalog: string;
  catalogGroup: string;
}

export interface CreateZoneFormState {
  message?: string;
  /** Keyed by form field name; `form` holds errors that belong to no field. */
  fieldErrors?: Partial<Record<keyof CreateZoneFormValues | 'form', string[]>>;
  /** What was submitted, so the form can show it again (React 19 resets forms). */
  values?: CreateZoneFormValues;
}

const FIX_FIELDS = 'The zone could not be created: see the fields marked below.';

function formValues(formData: FormData): CreateZoneFormValues {
  const text = (key: string) => {
    const v = formData.get(key);
    return typeof v === 'string' ? v : '';
  };
  return {
    kind: text('kind') || 'primary',
    name: text('name'),
    primaries: text('primaries'),
    nameservers: text('nameservers'),
    contact: text('contact'),
    defaultTtl: text('defaultTtl'),
    serialPolicy: text('serialPolicy') || 'increment',
    catalog: text('catalog'),
    catalogGroup: text('catalogGroup'),
  };
}

export async function createZoneAction(_prev: CreateZoneFormState, formData: FormData): Promise<CreateZoneFormState> {
  const user = await requireUser('zone:write', { returnTo: '/zones/new' });
  const values = formValues(formData);
  const parsed = createZoneFormSchema.safeParse(values);
  if (!parsed.success) {
    return {
      message: FIX_FIELDS,
      fieldErrors: z.flattenError(parsed.error).fieldErrors,
      values,
    };
  }
  const v = parsed.data;
  let zoneName: string;
  try {
    const created = await createZone(
      {
        name: v.name,
        kind: v.kind,
        nameservers: v.kind === 'primary' ? splitList(v.nameservers) : [],
        contact: v.kind === 'primary' ? v.contact || undefined : undefined,
        defaultTtl: v.defaultTtl,
        serialPolicy: v.serialPolicy,
        primaries: v.kind === 'secondary' ? splitList(v.primaries) : [],
        // A primary zone's field starts as the template's catalog; left blank it joins none.
        catalog: v.kind === 'primary' ? v.catalog || 'none' : undefined,
        catalogGroup: v.kind === 'primary' && v.catalog ? v.catalogGroup || undefined : undefined,
      },
      { userId: user.id, name: user.name },
    );
    zoneName = created.name;
  } catch (err) {
    const down = databaseFailure(err);
    if (down) return { message: down.message, values };
    if (err instanceof AppError) {
      const fieldErrors = knownFieldErrors(err.fieldErrors);
      // The service's message usually repeats a field's; then the summary just points at the fields.
      const onFields = Object.keys(fieldErrors).some((k) => k !== 'form');
      return { message: onFields ? FIX_FIELDS : err.message, fieldErrors, values };
    }
    throw err;
  }
  revalidatePath('/zones');
  redirect(zoneHref(zoneName));
}

const FIELDS = ['kind', 'name', 'primaries', 'nameservers', 'contact', 'defaultTtl', 'serialPolicy', 'catalog', 'catalogGroup'] as const;

/** The service's field errors under the form's field names; anything else goes to `form`. */
function knownFieldErrors(errors: Record<string, string[]>): NonNullable<CreateZoneFormState['fieldErrors']> {
  const out: NonNullable<CreateZoneFormState['fieldErrors']> = {};
  for (const [key, messages] of Object.entries(errors)) {
    const field = (FIELDS as readonly string[]).includes(key) ? (key as (typeof FIELDS)[number]) : 'form';
    (out[field] ??= []).push(...messages);
  }
  return out;
}

// ---------------------------------------------------------------- history, revert and import

/** The zone's path segment in URLs: without the root's trailing dot. */
function zonePath(zone: string): string {
  return zoneHref(zone);
}

function textField(formData: FormData, key: string): string {
  const v = formData.get(key);
  return typeof v === 'string' ? v : '';
}

export interface RevertChangeState {
  message?: string;
  /** The canonical zone name, which names the sessionStorage key the editor reads. */
  zone?: string;
  edits?: PendingEdit[];
}

/**
 * The pending edits that undo one change, for the editor to review: nothing
 * is written here, the user commits them in the zone editor.
 */
export async function revertChangeAction(_prev: RevertChangeState, formData: FormData): Promise<RevertChangeState> {
  const zoneInput = textField(formData, 'zone');
  await requireZoneUser(zoneInput, 'write', { returnTo: `${zonePath(zoneInput)}/history` });
  const changeId = Number(textField(formData, 'changeId'));
  const zone = await getZone(zoneInput);
  if (!zone) return { message: `There is no zone ${zoneInput}.` };
  if (zone.kind !== 'primary') return { message: `${zone.name} is a secondary zone; its changes come from its primary and cannot be reverted here.` };
  const change = Number.isSafeInteger(changeId) ? await getChange(zone.id, changeId) : null;
  if (!change) return { message: 'That change is not in this zone’s history (any more).' };
  const edits = revertEdits(change);
  if (edits.length === 0) return { message: 'That change touched only the SOA or the signer’s records (signatures, NSEC); there are no records to revert.' };
  return { zone: zone.name, edits };
}

// ---------------------------------------------------------------- the zone editor


/** A change that made the editor's serial stale, as the browser shows it. */
export interface ConflictingChange {
  id: number;
  actor: string;
  /** ISO time. */
  at: string;
  comment: string;
  oldSerial: number;
  newSerial: number;
  added: RR[];
  removed: RR[];
}

/** What a check or a commit of the pending edits came to. */
export interface EditorResult extends Partial<EditorHints> {
  ok: boolean;
  /** A summary for people; set whenever ok is false, and after a commit. */
  message?: string;
  problems: EditorProblem[];
  /** The comment box's errors (a required comment missing). */
  commentErrors?: string[];
  /** Set when the zone changed since the editor loaded it. */
  conflict?: { currentSerial?: number; changes: ConflictingChange[] };
  /** The diff the edits make (the SOA not included). */
  added: RR[];
  removed: RR[];
  oldSerial?: number;
  newSerial?: number;
  /** The caller may not edit this zone; nothing was checked or written. */
  forbidden?: boolean;
  /** The database refused to store the change (a full disk): the edits themselves are fine; commit again later. */
  notStored?: boolean;
  /**
   * The approval rules these edits trip (lib/zones/approval-rules.ts): a check
   * says so with ok true, a commit is refused; the editor offers to request
   * approval instead.
   */
  approval?: string[];
  /** The caller may only request changes to this zone (a requester): the check runs, a commit does not. */
  requestOnly?: boolean;
}

const MAX_EDITS = 10_000;
const NOT_ALLOWED = 'You can view this zone but not edit it; nothing was changed.';

function readEdits(input: unknown): PendingEdit[] | null {
  if (!Array.isArray(input) || input.length > MAX_EDITS || !input.every(isPendingEdit)) return null;
  return input;
}


async function conflictOf(zone: string, expectedSerial: number) {
  const changes = await listChangesSince(zone, expectedSerial, 5);
  return {
    currentSerial: changes[0]?.newSerial,
    changes: changes.map((c) => ({
      id: c.id,
      actor: c.actor,
      at: c.createdAt.toISOString(),
      comment: c.comment,
      oldSerial: c.oldSerial,
      newSerial: c.newSerial,
      added: c.added,
      removed: c.removed,
    })),
  };
}

async function runEdits(
  zone: string,
  rawEdits: unknown,
  expectedSerial: unknown,
  comment: string,
  dryRun: boolean,
): Promise<EditorResult & { result?: CommitResult }> {
  const { user, rights } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  // A requester's edits are checked as an editor's (their request is dry-run the same way), never committed.
  if (!rights.write && !(dryRun && rights.request)) return { ok: false, forbidden: true, message: NOT_ALLOWED, problems: [], added: [], removed: [] };
  const requestOnly = rights.write ? {} : { requestOnly: true };
  const edits = readEdits(rawEdits);
  if (!edits || typeof expectedSerial !== 'number' || !Number.isInteger(expectedSerial)) {
    return { ok: false, message: 'The pending edits could not be read; discard them and edit again.', problems: [], added: [], removed: [] };
  }
  try {
    const result = await applyChangeset(zone, editsToChangeset(edits, expectedSerial, comment), { userId: user.id, name: user.name }, {
      dryRun,
      rejectDuplicates: true,
    });
    const approval = result.approvalRequired?.length ? { approval: result.approvalRequired.map((n) => n.message) } : {};
    // A check also offers the PTRs it could set and warns of addresses that look wrong here.
    const hints = dryRun ? await editorHints(user, zone, edits) : {};
    return { ok: true, problems: [], added: result.added, removed: result.removed, oldSerial: result.oldSerial, newSerial: result.newSerial, result, ...approval, ...requestOnly, ...hints };
  } catch (err) {
    // A full disk or a database held by another writer: nothing was written, and the edits stay queued.
    const down = databaseFailure(err);
    if (down) return { ok: false, notStored: true, message: down.message, problems: [], added: [], removed: [] };
    if (!(err instanceof AppError)) throw err;
    const base = { ok: false, message: err.message, added: [], removed: [] };
    if (err.code === 'conflict') return { ...base, problems: [], conflict: await conflictOf(zone, expectedSerial) };
    if (err.code === 'forbidden') return { ...base, problems: [], forbidden: true };
    if (err.code === 'approval-required') return { ...base, problems: [], approval: err.recordErrors.map((e) => e.message) };
    return { ...base, problems: problemsFrom(err, edits) };
  }
}

/**
 * Runs the change service on the pending edits without writing anything: the
 * zone as it would be after them is validated (CNAME exclusivity, duplicates,
 * RRset TTLs, NS/MX targets) and diffed, against the serial the editor loaded.
 */
export async function checkEditsAction(zone: string, edits: unknown, expectedSerial: unknown): Promise<EditorResult> {
  const { result, ...out } = await runEdits(zone, edits, expectedSerial, '', true);
  void result; // the dry run's raw result stays on the server
  return out;
}

/**
 * Commits the pending edits as one change: one serial bump, one changelog
 * entry, one NOTIFY round; then the PTRs named in `ptr` (their owner names,
 * as the check offered them), each reverse zone's as its own change linked
 * to this one.
 */
export async function commitEditsAction(zone: string, edits: unknown, expectedSerial: unknown, comment: unknown, ptr?: unknown): Promise<EditorResult> {
  const text = typeof comment === 'string' ? comment.trim().slice(0, 2000) : '';
  const { user, rights } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  if (rights.write && !text && (await getSetting('editor')).requireComment) {
    const msg = 'Write a comment: this server requires one on every change.';
    return { ok: false, message: msg, commentErrors: [msg], problems: [], added: [], removed: [] };
  }
  const { result, ...out } = await runEdits(zone, edits, expectedSerial, text, false);
  if (!out.ok || !result) return out;
  revalidatePath(zoneHref(result.zone));
  const ptrs = await commitChosenPtrs(user, result, readEdits(edits) ?? [], ptr);
  for (const o of ptrs.outcomes) if (o.ok) revalidatePath(zoneHref(o.reverseZone));
  return {
    ...out,
    message: result.changed ? `Committed: serial ${result.oldSerial} → ${result.newSerial}.${ptrs.message}` : 'Nothing to commit: the edits leave the zone as it was.',
  };
}

export interface WorkerActionResult {
  ok: boolean;
  message: string;
  /** The worker could not be reached. */
  workerDown?: boolean;
  serial?: number;
  results?: NotifyResult[];
}

function workerDown(err: ControlUnavailableError, what: string): WorkerActionResult {
  return { ok: false, workerDown: true, message: `The DNS worker is not running, so ${what}. (${err.message})` };
}

/** Sends the zone's SOA to every secondary now (or only to `target`, ADDRESS:PORT) and reports each one's answer. */
export async function notifyNowAction(zone: string, target?: string): Promise<WorkerActionResult> {
  const { rights } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  if (!rights.write) return { ok: false, message: 'You can view this zone but not send NOTIFY for it.' };
  let report: NotifyReport;
  try {
    report = await controlRequest('POST /notify', { zone, target }, 30_000);
  } catch (err) {
    if (err instanceof ControlUnavailableError) return workerDown(err, 'no NOTIFY was sent');
    return { ok: false, message: `NOTIFY failed: ${(err as Error).message}` };
  }
  if (report.results.length === 0) {
    return { ok: true, serial: report.serial, results: [], message: 'No secondaries to notify: the zone has no NS hosts with addresses and no also-notify targets.' };
  }
  const acked = report.results.filter((r) => r.outcome === 'acknowledged').length;
  return {
    ok: acked === report.results.length,
    serial: report.serial,
    results: report.results,
    message: `Serial ${report.serial}: ${acked} of ${report.results.length} secondaries acknowledged.`,
  };
}

/** Probes the zone's secondaries now (the worker's /probe), so the page's diagnosis rests on a fresh look. */
export async function probeNowAction(zone: string): Promise<WorkerActionResult> {
  const { rights } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  if (!rights.write) return { ok: false, message: 'You can view this zone but not probe its secondaries.' };
  let probed: number;
  try {
    probed = (await controlRequest('POST /probe', { zone }, 30_000)).probed;
  } catch (err) {
    if (err instanceof ControlUnavailableError) return workerDown(err, 'the diagnosis uses its last probes');
    return { ok: false, message: `Probe failed: ${(err as Error).message}` };
  }
  revalidatePath(zoneHref(zone, 'replication'));
  return { ok: true, message: `Probed ${probed} ${probed === 1 ? 'secondary' : 'secondaries'} just now.` };
}

/** Transfers a secondary zone from its primary now (the worker's /retrieve). */
export async function retrieveNowAction(zone: string): Promise<WorkerActionResult> {
  const { rights } = await requireZoneUser(zone, 'read', { returnTo: zoneHref(zone) });
  if (!rights.write) return { ok: false, message: 'You can view this zone but not retrieve it.' };
  let r: RetrieveReply;
  try {
    r = await controlRequest('POST /retrieve', { zone }, 120_000);
  } catch (err) {
    if (err instanceof ControlUnavailableError) return workerDown(err, 'nothing was retrieved');
    return { ok: false, message: `Retrieve failed: ${(err as Error).message}` };
  }
  revalidatePath(zoneHref(zone));
  if (!r.ok) return { ok: false, message: `Retrieve failed: ${r.error ?? 'unknown error'}` };
  return {
    ok: true,
    serial: r.serial,
    message: `Retrieved serial ${r.serial ?? '?'}${r.primary ? ` from ${r.primary}` : ''}${r.records !== undefined ? ` (${r.records} records)` : ''}${r.status ? `: ${r.status}` : ''}.`,
  };
}

// ---------------------------------------------------------------- zone settings

const UPDATE_POLICY_FIELDS = ['updatePolicy'] as const;
export type UpdatePolicyField = (typeof UPDATE_POLICY_FIELDS)[number];

/**
 * Replaces a zone's DNS UPDATE policy with the textarea's rules, one per
 * line (empty: none, every UPDATE refused). The change service checks that
 * the user may configure the zone, as for its other options, and names each
 * bad line.
 */
export async function saveUpdatePolicyAction(_prev: FormState<UpdatePolicyField>, formData: FormData): Promise<FormState<UpdatePolicyField>> {
  const zoneInput = textField(formData, 'zone');
  const { user } = await requireZoneUser(zoneInput, 'read', { returnTo: zoneHref(zoneInput, 'settings') });
  const values = formText(formData, UPDATE_POLICY_FIELDS);
  const lines = values.updatePolicy.split(/\r?\n/);
  try {
    await setZoneOptions(zoneInput, { updatePolicy: lines }, { userId: user.id, name: user.name });
  } catch (err) {
    return formStateFromError(err, UPDATE_POLICY_FIELDS, values, 'Nothing was saved: fix the lines marked below.');
  }
  revalidatePath(zoneHref(zoneInput, 'settings'));
  const count = lines.filter((l) => l.trim() !== '').length;
  return {
    ok: true,
    message: count ? `Saved ${count} rule${count === 1 ? '' : 's'}; the next DNS UPDATE is checked against ${count === 1 ? 'it' : 'them'}.` : 'Saved: the zone has no update policy, so every DNS UPDATE is refused.',
  };
}

// ---------------------------------------------------------------- approval rules of one zone

/**
 * The zone's own approval rules, or back to the global ones (`rules` =
 * `default`). setZoneOptions checks that the user may configure zones (admins).
 */
export async function saveZoneApprovalAction(_prev: FormState<ApprovalField>, formData: FormData): Promise<FormState<ApprovalField>> {
  const zoneInput = textField(formData, 'zone');
  const { user } = await requireZoneUser(zoneInput, 'read', { returnTo: zoneHref(zoneInput, 'settings') });
  const values = formText(formData, APPROVAL_FIELDS);
  const parsed = approvalFormSchema.safeParse(values);
  if (!parsed.success) return { message: 'Nothing was saved: see the fields marked below.', fieldErrors: z.flattenError(parsed.error).fieldErrors, values };
  const { apexNsSoa, deletions, maxRecords, rules } = parsed.data;
  try {
    await setZoneOptions(zoneInput, { approvalRules: rules === 'own' ? { apexNsSoa, deletions, maxRecords } : null }, { userId: user.id, name: user.name });
  } catch (err) {
    return formStateFromError(err, APPROVAL_FIELDS, values, 'Nothing was saved: see the fields marked below.');
  }
  revalidatePath(zoneHref(zoneInput, 'settings'));
  return { ok: true, message: rules === 'own' ? 'Saved: this zone now has its own approval rules.' : 'Saved: this zone follows the global approval rules.' };
}
