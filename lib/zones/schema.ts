// Zod schemas for zone input, shared by server actions, API routes and the CLI.
import { z } from 'zod';
import { MAX_TTL, parseTtl } from '../dns/ttl';
import { SERIAL_POLICIES } from '../dns/types';

/** Seconds for a TTL as typed (lib/dns/ttl.ts parseTtl), or an issue whose message names the field. */
function readTtl(text: string, label: string, ctx: z.RefinementCtx): number {
  try {
    return parseTtl(text, label);
  } catch (err) {
    ctx.addIssue({ code: 'custom', message: (err as Error).message });
    return z.NEVER;
  }
}

/** A TTL or SOA timer as people type it in any form: seconds or a duration like 1h30m, read as seconds. */
export function ttlText(label: string) {
  return z
    .string()
    .trim()
    .transform((text, ctx) => readTtl(text, label, ctx));
}

/** ttlText where a blank field means "the default" (undefined). */
export function optionalTtlText(label: string) {
  return z
    .string()
    .trim()
    .transform((text, ctx) => (text === '' ? undefined : readTtl(text, label, ctx)));
}

/** A TTL in input from programs: seconds as a number, or text as a person types it (ttlText). */
const ttlValue = (label: string) => z.union([z.number().int().min(0).max(MAX_TTL), ttlText(label)]);

export const zoneNameField = z
  .string()
  .trim()
  .min(1, 'Enter a zone name, like example.com')
  .max(253, 'A zone name is at most 253 characters');

export const createZoneSchema = z.object({
  name: zoneNameField,
  kind: z.enum(['primary', 'secondary']).default('primary'),
  nameservers: z.array(z.string().trim().min(1)).default([]),
  contact: z.string().trim().optional(),
  // Unset: the admin's zone template (lib/settings) decides.
  defaultTtl: ttlValue('Default TTL').optional(),
  serialPolicy: z.enum(SERIAL_POLICIES as [string, ...string[]]).optional(),
  primaries: z.array(z.string().trim().min(1)).default([]),
  // The catalog (RFC 9432) to list the zone in, `none` for none; unset: the template's, for a primary zone.
  catalog: z.string().trim().max(254).optional(),
  catalogGroup: z.string().trim().max(255).optional(),
  // A secondary catalog zone whose members the worker creates and deletes (RFC 9432 consumer).
  catalogConsumer: z.boolean().default(false),
  // Where a consumed catalog's members transfer from; none: the catalog's own primaries.
  memberPrimaries: z.array(z.string().trim().min(1)).default([]),
});
export type CreateZoneInput = z.input<typeof createZoneSchema>;

// The new-zone form (lib/zones/actions.ts): checks with messages written for people; the change service
// validates again (names, contact, NS targets) and its errors come back too.
export const createZoneFormSchema = z.object({
  kind: z.enum(['primary', 'secondary'], { message: 'Choose primary or secondary' }),
  name: z.string().trim().min(1, 'Enter a zone name, like example.com, or a prefix, like 192.0.2.0/24').max(254, 'A zone name is at most 253 characters'),
  primaries: z.string().max(10_000, 'That is too many primaries'),
  nameservers: z.string().max(10_000, 'That is too many name servers'),
  contact: z.string().trim().max(320, 'That contact is too long'),
  defaultTtl: optionalTtlText('Default TTL'),
  serialPolicy: z.enum(SERIAL_POLICIES as [string, ...string[]], { message: 'Choose increment, date or unixtime' }),
  catalog: z.string().trim().max(254, 'A catalog name is at most 253 characters').default(''),
  catalogGroup: z.string().trim().max(255, 'A group name is at most 255 characters').default(''),
});

export const recordInputSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name (@ for the zone apex)'),
  type: z.string().trim().min(1).transform((s) => s.toUpperCase()),
  ttl: ttlValue('TTL').optional(),
  content: z.string().trim().min(1, 'Enter the record content'),
});
export type RecordInput = z.input<typeof recordInputSchema>;

export const recordDeleteSchema = z.object({
  name: z.string().trim().min(1),
  type: z.string().trim().min(1).transform((s) => s.toUpperCase()),
  content: z.string().trim().optional(),
});
export type RecordDelete = z.input<typeof recordDeleteSchema>;

/** A zone file of about 20,000 records is around 1 MB; well above this is a mistake, not a zone (the CLI takes any size). */
export const MAX_ZONE_FILE = 16 * 1024 * 1024;

export const zoneFileField = z
  .string()
  .refine((s) => s.trim() !== '', { message: 'Paste a zone file, or choose one to upload' })
  .refine((s) => s.length <= MAX_ZONE_FILE, { message: 'That file is larger than 16 MB; split it or use the CLI (zonekeeper zone import)' });
