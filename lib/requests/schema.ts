// Change requests (issue 21): what the forms submit and what the pages show.
// Shared by the browser and the server, so no database and no next/*.
import { z } from 'zod';
import type { RR } from '../dns/types';
import type { EditorProblem, PendingEdit } from '../zones/edits';

export type RequestState = 'open' | 'approved' | 'rejected' | 'withdrawn';
export const REQUEST_STATES: readonly RequestState[] = ['open', 'approved', 'rejected', 'withdrawn'];

/** Longest comment or reason kept, as for a commit's comment. */
export const MAX_REQUEST_TEXT = 2000;

/** Why the change is asked for: required, since the reviewer decides on it. */
export const requestCommentSchema = z
  .string()
  .trim()
  .min(1, 'Write a comment: the reviewer decides on what you say the change is for.')
  .max(MAX_REQUEST_TEXT, `At most ${MAX_REQUEST_TEXT} characters`);

export const REJECT_FIELDS = ['id', 'reason'] as const;
export type RejectField = (typeof REJECT_FIELDS)[number];
export const rejectRequestFormSchema = z.object({
  id: z.coerce.number().int().positive(),
  reason: z.string().trim().min(1, 'Give a reason: the requester sees it.').max(MAX_REQUEST_TEXT, `At most ${MAX_REQUEST_TEXT} characters`),
});

/** One request as the lists show it. */
export interface RequestSummary {
  id: number;
  zone: string;
  state: RequestState;
  requester: string;
  comment: string;
  /** How many edits it holds. */
  edits: number;
  createdAt: Date;
  reviewer: string | null;
  reason: string;
  decidedAt: Date | null;
  changeId: number | null;
}

/** An edit that no longer applies to the zone as it is now, and why. */
export interface RequestConflict {
  /** Index into the request's edits. */
  edit: number;
  description: string;
  message: string;
}

/** The request against the zone as it is now: what approving it would change, and what stops it. */
export interface RequestNow {
  serial: number;
  /** The diff the edits make now (SOA not included). */
  added: RR[];
  removed: RR[];
  soaChanged: boolean;
  /** Edits that no longer apply (gone, changed since, already there). */
  conflicts: RequestConflict[];
  /** Problems tied to no one edit (a rule of the zone as it would be). */
  problems: EditorProblem[];
  /** What stops this reader approving it (an NS/SOA change that needs an admin). */
  approvalNotes: string[];
  /** Approving it would change nothing. */
  unchanged: boolean;
}

export interface RequestDetail extends RequestSummary {
  zoneKind: string;
  baseSerial: number;
  pending: PendingEdit[];
  /** Each edit in words (lib/zones/edits.ts describeEdit). */
  descriptions: string[];
  /** Only while open. */
  now?: RequestNow;
  /** What the reader may do with it now. */
  may: { approve: boolean; reject: boolean; withdraw: boolean };
}
