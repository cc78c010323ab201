// The server's dry run of the pending edits (checkEditsAction), against the
// serial the page holds: re-run, after a short pause, whenever either changes.
// An answer that arrives after a newer check started is dropped.
import { useEffect, useRef, useState, type Dispatch, type SetStateAction } from 'react';
import { checkEditsAction, type EditorResult } from '@/lib/zones/actions';
import type { PendingEdit } from '@/lib/zones/edits';

const CHECK_DELAY_MS = 250;

export interface EditCheck {
  /** The last answer, or null while there is nothing to check. */
  check: EditorResult | null;
  checking: boolean;
  /** A commit's answer stands in for the check until the edits or the serial change. */
  setCheck: Dispatch<SetStateAction<EditorResult | null>>;
}

export function useEditCheck(zone: string, serial: number, edits: readonly PendingEdit[], enabled: boolean): EditCheck {
  const [check, setCheck] = useState<EditorResult | null>(null);
  const [checking, setChecking] = useState(false);
  const seqRef = useRef(0);

  useEffect(() => {
    const seq = ++seqRef.current;
    if (!enabled || edits.length === 0) {
      setCheck(null);
      setChecking(false);
      return;
    }
    setChecking(true);
    const timer = setTimeout(() => {
      checkEditsAction(zone, edits, serial).then(
        (r) => {
          if (seq !== seqRef.current) return;
          setCheck(r);
          setChecking(false);
        },
        (err: Error) => {
          if (seq !== seqRef.current) return;
          setCheck({ ok: false, message: `The edits could not be checked: ${err.message}`, problems: [{ message: 'The check failed; try again.' }], added: [], removed: [] });
          setChecking(false);
        },
      );
    }, CHECK_DELAY_MS);
    return () => clearTimeout(timer);
  }, [edits, zone, serial, enabled]);

  return { check, checking, setCheck };
}
