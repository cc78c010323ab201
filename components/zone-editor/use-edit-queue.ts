// The zone editor's pending edits: a list kept in this tab's sessionStorage
// (lib/zones/edits.ts names the key and reads it back), so a reload, paging,
// or the history page's "Revert this change" keeps what was queued.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { parseStoredEdits, pendingStorageKey, type PendingEdit, type SoaEdit } from '@/lib/zones/edits';
import { recordKey } from '@/lib/zones/validate';

/** What a stored record's row shows when an edit is queued for it, and the edit to undo. */
export type PendingMark = { kind: 'delete' | 'change'; index: number };

export interface EditQueue {
  edits: PendingEdit[];
  /** Queued edits by the key of the stored record they delete or change. */
  pendingByKey: ReadonlyMap<string, PendingMark>;
  add: (e: PendingEdit) => void;
  remove: (index: number) => void;
  /** One SOA edit at a time: a second one replaces the first, from the stored values. */
  setSoa: (from: SoaEdit, to: SoaEdit) => void;
  /** Empties the queue, in storage at once (before a refresh could read it back). */
  clear: () => void;
}

export function useEditQueue(zone: string): EditQueue {
  const storageKey = pendingStorageKey(zone);
  const [edits, setEdits] = useState<PendingEdit[]>([]);
  const [loaded, setLoaded] = useState(false);

  // Whatever is stored (by an earlier visit, a reload, or the history page's revert) is picked up once.
  useEffect(() => {
    setEdits(parseStoredEdits(sessionStorage.getItem(storageKey)));
    setLoaded(true);
  }, [storageKey]);

  useEffect(() => {
    if (!loaded) return;
    if (edits.length) sessionStorage.setItem(storageKey, JSON.stringify(edits));
    else sessionStorage.removeItem(storageKey);
  }, [edits, loaded, storageKey]);

  const add = useCallback((e: PendingEdit) => setEdits((old) => [...old, e]), []);
  const remove = useCallback((index: number) => setEdits((old) => old.filter((_, i) => i !== index)), []);
  const setSoa = useCallback((from: SoaEdit, to: SoaEdit) => setEdits((old) => [...old.filter((e) => e.kind !== 'soa'), { kind: 'soa', from, to }]), []);
  const clear = useCallback(() => {
    sessionStorage.removeItem(storageKey);
    setEdits([]);
  }, [storageKey]);

  const pendingByKey = useMemo(() => {
    const m = new Map<string, PendingMark>();
    edits.forEach((e, index) => {
      if (e.kind === 'delete') m.set(recordKey(e.record), { kind: 'delete', index });
      else if (e.kind === 'change') m.set(recordKey(e.from), { kind: 'change', index });
    });
    return m;
  }, [edits]);

  return { edits, pendingByKey, add, remove, setSoa, clear };
}
