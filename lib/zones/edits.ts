// Pending edits: what the zone editor queues before one commit, and what a
// "Revert this change" on the history page builds. Pure and browser-safe (no
// database, no next/*): the editor, the history page and the commit action
// all use it. Records here are absolute and canonical, as the server sends them.
import type { RR } from '../dns/types';
import type { Changeset } from './mutations';

export type EditRecord = RR;

export type PendingEdit =
  | { kind: 'add'; record: EditRecord }
  | { kind: 'delete'; record: EditRecord }
  | { kind: 'change'; from: EditRecord; to: EditRecord };

/** Where the editor keeps a zone's pending edits in sessionStorage (per tab). */
export function pendingStorageKey(zone: string): string {
  return `zk:pending:${zone}`;
}

/** The changeset that applies the edits, for the change service. */
export function editsToChangeset(edits: readonly PendingEdit[], expectedSerial: number, comment: string): Changeset {
  const add: RR[] = [];
  const remove: RR[] = [];
  for (const e of edits) {
    if (e.kind === 'add') add.push(e.record);
    else if (e.kind === 'delete') remove.push(e.record);
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
  };
}

/**
 * The edits that undo a committed change: its added records deleted, its
 * removed records added back. The SOA is left to the serial policy.
 */
export function revertEdits(change: { added: readonly RR[]; removed: readonly RR[] }): PendingEdit[] {
  const notSoa = (r: RR) => r.type !== 'SOA';
  return [
    ...change.added.filter(notSoa).map((record): PendingEdit => ({ kind: 'delete', record })),
    ...change.removed.filter(notSoa).map((record): PendingEdit => ({ kind: 'add', record })),
  ];
}
