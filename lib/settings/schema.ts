// Admin settings: what each key holds, its default, and how it is validated.
// Shared by the settings page, the CLI and the change service (new zones take
// their defaults from here).
import { z } from 'zod';
import { SERIAL_POLICIES } from '../dns/types';

const ttlField = z.number().int().min(0).max(2147483647);

/** The template a new primary zone starts from. */
export const zoneDefaultsSchema = z.object({
  /** NS hosts of a new zone; empty means `ns1.<zone>`. Absolute names or relative to the zone. */
  nameservers: z.array(z.string().trim().min(1)).max(20).default([]),
  /** SOA contact as a mailbox or an RNAME; empty means `hostmaster.<zone>`. */
  contact: z.string().trim().max(320).default(''),
  defaultTtl: ttlField.default(3600),
  serialPolicy: z.enum(SERIAL_POLICIES as [string, ...string[]]).default('increment'),
  refresh: ttlField.default(10800),
  retry: ttlField.default(3600),
  expire: ttlField.default(1209600),
  minimum: ttlField.default(3600),
  /** CIDR ranges allowed to transfer a new zone. */
  allowTransfer: z.array(z.string().trim().min(1)).max(100).default(['127.0.0.0/8', '::1/128']),
  /** ADDRESS[:PORT] targets a new zone also notifies. */
  alsoNotify: z.array(z.string().trim().min(1)).max(100).default([]),
});
export type ZoneDefaults = z.output<typeof zoneDefaultsSchema>;

/** How the editor behaves. */
export const editorSettingsSchema = z.object({
  /** A commit without a comment is refused when true. */
  requireComment: z.boolean().default(false),
});
export type EditorSettings = z.output<typeof editorSettingsSchema>;

export const SETTINGS = {
  zoneDefaults: zoneDefaultsSchema,
  editor: editorSettingsSchema,
} as const;
export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;
