'use server';
// Server actions for the zone pages: check the session and permission, turn
// the form into the change service's input, and map its ZoneError back to
// the form.
import { revalidatePath } from 'next/cache';
import { redirect } from 'next/navigation';
import { z } from 'zod';
import { requireUser } from '../auth/session';
import { SERIAL_POLICIES } from '../dns/types';
import { ZoneError } from './errors';
import { createZone } from './mutations';

/** The new-zone form's fields, as typed (strings). */
export interface CreateZoneFormValues {
  kind: string;
  name: string;
  primaries: string;
  nameservers: string;
  contact: string;
  defaultTtl: string;
  serialPolicy: string;
}

export interface CreateZoneFormState {
  message?: string;
  /** Keyed by form field name; `form` holds errors that belong to no field. */
  fieldErrors?: Partial<Record<keyof CreateZoneFormValues | 'form', string[]>>;
  /** What was submitted, so the form can show it again (React 19 resets forms). */
  values?: CreateZoneFormValues;
}

const MAX_TTL = 2147483647;
const FIX_FIELDS = 'The zone could not be created: see the fields marked below.';

// Form-level checks with messages written for people; the change service
// validates again (names, contact, NS targets) and its errors come back too.
const createZoneFormSchema = z.object({
  kind: z.enum(['primary', 'secondary'], { message: 'Choose primary or secondary' }),
  name: z.string().trim().min(1, 'Enter a zone name, like example.com, or a prefix, like 192.0.2.0/24').max(254, 'A zone name is at most 253 characters'),
  primaries: z.string().max(10_000, 'That is too many primaries'),
  nameservers: z.string().max(10_000, 'That is too many name servers'),
  contact: z.string().trim().max(320, 'That contact is too long'),
  defaultTtl: z
    .string()
    .trim()
    .refine((s) => s === '' || (/^\d+$/.test(s) && Number(s) <= MAX_TTL), {
      message: `Enter a whole number of seconds from 0 to ${MAX_TTL}`,
    }),
  serialPolicy: z.enum(SERIAL_POLICIES as [string, ...string[]], { message: 'Choose increment, date or unixtime' }),
});

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
  };
}

/** One name server (or primary) per line, or separated by commas or spaces. */
function splitList(text: string): string[] {
  return text
    .split(/[\s,]+/)
    .map((s) => s.trim())
    .filter(Boolean);
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
        defaultTtl: v.defaultTtl === '' ? undefined : Number(v.defaultTtl),
        serialPolicy: v.serialPolicy,
        primaries: v.kind === 'secondary' ? splitList(v.primaries) : [],
      },
      { userId: user.id, name: user.name },
    );
    zoneName = created.name;
  } catch (err) {
    if (err instanceof ZoneError) {
      const fieldErrors = knownFieldErrors(err.fieldErrors);
      // The service's message usually repeats a field's; then the summary just points at the fields.
      const onFields = Object.keys(fieldErrors).some((k) => k !== 'form');
      return { message: onFields ? FIX_FIELDS : err.message, fieldErrors, values };
    }
    throw err;
  }
  revalidatePath('/zones');
  redirect(`/zones/${encodeURIComponent(zoneName.replace(/\.$/, ''))}`);
}

const FIELDS = ['kind', 'name', 'primaries', 'nameservers', 'contact', 'defaultTtl', 'serialPolicy'] as const;

/** The service's field errors under the form's field names; anything else goes to `form`. */
function knownFieldErrors(errors: Record<string, string[]>): NonNullable<CreateZoneFormState['fieldErrors']> {
  const out: NonNullable<CreateZoneFormState['fieldErrors']> = {};
  for (const [key, messages] of Object.entries(errors)) {
    const field = (FIELDS as readonly string[]).includes(key) ? (key as (typeof FIELDS)[number]) : 'form';
    (out[field] ??= []).push(...messages);
  }
  return out;
}
