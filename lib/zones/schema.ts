// Zod schemas for zone input, shared by server actions, API routes and the CLI.
import { z } from 'zod';
import { SERIAL_POLICIES } from '../dns/types';

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
  defaultTtl: z.coerce.number().int().min(0).max(2147483647).optional(),
  serialPolicy: z.enum(SERIAL_POLICIES as [string, ...string[]]).optional(),
  primaries: z.array(z.string().trim().min(1)).default([]),
});
export type CreateZoneInput = z.input<typeof createZoneSchema>;

export const recordInputSchema = z.object({
  name: z.string().trim().min(1, 'Enter a name (@ for the zone apex)'),
  type: z.string().trim().min(1).transform((s) => s.toUpperCase()),
  ttl: z.coerce.number().int().min(0).max(2147483647).optional(),
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
