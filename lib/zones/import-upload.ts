// Zone file imports from the browser: the preview (parse and diff, nothing
// written) and the commit of the ticked items as one change. The zone file
// can be megabytes, more than a server action may carry, so the browser posts
// it to app/(app)/zones/[name]/import/upload/route.ts, which checks the user before
// it reads the body and then calls these. No next/* imports.
import { z } from 'zod';
import { databaseFailure } from '../db-errors';
import { previewImport, type ImportPreview } from './import-preview';
import { AppError, type RecordError } from '../errors';
import type { Actor } from './actor';
import { commitImport } from './changes';
import { zoneFileField } from './schema';

export interface ImportPreviewState {
  message?: string;
  fieldErrors?: { text?: string[] };
  preview?: ImportPreview;
}

export interface ImportCommitState {
  message?: string;
  fieldErrors?: { comment?: string[] };
  /** Per-record problems from the change service (zone rules, parse errors with lines). */
  recordErrors?: RecordError[];
  /** The zone changed since the preview: the user must preview again. */
  conflict?: boolean;
  values?: { comment: string };
  /** Set when the import was committed: the canonical zone name. */
  committed?: string;
}

/** Parses the zone file and diffs it against the zone; writes nothing. */
export async function previewUpload(zone: string, rawText: string): Promise<ImportPreviewState> {
  const text = zoneFileField.safeParse(rawText);
  if (!text.success) {
    return { message: 'There is no zone file to preview.', fieldErrors: { text: z.flattenError(text.error).formErrors } };
  }
  const preview = await previewImport(zone, text.data);
  if (!preview) return { message: `There is no zone ${zone}.` };
  if (preview.kind !== 'primary') {
    return { message: `${zone} is a secondary zone; its records come from its primary and cannot be imported here.` };
  }
  if (preview.errors.length) {
    const n = preview.errors.length;
    return { message: `The zone file has ${n} error${n > 1 ? 's' : ''}; fix ${n > 1 ? 'them' : 'it'} and preview again. Nothing was applied.`, preview };
  }
  return { preview };
}

const commitImportSchema = z.object({
  text: zoneFileField,
  expectedSerial: z.coerce.number().int().min(0).max(4294967295),
  comment: z.string().trim().min(1, 'Say why, for the changelog').max(500, 'Keep the comment under 500 characters'),
  excluded: z.string().transform((s, ctx) => {
    try {
      const v: unknown = JSON.parse(s || '[]');
      if (Array.isArray(v) && v.every((x) => typeof x === 'string')) return v as string[];
    } catch {
      // reported below
    }
    ctx.addIssue({ code: 'custom', message: 'the selection is malformed' });
    return z.NEVER;
  }),
});

/** Commits the ticked items of a preview as one change through the change service. */
export async function commitUpload(
  zone: string,
  fields: { text: string; expectedSerial: string; comment: string; excluded: string },
  actor: Actor,
): Promise<ImportCommitState> {
  const values = { comment: fields.comment };
  const parsed = commitImportSchema.safeParse(fields);
  if (!parsed.success) {
    const fe = z.flattenError(parsed.error).fieldErrors;
    if (fe.comment) return { message: 'The import was not committed: see the comment field.', fieldErrors: { comment: fe.comment }, values };
    return { message: 'The import could not be read back; preview the file again.', values };
  }
  const v = parsed.data;
  try {
    const result = await commitImport(zone, v.text, { expectedSerial: v.expectedSerial, comment: v.comment, excluded: v.excluded }, actor);
    if (!result.changed) return { message: 'Nothing to commit: the checked items are already in the zone.', values };
    return { committed: result.zone };
  } catch (err) {
    const down = databaseFailure(err);
    if (down) return { message: down.message, values };
    if (!(err instanceof AppError)) throw err;
    return {
      message:
        err.code === 'conflict'
          ? `${err.message.replace(/ Reload the zone and re-apply your edits\.$/, '')} Preview the file again to see the difference against the zone as it is now.`
          : err.message,
      recordErrors: err.recordErrors,
      conflict: err.code === 'conflict',
      values,
    };
  }
}
