'use client';
import { useRouter } from 'next/navigation';
import { useState, useTransition } from 'react';
import { revertChangeAction } from '@/lib/zones/actions';
import { pendingStorageKey, type PendingEdit } from '@/lib/zones/edits';
import { buttonSecondary } from '../styles';
import { zoneHref } from '@/lib/zones/zone-urls';

/**
 * Appends `edits` to the zone's pending edits in this tab's sessionStorage,
 * where the zone editor picks them up. Edits already queued stay: the user
 * may be halfway through other work on the zone.
 */
function appendPendingEdits(zone: string, edits: PendingEdit[]): void {
  const key = pendingStorageKey(zone);
  let queued: unknown[] = [];
  try {
    const stored: unknown = JSON.parse(sessionStorage.getItem(key) ?? '[]');
    if (Array.isArray(stored)) queued = stored;
  } catch {
    // Unreadable for the editor too; starting afresh loses nothing it could use.
  }
  sessionStorage.setItem(key, JSON.stringify([...queued, ...edits]));
}

/**
 * "Revert this change": asks the server for the edits that undo the change
 * (re-checking the user's right to write the zone), queues them for the
 * editor and opens it. Nothing is committed here; the user reviews there.
 */
export function RevertButton({ zone, changeId, serial }: { zone: string; changeId: number; serial: number }) {
  const router = useRouter();
  const [pending, startTransition] = useTransition();
  const [message, setMessage] = useState<string | null>(null);
  const messageId = `revert-${changeId}-message`;

  function revert() {
    setMessage(null);
    startTransition(async () => {
      const form = new FormData();
      form.set('zone', zone);
      form.set('changeId', String(changeId));
      const result = await revertChangeAction({}, form);
      if (!result.edits || !result.zone) {
        setMessage(result.message ?? 'The revert could not be prepared.');
        return;
      }
      appendPendingEdits(result.zone, result.edits);
      router.push(zoneHref(result.zone));
    });
  }

  return (
    <div className="flex flex-col items-end gap-1">
      <button
        type="button"
        onClick={revert}
        disabled={pending}
        aria-describedby={message ? messageId : undefined}
        title={`Queue the edits that undo serial ${serial} in the zone editor, for review`}
        className={`${buttonSecondary} py-1 text-xs disabled:cursor-wait disabled:opacity-70`}
      >
        {pending ? 'Preparing…' : 'Revert this change'}
      </button>
      <p id={messageId} aria-live="polite" className="max-w-xs text-right text-xs font-medium text-red-700">
        {message}
      </p>
    </div>
  );
}
