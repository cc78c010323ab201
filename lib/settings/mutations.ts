// Writes of admin settings: validated against the key's schema, stored whole.
import { formatHostPort, parseAddressPort, parseRange } from '../dns/address';
import { z } from 'zod';
import { db } from '../db';
import { absoluteName, canonicalName } from '../dns/names';
import { AppError } from '../errors';
import { SETTINGS, type SecondaryZonesSettings, type SettingKey, type SettingValue, type ZoneDefaults } from './schema';
import { contactToRname } from '../dns/contact';
import { getSetting } from './data';

export async function setSetting<K extends SettingKey>(key: K, value: unknown): Promise<SettingValue<K>> {
  const schema: z.ZodType = SETTINGS[key];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error as z.ZodError<Record<string, unknown>>).fieldErrors as Record<string, string[]>;
    throw new AppError('invalid', 'The settings were not saved; fix the fields marked.', fieldErrors);
  }
  const json = JSON.stringify(parsed.data);
  await db().setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
  return parsed.data as SettingValue<K>;
}

/**
 * Saves the zone template from the settings form (lists already split):
 * name servers, transfer ranges and also-notify targets are checked and
 * written canonical, each bad entry named in its field's errors, so new
 * zones never inherit a value the zone settings would refuse.
 */
export async function saveZoneDefaults(input: Omit<ZoneDefaults, 'allowTransfer' | 'alsoNotify' | 'nameservers' | 'catalog'> & {
  nameservers: string[];
  allowTransfer: string[];
  alsoNotify: string[];
  /** Blank or `none`: new zones join no catalog; unset: keep the stored one. */
  catalog?: string;
}): Promise<ZoneDefaults> {
  const errors: Record<string, string[]> = {};
  const fail = (field: string, message: string) => (errors[field] ??= []).push(message);

  const nameservers = input.nameservers.map((ns) => {
    try {
      // Relative names are kept relative (they name a host inside each new zone); check them against a placeholder origin.
      canonicalName(ns, 'zone.invalid.');
      return ns.endsWith('.') ? canonicalName(ns) : ns.toLowerCase();
    } catch (err) {
      fail('nameservers', `"${ns}": ${(err as Error).message}`);
      return ns;
    }
  });
  // The same rules createZone applies, checked now so that a bad default does not break every new zone later.
  const contact = input.contact.trim();
  if (contact) {
    try {
      contactToRname(contact, 'zone.invalid.');
    } catch (err) {
      fail('contact', (err as Error).message);
    }
  }
  const allowTransfer = input.allowTransfer.map((t) => {
    try {
      return parseRange(t);
    } catch (err) {
      fail('allowTransfer', (err as Error).message);
      return t;
    }
  });
  const alsoNotify = input.alsoNotify.map((t) => {
    try {
      return formatHostPort(parseAddressPort(t, 53));
    } catch (err) {
      fail('alsoNotify', (err as Error).message);
      return t;
    }
  });
  let catalog = input.catalog === undefined ? (await getSetting('zoneDefaults')).catalog : input.catalog.trim();
  if (catalog.toLowerCase() === 'none') catalog = '';
  if (catalog) {
    try {
      catalog = absoluteName(catalog);
      const zone = await db().zone.findUnique({ where: { name: catalog }, select: { catalogRole: true } });
      if (zone && zone.catalogRole !== 'producer') fail('catalog', `${catalog} is ${zone.catalogRole === 'consumer' ? 'a catalog followed from another primary' : 'an ordinary zone'}, not a catalog of ours; name another`);
    } catch (err) {
      fail('catalog', (err as Error).message);
    }
  }
  if (Object.keys(errors).length) throw new AppError('invalid', 'The zone defaults were not saved; fix the fields marked.', errors);
  return setSetting('zoneDefaults', { ...input, nameservers, allowTransfer, alsoNotify, catalog });
}

/**
 * Saves the ranges editors' secondary zones may take primaries from: each
 * checked and written canonical, a bad one named in the field's errors.
 */
export async function saveSecondaryZonesSettings(input: { editorPrimaryRanges: string[] }): Promise<SecondaryZonesSettings> {
  const errors: string[] = [];
  const editorPrimaryRanges = input.editorPrimaryRanges.map((t) => {
    try {
      return parseRange(t);
    } catch (err) {
      errors.push((err as Error).message);
      return t;
    }
  });
  if (editorPrimaryRanges.length > 100) errors.push(`at most 100 ranges (${editorPrimaryRanges.length} given); join neighbours into a wider range`);
  if (errors.length) throw new AppError('invalid', 'The secondary zone settings were not saved; fix the field marked.', { editorPrimaryRanges: errors });
  return setSetting('secondaryZones', { editorPrimaryRanges: [...new Set(editorPrimaryRanges)] });
}
