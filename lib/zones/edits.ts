// Pending edits: what the zone editor queues before one commit, and what a
// "Revert this change" on the history page builds. Pure and browser-safe (no
// database, no next/*): the editor, the history page and the commit action
// all use it. Records here are absolute and canonical, as the server sends them.
import { isSignerType } from '../dns/dnssec/types';
import { relativeName } from '../dns/names';
import type { RR } from '../dns/types';
import type { AppError } from '../errors';
import type { Changeset, SoaEdit } from './changes';
import { normalizeRecord, recordKey } from './validate';

export type EditRecord = RR;
export type { SoaEdit };

export type PendingEdit =
  | { kind: 'add'; record: EditRecord }
  | { kind: 'delete'; record: EditRecord }
  | { kind: 'change'; from: EditRecord; to: EditRecord }
  /** New SOA fields; the serial is left to the zone's policy. */
  | { kind: 'soa'; from: SoaEdit; to: SoaEdit };

/** Where the editor keeps a zone's pending edits in sessionStorage (per tab). */
export function pendingStorageKey(zone: string): string {
  return `zk:pending:${zone}`;
}

/** The changeset that applies the edits, for the change service. */
export function editsToChangeset(edits: readonly PendingEdit[], expectedSerial: number, comment: string): Changeset {
  const add: RR[] = [];
  const remove: RR[] = [];
  let soa: SoaEdit | undefined;
  for (const e of edits) {
    if (e.kind === 'add') add.push(e.record);
    else if (e.kind === 'delete') remove.push(e.record);
    else if (e.kind === 'soa') soa = e.to;
    else {
      remove.push(e.from);
      add.push(e.to);
    }
  }
  return {
    add: add.map(({ name, type, ttl, content }) => ({ name, type, ttl, content })),
    remove: remove.map(({ name, type, content }) => ({ name, type, content })),
    expectedSerial,
    comment,
    ...(soa ? { soa } : {}),
  };
}

/**
 * The edits that undo a committed change: its added records deleted, its
 * removed records added back. The SOA is left to the serial policy, and the
 * signer's records (signatures, the NSEC chain) to the signer, which redoes
 * them for the reverted records in the same commit.
 */
export function revertEdits(change: { added: readonly RR[]; removed: readonly RR[] }): PendingEdit[] {
  const notSoa = (r: RR) => r.type !== 'SOA' && !isSignerType(r.type);
  return [
    ...change.added.filter(notSoa).map((record): PendingEdit => ({ kind: 'delete', record })),
    ...change.removed.filter(notSoa).map((record): PendingEdit => ({ kind: 'add', record })),
  ];
}

/** One problem the change service found, tied to a queued edit when its record says which. */
export interface EditorProblem {
  /** Index into the submitted edits. */
  edit?: number;
  record?: string;
  message: string;
}

/** The service error's problems, each tied to the edit whose own record it names, if one does. */
export function problemsFrom(err: Pick<AppError, 'message' | 'recordErrors'>, edits: readonly PendingEdit[]): EditorProblem[] {
  const owner = new Map<string, number>();
  edits.forEach((e, i) => {
    const rs = e.kind === 'add' || e.kind === 'delete' ? [e.record] : e.kind === 'change' ? [e.from, e.to] : [];
    for (const r of rs) owner.set(`${r.name} ${r.type} ${r.content}`, i);
  });
  const list = err.recordErrors.length ? err.recordErrors : [{ message: err.message }];
  return list.map((r) => ({ ...(r.record && owner.has(r.record) ? { edit: owner.get(r.record) } : {}), record: r.record, message: r.message }));
}

// ---------------------------------------------------------------- plain language

const SOA_LABELS: Record<keyof SoaEdit, string> = {
  mname: 'primary name server',
  rname: 'contact',
  refresh: 'refresh',
  retry: 'retry',
  expire: 'expire',
  minimum: 'negative TTL',
  ttl: 'TTL',
};

/** "add www A 192.0.2.1", "delete mail MX 10 mx.example.com.", "TTL of mail MX 300 → 3600". */
export function describeEdit(e: PendingEdit, zone: string): string {
  const owner = (r: RR) => relativeName(r.name, zone);
  switch (e.kind) {
    case 'add':
      return `add ${owner(e.record)} ${e.record.type} ${e.record.content}`;
    case 'delete':
      return `delete ${owner(e.record)} ${e.record.type} ${e.record.content}`;
    case 'soa': {
      const keys = (Object.keys(SOA_LABELS) as (keyof SoaEdit)[]).filter((k) => e.from[k] !== e.to[k]);
      if (keys.length === 0) return 'SOA unchanged';
      return `SOA ${keys.map((k) => `${SOA_LABELS[k]} ${e.from[k]} → ${e.to[k]}`).join(', ')}`;
    }
    case 'change': {
      const { from, to } = e;
      const sameRecord = from.name === to.name && from.type === to.type && from.content === to.content;
      if (sameRecord) return `TTL of ${owner(from)} ${from.type} ${from.ttl} → ${to.ttl}`;
      const ttl = from.ttl !== to.ttl ? ` (TTL ${from.ttl} → ${to.ttl})` : '';
      if (from.name === to.name && from.type === to.type) {
        return `change ${owner(from)} ${from.type} ${from.content} → ${to.content}${ttl}`;
      }
      return `change ${owner(from)} ${from.type} ${from.content} → ${owner(to)} ${to.type} ${to.content}${ttl}`;
    }
  }
}

// ---------------------------------------------------------------- checks the browser can do alone

/**
 * Why one edit cannot be applied as it stands, judged on the edit alone (the
 * records are re-validated as the change service would), or null. Rules that
 * involve the rest of the zone are the server's dry run.
 */
export function editProblem(e: PendingEdit, zone: string): string | null {
  const check = (r: RR) => {
    const n = normalizeRecord({ name: r.name, type: r.type, ttl: r.ttl, content: r.content }, zone, r.ttl);
    return n.ok ? null : n.message;
  };
  if (e.kind === 'add') return check(e.record);
  if (e.kind === 'delete') return check(e.record);
  if (e.kind === 'change') {
    const p = check(e.to);
    if (p) return p;
    if (recordKey(e.from) === recordKey(e.to) && e.from.ttl === e.to.ttl) return 'this change changes nothing';
    return null;
  }
  return null;
}

/** Problems between edits of the queue itself: one record added twice, or deleted or changed twice. */
export function queueProblems(edits: readonly PendingEdit[]): { index: number; message: string }[] {
  const out: { index: number; message: string }[] = [];
  const added = new Map<string, number>();
  const gone = new Map<string, number>();
  edits.forEach((e, index) => {
    const adds = e.kind === 'add' ? [e.record] : e.kind === 'change' ? [e.to] : [];
    const removes = e.kind === 'delete' ? [e.record] : e.kind === 'change' ? [e.from] : [];
    for (const r of removes) {
      const k = recordKey(r);
      if (gone.has(k)) out.push({ index, message: `${r.name} ${r.type} ${r.content} is already deleted or changed by edit ${gone.get(k)! + 1}` });
      else gone.set(k, index);
    }
    for (const r of adds) {
      const k = recordKey(r);
      if (added.has(k)) out.push({ index, message: `${r.name} ${r.type} ${r.content} is already added by edit ${added.get(k)! + 1}` });
      else added.set(k, index);
    }
  });
  if (edits.filter((e) => e.kind === 'soa').length > 1) {
    out.push({ index: edits.findLastIndex((e) => e.kind === 'soa'), message: 'the SOA is edited twice; discard one of the two' });
  }
  return out;
}

// ---------------------------------------------------------------- storage

function isRR(v: unknown): v is RR {
  if (typeof v !== 'object' || v === null) return false;
  const r = v as Record<string, unknown>;
  return typeof r.name === 'string' && typeof r.type === 'string' && typeof r.content === 'string' && Number.isInteger(r.ttl);
}

function isSoaEdit(v: unknown): v is SoaEdit {
  if (typeof v !== 'object' || v === null) return false;
  const s = v as Record<string, unknown>;
  return (
    typeof s.mname === 'string' &&
    typeof s.rname === 'string' &&
    (['refresh', 'retry', 'expire', 'minimum', 'ttl'] as const).every((k) => Number.isInteger(s[k]))
  );
}

export function isPendingEdit(v: unknown): v is PendingEdit {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  if (e.kind === 'add' || e.kind === 'delete') return isRR(e.record);
  if (e.kind === 'change') return isRR(e.from) && isRR(e.to);
  if (e.kind === 'soa') return isSoaEdit(e.from) && isSoaEdit(e.to);
  return false;
}

/** The edits stored under pendingStorageKey; anything unreadable there is dropped rather than trusted. */
export function parseStoredEdits(json: string | null): PendingEdit[] {
  if (!json) return [];
  try {
    const v: unknown = JSON.parse(json);
    return Array.isArray(v) ? v.filter(isPendingEdit) : [];
  } catch {
    return [];
  }
}
