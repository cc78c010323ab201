// Admin settings: what each key holds, its default, and how it is validated.
// Shared by the settings page, the CLI and the change service (new zones take
// their defaults from here).
import { z } from 'zod';
import { MAX_TTL } from '../dns/ttl';
import { SERIAL_POLICIES } from '../dns/types';
import type { FormState } from '../forms';
import { ttlText } from '../zones/schema';

const ttlField = z.number().int().min(0).max(MAX_TTL);

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
  /** The catalog (RFC 9432) a new primary zone is listed in; empty: none (lib/zones/catalog.ts). */
  catalog: z.string().trim().max(254).default(''),
});
export type ZoneDefaults = z.output<typeof zoneDefaultsSchema>;

/** How the editor behaves. */
export const editorSettingsSchema = z.object({
  /** A commit without a comment is refused when true. */
  requireComment: z.boolean().default(false),
});
export type EditorSettings = z.output<typeof editorSettingsSchema>;

/**
 * Who besides admins may create secondary zones. A secondary zone makes the
 * worker connect to the primaries it names, and its status says how each
 * answered: left to anyone, it is a port scanner run from this server.
 */
export const secondaryZonesSettingsSchema = z.object({
  /** CIDR ranges every primary of an editor's secondary zone must lie in; empty: only admins create secondary zones. */
  editorPrimaryRanges: z.array(z.string().trim().min(1)).max(100).default([]),
});
export type SecondaryZonesSettings = z.output<typeof secondaryZonesSettingsSchema>;

/**
 * Which changes by a person need a second person's approval (four eyes), for
 * every zone without its own rules (Zone.approvalRules); enforced by the change
 * service (lib/zones/approval-rules.ts). All off by default, so nothing that
 * worked before an upgrade is refused after it.
 */
export const approvalRulesSchema = z.object({
  /** Adding, removing or changing the apex NS set, or the SOA fields. */
  apexNsSoa: z.boolean().default(false),
  /** Removing a record that the change does not replace with one of the same name and type. */
  deletions: z.boolean().default(false),
  /** Changesets touching more than this many records; 0: no limit. */
  maxRecords: z.number().int().min(0).max(1_000_000).default(0),
});
export type ApprovalRules = z.output<typeof approvalRulesSchema>;

/** The global approval rules, and who may change NS and SOA at all. */
export const approvalSettingsSchema = approvalRulesSchema.extend({
  /**
   * Apex NS and SOA edits only by admins (Opera DNS UI's default); an editor's
   * such edit is refused, and as a request it needs an admin to approve it.
   * Off by default here: zones are created and delegated by their editors.
   */
  nsSoaAdminsOnly: z.boolean().default(false),
});
export type ApprovalSettings = z.output<typeof approvalSettingsSchema>;
/** Deleting zones (lib/zones/zone-deletion.ts). */
export const zoneDeletionSettingsSchema = z.object({
  /** A deletion by one admin is a request that a different admin confirms; the zone serves meanwhile. */
  requireSecondAdmin: z.boolean().default(false),
});
export type ZoneDeletionSettings = z.output<typeof zoneDeletionSettingsSchema>;

/** Reverse records the editor keeps beside A and AAAA records (lib/zones/reverse-ptr.ts). */
export const reverseRecordsSettingsSchema = z.object({
  /** "Also set PTR" starts ticked on each A/AAAA edit that has a reverse zone here. */
  ptrByDefault: z.boolean().default(true),
});
export type ReverseRecordsSettings = z.output<typeof reverseRecordsSettingsSchema>;

export const SETTINGS = {
  zoneDefaults: zoneDefaultsSchema,
  editor: editorSettingsSchema,
  secondaryZones: secondaryZonesSettingsSchema,
  approval: approvalSettingsSchema,
  zoneDeletion: zoneDeletionSettingsSchema,
  reverseRecords: reverseRecordsSettingsSchema,
} as const;
export type SettingKey = keyof typeof SETTINGS;
export type SettingValue<K extends SettingKey> = z.output<(typeof SETTINGS)[K]>;

// ---------------------------------------------------------------- forms
// What the /settings forms submit (strings, as typed); their state is
// lib/forms.ts's FormState.

export const ZONE_DEFAULTS_FIELDS = ['nameservers', 'contact', 'defaultTtl', 'serialPolicy', 'refresh', 'retry', 'expire', 'minimum', 'allowTransfer', 'alsoNotify', 'catalog'] as const;
export type ZoneDefaultsField = (typeof ZONE_DEFAULTS_FIELDS)[number];

/** The zone-defaults form; lists are one entry per line (or separated by commas or spaces). */
export const zoneDefaultsFormSchema = z.object({
  nameservers: z.string().max(10_000, 'That is too many name servers'),
  contact: z.string().trim().max(320, 'That contact is too long'),
  defaultTtl: ttlText('Default TTL'),
  serialPolicy: z.enum(SERIAL_POLICIES as [string, ...string[]], { message: 'Choose increment, date or unixtime' }),
  refresh: ttlText('Refresh'),
  retry: ttlText('Retry'),
  expire: ttlText('Expire'),
  minimum: ttlText('Minimum'),
  allowTransfer: z.string().max(10_000, 'That is too many ranges'),
  alsoNotify: z.string().max(10_000, 'That is too many targets'),
  catalog: z.string().trim().max(254, 'A catalog name is at most 253 characters').default(''),
});

export const APPROVAL_FIELDS = ['apexNsSoa', 'deletions', 'maxRecords', 'nsSoaAdminsOnly', 'rules'] as const;
export type ApprovalField = (typeof APPROVAL_FIELDS)[number];

/**
 * The approval forms (Settings → Approval, and a zone's settings): checkboxes
 * send "on" when ticked; `maxRecords` is blank or 0 for no limit; a zone's
 * form sends `rules` = `default` to follow the global setting.
 */
export const approvalFormSchema = z.object({
  apexNsSoa: z.string().transform((v) => v === 'on'),
  deletions: z.string().transform((v) => v === 'on'),
  maxRecords: z
    .string()
    .trim()
    .regex(/^\d{0,7}$/, 'A whole number of records, or blank for no limit')
    .transform((v) => (v === '' ? 0 : Number(v))),
  nsSoaAdminsOnly: z.string().transform((v) => v === 'on'),
  rules: z.enum(['', 'default', 'own'], { message: 'Choose the global rules or this zone’s own' }),
});

export const SECONDARY_ZONES_FIELDS = ['editorPrimaryRanges'] as const;
export type SecondaryZonesField = (typeof SECONDARY_ZONES_FIELDS)[number];

/** The secondary-zones form: ranges one per line (or separated by commas or spaces). */
export const secondaryZonesFormSchema = z.object({
  editorPrimaryRanges: z.string().max(10_000, 'That is too many ranges'),
});

export const TSIG_FIELDS = ['name', 'algorithm', 'source', 'secret'] as const;
export type TsigField = (typeof TSIG_FIELDS)[number];
// The same list as lib/dns/tsig.ts TSIG_ALGORITHMS (a test keeps them equal); not imported from
// there, because this file reaches the browser and tsig.ts needs node:crypto.
export const TSIG_ALGORITHMS = ['hmac-sha256', 'hmac-sha512', 'hmac-sha384', 'hmac-sha224', 'hmac-sha1', 'hmac-md5'] as const;

export const createTsigKeyFormSchema = z
  .object({
    name: z.string().trim().min(1, 'Enter a key name, like transfer-key').max(254, 'A key name is at most 253 characters'),
    algorithm: z.enum(TSIG_ALGORITHMS, { message: `Choose one of ${TSIG_ALGORITHMS.join(', ')}` }),
    source: z.enum(['generate', 'paste'], { message: 'Choose to generate or paste a secret' }),
    secret: z.string().trim().max(1024, 'That secret is too long'),
  })
  .refine((v) => v.source === 'generate' || v.secret !== '', { path: ['secret'], message: 'Paste the base64 secret, or choose to generate one' });

/** State of the TSIG form: on success, the one time the secret is shown. */
export interface CreateTsigKeyState extends FormState<TsigField> {
  created?: { name: string; algorithm: string; secret: string; bindClause: string };
}

/** The BIND `key` clause for named.conf, ready to paste. */
export function bindKeyClause(name: string, algorithm: string, secret: string): string {
  return `key "${name}" {\n\talgorithm ${algorithm};\n\tsecret "${secret}";\n};`;
}

export const AUTOPRIMARY_FIELDS = ['ip', 'nameserver', 'account'] as const;
export type AutoprimaryField = (typeof AUTOPRIMARY_FIELDS)[number];

export const addAutoprimaryFormSchema = z.object({
  ip: z.string().trim().min(1, 'Enter the primary’s IP address, like 192.0.2.1 or [2001:db8::1]:53').max(64, 'That is not an address'),
  nameserver: z.string().trim().min(1, 'Enter the name server host name its zones list in NS').max(254, 'A host name is at most 253 characters'),
  account: z.string().trim().max(100, 'At most 100 characters'),
});

/** The fields of the new API key form (/settings/api-keys); the key store (lib/auth/api-keys.ts) validates them. */
export const API_KEY_FIELDS = ['name', 'zones', 'names', 'types', 'readOnly'] as const;
export type ApiKeyField = (typeof API_KEY_FIELDS)[number];

/** State of the API key form: on success, the one time the secret is shown. */
export interface CreateApiKeyState extends FormState<ApiKeyField> {
  created?: { name: string; secret: string; scope: string };
}
