// Writes of admin settings: validated against the key's schema, stored whole.
import { z } from 'zod';
import { db } from '../db';
import { ZoneError } from '../zones/errors';
import { SETTINGS, type SettingKey, type SettingValue } from './schema';

export async function setSetting<K extends SettingKey>(key: K, value: unknown): Promise<SettingValue<K>> {
  const schema: z.ZodType = SETTINGS[key];
  const parsed = schema.safeParse(value);
  if (!parsed.success) {
    const fieldErrors = z.flattenError(parsed.error as z.ZodError<Record<string, unknown>>).fieldErrors as Record<string, string[]>;
    throw new ZoneError('invalid', 'The settings were not saved; fix the fields marked.', fieldErrors);
  }
  const json = JSON.stringify(parsed.data);
  await db().setting.upsert({ where: { key }, create: { key, value: json }, update: { value: json } });
  return parsed.data as SettingValue<K>;
}
