// What the zone editor shows beside the pending edits besides the change
// service's verdict: the PTRs it can set in reverse zones here (reverse-ptr.ts)
// and warnings that never block a commit, such as a private or documentation
// address in a public zone (lib/dns/address-use.ts). Worked out with the dry
// run; the commit works the PTRs out again rather than trusting the browser.
import type { SessionUser } from '../auth/permission';
import { addressWarning } from '../dns/address-use';
import { getSetting } from '../settings/data';
import type { CommitResult } from './changes';
import type { PendingEdit } from './edits';
import { ptrOffers, setPtrs, type PtrOffer, type PtrOutcome } from './reverse-ptr';
import { normalizeOwner } from './validate';

export interface EditorWarning {
  /** The pending edit it is about. */
  edit: number;
  message: string;
}

export interface EditorHints {
  ptrOffers: PtrOffer[];
  /** Whether "Also set PTR" starts ticked (Settings → Zone defaults → Reverse records). */
  ptrByDefault: boolean;
  warnings: EditorWarning[];
}

/** The A/AAAA records an edit puts in the zone (an add, a change's new side). */
function addressRecord(e: PendingEdit) {
  const r = e.kind === 'add' ? e.record : e.kind === 'change' ? e.to : null;
  return r && (r.type === 'A' || r.type === 'AAAA') ? r : null;
}

export async function editorHints(user: SessionUser, zone: string, edits: readonly PendingEdit[]): Promise<EditorHints> {
  const warnings: EditorWarning[] = [];
  edits.forEach((e, edit) => {
    const r = addressRecord(e);
    if (!r) return;
    const owner = normalizeOwner(r.name, zone);
    const message = owner.ok ? addressWarning(zone, owner.value, r.content.trim()) : null;
    if (message) warnings.push({ edit, message });
  });
  const [offers, settings] = await Promise.all([ptrOffers(user, zone, edits), getSetting('reverseRecords')]);
  return { ptrOffers: offers, ptrByDefault: settings.ptrByDefault, warnings };
}

/**
 * After a committed forward change: sets (or removes) the PTRs the user
 * ticked (`chosen`, PTR owner names, each offered once), linked to it.
 * Returns what to add to the commit's message and the outcome per reverse zone.
 */
export async function commitChosenPtrs(user: SessionUser, result: CommitResult, edits: readonly PendingEdit[], chosen: unknown): Promise<{ message: string; outcomes: PtrOutcome[] }> {
  const picked = new Set(Array.isArray(chosen) ? chosen.filter((n): n is string => typeof n === 'string') : []);
  if (picked.size === 0 || !result.changed) return { message: '', outcomes: [] };
  const offers = (await ptrOffers(user, result.zone, edits)).filter((o) => picked.has(o.ptrName));
  const outcomes = await setPtrs(user, result.zone, result.changeId, offers);
  return { message: outcomes.map((o) => ` ${o.message}`).join(''), outcomes };
}
